"""The inspectors' phone API under gunicorn, against the same server's trivial endpoint.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/seedreg_w7 \\
    CACHE_URL=redis://127.0.0.1:6379/10 .venv/bin/python bench/bench_mobile_api.py

Generates (once per database) a county with an inspector pair and 40 shops, each with a
licence, a filing, two stocked lots and an open task for the pair planned today. Then:

- queries per request of GET /tasks with 4 and with 40 tasks (must not grow), and of a
  50-object POST /sync;
- gunicorn (2 gthread workers × 4 threads) on loopback, loaded from a separate process: the
  trivial ceilings (the same middleware, no database), GET /tasks (40 tasks) without and with
  ``Accept-Encoding: gzip`` (as phones send it), POST /sync with fresh 50-visit batches:
  requests per second, p50/p95;
- one 12-megapixel JPEG upload (POST /files): time and peak memory, in a child process.
Prints figures; asserts nothing about time."""

from __future__ import annotations

import argparse
import datetime
import json
import os
import subprocess
import sys
import time
import uuid

from _django import ROOT, setup

PORT = 8701
SETTINGS = "bench.settings_bench_mobile"
API = "/api/mobile/v1"


def generate(n_tasks: int):
    from django.utils import timezone

    from inspections import services as inspections
    from licensing import services as licensing
    from licensing.demo import credit_code
    from licensing.models import Business, BusinessKind, Crop, OutsideParty, Variety
    from mobile_api.services import issue_device_token
    from seedreg.accounts.models import User
    from seedreg.accounts.roles import Role
    from seedreg.regulated import service_context
    from tests.factories import JIANPING, build_geography

    build_geography()
    chief = User.objects.filter(username="bench-chief").first()
    if chief is None:
        make = User.objects.create_user
        chief = make("bench-chief", password="x" * 12, role=Role.STATION_CHIEF, region_id=JIANPING,
                     full_name="王站长", enforcement_id="辽农执B0001")
        make("bench-clerk", password="x" * 12, role=Role.STATION_CLERK, region_id=JIANPING, full_name="李科员")
        for n in (1, 2):
            make(f"bench-inspector{n}", password="x" * 12, role=Role.INSPECTOR, region_id=JIANPING,
                 full_name=f"执法{n}", enforcement_id=f"辽农执B000{n + 1}")
    clerk = User.objects.get(username="bench-clerk")
    pair = [User.objects.get(username="bench-inspector1"), User.objects.get(username="bench-inspector2")]
    today = timezone.localdate()
    if Business.objects.filter(name__startswith="基准门店").count() < n_tasks:
        for person in pair:
            inspections.save_inspector_profile(person, actor=chief)
        maize = Crop.objects.get(code="maize")
        with service_context():
            variety = Variety.objects.get_or_create(crop=maize, name="基准玉米1号",
                                                    defaults={"approval_number": "国审玉20200001"})[0]
            producer = OutsideParty.objects.filter(name="北京基准种业有限公司").first() or licensing.register_outside_party(
                actor=clerk, name="北京基准种业有限公司", licence_number="A(京)农种许字(2016)第0001号")
        for i in range(n_tasks):
            shop = licensing.register_business(
                actor=clerk, name=f"基准门店{i:03d}", kind=BusinessKind.PRODUCER, region_code="211322102",
                credit_code=credit_code("92211322", 9000 + i), address=f"建平镇{i}号",
                latitude=41.40 + i * 0.001, longitude=119.64 + i * 0.001)
            licensing.issue_seed_licence(shop, actor=clerk, number=f"C(辽朝)农种许字(2024)第{9000 + i:04d}号",
                                         issued_on=today - datetime.timedelta(days=300),
                                         expires_on=today + datetime.timedelta(days=1500), crops=[maize],
                                         issuing_organ="建平县农业农村局")
            for k in range(2):
                lot = licensing.register_seed_lot(actor=clerk, variety=variety, lot_number=f"B{i:03d}-{k}",
                                                  producer_outside=producer)
                licensing.record_purchase(actor=clerk, business=shop, lot=lot, quantity_kg="500",
                                          occurred_on=today - datetime.timedelta(days=10), supplier_outside=producer)
            inspections.create_task(actor=clerk, business=shop, kind="ad_hoc", due_on=today + datetime.timedelta(days=7),
                                    planned_on=today, inspectors=pair)
    _token, raw = issue_device_token(actor=pair[0], device_id="bench-phone", device_name="基准手机")
    return raw, pair


