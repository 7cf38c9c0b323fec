"""The dealer's ledger in the portal (phone-sized pages) and the public lot-status page that a
sales receipt's QR opens. Thin: services write, selectors read, errors go onto the form."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from licensing import selectors, services
from licensing.forms import ImportForm
from licensing.ledger_forms import LedgerFilterForm, PurchaseForm, ReasonForm, SaleForm
from licensing.ledger_views import ledger_template_response, ledger_workbook
from licensing.models import (
    DealerMembership,
    DealerTransfer,
    ImportJob,
    LedgerEntry,
    StopSaleHolder,
    StopSaleOrder,
)
from licensing.public import lot_by_token, lot_public_facts
from seedreg.documents.models import ServiceRecord
from seedreg.documents.pdf import render_pdf
from seedreg.documents.qr import qr_svg_data_uri
from seedreg.documents.services import acknowledge_in_portal
from seedreg.errors import DomainError, NotFound
from seedreg.regulated import service_context
from seedreg.web import posted, posted_files, xlsx_response


def _my_business(request):
    """The business the signed-in dealer acts for; anyone else is told "not found"."""
    membership = DealerMembership.objects.select_related("business").filter(user=request.user).first()
    if membership is None or not request.user.is_dealer:
        raise NotFound()
    return membership.business


def lot_public_url(lot) -> str:
    return settings.SITE_URL + reverse("portal:lot_public", args=[lot.public_token])


@login_required
def dealer_ledger(request):
    business = _my_business(request)
    entries = (LedgerEntry.objects.filter(business=business)
               .select_related("lot__variety", "counterparty_business", "counterparty_outside")
               .order_by("-occurred_on", "-id"))
    page = Paginator(entries, 30).get_page(request.GET.get("page"))
    frozen = (StopSaleHolder.objects.filter(business=business, order__in=StopSaleOrder.objects.in_force())
              .select_related("order__document", "lot__variety"))
    return render(request, "portal/ledger/ledger.html", {
        "business": business, "stock": selectors.stock_by_lot(business), "page": page,
        "pending": DealerTransfer.objects.filter(buyer=business, status=DealerTransfer.Status.PENDING)
        .select_related("seller", "sale__lot__variety"),
        "frozen": frozen, "stopped": selectors.lots_under_stop_sale(business),
        "acknowledged": set(ServiceRecord.objects.filter(
            recipient_user=request.user, method=ServiceRecord.Method.PORTAL,
            document__in=[h.order.document_id for h in frozen]).values_list("document_id", flat=True)),
        "export_form": LedgerFilterForm(), "dispute_form": ReasonForm(),
    })


def _entry_form_page(request, form, title, apply):
    if request.method == "POST" and form.is_valid():
        try:
            with service_context():
                entry = apply(form.cleaned_data)
        except DomainError as exc:
            if exc.status in (401, 403, 404):
                raise
            exc.add_to_form(form)
        else:
            return entry
    return render(request, "portal/ledger/entry_form.html", {"form": form, "title": title},
                  status=422 if request.method == "POST" else 200)


@login_required
def dealer_purchase(request):
    business = _my_business(request)
    form = PurchaseForm(posted(request), region_code=business.region_code,
                        initial={"occurred_on": timezone.localdate()})

    def apply(data):
        lot = services.register_seed_lot(
            actor=request.user, variety=data["variety"], lot_number=data["lot_number"],
            producer=data["producer_business"], producer_outside=data["producer_outside"],
            certificate_number=data["certificate_number"], quarantine_cert_number=data["quarantine_cert_number"],
            germination=data["germination"], purity=data["purity"])
        return services.record_purchase(
            actor=request.user, business=business, lot=lot, quantity_kg=data["quantity_kg"], packages=data["packages"],
            occurred_on=data["occurred_on"], supplier_business=data["supplier_business"],
            supplier_outside=data["supplier_outside"], supplier_name=data["supplier_name"],
            document_number=data["document_number"])

    result = _entry_form_page(request, form, _("登记购进"), apply)
    if isinstance(result, LedgerEntry):
        messages.success(request, _("已登记购进：%(lot)s %(kg)s 千克。") % {
            "lot": result.lot, "kg": f"{result.quantity_kg.normalize():f}"})
        return redirect("portal:dealer_ledger")
    return result


@login_required
def dealer_sale(request):
    business = _my_business(request)
    form = SaleForm(posted(request), business=business, lots=selectors.lots_held_by(business),
                    initial={"occurred_on": timezone.localdate()})

    def apply(_data):
        return services.record_sale(actor=request.user, business=business, **form.service_kwargs())

    result = _entry_form_page(request, form, _("登记销售"), apply)
    if isinstance(result, LedgerEntry):
        messages.success(request, _("已登记销售：%(lot)s %(kg)s 千克。") % {
            "lot": result.lot, "kg": f"{(-result.quantity_kg).normalize():f}"})
        if result.is_farmer_sale:
            return redirect("portal:dealer_sale_done", result.pk)
        return redirect("portal:dealer_ledger")
    return result


def _my_entry(request, pk) -> LedgerEntry:
    business = _my_business(request)
    entry = (LedgerEntry.objects.filter(business=business, pk=pk)
             .select_related("lot__variety__crop", "lot__producer", "lot__producer_outside", "business").first())
    if entry is None:
        raise NotFound()
    return entry


@login_required
def dealer_sale_done(request, pk):
    entry = _my_entry(request, pk)
    return render(request, "portal/ledger/sale_done.html", {"entry": entry, "kg": -entry.quantity_kg})


@login_required
def dealer_receipt(request, pk):
    """The sales receipt (销售单据) for a farmer: A5, Chinese, with a QR of the lot's public page."""
    entry = _my_entry(request, pk)
    if not entry.is_farmer_sale or entry.is_reversal:
        raise NotFound()
    url = lot_public_url(entry.lot)
    pdf = render_pdf("portal/ledger/receipt_pdf.html", {
        "entry": entry, "lot": entry.lot, "business": entry.business, "kg": -entry.quantity_kg,
        "packages": -entry.packages, "qr": qr_svg_data_uri(url, scale=4), "lot_url": url,
        "licences": entry.business.seed_licences.all(), "printed_at": timezone.now()})
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="receipt-{entry.pk}.pdf"'
    return response


