"""Public licence search at province scale, under gunicorn, against its own ceiling.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/seedreg_bench \\
    CACHE_URL=redis://127.0.0.1:6379/13 .venv/bin/python bench/bench_public_search.py --port 8765

Generates (once per database) 100,000 businesses with 60,000 licences and 90,000 filings,
starts two gunicorns (2 gthread workers × 4 threads each; answers cached on ``--port``, caching
off on the next port) on loopback, and drives them from a separate load-generator process: the
ceiling (a bare Django view returning a JsonResponse the size of a search page, same settings
and middleware), a two-byte trivial view for reference, then searches by name fragment, by
credit code and by licence number. Rounds interleave every scenario; prints the median
requests per second, p50/p95 latency, errors and the SQL queries each kind of search costs."""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
import urllib.parse
import urllib.request

from _django import ROOT, setup

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
WORDS = ["丰收", "金穗", "北方", "绿野", "兴农", "利民", "惠农", "丰禾", "沃土", "嘉禾", "鑫源", "田丰", "禾丰", "农丰",
         "春雨", "大地", "良种", "瑞丰", "稼穑", "五谷", "沃丰", "德农", "宏达", "恒丰", "万家", "华农", "新农", "百信"]
SUFFIXES = ["种业有限公司", "种子门市部", "农资经销处", "种子商店", "玉米种植专业合作社", "农业科技有限公司", "种苗有限公司"]
CITIES = ["沈阳", "大连", "鞍山", "抚顺", "本溪", "丹东", "锦州", "营口", "阜新", "辽阳", "盘锦", "铁岭", "朝阳", "葫芦岛"]


def generate(n_businesses: int):
    from django.db import connection

    from licensing.models import Business

    if Business.objects.count() >= n_businesses:
        return
    started = time.perf_counter()
    build_directory(n_businesses, rng=random.Random(2026),
                    region_of=lambda rng, i: f"21{rng.randint(1, 14):02d}{rng.randint(1, 30):02d}")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"generated in {time.perf_counter() - started:.0f} s")


def build_directory(n_businesses: int, *, rng, region_of, location_of=None):
    """``n_businesses`` businesses with their search tokens, 60 % with a licence and 90 % with a
    filing, in batches of 5,000. ``region_of(rng, i)`` gives each one's region code (county or
    township) and ``location_of(rng, region)`` its (latitude, longitude) or None. Used here and
    by the province generator (bench/generate_province.py)."""
    from django.db import connection

    from licensing import search
    from licensing.demo import credit_code
    from licensing.models import (
        Business,
        BusinessSearchToken,
        Crop,
        Filing,
        FilingItem,
        LicenceTerm,
        SeedLicence,
        Variety,
    )
    from seedreg.regulated import service_context

    maize = Crop.objects.get(code="maize")
    with service_context():
        varieties = [Variety.objects.get_or_create(crop=maize, name=f"辽单{500 + i}",
                                                   defaults={"approval_number": f"辽审玉2020{i:04d}"})[0]
                     for i in range(20)]
        batch = 5000
        licence_no = 0
        for start in range(0, n_businesses, batch):
            rows = []
            for i in range(start, min(start + batch, n_businesses)):
                region = region_of(rng, i)
                name = f"{rng.choice(CITIES)}{rng.choice(WORDS)}{rng.choice(WORDS)}{rng.choice(SUFFIXES)}{i}"
                latitude, longitude = (location_of(rng, region) if location_of else None) or (None, None)
                rows.append(Business(name=name, kind=rng.choice(["producer", "wholesaler", "packaged_seller",
                                                                  "consignment", "branch"]),
                                     credit_code=credit_code("91" + region[:6], i), region_code=region,
                                     legal_representative=rng.choice(SURNAMES) + "某",
                                     latitude=latitude, longitude=longitude))
            Business.objects.bulk_create(rows, batch_size=batch)
            if connection.vendor == "sqlite":  # no RETURNING ids from bulk_create on old SQLite
                rows = list(Business.objects.order_by("-id")[: len(rows)])
            BusinessSearchToken.objects.bulk_create(
                [BusinessSearchToken(business=b, token=t) for b in rows for t in search.name_tokens(b.name)],
                batch_size=20000)
            licences, filings = [], []
            for k, b in enumerate(rows):
                if k % 5 < 3:  # 60%: a licence
                    licence_no += 1
                    cls = rng.choice("ABCD")
                    number = f"{cls}(辽{rng.choice(CITIES)[0]})农种许字({rng.randint(2016, 2025)})第{licence_no:05d}号"
                    licences.append(SeedLicence(business=b, number=number, number_normalized=number, licence_class=cls,
                                                issuing_authority="辽", first_issue_year=2016,
                                                sequence=f"{licence_no:05d}", issuing_organ="辽宁省农业农村厅"))
                if k % 10 < 9:  # 90%: a filing
                    filings.append(Filing(business=b, filing_type="packaged_seller",
                                          principal_licence_number="A(辽)农种许字(2016)第0008号", sale_location="门店",
                                          filed_on="2025-03-01", event_on="2025-03-01", deadline_on="2025-03-01",
                                          deadline_rule="开始销售前"))
            SeedLicence.objects.bulk_create(licences, batch_size=batch)
            Filing.objects.bulk_create(filings, batch_size=batch)
            if connection.vendor == "sqlite":
                licences = list(SeedLicence.objects.order_by("-id")[: len(licences)])
                filings = list(Filing.objects.order_by("-id")[: len(filings)])
            LicenceTerm.objects.bulk_create([LicenceTerm(licence=lic, issued_on="2022-01-01",
                                                         expires_on=f"{rng.randint(2026, 2028)}-06-30")
                                             for lic in licences], batch_size=batch)
            SeedLicence.crops.through.objects.bulk_create(
                [SeedLicence.crops.through(seedlicence=lic, crop=maize) for lic in licences], batch_size=batch)
            FilingItem.objects.bulk_create([FilingItem(filing=f, variety=rng.choice(varieties)) for f in filings],
                                           batch_size=batch)
            print(f"  generated {min(start + batch, n_businesses):>7} businesses", flush=True)


