"""The laboratory's pages. Thin: a form shapes the input, a service applies the rules, errors go
back onto the form (422) or the page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from inspections.selectors import custody_chain, samples_awaiting_intake
from seedreg.accounts.permissions import require
from seedreg.errors import DomainError, NotFound
from seedreg.web import form_page, posted, staff_required, xlsx_response

from . import forms, selectors, services
from .models import (
    CampaignResults,
    LabReport,
    LabSample,
    LabTest,
    PenaltyReferral,
    QualityStandard,
    RetestRequest,
    ToleranceRow,
)
from .results import campaign_results as campaign_results_of
from .results import results_workbook
from .services.retests import acknowledge_report, objection_deadline
from .services.verdicts import is_withdrawn


# --- queue, intake, sample ----------------------------------------------------------------------
@staff_required
def queue(request):
    require(request.user, "labs.view_samples")
    samples = selectors.lab_queue(request.user, status=request.GET.get("status") or None)
    per_page = request.GET.get("per_page", "50")
    per_page = int(per_page) if per_page in ("50", "100", "200") else 50
    page = Paginator(samples, per_page).get_page(request.GET.get("page"))
    can_receive = request.user.has_perm("labs.receive_sample", None)
    return render(request, "labs/queue.html", {
        "page": page, "statuses": LabSample.Status.choices, "status": request.GET.get("status", ""),
        "can_receive": can_receive, "awaiting": samples_awaiting_intake(request.user)[:20] if can_receive else []})


@staff_required
def intake(request):
    require(request.user, "labs.receive_sample")
    form = forms.IntakeForm(posted(request), initial={"seals_intact": True})

    def apply(data):
        sample = services.receive_sample(actor=request.user, **data)
        return reverse("labs:sample_detail", args=[sample.pk])

    return form_page(request, form, _("收样登记"), apply, back=reverse("labs:queue"), submit=_("接收"))


def _sample(request, pk) -> LabSample:
    return LabSample.objects.select_related("sample__sampling__business", "received_by").get_visible(request.user,
                                                                                                      pk=pk)


@staff_required
def sample_detail(request, pk):
    sample = _sample(request, pk)
    tests = (LabTest.objects.filter(sample=sample).select_related("entered_by", "repeat_of")
             .prefetch_related("reviews__reviewer").order_by("index", "created_at"))
    report = LabReport.objects.filter(sample=sample).select_related("document").first()
    first = sample.retest_of if sample.retest_of_id else sample
    retest = RetestRequest.objects.filter(report__sample=first).select_related("retest_sample").first()
    user = request.user
    withdrawn = report is not None and is_withdrawn(report)
    return render(request, "labs/sample_detail.html", {
        "sample": sample, "tests": tests, "custody": custody_chain(sample.sample), "report": report, "retest": retest,
        "first": first, "backup_custody": custody_chain(retest.retest_sample.sample) if retest and retest.retest_sample
        else [],
        "can_judge": (user.has_perm("labs.review_results", sample) and (report is None or withdrawn)
                      and sample.purpose == LabSample.Purpose.FIRST_TEST),
        "withdrawn": withdrawn, "referral": PenaltyReferral.objects.filter(
            Q(report__sample=first) | Q(report__sample__retest_of=first)).first(),
        "can_withdraw": (report is not None and not withdrawn and retest is None
                         and sample.purpose == LabSample.Purpose.FIRST_TEST and user.has_perm("labs.withdraw_report", report)),
        "can_request_retest": (report is not None and retest is None and sample.purpose == LabSample.Purpose.FIRST_TEST
                               and user.has_perm("labs.escalate_retest", report)),
        "can_dispatch": retest is not None and retest.status == "requested" and user.has_perm("labs.dispatch_backup",
                                                                                            retest),
        "can_receive_backup": retest is not None and retest.status == "dispatched" and user.has_perm(
            "labs.receive_sample", retest),
        "can_conclude": retest is not None and retest.status == "testing" and user.has_perm("labs.review_results",
                                                                                          retest),
        "deadline": objection_deadline(report) if report and sample.purpose == LabSample.Purpose.FIRST_TEST else None,
        "retest_form": forms.RetestRequestForm(), "dispatch_form": forms.DispatchForm(initial={"seals_intact": True})})


def _post_action(request, obj, *, perm, call, back, form=None, success="", invalid="", back_on_error=None):
    """A button's POST on a page: check ``perm`` on ``obj``, validate ``form`` (if any), run
    ``call(cleaned_data)`` (a service); a refusal comes back as a message on the page. ``back``
    is the page to return to, or a function of the service's result."""
    require(request.user, perm, obj)
    if form is not None and not form.is_valid():
        messages.error(request, invalid)
        return redirect(back_on_error or back)
    try:
        result = call(form.cleaned_data if form is not None else {})
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect(back_on_error or (back if isinstance(back, str) else reverse("labs:queue")))
    if success:
        messages.success(request, success)
    return redirect(back if isinstance(back, str) else back(result))


