"""The phones' "my tasks" download, kept whole as the bytes sent (and those bytes gzipped).

A download depends on the user, the window asked for (``days``), the date (a licence's status
is computed for a day), the language (labels) and the data, whose every change bumps one of
``seedreg.sync.versions``' download versions: the global one, or the county's of the row
written. The answer is kept under the first four together with the versions it was computed
from (global and the user's county), in the shared cache and in this process's memory
(``_near``); an answer from other versions is recomputed. The versions are read in the same
round trip to the shared cache as the per-user throttle's counter (``mobile_api.auth``), so a
repeated download costs that round trip and no other work: the kept bytes are sent as they
are, gzipped once when kept for the phones that accept it (they all do)."""

from __future__ import annotations

import gzip
import hashlib
import re

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language

from seedreg.lib.lru import LRU
from seedreg.sync.versions import county_of, download_version_keys, read_version

# At most ~200 downloads of ~100 KB (and their ~15 KB gzipped) per process.
_near = LRU(maxsize=200)

CONTENT_TYPE = "application/json; charset=utf-8"
_GZIP = re.compile(r"\bgzip\b")


def cache_keys(user) -> list[str]:
    """The shared-cache entries to read in the throttle's round trip (empty when off)."""
    if not settings.MOBILE_DOWNLOAD_CACHE_SECONDS:
        return []
    return download_version_keys(county_of(user.region_id)) or []


def _versions(request, keys: list[str], *, fresh: bool = False) -> tuple:
    read = {} if fresh else getattr(request, "mobile_cache_reads", None) or {}
    missing = [k for k in keys if read.get(k) is None]
    if missing:  # not read with the throttle (or asked fresh): one more round trip
        read = {**read, **cache.get_many(missing)}
    return tuple(read[k] if read.get(k) is not None else read_version(k) for k in keys)


def _response(request, body: bytes, gzipped: bytes | None) -> HttpResponse:
    if gzipped is not None and _GZIP.search(request.headers.get("Accept-Encoding", "")):
        response = HttpResponse(gzipped, content_type=CONTENT_TYPE)
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(body, content_type=CONTENT_TYPE)
    if gzipped is not None:
        patch_vary_headers(response, ("Accept-Encoding",))
    return response


def cached_download(request, name: str, params: str, compute, prepare=None) -> HttpResponse:
    """The response for ``name`` with ``params`` for ``request``'s user: ``compute(prepared)``
    returns the body's bytes; it runs only when no answer of the current versions is kept.
    ``prepare()`` makes the writes an answer needs (reserving serial numbers) and returns what
    ``compute`` needs of them; it runs before the versions are read again, so its own writes do
    not make the answer it is part of stale (the first download of a day was computed twice)."""
    seconds = settings.MOBILE_DOWNLOAD_CACHE_SECONDS
    keys = download_version_keys(county_of(request.auth.user.region_id)) if seconds else None
    if keys is None:  # off, or a user of no single county (no one version covers their data)
        return _response(request, compute(prepare() if prepare else None), None)
    # Read before computing: a write committed meanwhile bumps past it, so the answer is redone.
    versions = _versions(request, keys)
    digest = hashlib.sha1(f"{params}:{get_language()}".encode()).hexdigest()[:16]
    key = f"mobile:download:{name}:{request.auth.user_id}:{timezone.localdate():%Y%m%d}:{digest}"
    entry = _near.get(key)
    if entry is None or entry[0] != versions:
        entry = cache.get(key)
        if entry is None or entry[0] != versions:
            prepared = None
            if prepare is not None:
                prepared = prepare()
                versions = _versions(request, keys, fresh=True)
            body = compute(prepared)
            entry = (versions, body, gzip.compress(body, compresslevel=6, mtime=0))
            cache.set(key, entry, seconds)
        _near.put(key, entry)
    return _response(request, entry[1], entry[2])
