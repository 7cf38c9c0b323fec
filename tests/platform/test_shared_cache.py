"""One round trip to the shared cache: a fixed-window counter and some entries read with it,
the same on Redis (one script call) and on the other backends (ordinary cache calls)."""

import pytest
from django.core.cache import cache, caches

from portal.ratelimit import hit, hit_and_read
from seedreg.lib.roundtrip import count_and_read


def test_it_counts_hits_and_reads_entries_written_by_the_cache_api(shared_cache):
    cache.set("page", ("v7", "种业 <b>有效</b>"))
    cache.set("version", 7)
    cache.incr("version")
    assert count_and_read("hits", 60, ["version", "page", "missing"]) == (1, [8, ("v7", "种业 <b>有效</b>"), None])
    assert count_and_read("hits", 60) == (2, [])
    assert count_and_read("other", 60, ["page"])[0] == 1
    assert cache.get("hits") == 2  # the counter reads back through the cache API too


@pytest.mark.parametrize("shared_cache", ["redis"], indirect=True)  # elsewhere it is cache.add(timeout)
def test_a_new_counter_on_redis_expires_with_its_window(shared_cache):
    count_and_read("hits", 60)
    count_and_read("hits", 60)  # a later hit keeps the window's expiry
    backend = caches["default"]
    assert 0 < backend._cache.get_client(write=True).ttl(backend.make_key("hits")) <= 60


def test_the_rate_limit_refuses_the_request_after_the_limit(shared_cache):
    assert [hit("test", "10.0.0.1", limit=3) for _ in range(5)] == [True, True, True, False, False]
    assert hit("test", "10.0.0.2", limit=3)  # another address has its own count
    cache.set("answer", "ok")
    assert hit_and_read("test", "10.0.0.3", limit=1, read=["answer"]) == (True, ["ok"])
    assert hit_and_read("test", "10.0.0.3", limit=1, read=["answer"]) == (False, ["ok"])