@staff_required
@require_POST
def judge(request, pk):
    sample = _sample(request, pk)
    return _post_action(request, sample, perm="labs.review_results", back=reverse("labs:sample_detail", args=[pk]),
                        call=lambda _data: services.judge_sample(sample, actor=request.user))


# --- worksheet and review ------------------------------------------------------------------------
def _test(request, pk) -> LabTest:
    return LabTest.objects.select_related("sample", "entered_by").get_visible(request.user, pk=pk)


@staff_required
def worksheet(request, pk):
    test = _test(request, pk)
    errors, status = {}, 200
    raw = dict(test.raw)
    if request.method == "POST":
        raw = {name: request.POST.get(name, "") for name, _label in forms.WORKSHEET_FIELDS[test.index]}
        if test.index == "purity":
            raw.update(method=request.POST.get("method", "growout"), trueness=request.POST.get("trueness", ""))
        try:
            test = services.enter_test_data(test, actor=request.user, raw=raw)
            if request.POST.get("action") == "submit":
                test = services.submit_test(test, actor=request.user)
                messages.success(request, _("已提交审核。"))
                return redirect("labs:sample_detail", pk=test.sample_id)
            messages.success(request, _("已保存。"))
            return redirect("labs:worksheet", pk=test.pk)
        except DomainError as exc:
            errors, status = exc.fields or {"__all__": [str(exc)]}, exc.status
            errors.setdefault("__all__", [str(exc)])
    fields = [{"name": n, "label": label, "value": raw.get(n, ""), "errors": errors.get(n, [])}
              for n, label in forms.WORKSHEET_FIELDS[test.index]]
    return render(request, "labs/worksheet.html", {
        "test": test, "fields": fields, "errors": errors.get("__all__", []), "raw": raw,
        "trueness_errors": errors.get("trueness", []),
        "bands": [[b.low, b.high, str(b.limit)] for b in selectors.replicate_bands()],
        "can_enter": request.user.has_perm("labs.enter_results", test) and test.is_editable,
        "can_review": (request.user.has_perm("labs.review_results", test) and test.status == "submitted"
                       and test.entered_by_id != request.user.pk),
        "review_form": forms.ReviewForm(), "reviews": test.reviews.select_related("reviewer")}, status=status)


@staff_required
@require_POST
def test_review(request, pk):
    test = _test(request, pk)
    return _post_action(
        request, test, perm="labs.review_results", form=forms.ReviewForm(request.POST), invalid=_("审核意见过长。"),
        call=lambda data: services.review_test(test, actor=request.user, note=data.get("note", ""),
                                               approve=request.POST.get("decision") == "approve"),
        back=reverse("labs:sample_detail", args=[test.sample_id]),
        back_on_error=reverse("labs:worksheet", args=[test.pk]))


def _reason_page(request, obj, *, perm, service, title, back, done, submit):
    """A form asking for the reason of an action on ``obj`` (``service(obj, actor, reason)``),
    then off to ``done(result)``: retract, repeat, and withdrawing a report share this shape."""
    require(request.user, perm, obj)
    form = forms.ReasonForm(posted(request))

    def apply(data):
        return done(service(obj, actor=request.user, reason=data["reason"]))

    return form_page(request, form, title, apply, back=back, submit=submit)


def _redo_view(request, pk, service, label, perm):
    test = _test(request, pk)
    return _reason_page(request, test, perm=perm, service=service,
                        title=_("%(action)s：%(test)s") % {"action": label, "test": test}, submit=label,
                        back=reverse("labs:worksheet", args=[test.pk]),
                        done=lambda new: reverse("labs:worksheet", args=[new.pk]))


@staff_required
def test_retract(request, pk):
    return _redo_view(request, pk, services.retract_test, _("撤回重做"), "labs.enter_results")