def sync_batch(pair, size=50):
    from licensing.models import Business

    shops = list(Business.objects.filter(name__startswith="基准门店").values_list("pk", flat=True)[:size])
    now = datetime.datetime.now(datetime.UTC).isoformat()
    return {"objects": [{"type": "visit", "uuid": str(uuid.uuid4()), "revision": str(uuid.uuid4()),
                         "data": {"business_id": shops[i % len(shops)], "partner_ids": [pair[1].pk],
                                  "checked_in_at": now, "checkin": {"latitude": 41.4, "longitude": 119.64,
                                                                    "accuracy_m": 10}}} for i in range(size)]}


def query_counts(token, pair):
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from inspections.models import Task
    from seedreg.sync.versions import VERSION_KEY

    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    client.get(f"{API}/tasks")  # serial blocks reserved once
    out = {}
    tasks = list(Task.objects.filter(status="open", inspectors=pair[0]).order_by("pk"))
    for n in (4, len(tasks)):
        keep = {t.pk for t in tasks[:n]}
        # Fewer tasks: look only a few days ahead after moving the others out of the window.
        from seedreg.regulated import service_context

        with service_context():
            Task.objects.filter(pk__in=[t.pk for t in tasks if t.pk not in keep]).update(
                planned_on=datetime.date.today() + datetime.timedelta(days=30))
        cache.delete(VERSION_KEY)  # the whole download computed
        with CaptureQueriesContext(connection) as ctx:
            body = client.get(f"{API}/tasks", {"days": 1}).json()
        out[f"tasks computed ({len(body['tasks'])} tasks)"] = len(ctx)
        with CaptureQueriesContext(connection) as ctx:
            body = client.get(f"{API}/tasks", {"days": 1}).json()
        out[f"tasks repeated ({len(body['tasks'])} tasks)"] = len(ctx)
        with service_context():
            Task.objects.filter(pk__in=[t.pk for t in tasks]).update(planned_on=datetime.date.today())
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(f"{API}/sync", sync_batch(pair), content_type="application/json")
    assert response.status_code == 200, response.content[:300]
    statuses = {r["status"] for r in response.json()["results"]}
    out["sync (50 new visits)"] = len(ctx)
    out["sync statuses"] = sorted(statuses)
    return out


def download_bytes(token, gzip=False) -> bytes:
    import urllib.request

    request = urllib.request.Request(f"http://127.0.0.1:{PORT}{API}/tasks?days=1",
                                     headers={"Authorization": f"Bearer {token}",
                                              **({"Accept-Encoding": "gzip"} if gzip else {})})
    return urllib.request.urlopen(request, timeout=60).read()


def wait_until_up(url, seconds=60):
    import urllib.request

    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"gunicorn did not come up at {url}")


def load(requests, seconds, concurrency, partition=False):
    payload = {"requests": requests, "partition": partition}
    result = subprocess.run([sys.executable, str(ROOT / "bench" / "loadgen.py"), "127.0.0.1", str(PORT),
                             str(seconds), str(concurrency)], input=json.dumps(payload), capture_output=True,
                            text=True, check=True)
    return json.loads(result.stdout)


PHOTO_CHILD = r"""
import io, json, resource, sys, time, uuid
sys.path.insert(0, sys.argv[1])
from _django import setup
setup(sys.argv[2])
from django.test import Client
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
image = Image.effect_noise((4000, 3000), 60).convert("RGB")
buf = io.BytesIO(); image.save(buf, "JPEG", quality=90); data = buf.getvalue(); del image, buf
client = Client(HTTP_AUTHORIZATION="Bearer " + sys.argv[3])
client.get("/api/mobile/v1/me")
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.perf_counter()
r = client.post("/api/mobile/v1/files", {"file": SimpleUploadedFile("IMG.jpg", data), "object_uuid": str(uuid.uuid4()),
                                        "file_uuid": str(uuid.uuid4())})
elapsed = time.perf_counter() - started
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"status": r.status_code, "bytes": len(data), "seconds": elapsed, "peak_rss_mb": after / 1024,
                  "peak_growth_mb": (after - before) / 1024}))
"""


