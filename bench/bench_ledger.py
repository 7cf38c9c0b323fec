"""Ledgers at province scale: forward trace cost follows the lot, not the table; one dealer's
stock; the ledger import's speed against openpyxl merely reading the same file, and its memory.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/seedreg_bench .venv/bin/python bench/bench_ledger.py \\
        --dealers 20000 --lots 200000 --entries 5000000 --import-rows 100000

(the full scale of issue 4). The database is emptied of ledgers first. Phase 1 builds the hot lot
alone: a wholesaler sells it to 2,000 dealers, who sell it to 50,000 farmers (≈ 54,000 entries,
the "50,000 total entries" point), and times ``trace_forward``. Phase 2 adds background ledgers of
other dealers and lots with PostgreSQL COPY until the table holds ``--entries`` rows, and times
the same trace again. Then one dealer's stock, and the import of an .xlsx of ``--import-rows``
sales through the real importer (each row through ``record_sale``: lock, check, append, audit),
each in a fresh subprocess so its peak RSS is its own. Prints figures; asserts nothing."""

from __future__ import annotations

import argparse
import datetime
import json
import random
import statistics
import subprocess
import sys
import time
from decimal import Decimal

from _django import ROOT, setup

HOT_HOLDERS = 2000
HOT_FARMER_SALES = 50000
COUNTY = "211322"