@staff_required
def test_repeat(request, pk):
    return _redo_view(request, pk, services.repeat_test, _("复做"), "labs.review_results")


@staff_required
def report_withdraw(request, pk):
    """The chief withdraws a published report found wrong (the lab then corrects and re-judges)."""
    report = LabReport.objects.select_related("sample", "document").get_visible(request.user, pk=pk)
    back = reverse("labs:sample_detail", args=[report.sample_id])
    return _reason_page(request, report, perm="labs.withdraw_report", service=services.withdraw_report,
                        title=_("撤回检验报告：%(name)s") % {"name": report.document.serial if report.document_id else report},
                        submit=_("撤回检验报告"), back=back, done=lambda _report: back)


# --- re-tests ------------------------------------------------------------------------------------
def _retest(request, pk) -> RetestRequest:
    return RetestRequest.objects.select_related("report__sample").get_visible(request.user, pk=pk)


@staff_required
@require_POST
def retest_request(request, pk):
    sample = _sample(request, pk)
    report = LabReport.objects.filter(sample=sample).first()
    if report is None:
        raise NotFound()
    return _post_action(request, report, perm="labs.escalate_retest", form=forms.RetestRequestForm(request.POST),
                        call=lambda data: services.request_retest(report, actor=request.user, **data),
                        back=reverse("labs:sample_detail", args=[sample.pk]), success=_("已登记复检申请。"),
                        invalid=_("请填写复检理由。"))


@staff_required
@require_POST
def retest_dispatch(request, pk):
    retest = _retest(request, pk)
    return _post_action(request, retest, perm="labs.dispatch_backup", form=forms.DispatchForm(request.POST),
                        call=lambda data: services.dispatch_backup(retest, actor=request.user, **data),
                        back=reverse("labs:sample_detail", args=[retest.report.sample_id]), success=_("已移交备份样品。"),
                        invalid=_("请填写移交对象。"))


@staff_required
def retest_receive(request, pk):
    retest = _retest(request, pk)
    require(request.user, "labs.receive_sample", retest)
    form = forms.ReceiveBackupForm(posted(request), initial={"seals_intact": True})

    def apply(data):
        lab_sample = services.receive_backup(retest, actor=request.user, **data)
        return reverse("labs:sample_detail", args=[lab_sample.pk])

    return form_page(request, form, _("接收备份样品（复检）：%(name)s") % {"name": retest.report.sample.code}, apply,
                      submit=_("接收"),
                      back=reverse("labs:sample_detail", args=[retest.report.sample_id]))


@staff_required
@require_POST
def retest_conclude(request, pk):
    retest = _retest(request, pk)
    return _post_action(request, retest, perm="labs.review_results", back=reverse("labs:sample_detail",
                                                                                   args=[retest.report.sample_id]),
                        call=lambda _data: services.conclude_retest(retest, actor=request.user))


# --- dealer: their reports and objections ------------------------------------------------------------
def _dealer_report(request, pk) -> LabReport:
    report = LabReport.objects.select_related("sample__sample__sampling", "document").filter(pk=pk).first()
    if report is None or not request.user.has_perm("labs.request_retest", report):
        raise NotFound()
    return report


@login_required
def my_reports(request):
    if not request.user.is_dealer:
        raise NotFound()
    reports = selectors.reports_of_dealer(request.user)
    return render(request, "labs/my_reports.html", {"reports": reports})


@login_required
def my_report(request, pk):
    if not request.user.is_dealer:
        raise NotFound()
    report = _dealer_report(request, pk)
    form = forms.DealerRetestForm(posted(request))
    status = 200
    if request.method == "POST":
        try:
            if request.POST.get("action") == "acknowledge":
                acknowledge_report(report, user=request.user)
                messages.success(request, _("已确认收到检验报告。"))
                return redirect("labs:my_report", pk=report.pk)
            if form.is_valid():
                services.request_retest(report, actor=request.user, reason=form.cleaned_data["reason"])
                messages.success(request, _("复检申请已提交。"))
                return redirect("labs:my_report", pk=report.pk)
            status = 422
        except DomainError as exc:
            exc.add_to_form(form)
            status = exc.status
    served = report.document.service_records.filter(recipient_user=request.user).exists()
    return render(request, "labs/my_report.html", {
        "report": report, "form": form, "served": served, "deadline": objection_deadline(report),
        "retest": RetestRequest.objects.filter(report=report).first()}, status=status)


