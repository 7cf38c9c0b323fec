"""A small fixed-window rate limit on the shared cache (file cache locally, Redis in
production): enough to keep the public search from being scraped or hammered."""

import time

from django.core.cache import cache


def client_ip(request) -> str:
    # Behind the reverse proxy the real client is the first X-Forwarded-For hop (DESIGN.md: nginx
    # sets it); direct connections use REMOTE_ADDR.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    return forwarded.split(",")[0].strip() or request.META.get("REMOTE_ADDR", "")


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
