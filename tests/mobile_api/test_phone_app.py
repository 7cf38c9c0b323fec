"""The inspectors' phone app at /m/ in headless Chromium on a 360×740 touch screen, against the
live server through a relay the test switches off (tests/netproxy.py) to cut the signal."""

import datetime
import io
import json

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.utils import timezone
from PIL import Image

from inspections import services as inspections
from inspections.models import Finding, Photo, Sample, SamplingRecord, Visit
from mobile_api.models import UploadedFile
from seedreg.regions.models import Station
from tests.factories import PASSWORD
from tests.netproxy import SwitchableProxy

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Sync renders the visit record, the order and the sampling form as PDFs on the server: on a
# shared, loaded machine that takes a while; the wait is for a state, never a timing assertion.
SYNC_TIMEOUT_MS = 180_000
SHOP_POSITION = {"latitude": 41.4031, "longitude": 119.6431}  # ~10 m from 建平县第1种子门市部


# --- served by Django --------------------------------------------------------------------------
def test_the_shell_manifest_and_service_worker_need_no_session(client):
    shell = client.get("/m/")
    assert shell.status_code == 200
    assert "种子执法" in shell.content.decode()
    manifest = client.get("/m/manifest.webmanifest")
    data = json.loads(manifest.content)
    assert manifest["Content-Type"] == "application/manifest+json"
    assert data["scope"] == "/m/" and data["start_url"] == "/m/" and data["display"] == "standalone"
    assert {i["sizes"] for i in data["icons"]} == {"192x192", "512x512"}
    for icon in data["icons"]:
        path = finders.find(icon["src"].removeprefix(settings.STATIC_URL))
        assert Image.open(path).size == tuple(int(n) for n in icon["sizes"].split("x"))
    worker = client.get("/m/sw.js")
    assert worker["Content-Type"].startswith("text/javascript")
    body = worker.content.decode()
    assert "/static/phone/js/app.js" in body and '"/m/"' in body


# --- in the browser ---------------------------------------------------------------------------
@pytest.fixture
def proxy(live_server):
    host, port = live_server.url.removeprefix("http://").split(":")
    relay = SwitchableProxy(host, int(port))
    yield relay
    relay.close()


@pytest.fixture
def handset(browser):
    context = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=2, is_mobile=True,
                                  has_touch=True, locale="zh-CN", timezone_id="Asia/Shanghai",
                                  geolocation={**SHOP_POSITION, "accuracy": 12}, permissions=["geolocation"])
    page = context.new_page()
    page.set_default_timeout(20000)
    yield page
    context.close()


@pytest.fixture
def reference_data(crops):
    """Checklist items, finding types and sampling rules (a transactional test flushed the
    migration's rows, as tests/licensing/conftest.py's crops fixture notes)."""
    from importlib import import_module

    from django.apps import apps

    from inspections.models import ChecklistItem

    if not ChecklistItem.objects.exists():
        import_module("inspections.migrations.0002_reference_data").load(apps, None)


@pytest.fixture
def day(clerk, shops, directory, inspector, inspector2, reference_data):
    today = timezone.localdate()
    return [inspections.create_task(actor=clerk, business=b, kind="ad_hoc", due_on=today + datetime.timedelta(days=10),
                                    planned_on=today, inspectors=[inspector, inspector2]) for b in shops[:3]]


