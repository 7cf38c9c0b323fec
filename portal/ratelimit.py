"""A small fixed-window rate limit on the shared cache (file cache locally, Redis in
production): enough to keep the public search from being scraped or hammered."""

import time

from django.conf import settings
from django.core.cache import cache


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


def hit(scope: str, key: str, *, limit: int, window: int = 60) -> bool:
    """Count one request; False when ``key`` has made more than ``limit`` in this window."""
    bucket = f"rl:{scope}:{key}:{int(time.time()) // window}"
    if cache.add(bucket, 1, window + 5):
        return True
    try:
        return cache.incr(bucket) <= limit
    except ValueError:  # expired between add and incr
        cache.add(bucket, 1, window + 5)
        return True
