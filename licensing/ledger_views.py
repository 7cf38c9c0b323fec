"""The station's pages for ledgers, lots, traceability and stop-sale orders. Thin: selectors
read (scoped to the viewer), services write, DomainErrors go back onto the form."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from seedreg.accounts.permissions import require
from seedreg.errors import DomainError, NotFound
from seedreg.lib import tabular
from seedreg.regulated import service_context
from seedreg.web import form_page, posted, posted_files, staff_required, xlsx_response

from . import selectors, services
from .flags import ledger_flags
from .forms import ImportForm
from .ledger_forms import LedgerFilterForm, ReasonForm, StopSaleDraftForm, StopSaleServedForm
from .models import Business, ImportJob, SeedLot, StopSaleHolder, StopSaleOrder
from .services.importing import IMPORTERS


def _lot(pk) -> SeedLot:
    lot = SeedLot.objects.select_related("variety__crop", "producer", "producer_outside").filter(pk=pk).first()
    if lot is None:
        raise NotFound()
    return lot


# --- ledgers ---------------------------------------------------------------------------------------

def entry_rows(entries, viewer):
    """Ledger entries as table rows, farmers' names and phones masked unless the viewer may see them."""
    allowed = {}
    for e in entries:
        if e.region_code not in allowed:
            allowed[e.region_code] = selectors.can_see_farmers(viewer, e.region_code)
        name, phone = e.counterparty_label, e.farmer_phone
        if e.is_farmer_sale and not allowed[e.region_code]:
            name, phone = selectors.mask_name(name), selectors.mask_phone(phone)
        yield {"entry": e, "counterparty": name, "phone": phone}


LEDGER_HEADERS = ["发生日期", "录入时间", "类型", "作物", "品种", "批号", "生产经营者", "数量（千克）", "件数", "对方",
                  "电话", "村组", "票据号", "冲正/说明"]


def ledger_workbook(entries, viewer) -> bytes:
    rows = []
    for r in entry_rows(entries, viewer):
        e = r["entry"]
        rows.append([e.occurred_on, e.recorded_at.astimezone().strftime("%Y-%m-%d %H:%M"), e.get_kind_display()
                     + ("（冲正）" if e.is_reversal else ""), e.lot.variety.crop.name, e.lot.variety.name,
                     e.lot.lot_number, e.lot.producer_name, e.quantity_kg, e.packages, r["counterparty"], r["phone"],
                     e.farmer_village, e.document_number, e.reason])
    return tabular.write_workbook(LEDGER_HEADERS, rows)


@staff_required
def business_ledger(request, pk):
    business = Business.objects.get_visible(request.user, pk=pk)
    entries = selectors.ledger_of(business, viewer=request.user)
    filters = LedgerFilterForm(request.GET or None)
    entries = filters.apply(entries).select_related("lot__producer", "lot__producer_outside")
    if request.GET.get("format") == "xlsx":
        return xlsx_response(ledger_workbook(entries, request.user), f"{business.name}购销台账.xlsx")
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "licensing/ledger/business_ledger.html", {
        "business": business, "filters": filters, "page": page, "rows": list(entry_rows(page, request.user)),
        "stock": selectors.stock_by_lot(business), "flags": ledger_flags(business),
        "stopped": selectors.lots_under_stop_sale(business), "query": request.GET.urlencode(),
        "can_keep": request.user.has_perm("licensing.keep_ledger", business),
    })


@staff_required
def business_ledger_import(request, pk):
    """The station imports a dealer's ledger for them (a paper ledger typed into the template, a
    dealer without a computer): the dealer's own import, by the same service, all rows or none,
    followed on the same progress page."""
    business = Business.objects.get_visible(request.user, pk=pk)
    require(request.user, "licensing.keep_ledger", business)
    form = ImportForm(posted(request), posted_files(request))

    def apply(data):
        with service_context():
            job = services.start_import(actor=request.user, kind=ImportJob.Kind.LEDGER, upload=data["file"],
                                        business=business)
        return reverse("licensing:import_detail", args=[job.pk])

    jobs = ImportJob.objects.visible_to(request.user).filter(kind=ImportJob.Kind.LEDGER, business_id=business.pk)[:10]
    return form_page(request, form, _("代 %(name)s 导入购销台账") % {"name": business.name}, apply, submit=_("上传并导入"),
                      back=reverse("licensing:business_ledger", args=[business.pk]),
                      template="licensing/import_form.html",
                      extra={"jobs": jobs, "template_url": reverse("licensing:ledger_import_template"),
                             "import_note": _("格式与经营者门户的台账导入模板相同；导入的记录记在该经营者名下，录入人为您。")})


