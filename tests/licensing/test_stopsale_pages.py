"""Stop-sale orders through the pages: the clerk drafts, the chief reviews and issues, holders
see the notice in the portal and acknowledge it, the public lot page shows it, the chief lifts it."""

import pytest
from django.urls import reverse

from licensing import services
from licensing.models import StopSaleOrder
from seedreg.documents.models import ServiceRecord
from seedreg.regulated import service_context
from tests.licensing.conftest import days_ago
from tests.licensing.test_pages import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def held_lot(wholesaler, shop, wholesaler_dealer, shop_dealer, lot, seed_producer):
    with service_context():
        services.record_purchase(actor=wholesaler_dealer, business=wholesaler, lot=lot, quantity_kg="500",
                                 occurred_on=days_ago(10), supplier_outside=seed_producer)
        sale = services.record_sale(actor=wholesaler_dealer, business=wholesaler, lot=lot, quantity_kg="120",
                                    occurred_on=days_ago(9), buyer_business=shop)
        services.confirm_transfer(actor=shop_dealer, transfer=sale.transfer)
    return lot


def test_from_draft_to_freeze_to_lift_through_the_pages(client, clerk, chief, shop_dealer, held_lot):
    login(client, clerk)
    response = client.post(reverse("licensing:stop_sale_create", args=[held_lot.pk]), {
        "reason": "经检验发芽率不合格", "legal_basis": "《种子法》第四十八条", "source": "建检〔2026〕第0009号"})
    order = StopSaleOrder.objects.get()
    assert response.status_code == 302 and order.status == "draft"
    # A clerk cannot review: the service refuses, the page answers 403.
    assert client.post(reverse("licensing:stop_sale_review", args=[order.pk])).status_code == 403
    login(client, chief)
    client.post(reverse("licensing:stop_sale_review", args=[order.pk]))
    client.post(reverse("licensing:stop_sale_issue", args=[order.pk]))
    order.refresh_from_db()
    assert order.is_in_force and order.holders.count() == 2
    page = client.get(reverse("licensing:stop_sale_detail", args=[order.pk])).content.decode()
    assert order.serial in page and "电子送达" in page

    # The dealer sees it with their stock, acknowledges it (a portal service record), cannot sell.
    login(client, shop_dealer)
    ledger = client.get(reverse("portal:dealer_ledger")).content.decode()
    assert order.serial in ledger and "签发时您的库存 120 千克" in ledger
    holder = order.holders.get(business__dealer_memberships__user=shop_dealer)
    client.post(reverse("portal:dealer_stop_sale_acknowledge", args=[holder.pk]))
    assert ServiceRecord.objects.filter(document=order.document, method="portal", recipient_user=shop_dealer).exists()
    refused = client.post(reverse("portal:dealer_sale"), {
        "lot": held_lot.pk, "quantity_kg": "5", "occurred_on": days_ago(0).isoformat(), "buyer_kind": "farmer",
        "farmer_name": "赵大山"})
    assert refused.status_code == 422 and order.serial in refused.content.decode()

    # Anyone scanning the lot's QR sees the stop-sale.
    client.logout()
    public = client.get(reverse("portal:lot_public", args=[held_lot.public_token])).content.decode()
    assert "该批种子已被停止销售" in public and order.serial in public

    login(client, chief)
    client.post(reverse("licensing:stop_sale_lift", args=[order.pk]), {"reason": ""})
    order.refresh_from_db()
    assert order.is_in_force  # no reason, no lifting
    client.post(reverse("licensing:stop_sale_lift", args=[order.pk]), {"reason": "复检合格"})
    order.refresh_from_db()
    assert not order.is_in_force and order.lift_reason == "复检合格"
    client.logout()
    assert "目前该批种子未被停止销售" in client.get(
        reverse("portal:lot_public", args=[held_lot.public_token])).content.decode()


def test_an_unknown_lot_token_is_a_404(client, geo):
    assert client.get(reverse("portal:lot_public", args=["nope"])).status_code == 404