def samples(n=200):
    from licensing.models import Business, SeedLicence

    rng = random.Random(7)
    names = list(Business.objects.order_by("?").values_list("name", flat=True)[:n])
    fragments = []
    for name in names:
        base = name.rstrip("0123456789")
        start = rng.randint(0, max(0, len(base) - 4))
        fragments.append(base[start:start + rng.choice([2, 3, 4])])
    codes = list(Business.objects.order_by("?").values_list("credit_code", flat=True)[:n])
    numbers = list(SeedLicence.objects.order_by("?").values_list("number", flat=True)[:n])
    return {"name": fragments, "credit_code": codes, "licence_number": numbers}


def query_counts(sample):
    """SQL queries per search, uncached (a first search) and cached (a repeated one)."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    out = {}
    for kind, values in sample.items():
        counts = {"uncached": set(), "cached": set()}
        for value in values[:20]:
            for label, seconds in (("uncached", 0), ("cached", 600), ("cached", 600)):
                settings.PUBLIC_SEARCH_CACHE_SECONDS = seconds
                with CaptureQueriesContext(connection) as ctx:
                    response = client.get("/verify/", {"q": value})
                assert response.status_code == 200, response.status_code
                counts[label].add(len(ctx))
        # The first cached request fills the cache (it costs what an uncached one does); the
        # figure that matters is the repeat, which is the smallest.
        out[kind] = {"uncached": sorted(counts["uncached"]), "cached": min(counts["cached"])}
    return out


def page_size(port, path):
    return len(urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=60).read())


def wait_until_up(url, seconds=60):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"gunicorn did not come up at {url}")


def load(port, paths, seconds, concurrency):
    result = subprocess.run([sys.executable, str(ROOT / "bench" / "loadgen.py"), "127.0.0.1", str(port),
                             str(seconds), str(concurrency)], input=json.dumps(paths), capture_output=True,
                            text=True, check=True)
    return json.loads(result.stdout)


def start_server(port, cache_seconds):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings_bench", "PYTHONPATH": str(ROOT),
           "PUBLIC_SEARCH_CACHE_SECONDS": cache_seconds}
    return subprocess.Popen([str(ROOT / ".venv" / "bin" / "gunicorn"), "seedreg.wsgi", "-b", f"127.0.0.1:{port}",
                             "--workers", "2", "--worker-class", "gthread", "--threads", "4",
                             "--log-level", "warning"], cwd=ROOT, env=env)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--businesses", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--port", type=int, default=8765, help="cached server; the uncached one uses port+1")
    args = parser.parse_args()
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings_bench"
    sys.path.insert(0, str(ROOT))
    setup("bench.settings_bench")
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    generate(args.businesses)
    sample = samples()
    counts = query_counts(sample)
    db = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    cache_backend = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    # Two servers side by side: answers cached (steady state: the same shops are looked up
    # again and again) and caching off (every search is a first search). Every scenario runs
    # once per round, rounds interleave, and the median of the rounds is reported.
    cached_port, uncached_port = args.port, args.port + 1
    servers = [start_server(cached_port, "600"), start_server(uncached_port, "0")]
    try:
        for port in (cached_port, uncached_port):
            wait_until_up(f"http://127.0.0.1:{port}/bench/trivial")
        searches = {kind: ["/verify/?q=" + urllib.parse.quote(v) for v in values] for kind, values in sample.items()}
        # Every sampled query answered once before timing (steady state of the cached server).
        for paths in searches.values():
            for path in paths:
                urllib.request.urlopen(f"http://127.0.0.1:{cached_port}{path}", timeout=60).read()
        # STYLE.md's ceiling: a bare view returning a JsonResponse of similar size, one per kind
        # of search (a name fragment's page lists up to 20 businesses, a code's one).
        sizes = {kind: sorted(page_size(cached_port, path) for path in paths[::10]) for kind, paths in searches.items()}
        typical = {kind: sum(found) // len(found) for kind, found in sizes.items()}  # mean bytes per request
        ceilings = {kind: (cached_port, [f"/bench/ceiling/{size}"]) for kind, size in typical.items()}
        scenarios = {"trivial view, 2-byte body": (cached_port, ["/bench/trivial"], "credit_code")}
        for kind, paths in searches.items():
            scenarios[f"{kind}, cached"] = (cached_port, paths, kind)
        for kind, paths in searches.items():
            scenarios[f"{kind}, uncached"] = (uncached_port, paths, kind)
        for port, paths in [*ceilings.values(), *(scenario[:2] for scenario in scenarios.values())]:  # warm every connection
            load(port, paths, 2, args.concurrency)
        # The machine is shared, so its load drifts from one second to the next: each
        # scenario runs right after a run of its ceiling, and its share is the median of these
        # paired ratios.
        runs = {name: [] for name in scenarios}
        ceiling_runs = {kind: [] for kind in ceilings}
        shares = {name: [] for name in scenarios}
        for n in range(args.rounds):
            for name, (port, paths, kind) in scenarios.items():
                c = load(*ceilings[kind], args.seconds, args.concurrency)
                r = load(port, paths, args.seconds, args.concurrency)
                time.sleep(2)  # let requests still in flight (slow uncached searches) finish
                ceiling_runs[kind].append(c)
                runs[name].append(r)
                shares[name].append(r["rps"] / c["rps"])
                print(f"  round {n + 1}: ceiling {c['rps']:5.0f} req/s, {name:<26}{r['rps']:>6.0f} req/s "
                      f"({r['rps'] / c['rps']:4.0%})  p95 {r['p95_ms']:5.1f} ms  errors {c['errors'] + r['errors']}",
                      flush=True)
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=30)

    def median(values):
        return sorted(values)[len(values) // 2]

    print(f"\npublic search, {args.businesses:,} businesses, {db}, cache {cache_backend}, gunicorn 2×4 gthread, "
          f"{args.concurrency} concurrent clients, {args.rounds} rounds of {args.seconds:.0f} s runs, each paired "
          f"with a run of its ceiling just before it; medians")
    print(f"{'scenario':<36}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'errors':>8}{'of ceiling':>12}  SQL/request")
    rows = {f"ceiling: JsonResponse {typical[kind]} B ({kind})": (results, None, "")
            for kind, results in ceiling_runs.items()}
    rows.update({name: (runs[name], shares[name], name) for name in runs})
    for title, (results, share, name) in rows.items():
        kind, _, label = name.partition(", ")
        sql = counts[kind][label] if kind in counts else 0
        print(f"{title:<36}{median([r['rps'] for r in results]):>8.0f}{median([r['p50_ms'] for r in results]):>9.1f}"
              f"{median([r['p95_ms'] for r in results]):>9.1f}{sum(r['errors'] for r in results):>8}"
              f"{median(share) if share else 1:>12.0%}  {sql}")
    print("search page sizes (bytes, min–mean–max): " + ", ".join(
        f"{kind} {found[0]}–{typical[kind]}–{found[-1]}" for kind, found in sizes.items()))

if __name__ == "__main__":
    main()
