"""A small fixed-window rate limit on the shared cache (file cache locally, Redis in
production): enough to keep the public search from being scraped or hammered."""

import time
from collections.abc import Sequence

from seedreg.lib.roundtrip import count_and_read


def client_ip(request) -> str:
    # Behind the reverse proxy the real client is the first X-Forwarded-For hop (DESIGN.md: nginx
    # sets it); direct connections use REMOTE_ADDR.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    return forwarded.split(",")[0].strip() or request.META.get("REMOTE_ADDR", "")


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
