"""A small fixed-window rate limit on the shared cache (file cache locally, Redis in
production): enough to keep the public search from being scraped or hammered."""

import time
from collections.abc import Sequence

from django.conf import settings

from seedreg.lib.roundtrip import count_and_read


def client_ip(request) -> str:
    """The address that our own reverse proxies saw. nginx appends the address it saw to
    X-Forwarded-For, so with PROXY_COUNT trusted proxies the client is that many entries from the
    right; whatever stands further left was written by the client and would let it dodge the
    limit with a new made-up address per request. Without a proxy the header is ignored."""
    count = settings.PROXY_COUNT
    if count:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if len(hops) >= count:
            return hops[-count]
    return request.META.get("REMOTE_ADDR", "")


def hit_and_read(scope: str, key: str, *, limit: int, window: int = 60,
                 read: Sequence[str] = ()) -> tuple[bool, list]:
    """Count one request of ``key`` and read the cache entries ``read`` in the same round trip.
    Returns (False when ``key`` has made more than ``limit`` requests in this window, values)."""
    bucket = f"rl:{scope}:{key}:{int(time.time()) // window}"
    count, values = count_and_read(bucket, window + 5, read)
    return count <= limit, values


def hit(scope: str, key: str, *, limit: int, window: int = 60) -> bool:
    """Count one request; False when ``key`` has made more than ``limit`` in this window."""
    return hit_and_read(scope, key, limit=limit, window=window)[0]