# --- standards ------------------------------------------------------------------------------------
@staff_required
def standards(request):
    require(request.user, "labs.view_standards")
    show_all = request.GET.get("all") == "1"
    rows = QualityStandard.objects.all() if show_all else QualityStandard.objects.in_force()
    tolerances = ToleranceRow.objects.all() if show_all else ToleranceRow.objects.in_force()
    return render(request, "labs/standards.html", {
        "rows": rows, "tolerances": tolerances, "show_all": show_all,
        "can_edit": request.user.has_perm("labs.edit_standards")})


@staff_required
def standard_revise(request, pk):
    require(request.user, "labs.edit_standards")
    row = QualityStandard.objects.filter(pk=pk, effective_until__isnull=True).first()
    if row is None:
        raise NotFound()
    initial = {k: getattr(row, k) for k in ("standard", *services.standards.STANDARD_VALUES, "status", "source")}
    form = forms.ReviseStandardForm(posted(request), initial=initial)

    def apply(data):
        services.revise_quality_standard(row, actor=request.user, **data)
        return reverse("labs:standards")

    return form_page(request, form, _("修订质量标准：%(name)s") % {"name": row}, apply, back=reverse("labs:standards"))


@staff_required
def tolerance_revise(request, pk):
    require(request.user, "labs.edit_standards")
    row = ToleranceRow.objects.filter(pk=pk, effective_until__isnull=True).first()
    if row is None:
        raise NotFound()
    form = forms.ReviseToleranceForm(posted(request), initial={"limit": row.limit, "status": row.status,
                                                                    "source": row.source})

    def apply(data):
        services.revise_tolerance(row, actor=request.user, **data)
        return reverse("labs:standards")

    return form_page(request, form, _("修订容许差：%(name)s") % {"name": row}, apply, back=reverse("labs:standards"))


# --- campaign results package ----------------------------------------------------------------------
@staff_required
def campaign_results(request, pk):
    """A campaign's results for the station: the live table, its workbook, and publishing."""
    from inspections.models import Campaign

    require(request.user, "labs.view_samples")
    campaign = Campaign.objects.get_visible(request.user, pk=pk)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(results_workbook(campaign_results_of(campaign)), f"{campaign.name}抽查结果.xlsx")
    form = forms.PublishResultsForm(posted(request))
    status = 200
    if request.method == "POST":
        require(request.user, "labs.publish_results", campaign)
        if form.is_valid():
            try:
                services.publish_campaign_results(campaign, actor=request.user, reason=form.cleaned_data["reason"])
            except DomainError as exc:
                exc.add_to_form(form)
            else:
                messages.success(request, _("抽查结果已公布。"))
                return redirect("labs:campaign_results", pk=campaign.pk)
        status = 422
    package = CampaignResults.objects.filter(campaign=campaign).select_related("document").first()
    return render(request, "labs/results/campaign.html", {
        "campaign": campaign, "results": campaign_results_of(campaign), "package": package, "form": form,
        "can_publish": request.user.has_perm("labs.publish_results", campaign)}, status=status)


# --- penalty referrals ----------------------------------------------------------------------------
@staff_required
@require_POST
def referral_draft(request, pk):
    report = LabReport.objects.select_related("sample").get_visible(request.user, pk=pk)
    return _post_action(request, report, perm="labs.draft_referral",
                        call=lambda _data: services.draft_penalty_referral(report, actor=request.user),
                        back=lambda referral: reverse("labs:referral_detail", args=[referral.pk]),
                        back_on_error=reverse("labs:sample_detail", args=[report.sample_id]))


@staff_required
def referral_detail(request, pk):
    """A referral and, for the chief, its review and issue (never issued while review is pending)."""
    referral = (PenaltyReferral.objects.select_related("report__sample", "business", "document", "drafted_by",
                                                       "reviewed_by").get_visible(request.user, pk=pk))
    if request.method == "POST":
        action = {"review": services.review_penalty_referral, "issue": services.issue_penalty_referral}.get(
            request.POST.get("action"))
        if action is None:
            raise NotFound()
        try:
            action(referral, actor=request.user)
            messages.success(request, _("已审核。") if request.POST["action"] == "review" else _("已签发。"))
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            messages.error(request, str(exc))
        return redirect("labs:referral_detail", pk=referral.pk)
    return render(request, "labs/referral.html", {"referral": referral,
                                                  "can_act": request.user.has_perm("documents.issue", referral)})
