"""Inspections: the double-random draw at province scale, day routes, photo processing.

    .venv/bin/python bench/bench_inspections.py            # SQLite in var/
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/seedreg_bench .venv/bin/python bench/bench_inspections.py

1. Draw: one county with 20,000 active businesses (5,000 in one township), 300 inspectors with
   600 declared conflicts, 200 open complaints, 100 open rectification orders and 1,500 maize
   samplings in the last six months (exclusions). The draw runs on the 5,000-business township
   and on the whole county: time and SQL queries of run_draw (collect + compute + store),
   create_draw_tasks and verify_draw.
2. Route: 40 stops around the station, nearest neighbour + 2-opt + relocation.
3. Photo: a 12-megapixel JPEG through inspections.photos.process_photo against Pillow merely
   decoding it in full; each in a fresh process, peak RSS above the process's baseline.
"""

from __future__ import annotations

import argparse
import datetime
import io
import json
import random
import statistics
import subprocess
import sys
import time

from _django import ROOT, setup

COUNTY = "219901"  # a county code of its own, so a demo county in the same database is untouched
TOWNSHIPS = ["219901001", "219901002"]


def _status_kb(key) -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(key):
                return int(line.split()[1])
    return 0


def rss_kb() -> int:
    return _status_kb("VmRSS:")


def vm_hwm_kb() -> int:
    return _status_kb("VmHWM:")


def generate(n_businesses=20_000, n_inspectors=300):
    from django.utils import timezone

    from inspections.models import (
        Complaint,
        ConflictOfInterest,
        InspectorProfile,
        RectificationOrder,
        SamplingRecord,
        Visit,
    )
    from licensing.models import Business, Crop
    from seedreg.accounts.models import User
    from seedreg.regions.models import Region, Station
    from seedreg.regulated import service_context

    if Business.objects.filter(region_code__startswith=COUNTY).count() >= n_businesses:
        return
    rng = random.Random(20260401)
    started = time.perf_counter()
    with service_context():
        Region.objects.get_or_create(code="21", defaults={"name": "辽宁省", "level": 1})
        Region.objects.get_or_create(code="2199", defaults={"name": "基准市", "level": 2, "parent_id": "21"})
        Region.objects.get_or_create(code=COUNTY, defaults={"name": "基准县", "level": 3, "parent_id": "2199"})
        for i, code in enumerate(TOWNSHIPS):
            Region.objects.get_or_create(code=code, defaults={"name": f"基准镇{i + 1}", "level": 4, "parent_id": COUNTY})
        Station.objects.get_or_create(region_id=COUNTY, defaults={"name": "基准县种子管理站", "short_name": "基",
                                                                  "latitude": "41.4", "longitude": "119.6"})
        Business.objects.bulk_create([
            Business(name=f"基准种子门市部{i}", kind="packaged_seller", region_code=TOWNSHIPS[0 if i < 5000 else 1],
                     latitude=41.4 + rng.uniform(-0.3, 0.3), longitude=119.6 + rng.uniform(-0.4, 0.4))
            for i in range(n_businesses)], batch_size=2000)
        ids = list(Business.objects.filter(region_code__startswith=COUNTY).values_list("id", flat=True))
        chief = User.objects.create_user("bench-chief", password="x", role="station_chief", region_id=COUNTY,
                                         full_name="基准站长", enforcement_id="基准执000")
        users = User.objects.bulk_create([
            User(username=f"bench-insp-{i}", role="inspector", region_id=COUNTY, full_name=f"执法{i}",
                 enforcement_id=f"基准执{i + 1:03d}", password="!") for i in range(n_inspectors)])
        users = list(User.objects.filter(username__startswith="bench-insp-").order_by("id"))
        InspectorProfile.objects.bulk_create([InspectorProfile(user=u, region_code=COUNTY) for u in users])
        profiles = list(InspectorProfile.objects.filter(region_code=COUNTY).order_by("id"))
        pairs = {(rng.choice(profiles).pk, rng.choice(ids)) for _ in range(600)}
        ConflictOfInterest.objects.bulk_create([ConflictOfInterest(profile_id=p, business_id=b, reason="基准")
                                                for p, b in pairs])
        Complaint.objects.bulk_create([Complaint(region_code=COUNTY, channel="hotline", business_id=rng.choice(ids),
                                                 anonymous=True, description="基准", received_by=chief)
                                       for _ in range(200)])
        now = timezone.now()
        maize = Crop.objects.get(code="maize")
        sampled = rng.sample(ids, 1600)
        visits = Visit.objects.bulk_create([Visit(region_code=COUNTY, business_id=b, checked_in_at=now,
                                                  created_by=chief, status="closed") for b in sampled])
        visits = list(Visit.objects.filter(region_code=COUNTY).order_by("id"))
        SamplingRecord.objects.bulk_create([
            SamplingRecord(visit=v, region_code=COUNTY, business_id=v.business_id, crop=maize, variety_name="郑单958",
                           lot_number=f"B{i}", lot_size_kg=1000, packages=40, primary_samples=20,
                           suggested_sample_g=2000, sample_quantity_g=2000, sampling_rule_note="基准",
                           backup_kept_at="站", sampled_at=now - datetime.timedelta(days=rng.randint(1, 170)),
                           recorded_by=chief)
            for i, v in enumerate(visits[:1500])])
        today = timezone.localdate()
        RectificationOrder.objects.bulk_create([
            RectificationOrder(visit=v, region_code=COUNTY, business_id=v.business_id, items=["基准"], issued_on=today,
                               days=15, deadline_on=today + datetime.timedelta(days=15), deadline_rule="基准")
            for v in visits[1500:1600]])
    print(f"generated {n_businesses} businesses, {n_inspectors} inspectors in {time.perf_counter() - started:.1f} s")


