"""The phones' "my tasks" download, kept whole as the bytes sent.

A download depends on the user, the window asked for (``days``), the date (a licence's status
is computed for a day), the language (labels) and the data, whose every change bumps
``seedreg.sync.versions``' download version. The answer is kept under the first four together
with the version it was computed from, in the shared cache and in this process's memory
(``_near``); an answer from another version is recomputed. The version is read in the same
round trip to the shared cache as the per-user throttle's counter (``mobile_api.auth``), so a
repeated download costs that round trip, the token's query and no other work."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import get_language

from seedreg.lib.lru import LRU
from seedreg.sync.versions import VERSION_KEY, download_version

# At most ~200 downloads of ~100 KB per process.
_near = LRU(maxsize=200)

CONTENT_TYPE = "application/json; charset=utf-8"


def cache_keys() -> list[str]:
    """The shared-cache entries to read in the throttle's round trip (empty when off)."""
    return [VERSION_KEY] if settings.MOBILE_DOWNLOAD_CACHE_SECONDS else []


def _version(request) -> int:
    read = getattr(request, "mobile_cache_reads", None) or {}
    version = read.get(VERSION_KEY)
    if version is None:
        version = cache.get(VERSION_KEY)
    return version if version is not None else download_version()


def cached_download(request, name: str, params: str, compute) -> HttpResponse:
    """The response for ``name`` with ``params`` for ``request``'s user: ``compute()`` returns the
    body's bytes; it runs only when no answer of the current version is kept."""
    seconds = settings.MOBILE_DOWNLOAD_CACHE_SECONDS
    if not seconds:
        return HttpResponse(compute(), content_type=CONTENT_TYPE)
    # Read before computing: a write committed meanwhile bumps past it, so the answer is redone.
    version = _version(request)
    digest = hashlib.sha1(f"{params}:{get_language()}".encode()).hexdigest()[:16]
    key = f"mobile:download:{name}:{request.auth.user_id}:{timezone.localdate():%Y%m%d}:{digest}"
    entry = _near.get(key)
    if entry is None or entry[0] != version:
        entry = cache.get(key)
        if entry is None or entry[0] != version:
            entry = (version, compute())
            cache.set(key, entry, seconds)
        _near.put(key, entry)
    return HttpResponse(entry[1], content_type=CONTENT_TYPE)
