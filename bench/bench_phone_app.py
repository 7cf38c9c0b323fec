"""The inspectors' phone app (/m/): app-shell size, time to interactive on an emulated mid-range
phone, and the evening sync of a day's work, against gunicorn on loopback.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/seedreg_w9 .venv/bin/python bench/bench_phone_app.py

1. Shell size: every file the service worker stores (the page, its JS modules and CSS, the
   manifest, the worker, the icons), raw, gzip -9 and brotli (what whitenoise serves).
2. Time to interactive in headless Chromium (360×740, touch) with CPU throttled 4× and the
   DevTools "Slow 3G" network (2000 ms latency, 400 kbit/s each way) through the Chrome DevTools
   Protocol: from navigation to the first screen drawn with its handlers attached (app.js sets
   data-ready). Cold (first visit, empty cache) and warm (logged in, shell from the service
   worker, the day's route drawn from IndexedDB).
3. Sync of a day's work, unthrottled: 20 visits (check-in, checklist with one failure, a finding
   with 3 photos of 1600×1200, the business's signature and both inspectors' own, check-out with
   a rectification order) = 20 visits + 20 findings + 60 photos + 60 signatures, written into the
   app's own outbox with its own modules, then sent by its own sync (batch + one request per
   file). Checked in the database.

Generates its own county data (20 shops with tasks for an inspector pair) on each run."""

from __future__ import annotations

import argparse
import datetime
import gzip
import json
import os
import subprocess
import sys
import time
import urllib.request

import brotli
from _django import ROOT, setup

PORT = 8901
SLOW_3G = {"offline": False, "latency": 2000, "downloadThroughput": 400 * 1000 / 8, "uploadThroughput": 400 * 1000 / 8}
CPU_SLOWDOWN = 4


def make_day(n_visits: int):
    """Two inspectors, n shops around the station with a task each for today."""
    from django.utils import timezone

    from inspections import services as inspections
    from licensing import services as licensing
    from licensing.demo import credit_code
    from licensing.models import Business
    from seedreg.accounts.roles import Role
    from seedreg.regulated import service_context
    from tests.factories import PASSWORD, build_geography, make_user

    build_geography()
    run = Business.objects.count() + 1
    chief = make_user(Role.STATION_CHIEF, enforcement_id=f"辽农执B{run:05d}0", username=f"bench-chief-{run}")
    clerk = make_user(Role.STATION_CLERK, username=f"bench-clerk-{run}")
    pair = [make_user(Role.INSPECTOR, enforcement_id=f"辽农执B{run:05d}{i}", username=f"bench-insp{i}-{run}",
                      full_name=f"测试执法{i}") for i in (1, 2)]
    for u in pair:
        inspections.save_inspector_profile(u, actor=chief)
    today = timezone.localdate()
    with service_context():
        for i in range(n_visits):
            shop = licensing.register_business(
                actor=clerk, name=f"建平县测试{run}-{i}种子门市部", kind="packaged_seller", region_code="211322102",
                credit_code=credit_code("92211322", 100000 + run * 100 + i), legal_representative="王某",
                address=f"建平镇{i}号", latitude=f"{41.40 + i * 0.001:.6f}", longitude=f"{119.64 + i * 0.001:.6f}")
            inspections.create_task(actor=clerk, business=shop, kind="ad_hoc", due_on=today + datetime.timedelta(days=5),
                                    planned_on=today, inspectors=pair)
    return pair[0].username, PASSWORD, [u.pk for u in pair]


def start_server(url):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings_bench", "PYTHONPATH": str(ROOT)}
    server = subprocess.Popen([str(ROOT / ".venv" / "bin" / "gunicorn"), "seedreg.wsgi", "-b", f"127.0.0.1:{PORT}",
                               "-w", "2", "-k", "gthread", "--threads", "4", "--log-level", "warning"], cwd=ROOT, env=env)
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{url}/healthz", timeout=1)
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit(f"gunicorn did not come up at {url}")


def shell_size(url):
    from mobile_api.phone import shell_urls

    rows = []
    for path in [*shell_urls(), "/m/manifest.webmanifest", "/m/sw.js"]:
        body = urllib.request.urlopen(url + path).read()
        rows.append((path, len(body), len(gzip.compress(body, 9)), len(brotli.compress(body))))
    return rows


def chromium(playwright):
    return playwright.chromium.launch(executable_path=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
                                      headless=True, args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])


