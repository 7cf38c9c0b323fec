"""The station's ledger page at province scale (issue 8): its queries do not follow the number
of the business's lots or entries, and the quality flags still name every lot held or sold."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from licensing import services
from seedreg.regulated import service_context
from tests.licensing.conftest import days_ago
from tests.licensing.test_pages import login


def _lots(clerk, shop, shop_dealer, varieties, seed_producer, first, count):
    """``count`` lots bought without a supplier; the even ones partly sold, the odd ones sold out."""
    with service_context():
        for i in range(first, first + count):
            lot = services.register_seed_lot(actor=clerk, variety=varieties["郑单958"], lot_number=f"SCALE-{i}",
                                             producer_outside=seed_producer)
            services.record_purchase(actor=shop_dealer, business=shop, lot=lot, quantity_kg="10",
                                     occurred_on=days_ago(3))
            services.record_sale(actor=shop_dealer, business=shop, lot=lot, quantity_kg="5" if i % 2 == 0 else "10",
                                 occurred_on=days_ago(2), farmer_name="王五")


def _page(client, shop):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("licensing:business_ledger", args=[shop.pk]))
    assert response.status_code == 200
    return response.content.decode(), len(ctx)


def test_the_ledger_page_costs_the_same_with_two_lots_or_twelve(client, clerk, shop, shop_dealer, varieties,
                                                               seed_producer):
    _lots(clerk, shop, shop_dealer, varieties, seed_producer, 0, 2)
    login(client, clerk)
    _page(client, shop)  # warm-up: the session, the station settings
    small_page, small = _page(client, shop)
    _lots(clerk, shop, shop_dealer, varieties, seed_producer, 2, 10)
    large_page, large = _page(client, shop)
    assert large == small
    # Held (even) and sold-out (odd) lots alike are flagged: the lots read by the flags are the
    # ones sold plus the ones in stock.
    for i in range(12):
        assert f"SCALE-{i}：有销售记录，但没有记录进货来源" in large_page
