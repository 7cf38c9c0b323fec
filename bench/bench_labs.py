"""Laboratory benchmarks: judgement throughput (pure), test-report PDF render time, and the lab
queue page with 10,000 samples (time and SQL queries per page size).

    .venv/bin/python bench/bench_labs.py judgement [verdicts]
    .venv/bin/python bench/bench_labs.py pdf [runs]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/seedreg_w6 .venv/bin/python bench/bench_labs.py queue [samples]

The queue benchmark migrates the database it is given, generates its own samples once (tagged
with the code prefix BENCH-), and renders the queue as the county's lab technician with the
Django test client (middleware, session, template) at page sizes 50 and 200 (?status= filter
off), printing the median time and the number of queries of each.
"""

from __future__ import annotations

import csv
import io
import statistics
import sys
import time
from decimal import Decimal

from _django import ROOT, setup

setup()


def standard_rows():
    from labs.judgement import StandardRow
    from labs.loading import DATA, SEED_TYPES

    rows = []
    with open(DATA / "seed_quality_standards.csv", encoding="utf-8") as f:
        for i, r in enumerate(csv.DictReader(f), 1):
            types, form = SEED_TYPES[r["seed_type"]]
            num = {k: (Decimal(r[k]) if r[k] else None) for k in ("purity_min", "cleanliness_min", "germination_min",
                                                                   "moisture_max", "moisture_max_north",
                                                                   "moisture_max_japonica")}
            rows.append(StandardRow(row_id=i, standard=r["standard"], crop_code=r["crop_code"], crop_name=r["crop"],
                                    seed_type_label=r["seed_type"], seed_types=tuple(types),
                                    seed_class=r["seed_class"], seed_form=form, status=r["status"], **num))
    return rows


def bench_judgement(n=20000):
    """Select the row, freeze four limits and judge, per verdict (what a sample costs)."""
    from labs.judgement import LotFacts, freeze_limit, judge, select_standard

    rows = standard_rows()
    lots = [LotFacts(crop_code="maize", seed_type="single_cross", seed_class="大田用种", north_of_great_wall=bool(i % 2),
                     label={"germination": Decimal(85 + i % 10), "moisture": Decimal("13.0")}) for i in range(50)]
    results = [{"purity": Decimal("96.5"), "cleanliness": Decimal("99.1"), "germination": Decimal(80 + i % 15),
                "moisture": Decimal("12.5") + Decimal(i % 10) / 10} for i in range(50)]
    t = time.perf_counter()
    outcomes = {}
    for i in range(n):
        lot = lots[i % 50]
        row = select_standard(rows, lot)
        limits = {idx: freeze_limit(idx, row, lot, examined=ex) for idx, ex in
                  (("purity", 1000), ("cleanliness", None), ("germination", 400), ("moisture", None))}
        v = judge(results[i % 50], limits, trueness=True)
        outcomes[v.outcome] = outcomes.get(v.outcome, 0) + 1
    elapsed = time.perf_counter() - t
    print(f"judgement: {n} verdicts in {elapsed:.2f} s = {n / elapsed:,.0f} verdicts/s "
          f"(row selection + 4 frozen limits + verdict each); outcomes {outcomes}")
    t = time.perf_counter()
    row = select_standard(rows, lots[0])
    limits = {idx: freeze_limit(idx, row, lots[0], examined=ex) for idx, ex in
              (("purity", 1000), ("cleanliness", None), ("germination", 400), ("moisture", None))}
    for i in range(n):
        judge(results[i % 50], limits, trueness=True)
    elapsed = time.perf_counter() - t
    print(f"judgement on frozen limits only: {n / elapsed:,.0f} verdicts/s")