def photo_upload(token):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": SETTINGS}
    out = subprocess.run([sys.executable, "-c", PHOTO_CHILD, str(ROOT / "bench"), SETTINGS, token], env=env,
                         capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    global PORT
    parser = argparse.ArgumentParser()
    parser.add_argument("--tasks", type=int, default=40)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--port", type=int, default=PORT)
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds of the read scenarios")
    parser.add_argument("--skip-sync-load", action="store_true", help="only count the sync's queries")
    args = parser.parse_args()
    PORT = args.port
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
    sys.path.insert(0, str(ROOT))
    setup(SETTINGS)
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    token, pair = generate(args.tasks)
    counts = query_counts(token, pair)
    db = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    print(f"\nmobile API, {args.tasks} tasks, {db}, gunicorn 2×4 gthread, {args.concurrency} concurrent clients, "
          f"{args.seconds:.0f} s each")
    print("queries per request: " + ", ".join(f"{k}: {v}" for k, v in counts.items()))
    auth = {"Authorization": f"Bearer {token}"}
    batches = [{"method": "POST", "path": f"{API}/sync", "headers": auth, "body": sync_batch(pair)}
               for _ in range(int(args.seconds * 40) + 200)]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": SETTINGS, "PYTHONPATH": str(ROOT)}
    server = subprocess.Popen([str(ROOT / ".venv" / "bin" / "gunicorn"), "seedreg.wsgi", "-b", f"127.0.0.1:{PORT}",
                               "--workers", "2", "--worker-class", "gthread", "--threads", "4",
                               "--log-level", "warning"], cwd=ROOT, env=env)
    try:
        wait_until_up(f"http://127.0.0.1:{PORT}/bench/trivial")
        size, gzipped = len(download_bytes(token)), len(download_bytes(token, gzip=True))
        scenarios = [("trivial Django (2 bytes)", ["/bench/trivial"], False),
                     ("trivial ninja endpoint", ["/bench/ninja/trivial"], False),
                     (f"JsonResponse {size // 1000} KB", [f"/bench/ceiling/{size}"], False),
                     (f"GET /tasks ({args.tasks} tasks)",
                      [{"path": f"{API}/tasks?days=1", "headers": auth}], False),
                     # What phones send (OkHttp and NSURLSession ask for gzip by themselves).
                     (f"GET /tasks, gzip ({gzipped // 1000} KB)",
                      [{"path": f"{API}/tasks?days=1", "headers": {**auth, "Accept-Encoding": "gzip"}}], False)]
        for _name, requests, _partition in scenarios:  # warm-up
            load(requests, 3, args.concurrency)
        results = {}
        for _round in range(args.rounds):  # interleaved rounds; the median is reported
            for name, requests, partition in scenarios:
                results.setdefault(name, []).append(load(requests, args.seconds, args.concurrency, partition))
        if not args.skip_sync_load:
            results["POST /sync (50 visits)"] = [load(batches, args.seconds, args.concurrency, partition=True)]
        medians = {name: sorted(runs, key=lambda r: r["rps"])[len(runs) // 2] for name, runs in results.items()}
        ceilings = [name for name, _r, _p in scenarios[:3]]
        print(f"{'scenario':<28}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'errors':>8}  "
              + "  ".join(f"/ {name}" for name in ceilings))
        for name, best in medians.items():
            shares = "  ".join(f"{best['rps'] / medians[c]['rps']:>{len(c) + 2}.0%}" for c in ceilings)
            print(f"{name:<28}{best['rps']:>8.1f}{best['p50_ms']:>9.1f}{best['p95_ms']:>9.1f}{best['errors']:>8}  "
                  f"{shares}", flush=True)
    finally:
        server.terminate()
        server.wait(timeout=30)
    photo = photo_upload(token)
    print(f"photo upload, 12 MP JPEG ({photo['bytes'] / 1e6:.1f} MB): status {photo['status']}, "
          f"{photo['seconds'] * 1000:.0f} ms, peak RSS {photo['peak_rss_mb']:.0f} MB "
          f"(+{photo['peak_growth_mb']:.0f} MB during the upload)")


if __name__ == "__main__":
    main()
