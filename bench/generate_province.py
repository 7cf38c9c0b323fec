"""A province-sized data set on PostgreSQL (issue 8, "Province scale"), in one command:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/seedreg_province \\
        nice .venv/bin/python bench/generate_province.py

Builds, in an emptied database (``--keep`` adds to what is there instead; ``--entries`` etc.
scale it down): Liaoning's 14 cities, 100 counties and 1,406 townships with a station per county;
20,000 businesses (2,000 of them in 建平县, the measured county; search tokens, 60 % with a
licence, 90 % with a filing, all located); 100,000 seed lots; 5,000,000 ledger entries with their
balance rows (a hot lot sold by a 建平 wholesaler to 200 shops and on to 5,000 farmers, then
background ledgers of every business); per county a station chief, a clerk, a lab technician and
three inspectors (300, each with a profile) and a dealer account; 50,000 samples (visit, sampling
record, test sample, lab sample, four tests; 80 % approved and reported) and 30,000 inspection
tasks with their inspector pairs; in 建平县 also the mobile benchmark's 40 shops with an inspector
pair and today's tasks (built through the services), and a campaign with a draw and its tasks.

Reuses the other benchmarks' builders: the directory of bench_public_search, the ledger COPY of
bench_ledger, the samples of bench_labs and the mobile county of bench_mobile_api. Regulated
rows are written inside ``service_context()`` (the documented bypass for bulk builders), ledgers
with COPY; every balance row equals the sum of its entries (checked at the end). Prints the time
of each step and the final row counts."""

from __future__ import annotations

import argparse
import datetime
import random
import sys
import time

from _django import ROOT, setup

COUNTY = "211322"  # 建平县, the measured county (the mobile benchmark's county too)
PASSWORD = "province-bench-1"

_t0 = time.perf_counter()


def step(message):
    print(f"[{time.perf_counter() - _t0:7.1f} s] {message}", flush=True)


def empty_database():
    """Drop every table and migrate afresh (the data migrations load crops, checklists and
    standards again)."""
    from django.core.management import call_command
    from django.db import connection

    with connection.cursor() as c:
        c.execute("DROP SCHEMA public CASCADE")
        c.execute("CREATE SCHEMA public")
    call_command("migrate", verbosity=0)


def geography():
    """Liaoning to township level, a station (with a location) for each county."""
    from seedreg.regions.loading import load_regions
    from seedreg.regions.models import Region, Station

    load_regions(ROOT / "seedreg/regions/data/regions_liaoning.csv", max_level=4)
    rng = random.Random(14)
    counties = list(Region.objects.filter(level=3, code__startswith="21").order_by("code"))
    centres = {}
    for county in counties:
        lat, lon = (41.403, 119.643) if county.code == COUNTY else (rng.uniform(39.5, 42.5), rng.uniform(120, 124.5))
        centres[county.code] = (lat, lon)
    Station.objects.bulk_create([Station(region=c, name=f"{c.name}种子管理站", short_name=c.name[0],
                                         north_of_great_wall=True, latitude=f"{centres[c.code][0]:.6f}",
                                         longitude=f"{centres[c.code][1]:.6f}") for c in counties],
                                ignore_conflicts=True)
    townships = {}
    for code in Region.objects.filter(level=4, code__startswith="21").values_list("code", flat=True):
        townships.setdefault(code[:6], []).append(code)
    return [c.code for c in counties], townships, centres


def directory(n, counties, townships, centres):
    from bench_public_search import build_directory

    others = [c for c in counties if c != COUNTY and townships.get(c)]
    in_county = n // 10

    def region_of(rng, i):
        county = COUNTY if i < in_county else rng.choice(others)
        return rng.choice(townships[county])

    def location_of(rng, region):
        lat, lon = centres[region[:6]]
        return round(lat + rng.uniform(-0.25, 0.25), 6), round(lon + rng.uniform(-0.3, 0.3), 6)

    build_directory(n, rng=random.Random(2026), region_of=region_of, location_of=location_of)


def people(counties):
    """Per county: chief, clerk, lab technician, three inspectors with profiles; one hashed
    password for all (hashing 600 times would take minutes)."""
    from django.contrib.auth.hashers import make_password

    from inspections.models import InspectorProfile
    from seedreg.accounts.models import User
    from seedreg.regulated import service_context

    hashed = make_password(PASSWORD)
    users = []
    for k, county in enumerate(counties):
        users += [User(username=f"p-chief-{county}", role="station_chief", region_id=county, full_name=f"站长{k}",
                       enforcement_id=f"辽农执P{k:03d}0", password=hashed),
                  User(username=f"p-clerk-{county}", role="station_clerk", region_id=county, full_name=f"科员{k}",
                       password=hashed),
                  User(username=f"p-lab-{county}", role="lab_technician", region_id=county, full_name=f"检验员{k}",
                       password=hashed)]
        users += [User(username=f"p-insp-{county}-{j}", role="inspector", region_id=county, full_name=f"执法{k}-{j}",
                       enforcement_id=f"辽农执P{k:03d}{j + 1}", password=hashed) for j in range(3)]
    User.objects.bulk_create(users, batch_size=2000)
    inspectors = list(User.objects.filter(username__startswith="p-insp-").order_by("username"))
    with service_context():
        InspectorProfile.objects.bulk_create([InspectorProfile(user=u, region_code=u.region_id) for u in inspectors])
    return inspectors


