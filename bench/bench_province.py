"""The key pages and API operations at province scale (issue 8), through a real server.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/seedreg_province CACHE_URL=redis://127.0.0.1:6379/9 \\
        .venv/bin/python bench/bench_province.py --port 8370 --runs 20

On the database built by bench/generate_province.py. Logs in as the people who wait on these
pages — 建平县's station chief, its lab technician, a dealer, an inspector with a phone token —
and the public; starts gunicorn (2 gthread workers × 4 threads, bench settings: DEBUG off, no
public-search rate limit) on loopback and requests each page ``--runs`` times, one request at a
time after a warm-up, printing p50 and p95. A second pass through Django's test client (same
process as the data, same database) counts the SQL queries of each request. Most scenarios have
two variants with very different amounts of data behind them (the hot lot's wholesaler and a
small shop, the first and a late page, a lot sold to 200 shops and 5,000 farmers and a lot sold
to 20 farmers): equal query counts are the evidence that the count does not grow with the data.
Prints a Markdown table; asserts nothing about time."""

from __future__ import annotations

import argparse
import datetime
import http.client
import json
import os
import subprocess
import sys
import time
import urllib.parse
import uuid

from _django import ROOT, percentile, setup

SETTINGS = "bench.settings_bench"
COUNTY = "211322"
API = "/api/mobile/v1"
# A path starting with this is requested right after a bump of the download version, as after
# any change a phone downloads (mobile_api.download_cache): the first download of the day.
FRESH = "fresh:"


def fresh(path):
    """``path`` without the FRESH mark; bumps the download version first when it has it."""
    if not path.startswith(FRESH):
        return path
    from seedreg.sync.versions import bump_download_version

    bump_download_version()
    return path.removeprefix(FRESH)


def subjects():
    """The ids the scenarios need, read from the generated data."""
    from inspections.models import Campaign
    from labs.models import LabSample, LabTest
    from licensing.models import Business, LedgerEntry, SeedLicence, SeedLot
    from seedreg.accounts.models import User

    hot = SeedLot.objects.get(lot_number="P0000000")
    county_businesses = Business.objects.filter(region_code__startswith=COUNTY)
    wholesaler = LedgerEntry.objects.filter(lot=hot, kind="purchase", counterparty_business__isnull=True).first().business
    holder = (LedgerEntry.objects.filter(lot=hot, kind="purchase", counterparty_business=wholesaler)
              .order_by("pk").first().business)
    quiet_lot = (LedgerEntry.objects.filter(business=holder).exclude(lot=hot).values_list("lot_id", flat=True)
                 .first())
    reported = LabSample.objects.filter(region_code__startswith=COUNTY, status="reported").order_by("-pk").first()
    received = LabSample.objects.filter(region_code__startswith=COUNTY, status="received").order_by("-pk").first()
    licence = SeedLicence.objects.filter(business__region_code__startswith=COUNTY).order_by("pk").first()
    some_name = county_businesses.order_by("pk").values_list("name", flat=True)[100]
    return {
        "chief": User.objects.get(username=f"p-chief-{COUNTY}"),
        "lab": User.objects.get(username=f"p-lab-{COUNTY}"),
        "dealer": User.objects.get(username=f"p-dealer-{COUNTY}"),
        "inspector": User.objects.get(username="bench-inspector1"),
        "partner": User.objects.get(username="bench-inspector2"),
        "hot": hot, "quiet_lot": quiet_lot, "wholesaler": wholesaler, "holder": holder,
        "campaign": Campaign.objects.filter(region_code__startswith=COUNTY).order_by("-pk").first(),
        "reported": reported, "received": received,
        "test": LabTest.objects.filter(sample=received).order_by("pk").first(),
        "licence": licence, "fragment": urllib.parse.quote(some_name[2:5]),
        "shop": Business.objects.filter(name__startswith="基准门店").order_by("pk").first(),
    }


