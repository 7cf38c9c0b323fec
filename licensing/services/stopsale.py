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
from seedreg.documents.models import IssuedDocument, ServiceRecord
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


NOTICE_DOC_TYPE = "stop_sale_notice"
PAPER_METHODS = (ServiceRecord.Method.IN_PERSON, ServiceRecord.Method.POST, ServiceRecord.Method.LEFT)
RECEIPT_MAX_BYTES = 10 * 1024 * 1024
# A scanned receipt is a PDF or a photo: recognised by its first bytes, not by its name.
RECEIPT_MAGIC = {b"%PDF-": "pdf", b"\x89PNG\r\n\x1a\n": "png", b"\xff\xd8\xff": "jpg"}


def _holder_for_service(actor, holder: StopSaleHolder) -> StopSaleHolder:
    holder = (StopSaleHolder.objects.select_for_update(of=("self",))
              .select_related("order__document", "order__lot__variety__crop", "business", "lot__variety")
              .get(pk=holder.pk))
    require(actor, "licensing.serve_stop_sale", holder.order)
    if holder.order.status != StopSaleOrder.Status.ISSUED:
        raise Conflict(_("该停止销售通知尚未签发。"), code="stop_sale_not_issued")
    return holder


@service
@in_official_language
def issue_stop_sale_notice(*, actor, holder: StopSaleHolder) -> IssuedDocument:
    """The printable notice for one holder (送达回证): the order, the holder, the stock of the lot
    they held when it was issued and hold now, and lines for the receipt's signature and date;
    with its own serial number and verification QR. For serving on paper, above all to holders
    without a portal account. Issued once per holder: asking again returns the same document."""
    from seedreg.documents.services import issue_document

    holder = _holder_for_service(actor, holder)
    if holder.notice_document_id:
        return holder.notice_document
    if not holder.order.is_in_force:
        raise Conflict(_("该停止销售通知已解除，不再送达。"), code="stop_sale_not_in_force")
    stock = StockBalance.objects.filter(business=holder.business, lot=holder.lot).values_list(
        "quantity_kg", "packages", "packages_known").first() or (0, 0, True)
    document = issue_document(
        source=holder, doc_type=NOTICE_DOC_TYPE, title=f"停止销售通知送达回证（{holder.business.name}）",
        region_code=holder.order.region_code, actor=actor,
        context={"order": holder.order, "holder": holder, "business": holder.business, "lot": holder.lot,
                 "stock_kg": stock[0], "stock_packages": stock[1] if stock[2] else None})
    holder.notice_document = document
    holder.save(update_fields=["notice_document"])
    return document


def _receipt_scan(upload):
    if upload is None:
        return None
    if upload.size > RECEIPT_MAX_BYTES:
        raise InvalidInput(_("送达回证扫描件不能超过 10 MB。"), code="receipt_too_large",
                           fields={"receipt_scan": [_("文件过大")]})
    head = upload.read(8)
    upload.seek(0)
    suffix = next((kind for magic, kind in RECEIPT_MAGIC.items() if head.startswith(magic)), None)
    if suffix is None:
        raise InvalidInput(_("送达回证扫描件须为 PDF、JPG 或 PNG 文件。"), code="receipt_type",
                           fields={"receipt_scan": [_("文件类型不支持")]})
    return suffix


@service
def record_stop_sale_served(*, actor, holder: StopSaleHolder, method: str, served_at, served_by: str,
                            recipient_name: str, receipt_scan=None, notes: str = "") -> StopSaleHolder:
    """Record that a holder's printed notice was served (已送达): how (in person, by post, left
    at the premises), when, by whom, who signed for it, optionally the signed receipt's scan.
    Audited; once per holder (a mistake is the subject of a note, not an overwrite)."""
    from seedreg.documents.services import record_service

    holder = _holder_for_service(actor, holder)
    if holder.paper_service_id:
        raise Conflict(_("该持有者的书面送达已登记。"), code="already_served")
    if not holder.notice_document_id:
        raise Conflict(_("请先打印送达回证，再登记送达。"), code="notice_not_printed")
    if method not in PAPER_METHODS:
        raise InvalidInput(_("请选择送达方式。"), code="service_method", fields={"method": [_("请选择")]})
    served_by = required(served_by, "served_by", _("送达人"))[:100]
    recipient_name = required(recipient_name, "recipient_name", _("签收人"))[:100]
    suffix = _receipt_scan(receipt_scan)
    record = record_service(holder.notice_document, method=method, served_at=served_at,
                            recipient_name=recipient_name, recipient_label=holder.business.name, actor=actor,
                            notes=f"送达人：{served_by}" + (f"；{notes.strip()}" if (notes or "").strip() else ""))
    with audited(holder, "licensing.stopsaleholder.served", actor=actor, parent=holder.order,
                 data={"method": method, "served_by": served_by, "recipient": recipient_name}):
        holder.paper_service, holder.served_by = record, served_by
        if suffix is not None:
            holder.receipt_scan.save(f"receipt.{suffix}", receipt_scan, save=False)
        holder.save()
    return holder


def stop_sale_totals(order) -> dict:
    return order.holders.aggregate(kg=Sum("stock_kg"), packages=Sum("stock_packages"))
