"""The regulatory loop, end to end, as one story (issue 8, first requirement).

A producer's maize lot is bought by a wholesaler and sold on to three shops and forty farmers;
the first-batch item appears; the chief's draw picks two of the shops and an inspector pair; the
pair visit one shop offline and sync from the phone, sampling the lot with seals; the lab takes
the sample in, tests it, germination fails; the reviewer approves and the verdict is issued; the
report reaches the shop and the producer; the chief issues the stop-sale order, which freezes the
lot at the wholesaler and all three shops (their sales of it are refused); on day 10 the shop
objects; the backup sample goes to the city's laboratory; the re-test confirms the failure; the
case is referred for penalty; the shop is a mandatory subject of the next draw; the published
draw and the lot's public page show it all without anyone's personal data.

Every step goes through the entry point its people use: the station's, the dealers' and the
laboratory's web pages (Django's test client posting the real forms), the inspectors' mobile API
over HTTP with a device token, and a real Celery worker that delivers the text messages the
outbox hands it. What exists before the story (the directory, the people, dealer accounts) is
built through the apps' services, as the clerk's and the chief's own pages would. "Day 10" is a
clock moved with time-machine to the tenth day after the report's service, the day counted the
way the Civil Code counts it (``seedreg.workcalendar.deadlines``).
"""

from __future__ import annotations

import datetime
import io
import re
import uuid
from dataclasses import dataclass, field

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from inspections import services as inspections
from inspections.models import Draw, SamplingRecord
from labs.models import LabReport, LabSample, LabTest, RetestRequest
from labs.services.retests import objection_deadline
from licensing import services as licensing
from licensing.models import BusinessKind, DealerTransfer, SeedLot, StopSaleOrder, Variety
from seedreg.accounts.roles import Role
from seedreg.notifications.models import OutgoingMessage, SmsLog
from seedreg.regulated import service_context
from seedreg.workcalendar.deadlines import local_date
from tests.factories import CHAOYANG_CITY, JIANPING, PASSWORD, make_user
from tests.helpers import wait_for
from tests.labs.conftest import GOOD_RAW, standards  # noqa: F401  (fixture)
from tests.licensing.conftest import crops, make_business, make_dealer  # noqa: F401  (fixture)
from tests.mobile_api.test_sync import reload_inspection_reference_data

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]

API = "/api/mobile/v1"
JIANPING_TOWN, HEISHUI_TOWN, YEBAISHOU, ZHULUKE = "211322102", "211322103", "211322001", "211322101"
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
FARMERS = [(f"{SURNAMES[n % 20]}{'春秋冬夏'[n % 4]}{'生田林山'[n // 20]}", f"1390422{n:04d}", "建平镇三家村")
           for n in range(40)]


@dataclass
class County:
    """Who and what the story is about."""

    people: dict
    producer: object
    wholesaler: object
    shops: list
    dealers: dict = field(default_factory=dict)  # business pk -> its dealer user
    lot: SeedLot | None = None
    campaign: object = None
    plan_pk: int | None = None
    visited: object = None  # the shop the inspectors sampled
    sampling: SamplingRecord | None = None
    lab_sample: LabSample | None = None
    report: LabReport | None = None
    order: StopSaleOrder | None = None
    retest: RetestRequest | None = None


# --- the entry points ------------------------------------------------------------------------------

