"""Stop-sale orders: draft → reviewed → issued; from issue every holder found by forward trace is
frozen for the lot, told with their stock, and has a service record; lifting needs a reason."""

from decimal import Decimal

import pytest

from licensing import selectors, services
from licensing.models import StopSaleOrder
from seedreg.audit.models import AuditEntry
from seedreg.documents.models import ServiceRecord
from seedreg.errors import Conflict, InvalidInput, NotFound, PermissionDenied, RuleViolation
from tests.licensing.conftest import days_ago

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_holders(wholesaler, shop, shop_b, wholesaler_dealer, shop_dealer, shop_b_dealer, lot, seed_producer):
    services.record_purchase(actor=wholesaler_dealer, business=wholesaler, lot=lot, quantity_kg="600",
                             occurred_on=days_ago(10), supplier_outside=seed_producer)
    for buyer, dealer, kg in ((shop, shop_dealer, "200"), (shop_b, shop_b_dealer, "150")):
        sale = services.record_sale(actor=wholesaler_dealer, business=wholesaler, lot=lot, quantity_kg=kg,
                                    occurred_on=days_ago(8), buyer_business=buyer)
        services.confirm_transfer(actor=dealer, transfer=sale.transfer)
    return {wholesaler: wholesaler_dealer, shop: shop_dealer, shop_b: shop_b_dealer}


def issued_order(clerk, chief, lot):
    order = services.draft_stop_sale_order(actor=clerk, lot=lot, reason="经检验发芽率不符合标签标注值，为劣种子",
                                           legal_basis="《中华人民共和国种子法》第四十八条、第七十五条",
                                           source="建检〔2026〕第0007号")
    services.review_stop_sale_order(actor=chief, order=order)
    return services.issue_stop_sale_order(actor=chief, order=order)


def test_an_issued_order_freezes_the_lot_at_every_holder(three_holders, clerk, chief, lot):
    order = issued_order(clerk, chief, lot)
    assert order.status == StopSaleOrder.Status.ISSUED and order.serial.startswith("建种停〔")
    assert order.document.pdf.name
    assert {(h.business.name, h.stock_kg) for h in order.holders.select_related("business")} == {
        ("建平县惠农种业有限公司", Decimal("250")), ("建平县丰收种子门市部", Decimal("200")),
        ("建平县黑水镇农资店", Decimal("150"))}
    stock = {h.business_id: h.stock_kg for h in order.holders.all()}
    for business, dealer in three_holders.items():
        with pytest.raises(RuleViolation, match=order.serial) as refused:
            services.record_sale(actor=dealer, business=business, lot=lot, quantity_kg="1", occurred_on=days_ago(0),
                                 farmer_name="赵大山")
        assert refused.value.code == "lot_stop_sale"
        notice = dealer.notifications.get(category="stop_sale")
        assert order.serial in notice.title and f"库存 {stock[business.pk].normalize():f} 千克" in notice.body
        assert ServiceRecord.objects.filter(document=order.document, recipient_user=dealer,
                                            method=ServiceRecord.Method.ELECTRONIC).exists()
    # Destroying or returning the seed is still allowed: that is how a holder complies.
    shop = next(b for b in three_holders if b.name == "建平县丰收种子门市部")
    services.record_loss(actor=three_holders[shop], business=shop, lot=lot, quantity_kg="10", occurred_on=days_ago(0),
                         reason="按停止销售通知销毁")
    assert selectors.lots_under_stop_sale(shop) == {lot.pk}
    assert selectors.lots_under_stop_sale("211322") == {lot.pk}
    assert selectors.lots_under_stop_sale("211321") == set()


def test_the_order_follows_the_chain_of_review(three_holders, clerk, chief, lot, outsider):
    order = services.draft_stop_sale_order(actor=clerk, lot=lot, reason="劣种子", legal_basis="种子法第四十八条")
    with pytest.raises(Conflict, match="尚未审核"):
        services.issue_stop_sale_order(actor=chief, order=order)
    with pytest.raises(PermissionDenied):
        services.review_stop_sale_order(actor=clerk, order=order)
    with pytest.raises(NotFound):
        services.review_stop_sale_order(actor=outsider, order=order)
    with pytest.raises(InvalidInput):
        services.draft_stop_sale_order(actor=clerk, lot=lot, reason="", legal_basis="种子法")
    services.review_stop_sale_order(actor=chief, order=order)
    # Until issued nothing is frozen.
    wholesaler = next(b for b in three_holders if b.kind == "wholesaler")
    services.record_sale(actor=three_holders[wholesaler], business=wholesaler, lot=lot, quantity_kg="1",
                         occurred_on=days_ago(0), farmer_name="赵大山")
    services.issue_stop_sale_order(actor=chief, order=order)
    with pytest.raises(Conflict):
        services.issue_stop_sale_order(actor=chief, order=order)


def test_lifting_needs_a_reason_is_audited_and_unfreezes(three_holders, clerk, chief, lot):
    order = issued_order(clerk, chief, lot)
    with pytest.raises(PermissionDenied):
        services.lift_stop_sale_order(actor=clerk, order=order, reason="复检合格")
    with pytest.raises(InvalidInput):
        services.lift_stop_sale_order(actor=chief, order=order, reason=" ")
    services.lift_stop_sale_order(actor=chief, order=order, reason="复检合格（市检〔2026〕第0003号）")
    entry = AuditEntry.objects.get(action="licensing.stopsaleorder.lifted")
    assert entry.reason.startswith("复检合格") and entry.actor == chief
    shop = next(b for b in three_holders if b.name == "建平县丰收种子门市部")
    services.record_sale(actor=three_holders[shop], business=shop, lot=lot, quantity_kg="5", occurred_on=days_ago(0),
                         farmer_name="赵大山")
    assert selectors.lots_under_stop_sale(shop) == set()
    with pytest.raises(Conflict):
        services.lift_stop_sale_order(actor=chief, order=order, reason="再解除一次")


def test_an_order_issued_by_a_chief_reading_english_is_chinese(three_holders, clerk, chief, lot):
    from django.utils import translation
    from pypdf import PdfReader

    with translation.override("en"):
        order = issued_order(clerk, chief, lot)
    with order.document.pdf.open("rb") as f:
        text = "".join(page.extract_text() for page in PdfReader(f).pages)
    assert "停止销售" in text and "劣种子" in text and "Stop" not in text
    for dealer in three_holders.values():
        notice = dealer.notifications.get(category="stop_sale")
        assert notice.title.startswith("停止销售通知") and "请妥善封存" in notice.body
