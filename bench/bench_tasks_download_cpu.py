"""CPU in process of one uncached "my tasks" download (the first of a day), read-only.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/seedreg_prov3 SEEDREG_VAR_DIR=/tmp/var-x \\
        .venv/bin/python bench/bench_tasks_download_cpu.py --user bench-inspector1 --days 1 --runs 7

Computes the body the endpoint computes when nothing is kept (``mobile_api.endpoints.tasks.
download_body``: the selectors' reads, the schema, JSON) ``--runs`` times inside one READ ONLY
transaction that is rolled back (the database is not written: the serial blocks are passed in
empty rather than topped up, so the body lacks only those). Prints the fastest run's CPU
(``time.process_time``), that run's SQL time and wall time, the number of queries, the body's
size and its SHA-1 with ``generated_at`` blanked (equal before and after a change that keeps the
response). ``--profile`` prints the fastest run's cProfile top 25 instead of timing."""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import pstats
import re
import time

from _django import setup


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--user", default="bench-inspector1")
    parser.add_argument("--days", type=int, default=1)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--sort", default="tottime", help="the profile's order (cProfile: tottime, cumulative)")
    args = parser.parse_args()
    setup()
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import translation

    from mobile_api.endpoints.tasks import download_body
    from seedreg.accounts.models import User

    translation.activate("zh-hans")
    user = User.objects.get(username=args.user)
    runs = []
    sql = [0.0]

    def timed(execute, sql_text, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql_text, params, many, context)
        finally:
            sql[0] += time.perf_counter() - start

    with transaction.atomic():
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET TRANSACTION READ ONLY")
        for _ in range(args.runs):
            sql[0] = 0.0
            with CaptureQueriesContext(connection) as queries, connection.execute_wrapper(timed):
                wall, cpu = time.perf_counter(), time.process_time()
                body = download_body(user, args.days, "bench-cpu", serial_blocks=[])
                cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
            runs.append((cpu, sql[0], wall, len(queries), body))
        if args.profile:
            profiler = cProfile.Profile()
            profiler.runcall(download_body, user, args.days, "bench-cpu", serial_blocks=[])
            pstats.Stats(profiler).sort_stats(args.sort).print_stats(25)
        transaction.set_rollback(True)
    cpu, sql_s, wall, n, body = min(runs, key=lambda r: r[0])
    steady = re.sub(rb'"generated_at":"[^"]*"', b'"generated_at":""', body)
    print(f"runs {len(runs)}; fastest: CPU {cpu * 1000:.1f} ms, SQL {sql_s * 1000:.1f} ms, wall {wall * 1000:.1f} ms, "
          f"{n} queries; all CPU ms: {', '.join(f'{r[0] * 1000:.0f}' for r in runs)}")
    print(f"body {len(body)} bytes, sha1 (generated_at blanked) {hashlib.sha1(steady).hexdigest()}")


if __name__ == "__main__":
    main()