def dealers(counties, businesses_by_county):
    """One dealer account per county, bound to a business that keeps a ledger."""
    from django.contrib.auth.hashers import make_password

    from licensing.models import DealerMembership
    from seedreg.accounts.models import User

    hashed = make_password(PASSWORD)
    users = User.objects.bulk_create([User(username=f"p-dealer-{c}", role="dealer", region_id=c, password=hashed,
                                           full_name=f"经营者{c}") for c in counties if businesses_by_county.get(c)])
    DealerMembership.objects.bulk_create([DealerMembership(user=u, business_id=businesses_by_county[u.region_id][1][0])
                                          for u in users])


def lots(n):
    from licensing.models import Crop, OutsideParty, SeedLot, Variety
    from seedreg.regulated import service_context

    maize = Crop.objects.get(code="maize")
    with service_context():
        varieties = list(Variety.objects.filter(crop=maize).order_by("pk")[:20])
        producer, _ = OutsideParty.objects.get_or_create(name="北京德农种业有限公司（省级基准）")
        for start in range(0, n, 20000):
            SeedLot.objects.bulk_create([SeedLot(producer_outside=producer, variety=varieties[i % len(varieties)],
                                                 lot_number=f"P{i:07d}", public_token=f"prov{i:012d}")
                                         for i in range(start, min(n, start + 20000))], batch_size=20000)
    return list(SeedLot.objects.filter(lot_number__startswith="P").order_by("pk").values_list("pk", flat=True))


def ledgers(total, lot_ids, dealer_ids):
    from bench_ledger import fill, hot_lot_network

    in_county = [d for d in dealer_ids if d[1].startswith(COUNTY)]
    hot_lot_network(lot_ids[0], in_county[0], in_county[1:201], 25, random.Random(8))
    fill(total, lot_ids, dealer_ids, skip_dealers=0)


def samples_and_tasks(n_samples, n_tasks, counties, businesses_by_county, inspectors):
    from bench_labs import build_samples
    from django.db import connection
    from django.utils import timezone

    from inspections.models import Task
    from licensing.models import Crop
    from seedreg.accounts.models import User
    from seedreg.regulated import service_context

    maize = Crop.objects.get(code="maize")
    techs = {u.region_id: u for u in User.objects.filter(username__startswith="p-lab-")}
    with_business = [c for c in counties if businesses_by_county.get(c)]
    per_county = n_samples // len(with_business)
    with service_context():
        for k, county in enumerate(with_business):
            count = per_county + (n_samples - per_county * len(with_business) if k == 0 else 0)
            build_samples(k * per_county + (0 if k == 0 else n_samples - per_county * len(with_business)), count,
                          subjects=businesses_by_county[county], tech=techs[county], crop=maize,
                          code_prefix=f"{county}-2025-")
            if k % 20 == 19:
                step(f"  … samples of {k + 1} counties")
    with connection.cursor() as c:  # most of them tested, approved and reported (the lab queue holds the rest)
        c.execute("UPDATE labs_labtest SET status = 'approved', value = 90 + (id % 9), approved_at = now(), "
                  "submitted_at = now() WHERE sample_id % 5 <> 0")
        c.execute("UPDATE labs_labsample SET status = 'reported' WHERE id % 5 <> 0")
    step(f"  {n_samples:,} samples")
    pairs = {}
    for u in inspectors:
        pairs.setdefault(u.region_id, []).append(u)
    rng = random.Random(30)
    today = timezone.localdate()
    with service_context():
        made = 0
        per = n_tasks // len(with_business)
        for county in with_business:
            subjects = businesses_by_county[county]
            batch = []
            for i in range(per):
                business, region = subjects[rng.randrange(len(subjects))]
                done = i % 10 != 0
                due = today - datetime.timedelta(days=rng.randint(-30, 700))
                batch.append(Task(region_code=region, kind=rng.choice(["drawn", "complaint", "ad_hoc", "follow_up"]),
                                  business_id=business, due_on=due, planned_on=due, status="done" if done else "open",
                                  done_at=timezone.now() if done else None))
            tasks = Task.objects.bulk_create(batch)
            pair = pairs.get(county, [])[:2]
            Task.inspectors.through.objects.bulk_create([Task.inspectors.through(task_id=t.pk, user_id=u.pk)
                                                         for t in tasks for u in pair])
            made += len(tasks)
    step(f"  {made:,} tasks")


