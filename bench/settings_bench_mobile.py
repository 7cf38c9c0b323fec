"""Mobile API benchmark settings: the benchmark settings, without the per-user throttle (the
load generator is one user sending as fast as it can)."""

from bench.settings_bench import *  # noqa: F403

MOBILE_API_USER_RATE = "100000000/s"
