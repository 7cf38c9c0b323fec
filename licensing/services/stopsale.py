"""Stop-sale orders (停止销售通知): drafted by a clerk, reviewed and issued by the chief; from
issue, every holder found by forward trace is frozen for the lot and told, with their stock."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from seedreg.accounts.permissions import require
from seedreg.audit.services import audited, log_action
from seedreg.documents.lifecycle import mark_issued, mark_reviewed
from seedreg.documents.pdf import in_official_language
from seedreg.errors import Conflict, InvalidInput
from seedreg.regulated import service

from ..models import Business, LedgerEntry, StockBalance, StopSaleHolder, StopSaleOrder
from ..selectors import lots_downstream
from ._common import required

DOC_TYPE = "stop_sale_order"


@service
def draft_stop_sale_order(*, actor, lot, reason, legal_basis, source="") -> StopSaleOrder:
    """A clerk drafts a stop-sale order on a lot (by hand, or from a failed lab result)."""
    order = StopSaleOrder(lot=lot, region_code=(actor.region_id or "")[:6], source=(source or "")[:200],
                          reason=required(reason, "reason", _("停止销售理由")),
                          legal_basis=required(legal_basis, "legal_basis", _("法律依据")), drafted_by=actor)
    require(actor, "licensing.draft_stop_sale", order)
    if len(order.region_code) != 6:
        raise InvalidInput(_("停止销售通知须由县级种子管理站起草。"), code="stop_sale_county")
    order.save()
    log_action(order, "licensing.stopsaleorder.drafted", actor=actor)
    return order


@service
def review_stop_sale_order(*, actor, order: StopSaleOrder) -> StopSaleOrder:
    order = StopSaleOrder.objects.select_for_update().get(pk=order.pk)
    return mark_reviewed(order, actor=actor)


def holders_of(lot) -> list[tuple[Business, object, object, int]]:
    """(business, lot, stock kg, stock packages) of every dealer that holds or held the lot or a
    lot repacked from it, wherever they are."""
    lot_ids = lots_downstream(lot)
    pairs = set(LedgerEntry.objects.filter(lot_id__in=lot_ids).values_list("business_id", "lot_id").distinct())
    stock = {(b, lt): (q, n) for b, lt, q, n in StockBalance.objects.filter(lot_id__in=lot_ids)
             .values_list("business_id", "lot_id", "quantity_kg", "packages")}
    businesses = Business.objects.in_bulk({b for b, _lt in pairs})
    from ..models import SeedLot

    lots = SeedLot.objects.select_related("variety").in_bulk(lot_ids)
    rows = []
    for business_id, lot_id in sorted(pairs):
        kg, packages = stock.get((business_id, lot_id), (0, 0))
        rows.append((businesses[business_id], lots[lot_id], kg, packages))
    return rows


@service
@in_official_language
def issue_stop_sale_order(*, actor, order: StopSaleOrder) -> StopSaleOrder:
    """The chief issues a reviewed order. It takes effect now: every holder found by forward trace
    is frozen for the lot (sales refused naming the order), gets a notice listing the stock they
    hold, and, where they have a portal account, an electronic service record (电子送达)."""
    from seedreg.documents.services import issue_document, record_service
    from seedreg.notifications.services import notify

    order = StopSaleOrder.objects.select_for_update().get(pk=order.pk)
    if order.status != StopSaleOrder.Status.REVIEWED:
        return mark_issued(order, actor=actor)  # refuses with the reason (not reviewed, already issued)
    require(actor, "documents.issue", order)
    holders = holders_of(order.lot)
    document = issue_document(
        source=order, doc_type=DOC_TYPE, title=f"停止销售通知（{order.lot}）", region_code=order.region_code,
        actor=actor, context={"order": order, "lot": order.lot, "holders": holders})
    mark_issued(order, actor=actor, document=document)
    users = get_user_model().objects.filter(dealer_membership__business__in=[h[0] for h in holders], is_active=True)
    users_by_business = {}
    for user in users.select_related("dealer_membership"):
        users_by_business.setdefault(user.dealer_membership.business_id, []).append(user)
    now = timezone.now()
    for business, lot, kg, packages in holders:
        holder = StopSaleHolder(order=order, business=business, lot=lot, stock_kg=kg, stock_packages=packages,
                                region_code=business.region_code)
        recipients = users_by_business.get(business.pk, [])
        if recipients:
            stock_text = f"{lot}：库存 {kg.normalize():f} 千克（{packages} 袋）" if kg else f"{lot}：当前无库存"
            notify(recipients, key=f"stop-sale:{order.pk}:{business.pk}:{lot.pk}",
                   title=f"停止销售通知 {document.serial}",
                   body=f"自即日起停止销售{order.lot}。理由：{order.reason}。您的{stock_text}，请妥善封存，等候处理。",
                   link=reverse("portal:dealer_home"), category="stop_sale", channels=("inbox", "sms"))
            holder.service_record = record_service(
                document, method="electronic", served_at=now, recipient_name=business.name,
                recipient_user=recipients[0], recipient_label=business.name, actor=actor,
                notes=f"门户通知和短信送达；签发时库存 {kg} 千克")
        holder.save()
    log_action(order, "licensing.stopsaleorder.holders_frozen", actor=actor,
               data={"holders": [(h[0].pk, h[1].pk, h[2]) for h in holders]})
    return order


@service
def lift_stop_sale_order(*, actor, order: StopSaleOrder, reason: str) -> StopSaleOrder:
    """The chief lifts an order (a re-test passed, the case closed); needs a reason, audited, and
    the holders are told."""
    from seedreg.notifications.services import notify

    order = StopSaleOrder.objects.select_for_update().get(pk=order.pk)
    require(actor, "licensing.lift_stop_sale", order)
    reason = required(reason, "reason", _("解除理由"))
    if not order.is_in_force:
        raise Conflict(_("该停止销售通知不在执行中，不能解除。"), code="stop_sale_not_in_force")
    with audited(order, "licensing.stopsaleorder.lifted", actor=actor, reason=reason):
        order.lifted_at, order.lifted_by, order.lift_reason = timezone.now(), actor, reason
        order.save()
    held = order.holders.values_list("business_id", flat=True)
    users = get_user_model().objects.filter(dealer_membership__business__in=held, is_active=True)
    notify(list(users), key=f"stop-sale-lifted:{order.pk}", title=f"停止销售通知 {order.serial} 已解除",
           body=f"{order.lot} 可恢复销售。理由：{reason}", category="stop_sale", channels=("inbox", "sms"))
    return order


def stop_sale_totals(order) -> dict:
    return order.holders.aggregate(kg=Sum("stock_kg"), packages=Sum("stock_packages"))
