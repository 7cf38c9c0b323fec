"""Benchmark settings: the real settings plus a trivial view (the throughput ceiling) and no
rate limit on the public search, which the load generator would otherwise hit at once."""

from seedreg.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
PUBLIC_SEARCH_RATE_PER_MINUTE = 10**9
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