def ledger_template_response():
    """The ledger import template, one file for the dealers' portal and the station alike (the
    station imports paper ledgers for dealers in the same format)."""
    return xlsx_response(IMPORTERS[ImportJob.Kind.LEDGER].template_workbook(), "购销台账导入模板.xlsx")


@staff_required
def ledger_import_template(request):
    return ledger_template_response()


# --- lots and traceability ---------------------------------------------------------------------

FARMER_ROWS_SHOWN = 200


@staff_required
def lot_detail(request, pk):
    lot = _lot(pk)
    trace = selectors.trace_forward(lot, viewer=request.user)
    farmer_rows = list(trace.farmer_sale_rows(limit=FARMER_ROWS_SHOWN))
    return render(request, "licensing/ledger/lot_detail.html", {
        "lot": lot, "trace": trace, "farmer_rows": farmer_rows, "farmer_total": trace.farmer_sale_count,
        "verdicts": lot.quality_records.select_related("business")[:20],
        "orders": StopSaleOrder.objects.visible_to(request.user).filter(lot=lot).select_related("document"),
        "can_draft": request.user.has_perm("licensing.draft_stop_sale",
                                           StopSaleOrder(region_code=request.user.region_id or "")),
    })


@staff_required
def lot_trace_export(request, pk):
    lot = _lot(pk)
    trace = selectors.trace_forward(lot, viewer=request.user)
    headers = ["类型", "名称", "所在县", "种子批", "购进/收到（千克）", "售给经营者（千克）", "售给农户（千克）", "其他减少（千克）",
               "现有库存（千克）", "日期", "农户电话", "村组"]
    rows = [["持有经营者", h.name, h.county_name, h.lot_label, h.received_kg, h.sold_to_dealers_kg,
             h.sold_to_farmers_kg, h.other_out_kg, h.stock_kg, "", "", ""] for h in trace.holders]
    rows += [["农户购买", r["counterparty_name"], "", str(trace.lots[r["lot_id"]]), "", "", r["quantity_kg"], "", "",
              r["occurred_on"], r["farmer_phone"], r["farmer_village"]] for r in trace.farmer_sale_rows()]
    return xlsx_response(tabular.write_workbook(headers, rows), f"{lot}正向追溯.xlsx")


@staff_required
def lot_trace_backward(request, pk, lot_pk):
    business = Business.objects.get_visible(request.user, pk=pk)
    lot = _lot(lot_pk)
    steps = selectors.trace_backward(business, lot, viewer=request.user)
    if request.GET.get("format") == "xlsx":
        rows = [[s.depth if s.depth >= 0 else "生产者", s.holder, s.lot_label, s.source, s.kg or "",
                 s.first_on or "", "、".join(s.documents)] for s in steps]
        data = tabular.write_workbook(["层级", "持有者", "种子批", "来源", "数量（千克）", "最早日期", "凭证号"], rows)
        return xlsx_response(data, f"{business.name}{lot}反向追溯.xlsx")
    return render(request, "licensing/ledger/trace_backward.html", {"business": business, "lot": lot, "steps": steps})


# --- stop-sale orders --------------------------------------------------------------------------

@staff_required
def stop_sale_list(request):
    orders = (StopSaleOrder.objects.visible_to(request.user)
              .select_related("lot__variety", "document").order_by("-drafted_at"))
    page = Paginator(orders, 50).get_page(request.GET.get("page"))
    return render(request, "licensing/ledger/stop_sale_list.html", {"page": page})


@staff_required
def stop_sale_create(request, pk):
    lot = _lot(pk)
    form = StopSaleDraftForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            with service_context():
                order = services.draft_stop_sale_order(actor=request.user, lot=lot, **form.cleaned_data)
        except DomainError as exc:
            exc.add_to_form(form)
        else:
            messages.success(request, _("停止销售通知草稿已保存，待站长审核。"))
            return redirect("licensing:stop_sale_detail", order.pk)
    return render(request, "form_page.html", {
        "form": form, "title": _("起草停止销售通知：%(lot)s") % {"lot": lot}, "submit": _("保存草稿"),
        "back": reverse("licensing:lot_detail", args=[lot.pk])}, status=422 if request.method == "POST" else 200)