def scenarios(s, token):
    """(name, who, [variant requests]) — a request is a path or {"method", "path", "body"}."""
    hot, w, h = s["hot"], s["wholesaler"], s["holder"]
    entries_w = w.ledger_entries.count()
    last_page = max(1, (entries_w + 49) // 50)
    from licensing.models import Business

    n_county = Business.objects.filter(region_code__startswith=COUNTY).count()
    lat, lng = float(s["shop"].latitude), float(s["shop"].longitude)
    return [
        ("trivial view, no database (the machine's load)", "public", ["/bench/trivial"]),
        ("home (dashboard)", "chief", ["/"]),
        (f"business list, page 1 / page 30 ({n_county:,} in the county)", "chief",
         ["/licensing/", "/licensing/?page=30"]),
        ("business list, name search", "chief", [f"/licensing/?q={s['fragment']}"]),
        ("business detail (hot wholesaler / shop with 2 entries)", "chief",
         [f"/licensing/businesses/{w.pk}/", f"/licensing/businesses/{s['shop'].pk}/"]),
        (f"business ledger, page 1 / last page ({entries_w:,} entries) / a shop's (2 entries)", "chief",
         [f"/licensing/businesses/{w.pk}/ledger/", f"/licensing/businesses/{w.pk}/ledger/?page={last_page}",
          f"/licensing/businesses/{s['shop'].pk}/ledger/"]),
        ("lot detail + forward trace (hot lot: 200 shops, 5,000 farmers / a quiet lot)", "chief",
         [f"/licensing/lots/{hot.pk}/", f"/licensing/lots/{s['quiet_lot']}/"]),
        ("backward trace of a lot at a shop", "chief", [f"/licensing/businesses/{h.pk}/lots/{hot.pk}/trace/"]),
        ("stop-sale orders", "chief", ["/licensing/stop-sales/"]),
        ("business timeline", "chief", [f"/inspections/businesses/{w.pk}/timeline/"]),
        ("campaigns", "chief", ["/inspections/"]),
        ("campaign with its draw (draw page)", "chief", [f"/inspections/campaigns/{s['campaign'].pk}/"]),
        ("open tasks", "chief", ["/inspections/tasks/"]),
        ("inspectors", "chief", ["/inspections/inspectors/"]),
        ("rectification orders", "chief", ["/inspections/rectifications/"]),
        ("lab queue, page 1 / page 5", "lab", ["/labs/", "/labs/?page=5"]),
        ("lab sample (received / reported: the report page)", "lab",
         [f"/labs/samples/{s['received'].pk}/", f"/labs/samples/{s['reported'].pk}/"]),
        ("lab worksheet", "lab", [f"/labs/tests/{s['test'].pk}/"]),
        ("dealer home", "dealer", ["/dealer/"]),
        ("dealer ledger", "dealer", ["/dealer/ledger/"]),
        ("dealer's test reports", "dealer", ["/labs/my/reports/"]),
        ("inspector's day (web)", "inspector", ["/inspections/my-day/"]),
        ("API: my tasks download (40 tasks), cached repeat", "phone", [f"{API}/tasks?days=1"]),
        ("API: my tasks download (40 tasks), uncached (first of the day)", "phone", [FRESH + f"{API}/tasks?days=1"]),
        ("API: me", "phone", [f"{API}/me"]),
        ("API: nearby businesses (2 km / 20 km)", "phone",
         [f"{API}/businesses/nearby?lat={lat}&lng={lng}", f"{API}/businesses/nearby?lat={lat}&lng={lng}&radius_m=20000"]),
        ("API: business card", "phone", [f"{API}/businesses/{s['shop'].pk}"]),
        ("API: sync, one check-in", "phone", "sync"),
        ("public: licence search (name fragment)", "public", [f"/verify/?q={s['fragment']}"]),
        ("public: licence page", "public", [f"/v/{s['licence'].public_token}"]),
        ("public: lot page (hot lot)", "public", [f"/lot/{hot.public_token}"]),
        ("public: inspection results", "public", ["/inspections/public/"]),
    ]


def sync_body(s):
    now = datetime.datetime.now(datetime.UTC).isoformat()
    return {"objects": [{"type": "visit", "uuid": str(uuid.uuid4()), "revision": str(uuid.uuid4()),
                         "data": {"business_id": s["shop"].pk, "partner_ids": [s["partner"].pk],
                                  "checked_in_at": now, "checkin": {"latitude": float(s["shop"].latitude),
                                                                    "longitude": float(s["shop"].longitude),
                                                                    "accuracy_m": 10}}}]}


def count_queries(s, token, table):
    """Second pass: SQL queries per request through the test client (same middleware)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    clients = {"public": Client()}
    for who in ("chief", "lab", "dealer", "inspector"):
        clients[who] = Client()
        clients[who].force_login(s[who])
    clients["phone"] = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    out = {}
    for name, who, variants in table:
        counts = []
        for v in (["sync"] if variants == "sync" else variants):
            client = clients[who]
            for _ in range(2):  # the second request is the steady state (caches, serial blocks)
                with CaptureQueriesContext(connection) as ctx:
                    if v == "sync":
                        r = client.post(f"{API}/sync", sync_body(s), content_type="application/json")
                    else:
                        r = client.get(fresh(v))
            assert r.status_code == 200, (name, v, r.status_code, r.content[:300])
            counts.append(len(ctx))
        out[name] = counts
    return out


def sessions(s):
    from django.conf import settings
    from django.test import Client

    cookies = {}
    for who in ("chief", "lab", "dealer", "inspector"):
        client = Client()
        client.force_login(s[who])
        cookies[who] = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    return cookies


def timed(port, who, variants, runs, cookies, token, s):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Accept-Language": "zh-hans"}
    if who == "phone":
        headers["Authorization"] = f"Bearer {token}"
    elif who != "public":
        headers["Cookie"] = cookies[who]
    times = []
    requests = ["sync"] if variants == "sync" else variants
    for i in range(runs + 1):
        for v in requests:
            if v == "sync":
                body = json.dumps(sync_body(s)).encode()
                started = time.perf_counter()
                conn.request("POST", f"{API}/sync", body=body, headers={**headers, "Content-Type": "application/json"})
            else:
                path = fresh(v)
                started = time.perf_counter()
                conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            elapsed = time.perf_counter() - started
            if response.status != 200:
                raise SystemExit(f"{v}: HTTP {response.status}")
            if i:  # the first round warms up
                times.append(elapsed * 1000)
    conn.close()
    return times


class _RolledBack(Exception):
    pass


def draw_subjects():
    """The draws to time: over 建平县 (2,000 businesses, the hot lot, ~10 % of the province's
    ledger entries) and over the smallest county with businesses, each with its station chief."""
    from licensing.models import Business, LedgerEntry
    from seedreg.accounts.models import User

    small = (Business.objects.exclude(region_code__startswith=COUNTY).values_list("region_code", flat=True)
             .order_by("region_code").first()[:6])
    out = []
    for county in (COUNTY, small):
        out.append({"county": county, "chief": User.objects.get(username=f"p-chief-{county}"),
                    "businesses": Business.objects.filter(region_code__startswith=county).count(),
                    "entries": LedgerEntry.objects.filter(region_code__startswith=county).count()})
    return out


def time_draw(chief, runs, *, first_batch):
    """``run_draw`` on a fresh campaign over the chief's whole county, inside a transaction that
    is rolled back (the draw's work is its reads: the POST that runs it adds a redirect). Returns
    the times (ms) and the queries of the last run."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from inspections import services

    today = timezone.localdate()
    times, queries = [], 0
    for i in range(runs + 1):
        try:
            with transaction.atomic():
                plan = services.create_plan(actor=chief, year=today.year, title="抽取计时")
                campaign = services.create_campaign(
                    plan, actor=chief, name="抽取计时", mode="sweep", season="spring_in_sale", starts_on=today,
                    ends_on=today + datetime.timedelta(days=30), crops=["maize"], sampling_target=10,
                    take_first_batch=first_batch)
                with CaptureQueriesContext(connection) as ctx:
                    started = time.perf_counter()
                    services.run_draw(campaign, actor=chief, ratio="0.05", seed=f"bench-{i}")
                    elapsed = time.perf_counter() - started
                raise _RolledBack
        except _RolledBack:
            pass
        if i:  # the first run warms up
            times.append(elapsed * 1000)
            queries = len(ctx)
    return times, queries


def time_ledger_reads(region_code, runs):
    """The draw's region-wide ledger reads (large-volume sellers, recently unqualified) over any
    region prefix: draws are per county (plans are), this shows the same reads over a city."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from inspections.services.draws import ledger_priorities

    times = []
    for i in range(runs + 1):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            ledger_priorities(region_code, as_of=timezone.localdate(), unqualified_months=24, large_volume_kg=10000)
            elapsed = time.perf_counter() - started
        if i:
            times.append(elapsed * 1000)
    return times, len(ctx)


def draw_rows(runs):
    """Rows (name, p50, p95, queries) for the draw at province scale, measured in process."""
    from licensing.models import LedgerEntry

    rows = []
    counties = draw_subjects()
    for first_batch in (False, True):
        for c in counties:
            t, q = time_draw(c["chief"], runs, first_batch=first_batch)
            rows.append((f"double-random draw over county {c['county']} ({c['businesses']:,} businesses, "
                         f"{c['entries']:,} ledger entries){', with first-batch lots' if first_batch else ''}", t, q))
            print(f"  {rows[-1][0]}: p50 {percentile(t, 50):.0f} ms, p95 {percentile(t, 95):.0f} ms, queries {q}",
                  flush=True)
    city = COUNTY[:4]
    entries = LedgerEntry.objects.filter(region_code__startswith=city).count()
    t, q = time_ledger_reads(city, runs)
    rows.append((f"the draw's ledger reads over city {city} ({entries:,} ledger entries)", t, q))
    print(f"  {rows[-1][0]}: p50 {percentile(t, 50):.0f} ms, p95 {percentile(t, 95):.0f} ms, queries {q}", flush=True)
    return rows


def wait_until_up(port, seconds=60):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not come up")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=8370)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--only", help="scenarios whose name contains this")
    parser.add_argument("--no-server", action="store_true", help="query counts only")
    parser.add_argument("--no-draw", action="store_true", help="skip the in-process draw timings")
    args = parser.parse_args()
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
    setup(SETTINGS)
    from django.conf import settings
    from django.test.utils import setup_test_environment

    from licensing.models import LedgerEntry
    from mobile_api.services import issue_device_token

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["*"]
    s = subjects()
    _token, token = issue_device_token(actor=s["inspector"], device_id="province-phone", device_name="省级基准手机")
    table = scenarios(s, token)
    if args.only:
        table = [t for t in table if args.only in t[0]]
    print(f"province: {LedgerEntry.objects.count():,} ledger entries", flush=True)
    queries = count_queries(s, token, table)
    results = {}
    if not args.no_server:
        cookies = sessions(s)
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": SETTINGS, "PYTHONPATH": str(ROOT)}
        server = subprocess.Popen([str(ROOT / ".venv" / "bin" / "gunicorn"), "seedreg.wsgi", "-b",
                                   f"127.0.0.1:{args.port}", "--workers", "2", "--worker-class", "gthread",
                                   "--threads", "4", "--log-level", "warning"], cwd=ROOT, env=env)
        try:
            wait_until_up(args.port)
            for name, who, variants in table:
                results[name] = timed(args.port, who, variants, args.runs, cookies, token, s)
                t = results[name]
                print(f"  {name}: p50 {percentile(t, 50):.0f} ms, p95 {percentile(t, 95):.0f} ms, "
                      f"queries {queries[name]}", flush=True)
        finally:
            server.terminate()
            server.wait(timeout=30)
    print("\n| page or operation | who | p50 ms | p95 ms | SQL queries per request (each variant) |")
    print("| --- | --- | ---: | ---: | --- |")
    for name, who, _v in table:
        t = results.get(name)
        p50 = f"{percentile(t, 50):.0f}" if t else "—"
        p95 = f"{percentile(t, 95):.0f}" if t else "—"
        print(f"| {name} | {who} | {p50} | {p95} | {' / '.join(map(str, queries[name]))} |")
    if not args.no_draw and (not args.only or args.only in "double-random draw"):
        print("\nThe double-random draw, in process (rolled back):", flush=True)
        rows = draw_rows(args.runs)
        print("\n| draw | p50 ms | p95 ms | SQL queries |")
        print("| --- | ---: | ---: | ---: |")
        for name, t, q in rows:
            print(f"| {name} | {percentile(t, 50):.0f} | {percentile(t, 95):.0f} | {q} |")


if __name__ == "__main__":
    sys.exit(main())