def bench_draw():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from inspections import services
    from inspections.drawing import compute_draw
    from inspections.models import Draw, Plan, Task
    from licensing.models import Crop
    from seedreg.accounts.models import User
    from seedreg.regulated import service_context

    chief = User.objects.get(username="bench-chief")
    today = timezone.localdate()
    rows = []
    for label, townships in (("5,000 businesses", TOWNSHIPS[:1]), ("20,000 businesses", TOWNSHIPS)):
        with service_context():
            plan = Plan.objects.filter(region_code=COUNTY).first() or services.create_plan(
                actor=chief, year=today.year, title="基准计划")
            campaign = services.create_campaign(
                plan, actor=chief, name=f"基准专项{time.time()}", mode="sweep", season="spring_in_sale", starts_on=today,
                ends_on=today + datetime.timedelta(days=30), townships=townships, crops=[Crop.objects.get(code="maize")],
                sampling_target=10)
        with CaptureQueriesContext(connection) as q:
            t = time.perf_counter()
            draw = services.run_draw(campaign, actor=chief, ratio="0.05", seed="bench")
            t_draw = time.perf_counter() - t
        n_draw = len(q)
        t = time.perf_counter()
        compute_draw(draw.inputs, draw.rules, draw.seed)
        t_compute = time.perf_counter() - t
        with CaptureQueriesContext(connection) as q:
            t = time.perf_counter()
            services.create_draw_tasks(draw, actor=chief)
            t_tasks = time.perf_counter() - t
        n_tasks = len(q)
        with CaptureQueriesContext(connection) as q:
            t = time.perf_counter()
            check = services.verify_draw(draw, actor=chief)
            t_verify = time.perf_counter() - t
        assert check.reproduced
        rows.append((label, len(draw.inputs["subjects"]), draw.subject_count, len(draw.inputs["mandatory"]),
                     len(draw.outputs["excluded"]), t_draw, n_draw, t_compute, t_tasks, n_tasks, t_verify, len(q)))
        with service_context():  # leave the database as generated for the next run
            Task.inspectors.through.objects.filter(task__draw=draw).delete()
            Task.objects.filter(draw=draw).delete()
            draw.verifications.all().delete()
            Draw.objects.filter(pk=draw.pk).delete()
            campaign.crops.clear()
            campaign.delete()
    print("\n## draw (ratio 5 %, 2 inspectors per task)")
    print("| directory | subjects | drawn (incl. mandatory) | mandatory | excluded | run_draw s | queries | compute only s "
          "| create_draw_tasks s | queries | verify_draw s | queries |")
    for r in rows:
        print(f"| {r[0]} | {r[1]} | {r[2]} | {r[3]} | {r[4]} | {r[5]:.3f} | {r[6]} | {r[7]:.3f} | {r[8]:.3f} | {r[9]} "
              f"| {r[10]:.3f} | {r[11]} |")


def bench_route(runs=20):
    from inspections.routing import order_route

    rng = random.Random(40)
    times, ratios = [], []
    for _ in range(runs):
        stops = [(i, (41.4 + rng.uniform(-0.25, 0.25), 119.6 + rng.uniform(-0.35, 0.35))) for i in range(40)]
        naive = order_route((41.4, 119.6), stops, improve=False)
        t = time.perf_counter()
        route = order_route((41.4, 119.6), stops)
        times.append(time.perf_counter() - t)
        ratios.append(route.total_m / naive.total_m)
    print("\n## route, 40 stops (20 random days)")
    print(f"median {statistics.median(times) * 1000:.0f} ms (max {max(times) * 1000:.0f} ms, geodesic matrix included); "
          f"tour {statistics.mean(ratios) * 100:.1f} % of nearest neighbour alone on average")


