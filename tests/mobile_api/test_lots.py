"""The ledger in the phone's answers: the seed-bag scan in a shop, the lots a task's business
holds, stop-sale orders in the download and in the change feed."""

import datetime

import pytest
from django.utils import timezone

from inspections import services as inspections
from licensing import services
from licensing.models import LotUnitCode
from seedreg.regulated import service_context
from tests.mobile_api.test_scan import label

UNIT_CODE = "0001170315123456789"


def days_ago(n):
    return timezone.localdate() - datetime.timedelta(days=n)


@pytest.fixture
def stocked(shop, shop_dealer, lot, seed_producer):
    with service_context():
        LotUnitCode.objects.create(lot=lot, code=UNIT_CODE)
    services.record_purchase(actor=shop_dealer, business=shop, lot=lot, quantity_kg="200", packages=10,
                             occurred_on=days_ago(5), supplier_outside=seed_producer)
    return lot


def stop_sale(clerk, chief, lot):
    order = services.draft_stop_sale_order(actor=clerk, lot=lot, reason="经检验发芽率不符合标签标注值，为劣种子",
                                           legal_basis="《中华人民共和国种子法》第四十八条", source="建检〔2026〕第0007号")
    services.review_stop_sale_order(actor=chief, order=order)
    return services.issue_stop_sale_order(actor=chief, order=order)


def test_a_scan_in_a_shop_finds_the_lot_in_its_ledger_and_its_stop_sale(phone, stocked, shop, clerk, chief):
    text = label(producer="北京德农种业有限公司", unit_code=UNIT_CODE)
    body = phone.post("/scans/seed-bag", {"text": text, "business_id": shop.pk}).json()
    assert body["lot_in_ledger"]["ok"] is True and "ZD2026-001" in body["lot_in_ledger"]["reason"]
    assert body["under_stop_sale"]["ok"] is False
    assert body["producer_licensed"]["ok"] is True  # an outside party with its licence number
    stop_sale(clerk, chief, stocked)
    body = phone.post("/scans/seed-bag", {"text": text, "business_id": shop.pk}).json()
    assert body["under_stop_sale"]["ok"] is True and "停止销售" in body["under_stop_sale"]["reason"]
    assert body["lot_ids"] == [stocked.pk]


def test_a_bag_the_shop_never_bought_is_not_in_its_ledger(phone, stocked, shop, clerk):
    other_shop_text = label(variety="郑单958", producer="北京德农种业有限公司", unit_code="99887766")
    body = phone.post("/scans/seed-bag", {"text": other_shop_text, "business_id": shop.pk}).json()
    assert body["lot_in_ledger"]["ok"] is True  # same variety and producer: the lot it holds
    unknown = phone.post("/scans/seed-bag", {"text": label(variety="东单6531", producer="北京德农种业有限公司",
                                                           unit_code="123"), "business_id": shop.pk}).json()
    assert unknown["lot_in_ledger"]["ok"] is False and unknown["under_stop_sale"]["ok"] is None


def test_the_task_download_lists_lots_held_and_those_under_stop_sale(phone, stocked, shop, clerk, chief, directory,
                                                                     inspector, inspector2):
    inspections.create_task(actor=clerk, business=shop, kind="ad_hoc", due_on=timezone.localdate(),
                            inspectors=[inspector, inspector2])
    task = phone.get("/tasks").json()["tasks"][0]
    assert task["lots_held"] == [{"lot_id": stocked.pk, "variety": "郑单958", "crop": "玉米", "lot_number": "ZD2026-001",
                                  "producer": "北京德农种业有限公司", "quantity_kg": 200.0, "under_stop_sale": False}]
    assert task["stop_sale_lots"] == []
    cursor = phone.get("/changes").json()["cursor"]
    order = stop_sale(clerk, chief, stocked)
    changes = phone.get("/changes", {"since": cursor}).json()["changes"]
    assert ("stop_sale_order", str(order.pk)) in {(c["kind"], c["id"]) for c in changes}
    task = phone.get("/tasks").json()["tasks"][0]
    assert [lot["lot_id"] for lot in task["stop_sale_lots"]] == [stocked.pk]