def mobile_county_and_draw():
    """The mobile benchmark's 40 shops, pair and today's tasks in 建平县 (through the services),
    and a campaign over the county with a draw and its tasks."""
    from bench_mobile_api import generate as mobile_generate
    from django.utils import timezone

    from inspections import services
    from inspections.models import InspectorProfile
    from licensing.models import Crop
    from seedreg.accounts.models import User
    from seedreg.regions.models import Region
    from seedreg.regulated import service_context

    mobile_generate(40)
    chief = User.objects.get(username=f"p-chief-{COUNTY}")
    today = timezone.localdate()
    with service_context():
        InspectorProfile.objects.filter(region_code=COUNTY).update(may_inspect=True)
        plan = services.create_plan(actor=chief, year=today.year, title="省级基准年度计划")
        townships = list(Region.objects.filter(parent_id=COUNTY).values_list("code", flat=True))
        campaign = services.create_campaign(
            plan, actor=chief, name="春季种子市场专项检查（基准）", mode="sweep", season="spring_in_sale", starts_on=today,
            ends_on=today + datetime.timedelta(days=30), townships=townships, crops=[Crop.objects.get(code="maize")],
            sampling_target=10)
    draw = services.run_draw(campaign, actor=chief, ratio="0.05", seed="province")
    services.create_draw_tasks(draw, actor=chief)
    return campaign, draw


def check_balances():
    from django.db import connection

    with connection.cursor() as c:
        c.execute("SELECT count(*) FROM licensing_stockbalance b LEFT JOIN (SELECT business_id, lot_id, "
                  "sum(quantity_kg) q FROM licensing_ledgerentry GROUP BY business_id, lot_id) e "
                  "USING (business_id, lot_id) WHERE b.quantity_kg <> coalesce(e.q, 0)")
        wrong = c.fetchone()[0]
        c.execute("SELECT count(*) FROM (SELECT business_id, lot_id FROM licensing_ledgerentry GROUP BY 1, 2) e "
                  "LEFT JOIN licensing_stockbalance b USING (business_id, lot_id) WHERE b.id IS NULL")
        missing = c.fetchone()[0]
    if wrong or missing:
        sys.exit(f"ledger invariant broken: {wrong} balance rows differ from their entries, {missing} missing")
    step("ledger invariant holds: every balance row equals the sum of its entries")


def counts():
    from django.apps import apps

    labels = ["regions.Region", "regions.Station", "licensing.Business", "licensing.BusinessSearchToken",
              "licensing.SeedLicence", "licensing.Filing", "licensing.SeedLot", "licensing.LedgerEntry",
              "licensing.StockBalance", "accounts.User", "inspections.InspectorProfile", "inspections.Task",
              "inspections.Visit", "inspections.SamplingRecord", "inspections.Sample", "labs.LabSample",
              "labs.LabTest"]
    for label in labels:
        model = apps.get_model(label)
        print(f"  {label:<32}{model.objects.count():>12,}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--businesses", type=int, default=20000)
    parser.add_argument("--lots", type=int, default=100000)
    parser.add_argument("--entries", type=int, default=5000000)
    parser.add_argument("--samples", type=int, default=50000)
    parser.add_argument("--tasks", type=int, default=30000)
    parser.add_argument("--keep", action="store_true", help="do not empty the database first")
    args = parser.parse_args()
    setup()
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("generate_province.py needs PostgreSQL (DATABASE_URL): it loads the ledgers with COPY")
    if args.keep:
        call_command("migrate", verbosity=0)
    else:
        empty_database()
        step("database emptied and migrated")
    counties, townships, centres = geography()
    step(f"{len(counties)} counties, {sum(map(len, townships.values()))} townships, stations")
    directory(args.businesses, counties, townships, centres)
    step(f"{args.businesses:,} businesses with tokens, licences, filings")
    from licensing.models import Business

    dealer_ids = list(Business.objects.order_by("pk").values_list("pk", "region_code"))
    businesses_by_county = {}
    for pk, region in dealer_ids:
        businesses_by_county.setdefault(region[:6], []).append((pk, region))
    inspectors = people(counties)
    dealers(counties, businesses_by_county)
    step(f"{len(inspectors)} inspectors, station staff, lab technicians and dealer accounts")
    lot_ids = lots(args.lots)
    step(f"{len(lot_ids):,} lots")
    ledgers(args.entries, lot_ids, dealer_ids)
    step("ledgers")
    samples_and_tasks(args.samples, args.tasks, counties, businesses_by_county, inspectors)
    mobile_county_and_draw()
    step("建平县: the mobile county (40 shops, today's tasks) and a campaign draw")
    with connection.cursor() as c:
        c.execute("VACUUM ANALYZE")
    step("VACUUM ANALYZE")
    check_balances()
    counts()
    step("done")


if __name__ == "__main__":
    main()