def make_12mp_jpeg() -> bytes:
    from PIL import Image, ImageDraw, ImageFilter

    rng = random.Random(12)
    image = Image.effect_noise((4000, 3000), 60).convert("RGB")
    draw = ImageDraw.Draw(image)
    for _ in range(400):
        x, y = rng.randint(0, 3900), rng.randint(0, 2900)
        draw.rectangle((x, y, x + rng.randint(20, 300), y + rng.randint(20, 200)),
                       fill=(rng.randint(0, 255), rng.randint(0, 255), rng.randint(0, 255)))
    image = image.filter(ImageFilter.GaussianBlur(1))
    exif = Image.Exif()
    exif[0x0112] = 6
    exif.get_ifd(0x8769)[0x9003] = "2026:04:01 10:20:30"
    out = io.BytesIO()
    image.save(out, "JPEG", quality=92, exif=exif)
    return out.getvalue()


def photo_child(kind: str, path: str):
    from PIL import Image

    from inspections.photos import process_photo

    data = open(path, "rb").read()

    def run():
        if kind == "process":
            result = process_photo(data)
            return (result.width, result.height)
        image = Image.open(io.BytesIO(data))
        if kind == "draft":
            image.draft("RGB", (image.width // 2, image.height // 2))
        image.load()
        return image.size

    # Reset the kernel's peak-RSS mark (VmHWM) so the peak below is this operation's alone.
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
    before = rss_kb()
    t, cpu = time.perf_counter(), time.process_time()
    size = run()  # cold: the process's first photo (fresh memory is faulted in)
    elapsed, cpu = time.perf_counter() - t, time.process_time() - cpu
    peak = vm_hwm_kb()
    t2, cpu2 = time.perf_counter(), time.process_time()
    run()  # warm: the second photo, as in a long-running server process
    warm, warm_cpu = time.perf_counter() - t2, time.process_time() - cpu2
    print(json.dumps({"kind": kind, "seconds": elapsed, "cpu_seconds": cpu, "warm_seconds": warm,
                      "warm_cpu_seconds": warm_cpu, "peak_above_baseline_mb": (peak - before) / 1024, "size": size}))


def bench_photo(runs=9):
    path = ROOT / "var" / "bench-12mp.jpg"
    path.parent.mkdir(exist_ok=True)
    data = make_12mp_jpeg()
    path.write_bytes(data)
    results = {"process": [], "draft": [], "decode": []}
    for _ in range(runs):
        for kind in results:
            out = subprocess.run([sys.executable, __file__, "--photo-child", kind, str(path)], capture_output=True,
                                 text=True, check=True, cwd=ROOT)
            results[kind].append(json.loads(out.stdout.strip().splitlines()[-1]))
    print(f"\n## photo: 4000×3000 JPEG, {len(data) / 1e6:.1f} MB, EXIF orientation 6 ({runs} fresh processes each)")
    # CPU time next to wall time: on a shared machine the wall time mostly measures the run queue.
    # Cold = the process's first photo; warm = its second (a server process handles many).
    print("| what | cold wall s | cold CPU s | warm wall s | warm CPU s | peak RSS above baseline MB (cold) | output |")
    for kind, label in (("decode", "Pillow full decode (Image.open + load)"),
                        ("draft", "Pillow decode at 1/2 (draft + load), the first step of process_photo"),
                        ("process", "process_photo: draft 1/2 decode, thumbnail, orient, re-encode")):
        rs = results[kind]
        cells = " | ".join(f"{statistics.median(r[key] for r in rs):.3f}"
                           for key in ("seconds", "cpu_seconds", "warm_seconds", "warm_cpu_seconds"))
        print(f"| {label} | {cells} | {statistics.median(r['peak_above_baseline_mb'] for r in rs):.0f} | "
              f"{rs[0]['size']} |")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--photo-child", nargs=2)
    parser.add_argument("--only", choices=["draw", "route", "photo"])
    args = parser.parse_args()
    setup()
    if args.photo_child:
        photo_child(*args.photo_child)
        return
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    if args.only in (None, "draw"):
        generate()
        bench_draw()
    if args.only in (None, "route"):
        bench_route()
    if args.only in (None, "photo"):
        bench_photo()


if __name__ == "__main__":
    main()