def web(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page(client, url, *, status=200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode()


def post(client, url, data=None, *, status=302) -> object:
    response = client.post(url, data or {})
    assert response.status_code == status, (url, response.status_code, errors_on(response.content.decode()))
    return response


def errors_on(html: str) -> list[str]:
    """What a form page tells its user went wrong (for a failing assertion's message)."""
    return re.findall(r'role="alert">(.*?)</', html, re.S) or [texts_of(html)[:2000]]


class Phone:
    """An inspector's phone on the mobile API: Django's full stack, a bearer device token."""

    def __init__(self, user, device_id):
        self.client = Client()
        answer = self.client.post(f"{API}/auth/token", {"username": user.username, "password": PASSWORD,
                                                        "device_id": device_id, "device_name": "华为 Mate"},
                                  content_type="application/json")
        assert answer.status_code == 201, answer.content
        self.headers = {"Authorization": f"Bearer {answer.json()['token']}"}

    def get(self, path):
        response = self.client.get(API + path, headers=self.headers)
        assert response.status_code == 200, response.content
        return response.json()

    def post(self, path, body):
        response = self.client.post(API + path, body, content_type="application/json", headers=self.headers)
        assert response.status_code == 200, response.content
        return response.json()

    def upload(self, **form):
        response = self.client.post(API + "/files", form, headers=self.headers)
        assert response.status_code == 201, response.content


def open_notification(client, text):
    """Press 查看 on the inbox entry that mentions ``text``: the answer redirects to its link."""
    inbox = page(client, reverse("notifications:inbox"))
    entry = next(li for li in inbox.split("<li")[1:] if text in li)
    action = re.search(r'action="([^"]+/read)"', entry).group(1)
    return post(client, action, {"open": "1"})


def signature_png() -> bytes:
    image = Image.new("RGB", (400, 160), "white")
    for x in range(40, 360):
        image.putpixel((x, 80 + (x % 23)), (0, 0, 0))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def germination(*normals) -> dict:
    raw = {}
    for i, n in enumerate(normals, 1):
        raw.update({f"r{i}_normal": str(n), f"r{i}_dead": str(100 - n)})
    return raw


def texts_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# --- before the story: the county's directory ------------------------------------------------------

def the_county(people, crops) -> County:  # noqa: F811
    """The reference data a transactional test may find flushed, the inspector directory, and the
    directory of businesses with their dealers' portal accounts (the clerk's work, through the
    licensing services)."""
    reload_inspection_reference_data()
    from django.apps import apps

    from seedreg.workcalendar.loading import load_calendar

    load_calendar(apps.get_model("workcalendar", "CalendarDay"))
    clerk, chief = people["clerk"], people["chief"]
    today = timezone.localdate()
    with service_context():
        for inspector in (people["inspector"], people["inspector2"]):
            inspections.save_inspector_profile(inspector, actor=chief)
        licensing.register_variety(actor=clerk, crop=crops["maize"], name="郑单958", seed_type="single_cross",
                                   approval_number="国审玉20000009")
    producer = make_business(clerk, "建平县丰禾种业有限公司", serial=2, kind=BusinessKind.PRODUCER, region=ZHULUKE)
    with service_context():
        licensing.issue_seed_licence(
            producer, actor=clerk, number="B(辽朝)农种许字(2019)第0012号", issued_on=today - datetime.timedelta(days=1000),
            expires_on=today + datetime.timedelta(days=800), crops=[crops["maize"]], issuing_organ="朝阳市农业农村局",
            valid_region="辽宁省")
    wholesaler = make_business(clerk, "建平县惠农种业有限公司", serial=11, kind=BusinessKind.WHOLESALER, region=YEBAISHOU)
    shops = [make_business(clerk, name, serial=serial, region=region, latitude=lat, longitude=lon,
                           coordinate_system="wgs84")
             for name, serial, region, lat, lon in (
                 ("建平县丰收种子门市部", 21, JIANPING_TOWN, "41.4030", "119.6430"),
                 ("建平县万家农资店", 22, JIANPING_TOWN, "41.4100", "119.6500"),
                 ("建平县黑水镇农资店", 23, HEISHUI_TOWN, "41.3500", "119.7000"))]
    county = County(people=people, producer=producer, wholesaler=wholesaler, shops=shops)
    for n, business in enumerate([producer, wholesaler, *shops]):
        county.dealers[business.pk] = make_dealer(clerk, business, f"1390421{n:04d}")
    return county


def dealer_of(county, business):
    return web(county.dealers[business.pk])


# --- the story, one step each ------------------------------------------------------------------------

def wholesaler_buys_the_producers_lot(county: County):
    """The wholesaler records the purchase in the portal; the lot is registered from the label."""
    wholesaler = dealer_of(county, county.wholesaler)
    variety = Variety.objects.get(name="郑单958")
    post(wholesaler, reverse("portal:dealer_purchase"), {
        "variety": variety.pk, "lot_number": "FH2026-018", "producer_business": county.producer.pk,
        "quantity_kg": "2000", "packages": "100", "occurred_on": days_ago(25), "supplier_business": county.producer.pk,
        "document_number": "FH-XS-2026-0301", "certificate_number": "HG2026-0018",
        "quarantine_cert_number": "21132220260000018", "germination": "85", "purity": "96.0"})
    county.lot = SeedLot.objects.get(lot_number="FH2026-018")
    assert "FH2026-018" in page(wholesaler, reverse("portal:dealer_ledger"))


def wholesaler_sells_to_three_shops(county: County):
    """Each sale to a registered shop waits for the shop's confirmation, then enters its ledger."""
    wholesaler = dealer_of(county, county.wholesaler)
    for shop in county.shops:
        post(wholesaler, reverse("portal:dealer_sale"), {
            "lot": county.lot.pk, "quantity_kg": "400", "packages": "20", "occurred_on": days_ago(20),
            "buyer_kind": "dealer", "buyer_business": shop.pk, "document_number": f"HN-XS-{shop.pk}"})
    for shop in county.shops:
        buyer = dealer_of(county, shop)
        assert county.wholesaler.name in page(buyer, reverse("portal:dealer_ledger"))  # the pending transfer
        transfer = DealerTransfer.objects.get(buyer=shop, sale__lot=county.lot)
        post(buyer, reverse("portal:dealer_transfer_decide", args=[transfer.pk, "confirm"]))


def shops_sell_to_forty_farmers(county: County):
    """Forty farmers buy 10 kg each; every sale gives a receipt whose QR opens the lot's page."""
    for n, (name, phone, village) in enumerate(FARMERS):
        shop = county.shops[n % 3]
        response = post(dealer_of(county, shop), reverse("portal:dealer_sale"), {
            "lot": county.lot.pk, "quantity_kg": "10", "packages": "1", "occurred_on": days_ago(15 - n % 10),
            "buyer_kind": "farmer", "farmer_name": name, "farmer_phone": phone, "farmer_village": village})
        assert "/dealer/ledger/entries/" in response["Location"]
    stock = page(dealer_of(county, county.shops[0]), reverse("portal:dealer_ledger"))
    assert "FH2026-018" in stock
    trace = page(web(county.people["clerk"]), reverse("licensing:lot_detail", args=[county.lot.pk]))
    for business in (county.wholesaler, *county.shops):
        assert business.name in trace


def the_first_batch_item_appears(county: County):
    """The lot is new to the county: first-batch sampling (首次抽检) is due where it entered.
    No page lists first-batch items on this branch (the draw reads them for campaigns that take
    them), so this step reads inspections' service."""
    due = inspections.first_batch_due(JIANPING)
    assert [(lot, business) for lot, business, _day in due] == [(county.lot.pk, county.wholesaler.pk)]


def chief_draws_two_shops_and_a_pair(county: County):
    """The clerk plans a campaign over the shops' two townships; the chief draws two subjects."""
    clerk, chief = web(county.people["clerk"]), web(county.people["chief"])
    post(clerk, reverse("inspections:plan_create"), {"year": timezone.localdate().year, "title": "种子市场监督检查计划"})
    county.plan_pk = inspections_plan_pk()
    county.campaign = new_campaign(clerk, county, "春季种子市场专项检查")
    post(chief, reverse("inspections:draw_run", args=[county.campaign.pk]),
         {"count": "2", "inspectors_per_task": "2", "seed": "建平2026春"})
    detail = texts_of(page(chief, reverse("inspections:campaign_detail", args=[county.campaign.pk])))
    draw = Draw.objects.get(campaign=county.campaign)
    drawn = [t["business"] for t in draw.outputs["tasks"]]
    assert len(drawn) == 2 and set(drawn) < {s.pk for s in county.shops}
    assert "共 2 户" in detail
    for task in county.campaign.tasks.all():
        assert task.business.name in detail
        assert set(task.inspectors.all()) == {county.people["inspector"], county.people["inspector2"]}
    assert "张执法、刘执法" in detail or "刘执法、张执法" in detail


def inspectors_visit_a_shop_offline_and_sync(county: County):
    """The day's tasks downloaded with signal; at the shop, offline, a visit with the sampling of
    the lot (test and backup samples sealed); back in signal, the files and the batch synced."""
    inspector = county.people["inspector"]
    phone = Phone(inspector, "android-loop")
    partner = next(p for p in phone.get("/me")["partners"] if p["name"] == "刘执法")
    day = phone.get("/tasks")
    task = day["tasks"][0]
    county.visited = next(s for s in county.shops if s.pk == task["business"]["id"])
    held = next(lot for lot in task["lots_held"] if lot["lot_number"] == "FH2026-018")
    numbers = {b["doc_type"]: b["free_numbers"] for b in day["serial_blocks"]}

    arrived = timezone.now()
    visit_id, checkin_rev, sampling_id = new_id(), new_id(), new_id()
    seller_signature, shop_signature = new_id(), new_id()
    visit = {"task_id": task["id"], "partner_ids": [partner["id"]], "checked_in_at": arrived.isoformat(),
             "checkin": {"latitude": float(county.visited.latitude), "longitude": float(county.visited.longitude),
                         "accuracy_m": 8}}
    batch = [
        {"type": "visit", "uuid": visit_id, "revision": checkin_rev, "recorded_at": arrived.isoformat(), "data": visit},
        {"type": "sampling", "uuid": sampling_id, "revision": new_id(), "data": {
            "visit_uuid": visit_id, "lot_id": held["lot_id"], "lot_size_kg": "260", "packages": 13,
            "test_seals": ["JP-260101"], "backup_seals": ["JP-260102"], "backup_kept_at": "建平县种子管理站样品室",
            "business_signer": "王丰收", "business_signature_file": seller_signature,
            "sampled_at": (arrived + datetime.timedelta(minutes=20)).isoformat(),
            "serial_number": numbers["sampling_form"][0]}},
        {"type": "visit", "uuid": visit_id, "revision": new_id(), "base_revision": checkin_rev, "data": {
            **visit, "checkout": {
                "checked_out_at": (arrived + datetime.timedelta(minutes=40)).isoformat(),
                "position": {"latitude": float(county.visited.latitude), "longitude": float(county.visited.longitude),
                             "accuracy_m": 10},
                "outcome": "compliant", "ack_signature_file": shop_signature,
                "record_serial_number": numbers["visit_record"][0]}}},
    ]
    phone.upload(file=SimpleUploadedFile("seller.png", signature_png()), object_uuid=sampling_id,
                 file_uuid=seller_signature, kind="signature")
    phone.upload(file=SimpleUploadedFile("shop.png", signature_png()), object_uuid=visit_id, file_uuid=shop_signature,
                 kind="signature")
    answer = phone.post("/sync", {"device_id": "android-loop", "objects": batch})
    assert [r["status"] for r in answer["results"]] == ["created", "created", "applied"], answer["results"]
    county.sampling = SamplingRecord.objects.get(client_uuid=sampling_id)
    assert county.sampling.lot == county.lot and county.sampling.document.number == numbers["sampling_form"][0]
    # The station sees the visit; the sampled lot is no longer due for first-batch sampling.
    timeline = page(web(county.people["clerk"]), reverse("inspections:business_timeline", args=[county.visited.pk]))
    assert county.sampling.document.serial in timeline
    assert inspections.first_batch_due(JIANPING) == []


def lab_receives_the_sealed_sample(county: County):
    lab = web(county.people["lab_tech"])
    test_sample = county.sampling.samples.get(role="test")
    assert test_sample.code in page(lab, reverse("labs:queue"))  # waiting for intake
    response = post(lab, reverse("labs:intake"), {
        "code": test_sample.code, "seal_numbers": "JP-260101", "seals_intact": "on", "quantity_g": "1000",
        "storage_location": "样品柜A-3", "seed_class": "大田用种"})
    county.lab_sample = LabSample.objects.get(sample=test_sample)
    assert response["Location"] == reverse("labs:sample_detail", args=[county.lab_sample.pk])


def enter_and_review(sample, tech, reviewer, raw):
    """The technician fills each worksheet and submits it; another person reviews and approves."""
    for index, data in raw.items():
        test = LabTest.objects.current().get(sample=sample, index=index)
        post(tech, reverse("labs:worksheet", args=[test.pk]), {**data, "action": "submit"})
        post(reviewer, reverse("labs:test_review", args=[test.pk]), {"decision": "approve"})


def lab_tests_and_germination_fails(county: County):
    tech, reviewer = web(county.people["lab_tech"]), web(county.people["lab_reviewer"])
    enter_and_review(county.lab_sample, tech, reviewer, {**GOOD_RAW, "germination": germination(81, 79, 80, 80)})
    post(reviewer, reverse("labs:judge", args=[county.lab_sample.pk]))
    county.report = LabReport.objects.get(sample=county.lab_sample)
    detail = texts_of(page(reviewer, reverse("labs:sample_detail", args=[county.lab_sample.pk])))
    assert county.report.outcome == "unqualified" and "不合格" in detail and county.report.document.serial in detail


def the_report_reaches_the_shop_and_the_producer(county: County):
    serial, pdf = county.report.document.serial, reverse("documents:pdf", args=[county.report.document.pk])
    for business in (county.visited, county.producer):
        dealer = dealer_of(county, business)
        opened = open_notification(dealer, serial)  # 查看: the inbox entry opens the report
        assert opened["Location"] == pdf and dealer.get(pdf)["Content-Type"] == "application/pdf"
    assert serial in page(dealer_of(county, county.visited), reverse("labs:my_reports"))
    # The shop confirms receipt in the portal: the report's service, which starts the objection window.
    shop = dealer_of(county, county.visited)
    post(shop, reverse("labs:my_report", args=[county.report.pk]), {"action": "acknowledge"})
    assert "已确认收到检验报告" in page(shop, reverse("labs:my_report", args=[county.report.pk]))


def stop_sale_freezes_the_lot_everywhere(county: County):
    """The verdict drafted the order; the chief reviews and issues it; every holder found by the
    forward trace is frozen and told (inbox, and an SMS the real worker delivers)."""
    chief = web(county.people["chief"])
    county.order = county.report.stop_sale_order
    assert county.order is not None and county.order.lot == county.lot
    post(chief, reverse("licensing:stop_sale_review", args=[county.order.pk]))
    post(chief, reverse("licensing:stop_sale_issue", args=[county.order.pk]))
    county.order.refresh_from_db()
    serial = county.order.document.serial
    detail = page(chief, reverse("licensing:stop_sale_detail", args=[county.order.pk]))
    holders = [county.wholesaler, *county.shops]
    for business in holders:
        assert business.name in detail
    assert {h.business_id for h in county.order.holders.all()} == {b.pk for b in holders}

    for business in holders:
        dealer = dealer_of(county, business)
        assert serial in page(dealer, reverse("notifications:inbox"))
        refused = post(dealer, reverse("portal:dealer_sale"), {
            "lot": county.lot.pk, "quantity_kg": "5", "packages": "", "occurred_on": days_ago(0),
            "buyer_kind": "farmer", "farmer_name": "钱多多", "farmer_phone": "13904229999"}, status=422)
        assert f"已被停止销售（{serial}）" in refused.content.decode()
    # The texts were handed to Celery through the outbox and sent by the real worker.
    phones = {county.dealers[b.pk].phone for b in holders}
    assert wait_for(lambda: set(SmsLog.objects.values_list("phone", flat=True)) >= phones)
    assert not OutgoingMessage.objects.filter(recipient__in=phones).exclude(status="sent").exists()


def the_shop_objects_on_day_ten(county: County):
    """Called on the tenth day after the report's service: the shop applies in the portal."""
    shop = dealer_of(county, county.visited)
    due = objection_deadline(county.report)
    report_page = page(shop, reverse("labs:my_report", args=[county.report.pk]))
    assert f"异议期限：{due.start:%Y-%m-%d} 送达，至 {due.due:%Y-%m-%d} 止" in report_page
    response = post(shop, reverse("labs:my_report", args=[county.report.pk]),
                    {"reason": "本店留存样品发芽正常，对发芽率结论有异议，申请复检。"})
    assert response["Location"] == reverse("labs:my_report", args=[county.report.pk])
    county.retest = RetestRequest.objects.get(report=county.report)
    assert county.retest.received_on == timezone.localdate() and county.retest.assigned_lab == "higher"
    assert "复检申请已提交" in page(shop, reverse("labs:my_report", args=[county.report.pk]))


def the_backup_sample_goes_to_the_citys_lab(county: County):
    station = web(county.people["clerk"])
    post(station, reverse("labs:retest_dispatch", args=[county.retest.pk]),
         {"to": "朝阳市种子质量监督检验站", "seals_intact": "on", "note": "备份样品封签完好"})
    city_lab = web(county.people["higher_lab"])
    response = post(city_lab, reverse("labs:retest_receive", args=[county.retest.pk]), {
        "seal_numbers": "JP-260102", "seals_intact": "on", "quantity_g": "1000", "storage_location": "市检样品库B-7"})
    county.retest.refresh_from_db()
    assert county.retest.status == "testing"
    assert response["Location"] == reverse("labs:sample_detail", args=[county.retest.retest_sample_id])


def the_retest_confirms_the_failure(county: County):
    tech, reviewer = web(county.people["higher_lab"]), web(county.people["higher_lab2"])
    retest_raw = {k: v for k, v in GOOD_RAW.items() if k != "purity"}  # purity comes from the first grow-out
    enter_and_review(county.retest.retest_sample, tech, reviewer, {**retest_raw, "germination": germination(80, 78, 81, 79)})
    post(tech, reverse("labs:retest_conclude", args=[county.retest.pk]))
    county.retest.refresh_from_db()
    assert county.retest.final_outcome == "unqualified"


def the_case_is_referred(county: County):
    """The re-test's conclusion upholds the failure and refers the case for penalty (Seed Law
    art. 75); the station is told in its inbox."""
    chief = web(county.people["chief"])
    detail = texts_of(page(chief, reverse("labs:sample_detail", args=[county.lab_sample.pk])))
    assert "维持不合格：移送处罚" in detail and "第七十五条" in detail
    assert "复检结论" in page(chief, reverse("notifications:inbox"))


def the_shop_is_a_mandatory_subject_of_the_next_draw(county: County):
    clerk, chief = web(county.people["clerk"]), web(county.people["chief"])
    autumn = new_campaign(clerk, county, "秋季种子市场专项检查", season="autumn_pre_sale")
    post(chief, reverse("inspections:draw_run", args=[autumn.pk]), {"count": "0", "inspectors_per_task": "2"})
    tasks = {t.business_id: t for t in autumn.tasks.all()}
    assert "unqualified_recent" in Draw.objects.get(campaign=autumn).inputs["mandatory"][str(county.visited.pk)]
    detail = texts_of(page(chief, reverse("inspections:campaign_detail", args=[autumn.pk])))
    assert county.visited.pk in tasks
    # Sampled less than six months ago: inspected, but the maize may not be sampled again (MOA order 50).
    assert f"{county.visited.name} 近期抽检不合格（不得抽样：玉米）" in detail
    post(chief, reverse("inspections:draw_publish", args=[Draw.objects.get(campaign=autumn).pk]))
    return autumn


def the_public_sees_the_results_without_personal_data(county: County, autumn):
    """What the public can read: the published draw (双随机 results) and the lot's status page
    that the farmers' receipts open. Neither shows a farmer, a phone number or a dealer's name.

    FOR THE LEAD: the published results page (抽检结果公示: the campaign's results package with
    its unqualified list) is being built on another branch; when it lands, assert here that it
    lists the lot as 不合格, the visited shop, the re-test's final result, and no personal data."""
    public = Client()
    index = page(public, reverse("inspections:public_index"))
    draw = Draw.objects.get(campaign=autumn)
    assert autumn.name in index
    published = page(public, reverse("inspections:public_draw", args=[draw.pk]))
    assert county.visited.name in published
    lot_page = page(public, reverse("portal:lot_public", args=[county.lot.public_token]))
    assert "停止销售" in lot_page and county.order.document.serial in lot_page
    personal = [name for name, _phone, _village in FARMERS] + [phone for _name, phone, _village in FARMERS]
    personal += [u.phone for u in county.dealers.values()] + [u.full_name for u in county.dealers.values()]
    for html in (index, published, lot_page):
        leaked = [value for value in personal if value in html]
        assert leaked == [], leaked


# --- small helpers ------------------------------------------------------------------------------------

def days_ago(n) -> str:
    return (timezone.localdate() - datetime.timedelta(days=n)).isoformat()


def new_id() -> str:
    return str(uuid.uuid4())


def inspections_plan_pk() -> int:
    from inspections.models import Plan

    return Plan.objects.get(region_code=JIANPING).pk


def new_campaign(clerk, county, name, *, season="spring_in_sale"):
    from inspections.models import Campaign

    today = timezone.localdate()
    post(clerk, reverse("inspections:campaign_create", args=[county.plan_pk]), {
        "name": name, "mode": "sweep", "season": season, "townships": [JIANPING_TOWN, HEISHUI_TOWN],
        "crops": [county.lot.variety.crop_id], "matters": "证照\n台账\n标签\n质量抽检", "sampling_target": "2",
        "starts_on": today.isoformat(), "ends_on": (today + datetime.timedelta(days=30)).isoformat()})
    return Campaign.objects.get(name=name)


# --- the story ---------------------------------------------------------------------------------------------

@pytest.fixture
def people(chief, clerk, inspector, inspector2, lab_tech, lab_reviewer, higher_lab):
    return {"chief": chief, "clerk": clerk, "inspector": inspector, "inspector2": inspector2, "lab_tech": lab_tech,
            "lab_reviewer": lab_reviewer, "higher_lab": higher_lab,
            "higher_lab2": make_user(Role.HIGHER_LAB, CHAOYANG_CITY, full_name="钱复核")}


def test_a_failed_lot_goes_round_the_whole_regulatory_loop(celery_worker, people, crops, standards):  # noqa: F811
    county = the_county(people, crops)

    wholesaler_buys_the_producers_lot(county)
    wholesaler_sells_to_three_shops(county)
    shops_sell_to_forty_farmers(county)
    the_first_batch_item_appears(county)
    chief_draws_two_shops_and_a_pair(county)
    inspectors_visit_a_shop_offline_and_sync(county)
    lab_receives_the_sealed_sample(county)
    lab_tests_and_germination_fails(county)
    the_report_reaches_the_shop_and_the_producer(county)
    stop_sale_freezes_the_lot_everywhere(county)

    # Day 10 of the objection period: the day of service is not counted (Civil Code art. 201).
    served = county.report.document.service_records.get().served_at
    day_ten = local_date(served) + datetime.timedelta(days=10)
    assert objection_deadline(county.report).is_met_by(day_ten)  # inside the 15-day window
    with time_machine.travel(timezone.localtime(served) + datetime.timedelta(days=10), tick=True):
        assert timezone.localdate() == day_ten
        the_shop_objects_on_day_ten(county)
        the_backup_sample_goes_to_the_citys_lab(county)
        the_retest_confirms_the_failure(county)
        the_case_is_referred(county)
        autumn = the_shop_is_a_mandatory_subject_of_the_next_draw(county)
        the_public_sees_the_results_without_personal_data(county, autumn)