def bench_pdf(runs=10):
    import pypdf

    from labs.judgement import LotFacts, freeze_limit, judge, select_standard
    from seedreg.documents.pdf import render_pdf
    from seedreg.documents.qr import qr_svg_data_uri

    rows_ = standard_rows()
    lot = LotFacts(crop_code="maize", seed_type="single_cross", seed_class="大田用种",
                   label={"purity": Decimal(96), "cleanliness": Decimal(99), "germination": Decimal(85),
                          "moisture": Decimal(13)})
    row = select_standard(rows_, lot)
    limits = {i: freeze_limit(i, row, lot, examined=n) for i, n in (("purity", 1000), ("cleanliness", None),
                                                                      ("germination", 400), ("moisture", None))}
    verdict = judge({"purity": Decimal("96.4"), "cleanliness": Decimal("99.2"), "germination": Decimal(81),
                     "moisture": Decimal("12.8")}, limits, trueness=True)
    rows = [{"index": v.index, "name": v.index, "value": str(v.value), "passed": v.passed, "method": "GB/T 3543",
             "limit": str(v.limit.limit), "direction": v.limit.direction, "tolerance": str(v.limit.tolerance),
             "source": v.limit.source_text(), "tolerance_rule": v.limit.tolerance_rule} for v in verdict.indexes]

    class Doc:
        title = "种子质量检验报告"
        issued_at = None

    class Sample:
        code, crop_name, variety_name, lot_number = "211322-2026-0001-T", "玉米", "郑单958", "ZD2026-001"
        seed_type_label, seed_class, seals_intact, received_at = "单交种", "大田用种", True, None
        label_values = {"purity": "96", "cleanliness": "99", "germination": "85", "moisture": "13"}

        def get_purpose_display(self):
            return "初检"

    context = {"document": Doc(), "station": {"name": "建平县种子管理站"}, "serial": "建种检报〔2026〕第0001号",
               "qr": qr_svg_data_uri("http://127.0.0.1:8000/d/abcdefghijklmnop"), "sample": Sample(),
               "sampling": {"business": {"name": "建平县丰收种子门市部"}, "producer_name": "北京德农种业有限公司"},
               "rows": rows, "verdict": verdict.as_dict(), "testers": ["陈检验"], "reviewers": ["周审核"]}
    render_pdf("labs/documents/test_report.html", context)  # warm-up: fonts, templates
    times, cpu = [], []
    for _ in range(runs):
        t, c = time.perf_counter(), time.process_time()
        data = render_pdf("labs/documents/test_report.html", context)
        times.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    pages = len(pypdf.PdfReader(io.BytesIO(data)).pages)
    print(f"test report PDF: median {statistics.median(times):.3f} s (min {min(times):.3f}, max {max(times):.3f}) "
          f"over {runs} runs; {pages} page(s), {len(data) / 1024:.0f} KB")
    # The CPU time this process spent per render: what a render costs on an idle core, whatever
    # else the machine runs (the wall time above grows with the load average).
    print(f"test report PDF, CPU time of the render: median {statistics.median(cpu):.3f} s "
          f"(min {min(cpu):.3f}, max {max(cpu):.3f}); load average {' / '.join(f'{x:.1f}' for x in _loadavg())}")


def _loadavg():
    import os

    return os.getloadavg()