def phone_context(browser):
    return browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=2, is_mobile=True,
                               has_touch=True, locale="zh-CN", timezone_id="Asia/Shanghai",
                               geolocation={"latitude": 41.403, "longitude": 119.643, "accuracy": 15},
                               permissions=["geolocation"])


def throttled(page):
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", SLOW_3G)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    return cdp


# The shell's CSP has no 'unsafe-eval', which Playwright's wait_for_function polls with: wait on
# a selector, or poll with evaluate (run through the DevTools protocol, outside the CSP).
def wait_until(page, expression, timeout_s=120):
    deadline = time.monotonic() + timeout_s
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise TimeoutError(expression)
        time.sleep(0.1)


def ready_ms(page):
    page.wait_for_selector("html[data-ready]", state="attached", timeout=120000)
    return page.evaluate("performance.getEntriesByType('navigation')[0].startTime + "
                         "Number(document.documentElement.dataset.ready)")


def log_in(page, url, username, password):
    page.goto(f"{url}/m/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_selector("#route .task", timeout=60000)
    wait_until(page, "navigator.serviceWorker.controller !== null")


# The day's work, written by the app's own modules as its screens would.
DAY_JS = """async ({visits, pair}) => {
  const outbox = await import("/static/phone/js/outbox.js");
  const db = await import("/static/phone/js/db.js");
  const download = await db.kv.get("download");
  const items = download.checklist_items.map((i) => i.code);
  const photo = async (seed) => {
    const canvas = new OffscreenCanvas(1600, 1200), ctx = canvas.getContext("2d");
    for (let i = 0; i < 400; i++) {  // a busy picture: shelves of bags, not a flat colour
      ctx.fillStyle = `hsl(${(seed * 37 + i * 13) % 360}, 50%, ${30 + (i * 7) % 50}%)`;
      ctx.fillRect((i * 97 + seed * 31) % 1600, (i * 53 + seed * 17) % 1200, 40 + i % 120, 30 + i % 90);
    }
    return canvas.convertToBlob({type: "image/jpeg", quality: 0.82});
  };
  let bytes = 0;
  for (const task of download.tasks.slice(0, visits)) {
    const codes = task.checklist_codes;
    const visit = await outbox.create("visit", {task_id: task.id, business_id: task.business.id,
      business_name: task.business.name, peddler: null, inspectors: task.inspectors.map((p) => p.id),
      checked_in_at: new Date().toISOString(), checkin: {latitude: task.business.latitude, longitude: task.business.longitude, accuracy_m: 15},
      distance_m: 0, checklist_codes: codes, answers: {}}, {seal: true});
    const item = download.checklist_items.find((i) => i.code === codes[0]);
    const finding = await outbox.create("finding", {visit_uuid: visit.uuid, finding_type: item.finding_type,
      description: "台账不全", checklist_item: item.code, photos: []});
    const photos = [];
    for (let k = 0; k < 3; k++) {
      const blob = await photo(task.id * 3 + k);
      bytes += blob.size;
      photos.push((await outbox.addFile(finding.uuid, "photo", blob, {name: `p${k}.jpg`, taken_at: new Date().toISOString(),
        latitude: task.business.latitude, longitude: task.business.longitude, accuracy_m: 15, width: 1600, height: 1200})).uuid);
    }
    await outbox.update(finding.uuid, (d) => ({...d, photos}));
    const drawn = (seed) => {  // a signature pad's PNG, a stroke of its own per signer
      const sig = new OffscreenCanvas(600, 200), s = sig.getContext("2d");
      s.fillStyle = "#fff"; s.fillRect(0, 0, 600, 200); s.strokeStyle = "#000"; s.lineWidth = 3;
      s.beginPath(); s.moveTo(20, 150); for (let x = 20; x < 580; x += 20) s.lineTo(x, 100 + 50 * Math.sin(x / 30 + seed)); s.stroke();
      return sig.convertToBlob({type: "image/png"});
    };
    const signature = await outbox.addFile(visit.uuid, "signature", await drawn(task.id), {name: "signature.png", taken_at: new Date().toISOString()});
    // Both inspectors sign the visit record and the order on the phone, as the station's pages.
    const inspectorSignatures = [];
    for (const id of pair) {
      const file = await outbox.addFile(visit.uuid, "signature", await drawn(task.id + id * 0.37), {name: `inspector-${id}.png`, taken_at: new Date().toISOString()});
      inspectorSignatures.push({inspector_id: id, file_uuid: file.uuid});
    }
    await outbox.update(visit.uuid, (d) => ({...d,
      answers: Object.fromEntries(codes.map((c, i) => [c, i === 0 ? ["no", "台账不全"] : ["yes", ""]])),
      outcome: "rectification", refusal_account: "", rectification_items: [], rectification_days: 10, case_summary: "",
      ack_refused: false, ack_note: "", ack_signature_file: signature.uuid, inspector_signatures: inspectorSignatures,
      record_serial_number: null,
      order_serial_number: null, checked_out_at: new Date().toISOString(),
      checkout: {latitude: task.business.latitude, longitude: task.business.longitude, accuracy_m: 15}}));
  }
  return bytes;
}"""


def main():
    global PORT  # start_server reads it
    parser = argparse.ArgumentParser()
    parser.add_argument("--visits", type=int, default=20)
    parser.add_argument("--port", type=int, default=PORT)
    args = parser.parse_args()
    PORT = args.port
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings_bench"
    setup("bench.settings_bench")
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # gunicorn serves them through whitenoise
    username, password, pair = make_day(args.visits)
    url = f"http://localhost:{PORT}"
    server = start_server(url)
    try:
        rows = shell_size(url)
        print("\n1. app shell (everything the service worker stores)")
        print(f"{'file':48} {'raw':>8} {'gzip':>8} {'brotli':>8}")
        for path, raw, gz, br in rows:
            print(f"{path:48} {raw:8,} {gz:8,} {br:8,}")
        total = [sum(r[i] for r in rows) for i in (1, 2, 3)]
        no_icons = [sum(r[i] for r in rows if "/icons/" not in r[0]) for i in (1, 2, 3)]
        print(f"{'total':48} {total[0]:8,} {total[1]:8,} {total[2]:8,}")
        print(f"{'total without icons':48} {no_icons[0]:8,} {no_icons[1]:8,} {no_icons[2]:8,}")

        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            browser = chromium(p)
            context = phone_context(browser)
            page = context.new_page()
            throttled(page)
            page.goto(f"{url}/m/", timeout=120000)
            cold = ready_ms(page)
            page.close()
            page = context.new_page()
            log_in(page, url, username, password)
            page.close()
            page = context.new_page()
            throttled(page)
            page.goto(f"{url}/m/", timeout=120000)
            warm = ready_ms(page)
            page.wait_for_selector("#route .task")
            print(f"\n2. time to interactive, CPU ÷{CPU_SLOWDOWN}, Slow 3G (2000 ms, 400 kbit/s): "
                  f"first visit {cold / 1000:.2f} s; logged in, shell from the service worker {warm / 1000:.2f} s")
            page.close()

            page = context.new_page()
            page.goto(f"{url}/m/")
            page.wait_for_selector("#route .task")
            photo_bytes = page.evaluate(DAY_JS, {"visits": args.visits, "pair": pair})
            uploads = []
            page.on("request", lambda r: uploads.append(r.url) if r.url.endswith("/files") else None)
            started = time.perf_counter()
            page.evaluate("import('/static/phone/js/sync.js').then((m) => m.startSync())")
            elapsed = time.perf_counter() - started
            state = page.evaluate("import('/static/phone/js/outbox.js').then(async (o) => "
                                  "({records: (await o.list()).map((r) => r.status), files: (await o.allFiles()).filter((f) => f.uploaded).length}))")
            browser.close()
        connection.close()
        from inspections.models import InspectorSignature, Photo, Visit

        closed = Visit.objects.filter(status="closed", task__inspectors__username=username).distinct().count()
        photos = Photo.objects.filter(finding__visit__task__inspectors__username=username).distinct().count()
        signed = InspectorSignature.objects.filter(visit__task__inspectors__username=username).distinct().count()
        print(f"\n3. sync of a day's work ({args.visits} visits, {3 * args.visits} photos of 1600×1200 totalling "
              f"{photo_bytes / 1e6:.1f} MB, {args.visits} business and {2 * args.visits} inspector signatures), "
              f"local gunicorn 2×4, {connection.vendor}: {elapsed:.1f} s; {len(uploads)} file requests; "
              f"server: {closed} visits closed, {photos} photos, {signed} inspector signatures; phone: "
              f"{json.dumps({s: state['records'].count(s) for s in set(state['records'])})}, {state['files']} files uploaded")
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    sys.exit(main())