def _copy(cursor, table, columns, rows):
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def build_world(dealers: int, lots: int):
    """Dealers, lots and the hot lot's network (phase 1). Returns (hot lot id, wholesaler id)."""
    from django.db import connection

    from licensing.demo import credit_code
    from licensing.models import Business, Crop, OutsideParty, SeedLot, Variety
    from seedreg.regions.models import Region, Station
    from seedreg.regulated import service_context

    with connection.cursor() as c:
        c.execute("TRUNCATE licensing_dealertransfer, licensing_lotderivation, licensing_stopsaleholder, "
                  "licensing_stopsaleorder, licensing_countobservation, licensing_lotqualityrecord, "
                  "licensing_stockbalance, licensing_ledgerentry, licensing_lotunitcode, licensing_seedlot, "
                  "licensing_importjob CASCADE")
    for code, name, level, parent in [("21", "辽宁省", 1, None), ("2113", "朝阳市", 2, "21"),
                                      (COUNTY, "建平县", 3, "2113")]:
        Region.objects.get_or_create(code=code, defaults={"name": name, "level": level, "parent_id": parent})
    Station.objects.update_or_create(region_id=COUNTY, defaults={"name": "建平县种子管理站", "short_name": "建",
                                                                 "settings": {"ledger_backdate_days": 366}})
    rng = random.Random(4)
    maize = Crop.objects.get(code="maize")
    with service_context():
        variety, _ = Variety.objects.get_or_create(crop=maize, name="郑单958",
                                                   defaults={"approval_number": "国审玉20000009"})
        producer, _ = OutsideParty.objects.get_or_create(name="北京德农种业有限公司（基准）")
        have = Business.objects.filter(name__startswith="基准经营者").count()
        Business.objects.bulk_create([
            Business(name=f"基准经营者{i}", kind="packaged_seller", credit_code=credit_code("92211322", 700000 + i),
                     region_code=(COUNTY + "102") if i % 10 else f"2113{(i % 7) + 1:02d}101")
            for i in range(have, dealers)], batch_size=5000)
        SeedLot.objects.bulk_create([SeedLot(producer_outside=producer, variety=variety, lot_number=f"B{i:07d}",
                                             public_token=f"bench{i:09d}") for i in range(lots)], batch_size=10000)
    dealer_ids = list(Business.objects.filter(name__startswith="基准经营者").order_by("pk")
                      .values_list("pk", "region_code"))[:dealers]
    lot_ids = list(SeedLot.objects.filter(lot_number__startswith="B").order_by("pk").values_list("pk", flat=True))
    hot = lot_ids[0]
    wholesaler, wholesaler_region = dealer_ids[0]
    holders = dealer_ids[1:HOT_HOLDERS + 1]
    hot_lot_network(hot, (wholesaler, wholesaler_region), holders, HOT_FARMER_SALES // len(holders), rng)
    return hot, lot_ids, dealer_ids


def hot_lot_network(hot, wholesaler, holders, per_holder, rng):
    """COPY one lot's network: ``wholesaler`` (id, region) buys 1,000 t of lot ``hot`` and sells
    200 kg to each of ``holders`` [(id, region)], who each sell 2 kg to ``per_holder`` farmers;
    with the balance rows equal to the entries' sums. Also used by bench/generate_province.py."""
    from django.db import connection
    from django.utils import timezone

    wholesaler, wholesaler_region = wholesaler
    today = timezone.localdate()
    now = timezone.now()
    cols = ["business_id", "lot_id", "kind", "quantity_kg", "packages", "occurred_on", "recorded_at", "reason",
            "counterparty_business_id", "counterparty_name", "farmer_phone", "farmer_village", "document_number",
            "region_code"]
    rows = [(wholesaler, hot, "purchase", Decimal("1000000"), 50000, today, now, "", None, "德农", "", "", "", wholesaler_region)]
    balances = {(wholesaler, hot): (Decimal("1000000") - 200 * len(holders), wholesaler_region)}
    for business_id, region in holders:
        rows.append((wholesaler, hot, "sale", Decimal("-200"), -10, today, now, "", business_id, "", "", "", "",
                     wholesaler_region))
        rows.append((business_id, hot, "purchase", Decimal("200"), 10, today, now, "", wholesaler, "", "", "", "",
                     region))
        for _k in range(per_holder):
            rows.append((business_id, hot, "sale", Decimal("-2"), 0, today, now, "", None,
                         f"农户{rng.randint(1, 99999)}", f"139{rng.randint(10000000, 99999999)}", "东村", "", region))
        balances[(business_id, hot)] = (Decimal("200") - 2 * per_holder, region)
    with connection.cursor() as c:
        _copy(c.cursor, "licensing_ledgerentry", cols, rows)
        _copy(c.cursor, "licensing_stockbalance", ["business_id", "lot_id", "quantity_kg", "packages", "region_code",
                                                   "updated_at"],
              [(b, lt, q, 0, region, now) for (b, lt), (q, region) in balances.items()])
        c.execute("ANALYZE licensing_ledgerentry")


def fill(total_entries: int, lot_ids, dealer_ids, skip_dealers=HOT_HOLDERS + 1):
    """Background ledgers (phase 2): each (dealer, lot) pair a purchase then farmer sales."""
    from django.db import connection
    from django.utils import timezone

    from licensing.models import LedgerEntry

    rng = random.Random(5)
    now, today = timezone.now(), timezone.localdate()
    have = LedgerEntry.objects.count()
    cols = ["business_id", "lot_id", "kind", "quantity_kg", "packages", "occurred_on", "recorded_at",
            "counterparty_name", "farmer_phone", "region_code", "reason", "farmer_village", "document_number"]
    started = time.perf_counter()
    with connection.cursor() as c:
        while have < total_entries:
            batch, balances = [], []
            while len(batch) < 200000 and have + len(batch) < total_entries:
                business_id, region = dealer_ids[rng.randrange(skip_dealers, len(dealer_ids))]
                lot = lot_ids[rng.randrange(1, len(lot_ids))]
                sales = rng.randint(5, 40)
                batch.append((business_id, lot, "purchase", Decimal(sales * 10), sales, today, now, "供货商", "",
                              region, "", "", ""))
                batch += [(business_id, lot, "sale", Decimal("-5"), 0, today, now, "农户", "13900000000", region, "",
                           "", "") for _ in range(sales)]
                balances.append((business_id, lot, Decimal(sales * 5), 0, region, now))
            _copy(c.cursor, "licensing_ledgerentry", cols, batch)
            c.execute("CREATE TEMP TABLE IF NOT EXISTS bench_balance (business_id bigint, lot_id bigint, "
                      "quantity_kg numeric, packages int, region_code text, updated_at timestamptz)")
            c.execute("TRUNCATE bench_balance")
            _copy(c.cursor, "bench_balance", ["business_id", "lot_id", "quantity_kg", "packages", "region_code",
                                              "updated_at"], balances)
            c.execute("INSERT INTO licensing_stockbalance (business_id, lot_id, quantity_kg, packages, region_code, "
                      "updated_at) SELECT business_id, lot_id, SUM(quantity_kg), 0, MIN(region_code), MIN(updated_at) "
                      "FROM bench_balance GROUP BY business_id, lot_id ON CONFLICT (business_id, lot_id) DO UPDATE "
                      "SET quantity_kg = licensing_stockbalance.quantity_kg + EXCLUDED.quantity_kg")
            have += len(batch)
            print(f"  … {have:,} entries ({time.perf_counter() - started:.0f} s)", flush=True)
        vacuum(c)


def vacuum(cursor):
    """What autovacuum does after a bulk load: the planner's statistics, and the visibility map
    without which an index-only scan still visits every row's table page."""
    cursor.execute("VACUUM (ANALYZE) licensing_ledgerentry")
    cursor.execute("VACUUM (ANALYZE) licensing_stockbalance")


def median_time(fn, runs=5):
    fn()  # warm-up
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def time_trace(hot):
    from licensing import selectors
    from licensing.models import SeedLot
    from seedreg.accounts.models import User

    viewer, _ = User.objects.get_or_create(username="bench-chief", defaults={"role": "station_chief",
                                                                           "region_id": COUNTY})
    lot = SeedLot.objects.get(pk=hot)

    def summary():
        return selectors.trace_forward(lot, viewer=viewer)

    def full():
        trace = selectors.trace_forward(lot, viewer=viewer)
        return sum(1 for _ in trace.farmer_sale_rows())

    trace = summary()
    return {"holders": len(trace.holders), "farmer_rows": full(), "summary_s": median_time(summary),
            "with_farmers_s": median_time(full)}


def time_stock(dealer_ids, lot_ids):
    from django.db.models import Count

    from licensing import selectors
    from licensing.models import Business, StockBalance

    busiest = (StockBalance.objects.filter(business_id__in=[d for d, _r in dealer_ids[HOT_HOLDERS + 1:]])
               .values("business_id").annotate(n=Count("id"))
               .order_by("-n").first())
    dealer = Business.objects.get(pk=busiest["business_id"])
    some_lot = StockBalance.objects.filter(business=dealer).values_list("lot_id", flat=True).first()
    return {"lots_held": busiest["n"],
            "stock_by_lot_s": median_time(lambda: list(selectors.stock_by_lot(dealer)), runs=20),
            "stock_of_s": median_time(lambda: selectors.stock_of(dealer, some_lot), runs=50),
            "stock_on_date_s": median_time(
                lambda: selectors.stock_of(dealer, some_lot, on=datetime.date.today()), runs=50)}


# --- import (each run in its own process, so peak RSS is its own) ---------------------------------

IMPORT_HEADER = ["日期", "类型", "作物", "品种", "批号", "生产经营者", "数量（千克）", "件数", "对方", "电话", "村组", "票据号",
                 "说明"]


def import_rows(rows, lot_number):
    today = datetime.date.today()
    yield [today, "购进", "玉米", "郑单958", lot_number, "北京德农种业有限公司（基准）", rows * 10, rows, "供货商", "", "", "",
           ""]
    for i in range(rows - 1):
        yield [today, "销售", "玉米", "郑单958", lot_number, "北京德农种业有限公司（基准）", 2, 0, f"农户{i}", "13900000000",
               "东村", f"XS{i}", ""]


def write_import_file(path, rows, lot_number, *, inline_strings=False):
    """The import file. By default as Excel or WPS saves it: a sheet dimension, every text in one
    shared-strings table (each farmer name and document number is a new entry), dates as day
    numbers with a date format. ``inline_strings``: as openpyxl saves it instead (texts inside
    the cells, no shared strings; its write-only mode writes no dimension either)."""
    if inline_strings:
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("数据")
        sheet.append(IMPORT_HEADER)
        for row in import_rows(rows, lot_number):
            sheet.append(row)
        workbook.save(path)
        return
    from tests.xlsx import write_excel_like

    write_excel_like(path, IMPORT_HEADER, import_rows(rows, lot_number), rows + 1)


def peak_rss_mb() -> float:
    """This process's peak resident set (VmHWM). Not ru_maxrss: Linux keeps that across exec, so a
    child started by a big parent would report the parent's peak."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def child_read(path):
    from openpyxl import load_workbook

    started, cpu = time.perf_counter(), time.process_time()
    workbook = load_workbook(path, read_only=True)
    n = sum(1 for _ in workbook.worksheets[0].iter_rows(values_only=True))
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(json.dumps({"rows": n, "seconds": seconds, "cpu_s": cpu, "maxrss_mb": peak_rss_mb()}))


def child_import(path, business_id):
    setup()
    from django.core.files import File

    from licensing.models import Business, ImportJob
    from licensing.services import run_import, start_import
    from seedreg.accounts.models import User
    from seedreg.regulated import service_context

    business = Business.objects.get(pk=business_id)
    clerk, _ = User.objects.get_or_create(username="bench-clerk", defaults={"role": "station_clerk",
                                                                           "region_id": COUNTY})
    base_rss = peak_rss_mb()
    # As Django hands over a large upload: a file on disk (TemporaryUploadedFile), not bytes.
    with open(path, "rb") as f, service_context():
        job = start_import(actor=clerk, kind=ImportJob.Kind.LEDGER, upload=File(f, name="bench.xlsx"),
                           business=business)
    start_rss = peak_rss_mb()
    started, cpu = time.perf_counter(), time.process_time()
    job = run_import(job.pk)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(json.dumps({"status": job.status, "rows": job.total_rows, "seconds": seconds, "cpu_s": cpu,
                      "message": job.message,
                      "base_rss_mb": base_rss, "start_import_rss_mb": start_rss, "maxrss_mb": peak_rss_mb()}))


def run_child(*args):
    out = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, cwd=ROOT, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def bench_import(sizes, dealer_ids, inline_strings=False):
    import tempfile

    results = []
    for i, rows in enumerate(sizes):
        path = f"{tempfile.gettempdir()}/bench-ledger-{rows}.xlsx"
        write_import_file(path, rows, f"IMP{rows}-{i}-{random.randint(0, 10**6)}", inline_strings=inline_strings)
        read = run_child("--child-read", path)
        imported = run_child("--child-import", path, str(dealer_ids[-1 - i][0]))
        results.append((rows, read, imported))
    return results


def time_writes(rows, runs=5):
    """The write path's index cost: ``rows`` ledger rows inserted (copies of existing background
    rows, ``INSERT ... SELECT``) into the table as it is, with the current indexes and then with the
    plain lot index of migration 0003 in place of migration 0006's two covering trace indexes;
    every insert rolled back."""
    from django.db import connection, transaction

    columns = ("business_id, lot_id, kind, quantity_kg, packages, occurred_on, recorded_at, reason, "
               "counterparty_name, farmer_phone, farmer_village, document_number, region_code")
    insert = (f"INSERT INTO licensing_ledgerentry ({columns}) SELECT {columns} FROM licensing_ledgerentry "
              f"WHERE id > (SELECT max(id) FROM licensing_ledgerentry) - %s")
    results = {}
    for variant in ("covering trace index (now)", "plain lot index (before)"):
        with transaction.atomic(), connection.cursor() as c:
            if variant.startswith("plain"):
                c.execute("DROP INDEX ledger_lot_trace_idx")
                c.execute("DROP INDEX ledger_lot_dealer_sales_idx")
                c.execute("CREATE INDEX ledger_lot_business_idx ON licensing_ledgerentry (lot_id, business_id, "
                          "occurred_on)")
            times = []
            for _ in range(runs):
                c.execute("SAVEPOINT bench_write")
                started = time.perf_counter()
                c.execute(insert, [rows])
                times.append(time.perf_counter() - started)
                inserted = c.rowcount
                c.execute("ROLLBACK TO SAVEPOINT bench_write")
            transaction.set_rollback(True)
        results[variant] = {"rows": inserted, "median_s": round(statistics.median(times), 3),
                            "rows_per_s": round(inserted / statistics.median(times))}
    return results


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dealers", type=int, default=20000)
    parser.add_argument("--lots", type=int, default=200000)
    parser.add_argument("--entries", type=int, default=5000000)
    parser.add_argument("--import-rows", type=int, nargs="+", default=[10000, 100000])
    parser.add_argument("--import-only", action="store_true", help="only the import, on the ledgers already built")
    parser.add_argument("--inline-strings", action="store_true",
                        help="import files as openpyxl's write-only mode saves them (no shared strings, no dimension)")
    parser.add_argument("--writes", type=int, metavar="ROWS",
                        help="only the write path: ROWS entries inserted with each lot index (rolled back)")
    parser.add_argument("--trace-only", action="store_true", help="only the forward trace, on the ledgers built")
    parser.add_argument("--child-read")
    parser.add_argument("--child-import", nargs=2)
    args = parser.parse_args()
    if args.child_read:
        child_read(args.child_read)
        return
    if args.child_import:
        child_import(*args.child_import)
        return
    setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("bench_ledger.py needs PostgreSQL (DATABASE_URL): it loads with COPY")
    from licensing.models import Business, LedgerEntry

    if args.writes:
        print(f"  write path ({LedgerEntry.objects.count():,} entries): {time_writes(args.writes)}")
        return
    if args.trace_only:
        from licensing.models import SeedLot

        hot = SeedLot.objects.filter(lot_number__startswith="B").order_by("pk").values_list("pk", flat=True).first()
        with connection.cursor() as c:
            vacuum(c)  # as autovacuum leaves a table some time after a bulk load
        print(f"  forward trace at {LedgerEntry.objects.count():,} entries: {time_trace(hot)}")
        return
    if args.import_only:
        dealer_ids = list(Business.objects.filter(name__startswith="基准经营者").order_by("pk")
                          .values_list("pk", "region_code"))
        report_import(args.import_rows, dealer_ids, args.inline_strings)
        return
    started = time.perf_counter()
    hot, lot_ids, dealer_ids = build_world(args.dealers, args.lots)
    with connection.cursor() as c:
        vacuum(c)
    small_n = LedgerEntry.objects.count()
    print(f"phase 1: {args.dealers:,} dealers, {args.lots:,} lots, {small_n:,} entries "
          f"({time.perf_counter() - started:.0f} s)")
    small = time_trace(hot)
    print(f"  forward trace at {small_n:,} entries: {small}")
    fill(args.entries, lot_ids, dealer_ids)
    large_n = LedgerEntry.objects.count()
    large = time_trace(hot)
    print(f"  forward trace at {large_n:,} entries: {large}")
    print(f"  ratio large/small: summary {large['summary_s'] / small['summary_s']:.2f}×, "
          f"with farmer rows {large['with_farmers_s'] / small['with_farmers_s']:.2f}×")
    print(f"  stock of one dealer: {time_stock(dealer_ids, lot_ids)}")
    report_import(args.import_rows, dealer_ids, args.inline_strings)


def report_import(sizes, dealer_ids, inline_strings=False):
    for rows, read, imported in bench_import(sizes, dealer_ids, inline_strings):
        rate, read_rate = rows / imported["seconds"], read["rows"] / read["seconds"]
        print(f"  import {rows:,} rows{' (inline strings)' if inline_strings else ''}: {imported['status']} in "
              f"{imported['seconds']:.1f} s = {rate:,.0f} rows/s; "
              f"openpyxl read-only {read_rate:,.0f} rows/s; ratio {rate / read_rate:.3f}; "
              f"CPU time (this process only: PostgreSQL's work not counted) import {imported['cpu_s']:.1f} s, "
              f"openpyxl {read['cpu_s']:.1f} s, ratio {read['cpu_s'] / imported['cpu_s']:.3f}; "
              f"peak RSS {imported['maxrss_mb']:.0f} MB (after setup {imported['base_rss_mb']:.0f} MB, after "
              f"start_import {imported['start_import_rss_mb']:.0f} MB), openpyxl alone {read['maxrss_mb']:.0f} MB",
              flush=True)


if __name__ == "__main__":
    main()