@login_required
@require_POST
def dealer_reverse(request, pk):
    entry = _my_entry(request, pk)
    try:
        with service_context():
            services.reverse_entry(actor=request.user, entry=entry, reason=request.POST.get("reason", ""))
    except DomainError as exc:
        if exc.status in (401, 403, 404):
            raise
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已冲正。"))
    return redirect("portal:dealer_ledger")


def _my_transfer(request, pk) -> DealerTransfer:
    business = _my_business(request)
    transfer = DealerTransfer.objects.filter(buyer=business, pk=pk).first()
    if transfer is None:
        raise NotFound()
    return transfer


@login_required
@require_POST
def dealer_transfer_decide(request, pk, decision):
    if decision not in ("confirm", "dispute"):
        raise NotFound()
    transfer = _my_transfer(request, pk)
    try:
        with service_context():
            if decision == "confirm":
                services.confirm_transfer(actor=request.user, transfer=transfer)
            else:
                services.dispute_transfer(actor=request.user, transfer=transfer, reason=request.POST.get("reason", ""))
    except DomainError as exc:
        if exc.status in (401, 403, 404):
            raise
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已确认购进，已记入台账。") if decision == "confirm" else _("已提出异议，已通知销售方。"))
    return redirect("portal:dealer_ledger")


@login_required
@require_POST
def dealer_stop_sale_acknowledge(request, pk):
    """Acknowledging a stop-sale notice in the portal is its service (门户确认送达)."""
    business = _my_business(request)
    holder = StopSaleHolder.objects.filter(business=business, pk=pk).select_related("order__document").first()
    if holder is None or holder.order.document_id is None:
        raise NotFound()
    acknowledge_in_portal(holder.order.document, user=request.user, recipient_label=business.name)
    messages.success(request, _("已确认收到停止销售通知。"))
    return redirect("portal:dealer_ledger")


@login_required
def dealer_ledger_export(request):
    business = _my_business(request)
    form = LedgerFilterForm(request.GET or None)
    entries = form.apply(LedgerEntry.objects.filter(business=business).select_related(
        "lot__variety__crop", "lot__producer", "lot__producer_outside", "counterparty_business",
        "counterparty_outside").order_by("occurred_on", "id"))
    since = form.cleaned_data.get("since") if form.is_valid() else None
    until = form.cleaned_data.get("until") if form.is_valid() else None
    period = f"{since or '起'}至{until or timezone.localdate()}"
    return xlsx_response(ledger_workbook(entries, request.user), f"购销台账{period}.xlsx")


@never_cache
def lot_public(request, token):
    """Public: a seed lot's label facts and whether it is under a stop-sale order right now."""
    lot = lot_by_token(token)
    if lot is None:
        return render(request, "portal/lot_public.html", {"facts": None}, status=404)
    return render(request, "portal/lot_public.html", {"facts": lot_public_facts(lot), "now": timezone.now()})


# --- import ------------------------------------------------------------------------------------

def _my_job(request, pk):
    business = _my_business(request)
    job = ImportJob.objects.filter(kind=ImportJob.Kind.LEDGER, business_id=business.pk, pk=pk).first()
    if job is None:
        raise NotFound()
    return job


@login_required
def dealer_import(request):
    """Upload a ledger (.xlsx or CSV from the template); the rows are applied by a Celery task."""
    business = _my_business(request)
    form = ImportForm(posted(request), posted_files(request))
    if request.method == "POST" and form.is_valid():
        try:
            with service_context():
                job = services.start_import(actor=request.user, kind=ImportJob.Kind.LEDGER,
                                            upload=form.cleaned_data["file"], business=business)
        except DomainError as exc:
            if exc.status in (401, 403, 404):
                raise
            exc.add_to_form(form)
        else:
            return redirect("portal:dealer_import_detail", job.pk)
    jobs = ImportJob.objects.filter(kind=ImportJob.Kind.LEDGER, business_id=business.pk)[:10]
    return render(request, "portal/ledger/import.html", {"form": form, "jobs": jobs},
                  status=422 if request.method == "POST" else 200)


@login_required
def dealer_import_template(request):
    _my_business(request)
    return ledger_template_response()


@login_required
def dealer_import_detail(request, pk):
    job = _my_job(request, pk)
    progress = services.progress_of(job)
    if request.GET.get("format") == "json":
        return JsonResponse({"status": job.status, "status_label": job.get_status_display(), "total": job.total_rows,
                             "processed": progress, "errors": job.error_count, "message": job.message,
                             "finished": job.finished})
    return render(request, "portal/ledger/import_detail.html", {"job": job, "progress": progress})


@login_required
def dealer_import_errors(request, pk):
    job = _my_job(request, pk)
    if not job.error_file:
        raise NotFound()
    return FileResponse(job.error_file.open("rb"), as_attachment=True, filename=f"导入错误-{job.pk}.xlsx")
