"""The station's pages for the directory, licences, filings, catalogue and imports.
Thin: a form shapes the input, a service applies the rules, errors go back onto the form."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from seedreg.errors import NotFound
from seedreg.regulated import service_context
from seedreg.web import form_page, posted, posted_files, staff_required

from . import forms, services
from .models import (
    Business,
    BusinessKind,
    DealerMembership,
    Filing,
    ImportJob,
    LicenceStatus,
    OutsideParty,
    SeedLicence,
    StopSaleHolder,
    StopSaleOrder,
    Variety,
)
from .search import classify_query
from .services.importing import IMPORTERS

# --- directory -------------------------------------------------------------------------------

@staff_required
def business_list(request):
    businesses = Business.objects.visible_to(request.user).with_last_check()
    q = request.GET.get("q", "").strip()
    if q:
        kind, value = classify_query(q)
        if kind == "credit_code":
            businesses = businesses.filter(credit_code=value)
        elif kind == "licence_number":
            businesses = businesses.filter(seed_licences__number_normalized=value)
        else:  # a county's directory is small: a plain scan within the jurisdiction is enough
            businesses = businesses.filter(Q(name__contains=q) | Q(legal_representative=q))
    for field in ("kind", "status"):
        if request.GET.get(field):
            businesses = businesses.filter(**{field: request.GET[field]})
    if request.GET.get("region"):
        businesses = businesses.filter(region_code__startswith=request.GET["region"])
    page = Paginator(businesses.prefetch_related("seed_licences__terms", "seed_licences__status_changes"),
                     50).get_page(request.GET.get("page"))
    return render(request, "licensing/business_list.html", {
        "page": page, "q": q, "kinds": BusinessKind.choices, "statuses": Business.Status.choices,
        "filters": request.GET})


def _business(request, pk):
    return Business.objects.get_visible(request.user, pk=pk)


@staff_required
def business_detail(request, pk):
    business = _business(request, pk)
    licences = business.seed_licences.with_history()
    filings = business.filings.prefetch_related("items__variety__crop").select_related("receipt")
    flagged = []
    for filing in filings:
        for item in filing.items.all():
            for problem in item.variety.problems_in(business.region_code):
                flagged.append((item.variety, problem))
    return render(request, "licensing/business_detail.html", {
        "business": business, "licences": licences, "filings": filings, "flagged": flagged,
        "business_licences": business.business_licences.all(),
        "checks": business.document_checks.select_related("checked_by")[:10],
        "accounts": DealerMembership.objects.filter(business=business).select_related("user"),
        "can_see_personal": request.user.can_see_personal_data(business.region_code),
        "stop_sales": StopSaleHolder.objects.filter(business=business, order__in=StopSaleOrder.objects.in_force())
        .select_related("order__document", "lot__variety"),
    })


def _business_kwargs(data):
    return {k: v for k, v in data.items() if k not in ("latitude", "longitude", "coordinate_system")}


@staff_required
def business_create(request):
    form = forms.BusinessForm(posted(request), user=request.user,
                              initial={"region_code": request.user.region_id, "coordinate_system": "wgs84"})

    def apply(data):
        with service_context():
            business = services.register_business(
                actor=request.user, latitude=data["latitude"], longitude=data["longitude"],
                coordinate_system=data["coordinate_system"] or "wgs84", **_business_kwargs(data))
        return reverse("licensing:business_detail", args=[business.pk])

    return form_page(request, form, _("登记经营主体"), apply, back=reverse("licensing:business_list"))


@staff_required
def business_edit(request, pk):
    business = _business(request, pk)
    initial = {f: getattr(business, f) for f in forms.BusinessForm.base_fields if hasattr(business, f)}
    initial["coordinate_system"] = business.coordinate_source or "wgs84"
    form = forms.BusinessForm(posted(request), user=request.user, initial=initial)

    def apply(data):
        with service_context():
            services.update_business(business, actor=request.user, latitude=data["latitude"],
                                     longitude=data["longitude"], coordinate_system=data["coordinate_system"] or "wgs84",
                                     **_business_kwargs(data))
        return reverse("licensing:business_detail", args=[business.pk])

    return form_page(request, form, _("修改：%(name)s") % {"name": business.name}, apply,
                      back=reverse("licensing:business_detail", args=[pk]))


@staff_required
def business_licence_create(request, pk):
    business = _business(request, pk)
    form = forms.BusinessLicenceForm(posted(request),
                                     initial={"registered_name": business.name, "credit_code": business.credit_code})

    def apply(data):
        with service_context():
            services.record_business_licence(business, actor=request.user, **data)
        return reverse("licensing:business_detail", args=[pk])

    return form_page(request, form, _("营业执照：%(name)s") % {"name": business.name}, apply,
                      back=reverse("licensing:business_detail", args=[pk]))


@staff_required
def document_check_create(request, pk):
    business = _business(request, pk)
    form = forms.DocumentCheckForm(posted(request))

    def apply(data):
        with service_context():
            services.record_document_check(business, actor=request.user, **data)
        return reverse("licensing:business_detail", args=[pk])

    return form_page(request, form, _("证照检查：%(name)s") % {"name": business.name}, apply,
                      back=reverse("licensing:business_detail", args=[pk]))


@staff_required
def dealer_account_create(request, pk):
    business = _business(request, pk)
    form = forms.DealerAccountForm(posted(request), initial={"phone": business.contact_phone,
                                                                  "full_name": business.legal_representative})

    def apply(data):
        with service_context():
            user, password = services.create_dealer_user(business, actor=request.user, **data)
        # The first password is shown once, on the slip page, and never stored in clear.
        return render(request, "licensing/password_slip.html", {"business": business, "account": user,
                                                                "password": password, "delivery": data["delivery"]})

    return form_page(request, form, _("开通经营者账号：%(name)s") % {"name": business.name}, apply,
                      back=reverse("licensing:business_detail", args=[pk]))


@staff_required
@require_POST
def dealer_password_reset(request, pk, user_id):
    business = _business(request, pk)
    membership = DealerMembership.objects.filter(business=business, user_id=user_id).select_related("user").first()
    if membership is None:
        raise NotFound()
    delivery = request.POST.get("delivery", "slip")
    with service_context():
        password = services.reset_dealer_password(membership.user, actor=request.user, delivery=delivery)
    return render(request, "licensing/password_slip.html", {"business": business, "account": membership.user,
                                                            "password": password, "delivery": delivery})


# --- licences ----------------------------------------------------------------------------------

@staff_required
def licence_create(request, pk):
    business = _business(request, pk)
    form = forms.SeedLicenceForm(posted(request))

    def apply(data):
        with service_context():
            licence = services.issue_seed_licence(business, actor=request.user, **data)
        return reverse("licensing:licence_detail", args=[licence.pk])

    return form_page(request, form, _("登记种子生产经营许可证：%(name)s") % {"name": business.name}, apply,
                      back=reverse("licensing:business_detail", args=[pk]))


def _licence(request, pk):
    return SeedLicence.objects.with_history().get_visible(request.user, pk=pk)


@staff_required
def licence_detail(request, pk):
    licence = _licence(request, pk)
    return render(request, "licensing/licence_detail.html", {
        "licence": licence, "renewal_form": forms.RenewalForm(), "status_form": forms.StatusChangeForm(),
        "can_change_status": request.user.has_perm("licensing.change_licence_status", licence)})


@staff_required
def licence_renew(request, pk):
    licence = _licence(request, pk)
    form = forms.RenewalForm(posted(request))

    def apply(data):
        with service_context():
            services.renew_seed_licence(licence, actor=request.user, **data)
        return reverse("licensing:licence_detail", args=[pk])

    return form_page(request, form, _("许可证延续：%(name)s") % {"name": licence.number}, apply,
                      back=reverse("licensing:licence_detail", args=[pk]))


@staff_required
def licence_status(request, pk):
    licence = _licence(request, pk)
    form = forms.StatusChangeForm(posted(request))

    def apply(data):
        with service_context():
            services.change_licence_status(licence, actor=request.user, **data)
        return reverse("licensing:licence_detail", args=[pk])

    return form_page(request, form, _("许可证状态变更：%(name)s") % {"name": licence.number}, apply,
                      back=reverse("licensing:licence_detail", args=[pk]))


@staff_required
@require_POST
def licence_rotate_token(request, pk):
    licence = _licence(request, pk)
    with service_context():
        services.rotate_licence_token(licence, actor=request.user)
    messages.success(request, _("已更换核验码：此前打印的证书二维码不再有效，请重新打印。"))
    return redirect("licensing:licence_detail", pk=pk)


# --- filings -----------------------------------------------------------------------------------

@staff_required
def filing_create(request, pk):
    business = _business(request, pk)
    form = forms.FilingForm(posted(request), user=request.user,
                            initial={"sale_location": business.address,
                                     "principal_business": business.principal_id})

    def apply(data):
        with service_context():
            filing = services.record_filing(
                business, actor=request.user, filing_type=data["filing_type"],
                principal_business=data["principal_business"], principal_outside=data["principal_outside"],
                principal_licence_number=data["principal_licence_number"], sale_location=data["sale_location"],
                filed_on=data["filed_on"], event_on=data["event_on"], items=services.parse_variety_items(data["varieties"]),
                on_paper=data["on_paper"])
            if data["on_paper"]:
                services.issue_filing_receipt(filing, actor=request.user)
        return reverse("licensing:business_detail", args=[pk])

    return form_page(request, form, _("录入备案：%(name)s") % {"name": business.name}, apply,
                      back=reverse("licensing:business_detail", args=[pk]))


@staff_required
@require_POST
def filing_receipt(request, pk):
    filing = Filing.objects.get_visible(request.user, pk=pk)
    with service_context():
        document = services.issue_filing_receipt(filing, actor=request.user)
    return redirect("documents:pdf", pk=document.pk)


# --- catalogue and outside parties --------------------------------------------------------------

@staff_required
def variety_list(request):
    varieties = Variety.objects.select_related("crop").search(request.GET.get("q"))
    if request.GET.get("crop"):
        varieties = varieties.filter(crop__code=request.GET["crop"])
    page = Paginator(varieties, 50).get_page(request.GET.get("page"))
    return render(request, "licensing/variety_list.html", {"page": page, "q": request.GET.get("q", "")})


@staff_required
def variety_create(request):
    form = forms.VarietyForm(posted(request))

    def apply(data):
        with service_context():
            services.register_variety(actor=request.user, **data)
        return reverse("licensing:variety_list")

    return form_page(request, form, _("登记品种"), apply, back=reverse("licensing:variety_list"))


@staff_required
def variety_withdraw(request, pk):
    variety = Variety.objects.filter(pk=pk).first()
    if variety is None:
        raise NotFound()
    form = forms.WithdrawVarietyForm(posted(request))

    def apply(data):
        with service_context():
            services.withdraw_variety(variety, actor=request.user, **data)
        return reverse("licensing:variety_list")

    return form_page(request, form, _("品种退出：%(name)s") % {"name": variety}, apply,
                      back=reverse("licensing:variety_list"))


@staff_required
def outside_party_list(request):
    parties = OutsideParty.objects.visible_to(request.user)
    q = request.GET.get("q", "").strip()
    if q:
        parties = parties.filter(Q(name__contains=q) | Q(credit_code=q.upper()) | Q(licence_number__contains=q))
    page = Paginator(parties, 50).get_page(request.GET.get("page"))
    return render(request, "licensing/outside_party_list.html", {"page": page, "q": q})


@staff_required
def outside_party_create(request):
    form = forms.OutsidePartyForm(posted(request))

    def apply(data):
        with service_context():
            services.register_outside_party(actor=request.user, **data)
        return reverse("licensing:outside_party_list")

    return form_page(request, form, _("登记外地主体"), apply, back=reverse("licensing:outside_party_list"))


# --- imports -----------------------------------------------------------------------------------

@staff_required
def import_create(request):
    form = forms.ImportForm(posted(request), posted_files(request))

    def apply(data):
        with service_context():
            job = services.start_import(actor=request.user, kind=ImportJob.Kind.DIRECTORY, upload=data["file"])
        return reverse("licensing:import_detail", args=[job.pk])

    jobs = ImportJob.objects.visible_to(request.user).filter(kind=ImportJob.Kind.DIRECTORY)[:10]
    return form_page(request, form, _("批量导入经营主体、许可证和备案"), apply, submit=_("上传并导入"),
                      template="licensing/import_form.html",
                      extra={"jobs": jobs, "template_url": reverse("licensing:import_template"),
                             "import_note": _("格式与全国种业大数据平台导出一致。")})


@staff_required
def import_template(request):
    data = IMPORTERS[ImportJob.Kind.DIRECTORY].template_workbook()
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = "attachment; filename*=UTF-8''%E7%BB%8F%E8%90%A5%E4%B8%BB%E4%BD%93%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.xlsx"
    return response


@staff_required
def import_detail(request, pk):
    job = ImportJob.objects.get_visible(request.user, pk=pk)
    progress = services.progress_of(job)
    if request.GET.get("format") == "json":
        return JsonResponse({"status": job.status, "status_label": job.get_status_display(), "total": job.total_rows,
                             "processed": progress, "errors": job.error_count, "message": job.message,
                             "finished": job.finished})
    return render(request, "licensing/import_detail.html", {"job": job, "progress": progress})


@staff_required
def import_errors(request, pk):
    job = ImportJob.objects.get_visible(request.user, pk=pk)
    if not job.error_file:
        raise NotFound()
    return FileResponse(job.error_file.open("rb"), as_attachment=True, filename=f"导入错误-{job.pk}.xlsx")


LICENCE_STATUS_CLASSES = {LicenceStatus.VALID: "ok", LicenceStatus.EXPIRED: "bad", LicenceStatus.REVOKED: "bad",
                          LicenceStatus.SUSPENDED: "warn", LicenceStatus.SURRENDERED: "muted",
                          LicenceStatus.NOT_YET_VALID: "muted"}
