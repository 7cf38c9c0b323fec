"""Ledger pages: the dealer's phone pages (purchase, sale, receipt, confirm/dispute, export), the
station's ledger, flags and trace pages, and who may open each of them."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from licensing import services
from licensing.models import DealerTransfer, LedgerEntry, StopSaleOrder
from seedreg.regulated import service_context
from tests.conftest import login_browser
from tests.helpers import qr_texts_of_first_page
from tests.licensing.conftest import days_ago, make_dealer
from tests.licensing.test_pages import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def stocked(shop, shop_dealer, lot, seed_producer):
    with service_context():
        services.record_purchase(actor=shop_dealer, business=shop, lot=lot, quantity_kg="200", packages=10,
                                 occurred_on=days_ago(6), supplier_outside=seed_producer, document_number="FP-01")
    return lot


def sale_form(lot, **extra):
    return {"lot": lot.pk, "quantity_kg": "40", "packages": "2", "occurred_on": days_ago(0).isoformat(),
            "buyer_kind": "farmer", "farmer_name": "赵大山", "farmer_phone": "13812345678",
            "farmer_village": "建平镇东村", **extra}


def test_a_dealer_records_a_purchase_of_a_new_lot(client, shop_dealer, shop, varieties, seed_producer):
    login(client, shop_dealer)
    assert client.get(reverse("portal:dealer_purchase")).status_code == 200
    response = client.post(reverse("portal:dealer_purchase"), {
        "variety": varieties["郑单958"].pk, "lot_number": "ZD-NEW-7", "producer_outside": seed_producer.pk,
        "quantity_kg": "500", "packages": "25", "occurred_on": days_ago(1).isoformat(),
        "supplier_outside": seed_producer.pk, "document_number": "FP-9", "certificate_number": "HG-9"})
    assert response.status_code == 302
    entry = LedgerEntry.objects.get(business=shop)
    assert (entry.lot.lot_number, entry.quantity_kg, entry.lot.certificate_number) == ("ZD-NEW-7", 500, "HG-9")
    bad = client.post(reverse("portal:dealer_purchase"), {
        "variety": varieties["郑单958"].pk, "lot_number": "ZD-NEW-8", "quantity_kg": "5",
        "occurred_on": days_ago(1).isoformat()})
    assert bad.status_code == 422 and "二选一" in bad.content.decode()


def test_a_dealer_sells_and_prints_the_receipt_with_a_qr_of_the_lot_page(client, shop_dealer, stocked, settings):
    login(client, shop_dealer)
    response = client.post(reverse("portal:dealer_sale"), sale_form(stocked))
    sale = LedgerEntry.objects.get(kind="sale")
    assert response.status_code == 302 and response.url == reverse("portal:dealer_sale_done", args=[sale.pk])
    pdf = client.get(reverse("portal:dealer_receipt", args=[sale.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    for expected in ("种子销售单据", "建平县丰收种子门市部", "郑单958", "ZD2026-001", "40 千克", "赵大山", "北京德农种业有限公司"):
        assert expected in text
    url = settings.SITE_URL + reverse("portal:lot_public", args=[stocked.public_token])
    assert qr_texts_of_first_page(pdf.content) == [url]


def test_a_sale_beyond_stock_is_a_form_error_not_a_500(client, shop_dealer, stocked):
    login(client, shop_dealer)
    response = client.post(reverse("portal:dealer_sale"), sale_form(stocked, quantity_kg="200.5"))
    assert response.status_code == 422 and "库存不足" in response.content.decode()
    response = client.post(reverse("portal:dealer_sale"), sale_form(stocked, quantity_kg="abc"))
    assert response.status_code == 422 and "数字" in response.content.decode()
    assert not LedgerEntry.objects.filter(kind="sale").exists()


def test_the_buyer_confirms_or_disputes_in_the_portal(client, clerk, wholesaler, wholesaler_dealer, shop, shop_dealer,
                                                      lot, seed_producer):
    with service_context():
        services.record_purchase(actor=wholesaler_dealer, business=wholesaler, lot=lot, quantity_kg="500",
                                 occurred_on=days_ago(5), supplier_outside=seed_producer)
    login(client, wholesaler_dealer)
    client.post(reverse("portal:dealer_sale"), sale_form(lot, buyer_kind="dealer", buyer_business=shop.pk,
                                                         quantity_kg="100", farmer_name=""))
    first = DealerTransfer.objects.get()
    client.post(reverse("portal:dealer_sale"), sale_form(lot, buyer_kind="dealer", buyer_business=shop.pk,
                                                         quantity_kg="50", farmer_name=""))
    second = DealerTransfer.objects.exclude(pk=first.pk).get()
    # The seller cannot confirm on the buyer's behalf.
    assert client.post(reverse("portal:dealer_transfer_decide", args=[first.pk, "confirm"])).status_code == 404
    login(client, shop_dealer)
    page = client.get(reverse("portal:dealer_ledger")).content.decode()
    assert "待确认的购进" in page and wholesaler.name in page
    client.post(reverse("portal:dealer_transfer_decide", args=[first.pk, "confirm"]))
    client.post(reverse("portal:dealer_transfer_decide", args=[second.pk, "dispute"]), {"reason": "未收到货"})
    first.refresh_from_db(), second.refresh_from_db()
    assert first.status == "confirmed" and first.purchase.quantity_kg == Decimal("100")
    assert second.status == "disputed" and second.dispute_reason == "未收到货"


def test_a_dealer_exports_a_period_to_excel(client, shop_dealer, stocked):
    login(client, shop_dealer)
    client.post(reverse("portal:dealer_sale"), sale_form(stocked))
    response = client.get(reverse("portal:dealer_ledger_export"), {"since": days_ago(1).isoformat()})
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[0][:3] == ("发生日期", "录入时间", "类型") and len(rows) == 2  # the purchase is before the period
    assert rows[1][2] == "销售" and rows[1][9] == "赵大山" and Decimal(str(rows[1][7])) == Decimal("-40")


def test_station_staff_read_a_dealers_ledger_with_filters_flags_and_masking(
        client, clerk, inspector, shop, shop_dealer, stocked, varieties, seed_producer, django_assert_max_num_queries):
    with service_context():
        services.record_sale(actor=shop_dealer, business=shop, lot=stocked, quantity_kg="40", occurred_on=days_ago(1),
                             farmer_name="赵大山", farmer_phone="13812345678")
        undocumented = services.register_seed_lot(actor=clerk, variety=varieties["吉单27"], lot_number="JD-1",
                                                  producer_outside=seed_producer)
        services.record_purchase(actor=shop_dealer, business=shop, lot=undocumented, quantity_kg="10",
                                 occurred_on=days_ago(1))
        services.record_sale(actor=shop_dealer, business=shop, lot=undocumented, quantity_kg="5",
                             occurred_on=days_ago(0), farmer_name="李四")
        services.record_count_observation(actor=inspector, business=shop, lot=stocked, counted_kg="150",
                                          observed_on=days_ago(0))
    url = reverse("licensing:business_ledger", args=[shop.pk])
    login(client, clerk)
    with django_assert_max_num_queries(30):
        page = client.get(url).content.decode()
    assert "赵大山" in page and "13812345678" in page
    for flag in ("没有记录进货来源", "品种未审定在本区域种植", "无合格证编号", "无检疫证明编号", "清点 150 千克"):
        assert flag in page
    filtered = client.get(url, {"lot_number": "JD-1"}).content.decode()
    assert "李四" in filtered and "赵大山" not in filtered
    export = client.get(url, {"since": days_ago(1).isoformat(), "format": "xlsx"})
    assert len(list(load_workbook(io.BytesIO(export.content)).active.values)) == 1 + 3
    login(client, inspector)
    page = client.get(url).content.decode()
    assert "赵大山" not in page and "赵**" in page and "138****5678" in page


def test_trace_pages_and_their_excel(client, clerk, shop, shop_dealer, stocked):
    with service_context():
        services.record_sale(actor=shop_dealer, business=shop, lot=stocked, quantity_kg="40", occurred_on=days_ago(1),
                             farmer_name="赵大山")
    login(client, clerk)
    page = client.get(reverse("licensing:lot_detail", args=[stocked.pk])).content.decode()
    assert shop.name in page and "赵大山" in page
    rows = list(load_workbook(io.BytesIO(client.get(reverse("licensing:lot_trace_export", args=[stocked.pk])).content))
                .active.values)
    assert [r[0] for r in rows[1:]] == ["持有经营者", "农户购买"] and rows[1][8] == 160
    back = client.get(reverse("licensing:lot_trace_backward", args=[shop.pk, stocked.pk])).content.decode()
    assert "北京德农种业有限公司" in back and "FP-01" in back
    xlsx = client.get(reverse("licensing:lot_trace_backward", args=[shop.pk, stocked.pk]), {"format": "xlsx"})
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


# --- who may open what ----------------------------------------------------------------------------
@pytest.fixture
def world(clerk, chief, shop, shop_dealer, stocked, shop_b):
    with service_context():
        sale = services.record_sale(actor=shop_dealer, business=shop, lot=stocked, quantity_kg="1",
                                    occurred_on=days_ago(0), farmer_name="赵大山")
        transfer_sale = services.record_sale(actor=shop_dealer, business=shop, lot=stocked, quantity_kg="1",
                                             occurred_on=days_ago(0), buyer_business=shop_b)
        order = services.draft_stop_sale_order(actor=clerk, lot=stocked, reason="劣种子", legal_basis="种子法")
    return {"sale": sale, "transfer": transfer_sale.transfer, "order": order}


def station_urls(shop, lot, order):
    return [
        ("get", reverse("licensing:business_ledger", args=[shop.pk])),
        ("get", reverse("licensing:lot_trace_backward", args=[shop.pk, lot.pk])),
        ("get", reverse("licensing:stop_sale_detail", args=[order.pk])),
        ("post", reverse("licensing:stop_sale_review", args=[order.pk])),
        ("post", reverse("licensing:stop_sale_issue", args=[order.pk])),
        ("post", reverse("licensing:stop_sale_lift", args=[order.pk])),
    ]


def dealer_urls(sale, transfer):
    return [
        ("get", reverse("portal:dealer_sale_done", args=[sale.pk])),
        ("get", reverse("portal:dealer_receipt", args=[sale.pk])),
        ("post", reverse("portal:dealer_reverse", args=[sale.pk])),
        ("post", reverse("portal:dealer_transfer_decide", args=[transfer.pk, "confirm"])),
    ]


def test_the_other_county_gets_404_for_our_ledgers_and_orders(client, outsider, world, shop, stocked):
    login(client, outsider)
    for method, url in station_urls(shop, stocked, world["order"]):
        assert getattr(client, method)(url).status_code == 404, url
    # The lot itself is shared, but its trace shows our county as a county only.
    page = client.get(reverse("licensing:lot_detail", args=[stocked.pk])).content.decode()
    assert shop.name not in page and "建平县（外县经营者）" in page and "赵大山" not in page
    assert world["order"].serial == "" and StopSaleOrder.objects.get().status == "draft"


def test_anonymous_users_are_sent_to_log_in(client, world, shop, stocked):
    urls = station_urls(shop, stocked, world["order"]) + dealer_urls(world["sale"], world["transfer"]) + [
        ("get", reverse("licensing:lot_detail", args=[stocked.pk])),
        ("get", reverse("licensing:lot_trace_export", args=[stocked.pk])),
        ("get", reverse("licensing:stop_sale_list")),
        ("get", reverse("licensing:stop_sale_create", args=[stocked.pk])),
        ("get", reverse("portal:dealer_ledger")), ("get", reverse("portal:dealer_purchase")),
        ("get", reverse("portal:dealer_sale")), ("get", reverse("portal:dealer_ledger_export")),
        ("post", reverse("portal:dealer_stop_sale_acknowledge", args=[1])),
    ]
    for method, url in urls:
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "/accounts/login/" in response.url, url


def test_another_dealer_gets_404_for_everything_not_theirs(client, clerk, world, shop, shop_b, stocked):
    other = make_dealer(clerk, shop_b, "13904218888")  # the buyer of the pending transfer, nothing more
    login(client, other)
    for method, url in [u for u in dealer_urls(world["sale"], world["transfer"]) if "transfers" not in u[1]]:
        assert getattr(client, method)(url).status_code == 404, url
    # Dealers never open the station's pages, and see only their own ledger in the portal.
    for method, url in station_urls(shop, stocked, world["order"]) + [
            ("get", reverse("licensing:lot_detail", args=[stocked.pk])),
            ("get", reverse("licensing:stop_sale_list"))]:
        assert getattr(client, method)(url).status_code == 404, url
    # The buyer sees the seller's sale to them, and nothing else of the seller's books.
    ledger = client.get(reverse("portal:dealer_ledger")).content.decode()
    assert shop.name in ledger and "赵大山" not in ledger and "FP-01" not in ledger


def test_station_staff_have_no_dealer_portal(client, clerk, world):
    login(client, clerk)
    for method, url in dealer_urls(world["sale"], world["transfer"]) + [("get", reverse("portal:dealer_ledger"))]:
        assert getattr(client, method)(url).status_code == 404, url


@pytest.mark.browser
def test_a_dealer_enters_a_sale_on_a_phone(phone_page, live_server, shop_dealer, stocked):
    login_browser(phone_page, live_server, shop_dealer.username)
    phone_page.goto(f"{live_server.url}{reverse('portal:dealer_ledger')}")
    phone_page.click("text=登记销售")
    phone_page.select_option("select[name=lot]", str(stocked.pk))
    phone_page.fill("input[name=quantity_kg]", "12.5")
    phone_page.fill("input[name=packages]", "1")
    phone_page.fill("input[name=farmer_name]", "赵大山")
    phone_page.fill("input[name=farmer_phone]", "13812345678")
    phone_page.click("form.form button[type=submit]")
    phone_page.wait_for_load_state()
    assert "销售已登记" in phone_page.inner_text("h1")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360
    phone_page.click("text=返回台账")
    assert "187.5" in phone_page.inner_text("table.stock")


def test_a_gap_in_the_season_is_flagged(shop, shop_dealer, lot, seed_producer):
    from licensing.flags import ledger_flags
    from seedreg.regions.models import Station

    station = Station.objects.get(region_id="211322")
    station.settings = {"ledger_season_months": ",".join(str(m) for m in range(1, 13)), "ledger_gap_days": "5"}
    station.save()
    with service_context():
        services.record_purchase(actor=shop_dealer, business=shop, lot=lot, quantity_kg="10", occurred_on=days_ago(10),
                                 supplier_outside=seed_producer)
        services.record_sale(actor=shop_dealer, business=shop, lot=lot, quantity_kg="1", occurred_on=days_ago(3),
                             farmer_name="赵大山")
    gaps = [f.message for f in ledger_flags(shop) if f.code == "gap"]
    assert gaps == [f"销售季内 {days_ago(9):%Y-%m-%d} 至 {days_ago(4):%Y-%m-%d} 连续 6 天无台账记录"]