@staff_required
def stop_sale_detail(request, pk):
    order = StopSaleOrder.objects.select_related("lot__variety__crop", "document", "drafted_by", "reviewed_by",
                                                 "issued_by", "lifted_by").get_visible(request.user, pk=pk)
    holders = order.holders.select_related("business", "lot__variety", "service_record", "paper_service",
                                           "notice_document")
    return render(request, "licensing/ledger/stop_sale_detail.html", {
        "order": order, "holders": holders, "lift_form": ReasonForm(),
        "is_chief": request.user.has_perm("documents.issue", order),
        "can_serve": order.status == StopSaleOrder.Status.ISSUED
        and request.user.has_perm("licensing.serve_stop_sale", order),
    })


def _holder(request, pk) -> StopSaleHolder:
    """A holder of an order the viewer may see (the order's jurisdiction, not the holder's)."""
    holder = (StopSaleHolder.objects.filter(pk=pk, order__in=StopSaleOrder.objects.visible_to(request.user))
              .select_related("order", "business").first())
    if holder is None:
        raise NotFound()
    return holder


@staff_required
@require_POST
def stop_sale_notice(request, pk):
    """Print one holder's notice (送达回证): issued on the first request, the same PDF after."""
    holder = _holder(request, pk)
    try:
        with service_context():
            document = services.issue_stop_sale_notice(actor=request.user, holder=holder)
    except DomainError as exc:
        if exc.status in (401, 403, 404):
            raise
        messages.error(request, str(exc))
        return redirect("licensing:stop_sale_detail", holder.order_id)
    return redirect("documents:pdf", document.pk)


@staff_required
def stop_sale_served(request, pk):
    holder = _holder(request, pk)
    require(request.user, "licensing.serve_stop_sale", holder.order)
    form = StopSaleServedForm(posted(request), posted_files(request),
                              initial={"served_by": request.user.display_name, "recipient_name": holder.business.name,
                                       "served_at": timezone.localtime().replace(second=0, microsecond=0)})

    def apply(data):
        with service_context():
            services.record_stop_sale_served(actor=request.user, holder=holder, **data)
        return reverse("licensing:stop_sale_detail", args=[holder.order_id])

    return form_page(request, form, _("登记送达：%(name)s") % {"name": holder.business.name}, apply,
                     submit=_("登记已送达"), back=reverse("licensing:stop_sale_detail", args=[holder.order_id]))


@staff_required
def stop_sale_receipt(request, pk):
    holder = _holder(request, pk)
    if not holder.receipt_scan:
        raise NotFound()
    require(request.user, "licensing.serve_stop_sale", holder.order)
    name = holder.receipt_scan.name.rsplit("/", 1)[-1]
    return FileResponse(holder.receipt_scan.open("rb"), as_attachment=True,
                        filename=f"送达回证-{holder.business.name}-{name}")


def _order_action(request, pk, apply, done):
    order = StopSaleOrder.objects.get_visible(request.user, pk=pk)
    try:
        with service_context():
            apply(order)
    except DomainError as exc:
        if exc.status in (401, 403, 404):
            raise  # the error page with its status: not a message on a page the user may not act on
        messages.error(request, str(exc))
        return redirect("licensing:stop_sale_detail", order.pk)
    messages.success(request, done)
    return redirect("licensing:stop_sale_detail", order.pk)


@staff_required
@require_POST
def stop_sale_review(request, pk):
    return _order_action(request, pk, lambda o: services.review_stop_sale_order(actor=request.user, order=o),
                         _("已审核。"))


@staff_required
@require_POST
def stop_sale_issue(request, pk):
    return _order_action(request, pk, lambda o: services.issue_stop_sale_order(actor=request.user, order=o),
                         _("已签发：持有该批种子的经营者已被冻结销售并收到通知。"))


@staff_required
@require_POST
def stop_sale_lift(request, pk):
    form = ReasonForm(request.POST)
    reason = form.data.get("reason", "")
    return _order_action(request, pk, lambda o: services.lift_stop_sale_order(actor=request.user, order=o,
                                                                              reason=reason), _("已解除。"))