def build_samples(start, count, *, subjects, tech, crop, code_prefix="BENCH-"):
    """Samples ``start`` .. ``start + count`` in bulk, the way intake leaves them: a visit, a
    sampling record, the test sample, its lab sample and four tests each. ``subjects`` is a list
    of (business id, township code) cycled through; ``tech`` records and receives them. Used by
    the queue benchmark and by the province generator."""
    from django.utils import timezone

    from inspections.models import Sample, SamplingRecord, Visit
    from labs.models import LabSample, LabTest

    now = timezone.now()
    for first in range(start, start + count, 1000):
        rows = [(first + i, *subjects[(first + i) % len(subjects)])
                for i in range(min(1000, start + count - first))]
        visits = Visit.objects.bulk_create([Visit(region_code=region, business_id=business, checked_in_at=now,
                                                  created_by=tech) for _n, business, region in rows])
        records = SamplingRecord.objects.bulk_create([SamplingRecord(
            visit=v, region_code=region, business_id=business, crop=crop, variety_name="郑单958",
            lot_number=f"B{n}", lot_size_kg=1000, packages=40, primary_samples=20, suggested_sample_g=1000,
            sample_quantity_g=2000, sampling_rule_note="GB/T 3543.2", backup_kept_at="站", sampled_at=now,
            recorded_by=tech) for v, (n, business, region) in zip(visits, rows, strict=True)])
        samples = Sample.objects.bulk_create([Sample(sampling=r, region_code=r.region_code, role="test",
                                                     code=f"{code_prefix}{n:06d}-T", seal_numbers=["S"],
                                                     quantity_g=1000, holder_user=tech,
                                                     status="received")  # as intake leaves it: not awaiting intake
                                              for r, (n, _b, _r) in zip(records, rows, strict=True)])
        lab = LabSample.objects.bulk_create([LabSample(
            sample=s, region_code=s.region_code, code=s.code, crop_code="maize", crop_name="玉米",
            variety_name="郑单958", lot_number=f"B{n}", seed_type="single_cross", seed_class="大田用种",
            received_by=tech, seals_intact=True, quantity_g=1000, storage_location="A")
            for s, (n, _b, _r) in zip(samples, rows, strict=True)])
        LabTest.objects.bulk_create([LabTest(sample=ls, region_code=ls.region_code, index=i)
                                     for ls in lab for i in ("purity", "cleanliness", "germination", "moisture")])


def _generate(n):
    """``n`` received samples in 建平县, built in bulk the way intake leaves them."""
    from labs.models import LabSample
    from licensing.models import Business, Crop
    from seedreg.accounts.models import User
    from seedreg.regulated import service_context

    existing = LabSample.objects.filter(code__startswith="BENCH-").count()
    if existing >= n:
        return
    with service_context():
        tech = User.objects.filter(username="bench-lab").first() or User.objects.create_user(
            username="bench-lab", password="bench-password-1", role="lab_technician", region_id="211322",
            full_name="基准检验员")
        business = Business.objects.filter(region_code__startswith="211322").first()
        if business is None:
            business = Business.objects.create(name="基准门市部", kind="packaged_seller", region_code="211322102",
                                               entity_type="individual")
        build_samples(existing, n - existing, subjects=[(business.pk, "211322102")], tech=tech,
                      crop=Crop.objects.get(code="maize"))
    print(f"generated {n - existing} samples")


def bench_queue(n=10000, runs=7):
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    call_command("migrate", verbosity=0)
    from seedreg.regions.loading import load_regions

    load_regions(ROOT / "seedreg/regions/data/regions_liaoning.csv", prefix="2113", max_level=4)
    setup_test_environment()
    settings.ALLOWED_HOSTS = ["*"]
    _generate(n)
    client = Client()
    from seedreg.accounts.models import User

    client.force_login(User.objects.get(username="bench-lab"))
    for size in (50, 200):
        url = f"/labs/?per_page={size}&page=2"
        client.get(url)  # warm-up
        times = []
        for _ in range(runs):
            with CaptureQueriesContext(connection) as ctx:
                t = time.perf_counter()
                response = client.get(url)
                times.append(time.perf_counter() - t)
        assert response.status_code == 200 and response.content.decode().count("/labs/samples/") == size
        sql_ms = sum(float(q["time"]) for q in ctx.captured_queries) * 1000
        print(f"lab queue, {n:,} samples, page size {size}: median {statistics.median(times) * 1000:.0f} ms, "
              f"{len(ctx.captured_queries)} queries ({sql_ms:.0f} ms in SQL, last run)")


if __name__ == "__main__":
    what = sys.argv[1] if len(sys.argv) > 1 else "judgement"
    arg = int(sys.argv[2]) if len(sys.argv) > 2 else None
    {"judgement": bench_judgement, "pdf": bench_pdf, "queue": bench_queue}[what](*([arg] if arg else []))
