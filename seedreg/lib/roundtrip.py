"""Count a hit and read some cache entries in one round trip to the shared cache.

A public page that is rate limited and served from the cache would otherwise talk to Redis
three or four times per request (create the counter, increment it, read the entries), and on
loopback each round trip costs about as much as the rest of a cached answer. On Django's
Redis backend this is one Lua script call; on every other backend (the file cache of the
embedded default, the tests' local-memory cache) it falls back to the ordinary cache calls,
with the same results."""

from __future__ import annotations

import weakref
from collections.abc import Sequence

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache

# KEYS[1]: the counter, KEYS[2..]: the entries to read; ARGV[1]: the counter's life in seconds.
# A new window starts at 0 with its expiry; INCR keeps that expiry.
_COUNT_AND_READ = """
redis.call('SET', KEYS[1], 0, 'EX', ARGV[1], 'NX')
local count = redis.call('INCR', KEYS[1])
if #KEYS > 1 then return {count, redis.call('MGET', unpack(KEYS, 2))} end
return {count, {}}
"""
_scripts = weakref.WeakKeyDictionary()  # Django's Redis client object -> the registered script


def count_and_read(counter: str, window: int, keys: Sequence[str] = ()) -> tuple[int, list]:
    """Add one to the fixed-window counter ``counter`` (created to live ``window`` seconds) and
    read ``keys``. Returns the counter's value after this hit and the keys' values (None where
    missing), in the order given."""
    cache = caches["default"]  # this thread's backend itself, not the module-level proxy
    if isinstance(cache, RedisCache):
        return _redis_count_and_read(cache, counter, window, keys)
    if cache.add(counter, 1, window):
        count = 1
    else:
        try:
            count = cache.incr(counter)
        except ValueError:  # expired between add and incr: this hit opens a new window
            cache.add(counter, 1, window)
            count = 1
    found = cache.get_many(keys) if keys else {}
    return count, [found.get(key) for key in keys]


def _redis_count_and_read(cache, counter, window, keys):
    # Django's RedisCache keeps its redis-py client and value format behind ``_cache``; values
    # read here are decoded with Django's own serializer, so entries written by cache.set/incr
    # read back the same. The script object (and its client) is made once per backend: Django
    # builds a new redis-py client for every cache call, which costs more than the round trip.
    backend = cache._cache
    script = _scripts.get(backend)
    if script is None:
        script = _scripts[backend] = backend.get_client(write=True).register_script(_COUNT_AND_READ)
    names = [cache.make_and_validate_key(key) for key in (counter, *keys)]
    count, raw = script(keys=names, args=[window])
    return count, [None if value is None else backend._serializer.loads(value) for value in raw]