def log_in(page, proxy, user):
    page.goto(f"{proxy.url}/m/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("#route .task")
    # The service worker has stored the shell and controls the page.
    page.wait_for_function("navigator.serviceWorker.controller !== null")


def test_the_service_worker_serves_the_app_shell_with_no_signal(handset, proxy, inspector, day):
    log_in(handset, proxy, inspector)
    proxy.go_offline()
    response = handset.reload()
    assert response.from_service_worker
    handset.wait_for_selector("#route .task")
    assert "建平县第1种子门市部" in handset.inner_text("#route")
    assert "上次同步" in handset.inner_text("main")
    # The page really had no network: the relay reset what the phone tried (the API refresh).
    handset.goto(f"{proxy.url}/m/#/outbox")
    handset.wait_for_selector("#sync-progress:has-text('无网络')")
    assert proxy.refused > 0


def jpeg(n=1, width=4000, height=3000) -> bytes:
    """A camera-sized photo (12 megapixels) the phone must downscale before keeping it; each n
    a different picture (the server keeps one copy of identical content)."""
    out = io.BytesIO()
    Image.new("RGB", (width, height), (30 + 40 * n, 120, 60)).save(out, "JPEG", quality=80)
    return out.getvalue()


def sign(page, pad="#signature", hand=0):
    """Draw a stroke on the pad; each ``hand`` draws a different one (the server keeps one copy
    of identical images per object, and two people's signatures are never pixel-identical)."""
    page.locator(pad).scroll_into_view_if_needed()
    box = page.locator(pad).bounding_box()
    top = box["y"] + 40 + 10 * hand
    page.mouse.move(box["x"] + 20, top)
    page.mouse.down()
    for step in range(1, 12):
        page.mouse.move(box["x"] + 20 + step * 20, top + (step % 3) * 25)
    page.mouse.up()


def fill_sample(page, *, lot_number="ZD2026-001", lot_size_kg="2000", packages="20", seals=("FQ-0001", "FQ-0002")):
    """Open the sampling screen of the visit shown and fill in a maize lot from its label."""
    page.click("#add-sample")
    page.select_option("select[name=crop_code]", "maize")
    page.fill("input[name=variety_name]", "郑单958")
    page.fill("input[name=lot_number]", lot_number)
    page.fill("input[name=producer_name]", "河南秋乐种业")
    page.fill("input[name=lot_size_kg]", lot_size_kg)
    page.fill("input[name=packages]", packages)
    page.fill("input[name=test_seals]", seals[0])
    page.fill("input[name=backup_seals]", seals[1])
    page.fill("input[name=backup_kept_at]", "门市部库房")


def do_offline_visit(page, *, photos=1, seals=("FQ-0001", "FQ-0002")):
    """Check in at the nearest shop, fail the first checklist item (with a photo on its finding),
    take a sample, order rectification, get the signature, check out: all with no signal."""
    page.click("#route .task >> nth=0")
    page.click("#checkin")
    page.wait_for_selector("#checklist")
    items = page.locator("#checklist fieldset.item")
    for i in range(items.count()):
        items.nth(i).locator("input[value=yes]").check()
    items.nth(0).locator("input[value=no]").check()
    items.nth(0).locator("input[type=text], input:not([type])").fill("许可证未公示")
    page.click("#checklist button")
    page.wait_for_selector("#findings li.finding")
    for n in range(1, photos + 1):
        page.set_input_files("#findings .photo-input", files=[{"name": f"IMG_{n:04}.jpg", "mimeType": "image/jpeg",
                                                               "buffer": jpeg(n)}])
        page.wait_for_selector(f"#findings li.finding:has-text('照片 {n} 张')")
    fill_sample(page, lot_size_kg="50000", seals=seals)
    page.fill("input[name=business_signer]", "王经理")
    page.click("#sample button.primary")
    # The station's rule (sampling rules table): a maize lot weighs at most 40000 kg.
    page.wait_for_selector(".field-error:has-text('40000')")
    page.fill("input[name=lot_size_kg]", "2000")
    page.click("#sample button.primary")
    page.wait_for_selector("#checklist")
    assert seals[0] in page.inner_text("main")
    page.select_option("select[name=outcome]", "compliant")
    sign(page)
    page.click("#close button.big")
    page.wait_for_selector(".field-error:has-text('不能为“未发现问题”')")
    page.select_option("select[name=outcome]", "rectification")
    page.fill("input[name=rectification_days]", "10")
    page.click("#close button.big")
    page.wait_for_selector("#route")


def files_on_phone(page):
    return page.evaluate("""() => new Promise((resolve) => {
        const req = indexedDB.open("seedreg-phone");
        req.onsuccess = () => {
          const get = req.result.transaction("files").objectStore("files").getAll();
          get.onsuccess = () => resolve(get.result.map((f) => ({role: f.role, width: f.width || null, size: f.blob.size,
                                                                type: f.blob.type, uploaded: f.uploaded,
                                                                taken_at: f.taken_at, latitude: f.latitude ?? null, answer: f.answer})));
        };
    })""")


def test_a_whole_visit_offline_survives_a_reload_and_syncs_once(handset, proxy, inspector, day):
    log_in(handset, proxy, inspector)
    proxy.go_offline()
    do_offline_visit(handset)
    handset.reload()  # still offline: the shell from the service worker, the work from IndexedDB
    handset.wait_for_selector("#route .task")
    assert "已检查" in handset.inner_text("#route")
    handset.goto(f"{proxy.url}/m/#/outbox")
    handset.wait_for_selector(".outbox-item")
    items = handset.inner_text(".list")
    assert "建平县第1种子门市部" in items and "许可证未公示" in items and "郑单958 ZD2026-001" in items
    assert handset.locator(".outbox-item .status.pending").count() == 3
    files = files_on_phone(handset)
    photo = next(f for f in files if f["role"] == "photo")
    assert photo["width"] == 1600 and photo["type"] == "image/jpeg" and not photo["uploaded"]
    assert photo["latitude"] == pytest.approx(SHOP_POSITION["latitude"])
    assert [f["role"] for f in files].count("signature") == 1
    assert Visit.objects.count() == 0

    proxy.go_online()
    handset.click("#sync")
    handset.wait_for_selector("#sync-progress:has-text('同步完成')", timeout=SYNC_TIMEOUT_MS)
    handset.wait_for_selector(".outbox-item .status.accepted >> nth=2")
    assert handset.inner_text("#files-uploaded") == "2"

    visit = Visit.objects.get()
    assert (visit.business, visit.task, visit.status, visit.outcome) == (day[0].business, day[0], "closed", "rectification")
    assert {u.pk for u in visit.inspectors.all()} == {inspector.pk, day[0].inspectors.exclude(pk=inspector.pk).get().pk}
    assert visit.checkin_accuracy_m == 12 and visit.distance_m < 50 and not visit.outside_geofence
    assert visit.ack_signature and not visit.ack_refused
    failed = visit.answers.get(answer="no")
    finding = visit.findings.get()
    assert finding.checklist_item == failed.item and finding.description == "许可证未公示"
    photo = Photo.objects.get()
    assert photo.finding == finding and (photo.width, photo.height) == (1600, 1200)
    upload = UploadedFile.objects.get(kind="photo")
    assert float(upload.latitude) == pytest.approx(SHOP_POSITION["latitude"]) and upload.captured_at is not None
    order = visit.rectification
    assert order.days == 10 and order.items == ["许可证未公示"]
    sampling = SamplingRecord.objects.get()
    assert (sampling.visit, sampling.crop.code, sampling.variety_name, sampling.lot_number) == (
        visit, "maize", "郑单958", "ZD2026-001")
    assert sampling.lot_size_kg == 2000 and sampling.packages == 20 and sampling.sample_quantity_g == 2000
    assert {s.role: s.seal_numbers for s in sampling.samples.all()} == {"test": ["FQ-0001"], "backup": ["FQ-0002"]}
    assert sampling.document is not None

    handset.click("#sync")  # a second sync sends nothing new and creates nothing twice
    handset.wait_for_selector("#sync-progress:has-text('同步完成')", timeout=SYNC_TIMEOUT_MS)
    assert (Visit.objects.count(), Finding.objects.count(), Photo.objects.count(), SamplingRecord.objects.count(),
            Sample.objects.count()) == (1, 1, 1, 1, 2)


def test_sync_cut_during_photo_uploads_resumes_without_duplicates(handset, proxy, inspector, day):
    log_in(handset, proxy, inspector)
    proxy.go_offline()
    do_offline_visit(handset, photos=3)
    proxy.go_online()
    uploads = []

    def cut_on_second_upload(route):
        uploads.append(route.request.url)
        if len(uploads) != 2:
            route.continue_()
            return
        # The server receives and stores the second photo, then the signal goes before the
        # phone hears the answer: the worst moment, the phone must send it again.
        route.fetch()
        proxy.go_offline()
        route.abort("connectionreset")

    handset.route("**/api/mobile/v1/files", cut_on_second_upload)
    handset.goto(f"{proxy.url}/m/#/outbox")
    handset.wait_for_selector("#sync-progress:has-text('同步中断')", timeout=SYNC_TIMEOUT_MS)
    assert len(uploads) == 2
    assert Photo.objects.count() == 2 and Visit.objects.get().status == "open"  # check-out waits for its signature

    handset.unroute("**/api/mobile/v1/files")
    proxy.go_online()
    handset.click("#sync")
    handset.wait_for_selector("#sync-progress:has-text('同步完成')", timeout=SYNC_TIMEOUT_MS)
    assert handset.inner_text("#files-uploaded") == "4"
    visit = Visit.objects.get()
    assert visit.status == "closed" and visit.ack_signature
    assert Finding.objects.count() == 1 and Photo.objects.filter(finding__visit=visit).count() == 3
    assert UploadedFile.objects.filter(kind="photo").count() == 3


def test_check_in_far_from_the_registered_place_warns(handset, proxy, inspector, day):
    log_in(handset, proxy, inspector)
    handset.context.set_geolocation({"latitude": 41.4130, "longitude": 119.6431, "accuracy": 30})  # ~1.1 km north
    handset.click("#route .task:has-text('建平县第1种子门市部')")
    handset.click("#checkin")
    warning = handset.locator("#distance.alert")
    assert "偏离登记地址较远" in warning.inner_text()
    # The server measures with the county's radius and says so in its answer.
    handset.goto(f"{proxy.url}/m/#/outbox")
    handset.wait_for_selector(".outbox-item:has-text('签到位置偏离登记地址')", timeout=SYNC_TIMEOUT_MS)
    assert Visit.objects.get().outside_geofence


def test_the_phone_warns_with_the_countys_own_radius(handset, proxy, inspector, day):
    # The county allows 2 km: the same check-in ~1.1 km away is not far (it was a fixed 300 m).
    Station.objects.filter(region_id="211322").update(settings={"inspection_geofence_radius_m": 2000})
    log_in(handset, proxy, inspector)
    handset.context.set_geolocation({"latitude": 41.4130, "longitude": 119.6431, "accuracy": 30})
    handset.click("#route .task:has-text('建平县第1种子门市部')")
    handset.click("#checkin")
    distance = handset.locator("#distance")
    assert "距登记地址" in distance.inner_text() and "偏离登记地址较远" not in distance.inner_text()
    assert "alert" not in (distance.get_attribute("class") or "")


def test_a_task_reassigned_while_offline_comes_back_as_a_conflict(handset, proxy, clerk, inspector, inspector2,
                                                                   inspector3, day):
    log_in(handset, proxy, inspector)
    proxy.go_offline()
    handset.click("#route .task >> nth=0")
    handset.click("#checkin")
    handset.wait_for_selector("#checklist")
    task = Visit.task.field.related_model.objects.get(business__name=handset.inner_text("h1"))
    inspections.reassign_task(task, actor=clerk, inspectors=[inspector2, inspector3], reason="回避")
    proxy.go_online()
    handset.goto(f"{proxy.url}/m/#/outbox")
    handset.wait_for_selector(".outbox-item .status.conflict", timeout=SYNC_TIMEOUT_MS)
    item = handset.inner_text(".outbox-item")
    assert "与服务器冲突" in item and "已改派" in item
    assert Visit.objects.count() == 0


def test_seed_bag_scan_online_by_photo_and_offline_provisionally(handset, proxy, inspector, day, licensed, varieties):
    from tests.mobile_api.test_scan import label, qr_photo

    log_in(handset, proxy, inspector)
    handset.goto(f"{proxy.url}/m/#/scan")
    # Headless Chromium on Linux has no BarcodeDetector: the photo goes to the server to decode.
    handset.set_input_files("input[name=photo]", files=[{"name": "qr.jpg", "mimeType": "image/jpeg",
                                                         "buffer": qr_photo(label(), rotate=8)}])
    result = handset.wait_for_selector("#scan-result")
    assert "核验结果" in result.inner_text() and "生产经营者持证：是" in result.inner_text()

    proxy.go_offline()
    handset.fill("textarea[name=text]", label(variety="郑单958"))
    handset.click("#scan button")
    handset.wait_for_selector("#scan-result.provisional")
    text = handset.inner_text("#scan-result")
    assert "离线初判" in text and "品种已审定/登记：是" in text and "生产经营者持证：无法判断" in text


def test_a_rule_only_the_server_knows_is_shown_on_the_rejected_item(handset, proxy, chief, inspector, inspector2,
                                                                   day):
    # The partner may not sample (the station's directory): the phone cannot know, the server says.
    inspections.save_inspector_profile(inspector2, actor=chief, may_sample=False)
    log_in(handset, proxy, inspector)
    proxy.go_offline()
    do_offline_visit(handset)
    proxy.go_online()
    handset.goto(f"{proxy.url}/m/#/outbox")
    handset.wait_for_selector("#sync-progress:has-text('同步完成')", timeout=SYNC_TIMEOUT_MS)
    rejected = handset.inner_text(".outbox-item:has-text('郑单958')")
    assert "被退回" in rejected and "抽样须由两名以上具有抽样资格的执法人员进行" in rejected
    assert SamplingRecord.objects.count() == 0 and Visit.objects.get().status == "closed"


def test_a_peddler_at_a_fair_offline(handset, proxy, inspector, inspector2, day):
    log_in(handset, proxy, inspector)
    proxy.go_offline()
    handset.click("a[href='#/peddler']")
    handset.click("#peddler button")
    handset.wait_for_selector(".field-error:has-text('请填写商贩位置')")
    assert "请勾选同行执法人员" in handset.inner_text("#peddler")
    handset.check(f"#peddler input[name=partner][value='{inspector2.pk}']")
    handset.fill("input[name=peddler_location]", "黑水镇集市东口")
    handset.fill("input[name=peddler_description]", "男，五十岁左右，蓝色三轮车")
    handset.fill("input[name=goods_sold]", "散装玉米种子")
    handset.click("#peddler button")
    handset.wait_for_selector("#checklist")
    assert inspector2.full_name in handset.inner_text("#people")
    handset.select_option("select[name=outcome]", "refused")
    handset.check("input[name=ack_refused]")
    handset.click("#close button.big")
    handset.wait_for_selector(".field-error:has-text('请记录拒绝检查的情况')")
    handset.fill("textarea[name=refusal_account]", "拒绝出示种子来源，驾车离开")
    handset.fill("input[name=ack_note]", "拒绝签字")
    handset.click("#close button.big")
    handset.wait_for_selector("#route")
    proxy.go_online()
    handset.goto(f"{proxy.url}/m/#/outbox")
    handset.wait_for_selector("#sync-progress:has-text('同步完成')", timeout=SYNC_TIMEOUT_MS)
    visit = Visit.objects.get()
    assert visit.business is None and visit.peddler_location == "黑水镇集市东口" and visit.goods_sold == "散装玉米种子"
    assert (visit.status, visit.outcome, visit.ack_refused) == ("closed", "refused", True)
    assert {u.pk for u in visit.inspectors.all()} == {inspector.pk, inspector2.pk}
    assert visit.findings.get().finding_type.code == "refused_inspection"
