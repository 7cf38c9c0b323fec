"""The station's inspection pages. Thin: forms shape the input, services apply the rules,
selectors read within the user's jurisdiction (outside it: 404)."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from licensing.models import Business, SeedLot
from seedreg.errors import DomainError, NotFound, PermissionDenied
from seedreg.regions.models import Region
from seedreg.regulated import service_context
from seedreg.web import form_page, posted, posted_files, staff_required

from . import forms, selectors, services
from .models import Campaign, Complaint, Draw, InspectorProfile, Plan, RectificationOrder, Task, Visit


def _county(request):
    county = request.user.county_code
    if not county:
        raise NotFound()
    return county


def _station_staff(request):
    if not request.user.is_station_staff:
        raise PermissionDenied()


# --- plans and campaigns ------------------------------------------------------------------------

@staff_required
def campaign_list(request):
    plans = (Plan.objects.visible_to(request.user).prefetch_related("campaigns__crops")
             .order_by("-year", "id"))
    return render(request, "inspections/campaign_list.html", {"plans": plans})


@staff_required
def plan_create(request):
    _station_staff(request)
    form = forms.PlanForm(posted(request), initial={"year": timezone.localdate().year})

    def apply(data):
        services.create_plan(actor=request.user, **data)
        return reverse("inspections:campaign_list")

    return form_page(request, form, _("新建年度检查计划"), apply, back=reverse("inspections:campaign_list"))


@staff_required
def campaign_create(request, plan_pk):
    plan = Plan.objects.get_visible(request.user, pk=plan_pk)
    _station_staff(request)
    townships = list(Region.objects.filter(parent_id=plan.region_code, level=Region.Level.TOWNSHIP)
                     .values_list("code", "name"))
    form = forms.CampaignForm(posted(request), townships=townships)

    def apply(data):
        campaign = services.create_campaign(
            plan, actor=request.user, name=data["name"], mode=data["mode"], season=data["season"],
            starts_on=data["starts_on"], ends_on=data["ends_on"], townships=data["townships"], crops=data["crops"],
            matters=forms.lines(data["matters"]), joint_agencies=forms.lines(data["joint_agencies"]),
            sampling_target=data["sampling_target"], take_first_batch=data["take_first_batch"])
        return reverse("inspections:campaign_detail", args=[campaign.pk])

    return form_page(request, form, _("新建专项检查：%(name)s") % {"name": plan.title}, apply, back=reverse("inspections:campaign_list"))


@staff_required
def campaign_detail(request, pk):
    campaign = Campaign.objects.get_visible(request.user, pk=pk)
    draw = campaign.draws.select_related("ran_by", "document").first()
    tasks = (campaign.tasks.select_related("business").prefetch_related("inspectors").order_by("due_on", "id"))
    page = Paginator(tasks, 50).get_page(request.GET.get("page"))
    crop_names = selectors.crop_names()
    for task in page:  # the draw keeps crop codes; people read names
        task.blocked_crop_names = [crop_names.get(code, code) for code in task.blocked_crops]
    return render(request, "inspections/campaign_detail.html", {
        "campaign": campaign, "draw": draw, "progress": selectors.campaign_progress(campaign),
        "page": page, "today": timezone.localdate(),
        "verifications": draw.verifications.all()[:5] if draw else [],
        "draw_form": forms.DrawForm() if request.user.is_station_chief and draw is None else None})


@staff_required
@require_POST
def draw_run(request, pk):
    campaign = Campaign.objects.get_visible(request.user, pk=pk)
    form = forms.DrawForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        ratio = data["ratio_percent"] / Decimal(100) if data["ratio_percent"] is not None else None
        try:
            # The draw and its tasks commit together.
            with service_context():
                draw = services.run_draw(campaign, actor=request.user, ratio=ratio, count=data["count"],
                                         inspectors_per_task=data["inspectors_per_task"], seed=data["seed"])
                services.create_draw_tasks(draw, actor=request.user)
        except DomainError as exc:
            exc.add_to_form(form)
        else:
            messages.success(request, _("已抽取%(count)s户并生成检查任务。") % {"count": draw.subject_count})
            return redirect("inspections:campaign_detail", pk=pk)
    return render(request, "form_page.html", {"form": form, "title": _("双随机抽取：%(name)s") % {"name": campaign.name},
                                                   "back": reverse("inspections:campaign_detail", args=[pk]),
                                                   "submit": _("抽取")}, status=422)


@staff_required
@require_POST
def draw_verify(request, pk):
    draw = Draw.objects.get_visible(request.user, pk=pk)
    check = services.verify_draw(draw, actor=request.user)
    if check.reproduced and not check.inputs_changed:
        messages.success(request, _("复核一致：按冻结的输入重新抽取，结果相同；名录未变化。"))
    elif check.reproduced:
        messages.warning(request, _("按冻结的输入复核一致；名录已有变化，差异已记录。"))
    else:
        messages.error(request, _("复核不一致：记录的结果与重新计算的结果不同。"))
    return redirect("inspections:campaign_detail", pk=draw.campaign_id)


@staff_required
@require_POST
def draw_publish(request, pk):
    draw = Draw.objects.get_visible(request.user, pk=pk)
    services.publish_draw(draw, actor=request.user)
    messages.success(request, _("已公示抽取结果。"))
    return redirect("inspections:campaign_detail", pk=draw.campaign_id)


# --- inspector directory ------------------------------------------------------------------------

@staff_required
def inspector_list(request):
    from seedreg.accounts.models import User
    from seedreg.accounts.roles import FIELD_ROLES

    county = _county(request)
    users = (User.objects.filter(region__code__startswith=county, role__in=FIELD_ROLES, is_active=True)
             .select_related("inspector_profile").prefetch_related("inspector_profile__conflicts__business")
             .order_by("full_name", "pk"))
    return render(request, "inspections/inspector_list.html", {"users": users, "today": timezone.localdate()})


@staff_required
def inspector_edit(request, user_pk):
    from seedreg.accounts.models import User

    _station_staff(request)
    user = User.objects.filter(pk=user_pk, region__code__startswith=_county(request)).first()
    if user is None:
        raise NotFound()
    profile = InspectorProfile.objects.filter(user=user).first()
    initial = {"enforcement_id": user.enforcement_id, "unit": user.unit, "may_inspect": True, "may_sample": True,
               "active": True}
    if profile:
        initial.update({f: getattr(profile, f) for f in ("may_inspect", "may_sample", "active", "absent_from",
                                                         "absent_until", "absence_note")})
    form = forms.InspectorForm(posted(request), initial=initial)

    def apply(data):
        services.save_inspector_profile(user, actor=request.user, **data)
        return reverse("inspections:inspector_list")

    return form_page(request, form, _("执法检查人员：%(name)s") % {"name": user.display_name}, apply,
                      back=reverse("inspections:inspector_list"))


@staff_required
def conflict_create(request, profile_pk):
    profile = InspectorProfile.objects.get_visible(request.user, pk=profile_pk)
    _station_staff(request)
    form = forms.ConflictForm(posted(request), user=request.user)

    def apply(data):
        services.declare_conflict(profile, actor=request.user, **data)
        return reverse("inspections:inspector_list")

    return form_page(request, form, _("登记回避：%(name)s") % {"name": profile.user.display_name}, apply,
                      back=reverse("inspections:inspector_list"))


# --- complaints ---------------------------------------------------------------------------------

@staff_required
def complaint_list(request):
    _station_staff(request)
    complaints = (Complaint.objects.visible_to(request.user).select_related("business")
                  .order_by("status", "-received_at")[:200])
    return render(request, "inspections/complaint_list.html", {"complaints": complaints})


@staff_required
def complaint_create(request):
    _station_staff(request)
    form = forms.ComplaintForm(posted(request), posted_files(request), user=request.user)

    def apply(data):
        photos = [(f.name, f.read()) for f in request.FILES.getlist("photos")]
        complaint = services.record_complaint(
            actor=request.user, channel=data["channel"], description=data["description"], business=data["business"],
            lot_text=data["lot_text"], complainant_name=data["complainant_name"],
            complainant_phone=data["complainant_phone"], anonymous=data["anonymous"], photos=photos)
        return reverse("inspections:complaint_detail", args=[complaint.pk])

    return form_page(request, form, _("登记投诉举报"), apply, back=reverse("inspections:complaint_list"))


@staff_required
def complaint_detail(request, pk):
    _station_staff(request)
    complaint = Complaint.objects.get_visible(request.user, pk=pk)
    inspectors = selectors.inspectors_of(complaint.region_code[:6])
    spawn = forms.SpawnTaskForm(request.POST if request.POST.get("action") == "spawn" else None,
                                inspectors=inspectors)
    # A post without a known action is the closing form's (an empty post: its errors).
    close = forms.CloseComplaintForm(posted(request) if request.POST.get("action") != "spawn" else None)
    status = 200
    if request.method == "POST":
        form = spawn if request.POST.get("action") == "spawn" else close
        if form.is_valid():
            try:
                if form is spawn:
                    services.spawn_complaint_task(complaint, actor=request.user, **form.cleaned_data)
                else:
                    services.close_complaint(complaint, actor=request.user, **form.cleaned_data)
            except DomainError as exc:
                exc.add_to_form(form)
            else:
                messages.success(request, _("已保存。"))
                return redirect("inspections:complaint_detail", pk=pk)
        status = 422
    return render(request, "inspections/complaint_detail.html", {
        "complaint": complaint, "spawn": spawn, "close": close, "photos": complaint.photos.all(),
        "tasks": complaint.tasks.prefetch_related("inspectors"),
        "can_see_personal": request.user.can_see_personal_data(complaint.region_code)}, status=status)


# --- tasks, routes, rectifications, visits --------------------------------------------------------

@staff_required
def task_list(request):
    tasks = (Task.objects.visible_to(request.user).filter(status=Task.Status.OPEN)
             .select_related("business", "campaign").prefetch_related("inspectors").order_by("due_on", "id"))
    return render(request, "inspections/task_list.html", {"page": Paginator(tasks, 50).get_page(request.GET.get("page")),
                                                          "today": timezone.localdate()})


@staff_required
def task_reassign(request, pk):
    task = Task.objects.get_visible(request.user, pk=pk)
    form = forms.ReassignForm(posted(request), inspectors=selectors.inspectors_of(task.region_code[:6]))

    def apply(data):
        services.reassign_task(task, actor=request.user, **data)
        return reverse("inspections:task_list")

    return form_page(request, form, _("改派任务：%(name)s") % {"name": task.business.name}, apply, back=reverse("inspections:task_list"))


@staff_required
def my_tasks(request):
    try:
        day = datetime.date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        day = timezone.localdate()
    inspector = request.user if request.user.can_inspect and not request.user.is_station_staff else None
    plans = selectors.day_plans(request.user, day, inspector=inspector)
    return render(request, "inspections/day_plan.html", {"plans": plans, "day": day,
                                                         "previous": day - datetime.timedelta(days=1),
                                                         "next": day + datetime.timedelta(days=1)})


@staff_required
def rectification_list(request):
    today = timezone.localdate()
    orders = (RectificationOrder.objects.visible_to(request.user).select_related("business", "document")
              .order_by("status", "deadline_on")[:300])
    return render(request, "inspections/rectification_list.html", {
        "orders": orders, "overdue": selectors.overdue_rectifications(request.user, today=today), "today": today})


@staff_required
def business_timeline(request, business_pk):
    business = Business.objects.get_visible(request.user, pk=business_pk)
    return render(request, "inspections/business_timeline.html", {
        "business": business, "events": selectors.business_timeline(business, viewer=request.user)})


@staff_required
def visit_detail(request, pk):
    visit = Visit.objects.select_related("business", "task", "record_document").get_visible(request.user, pk=pk)
    inspectors = list(visit.inspectors.all())
    # The forms of an open visit, for whoever may work on it: join it, or (on it) add a colleague;
    # count stock. They post to their own pages, which show a refusal as a form error.
    may_work = visit.status == Visit.Status.OPEN and request.user.has_perm("inspections.visit", visit)
    on_visit = request.user in inspectors
    return render(request, "inspections/visit_detail.html", {
        "visit": visit, "inspectors": inspectors,
        "answers": visit.answers.select_related("item").order_by("item__position"),
        "findings": visit.findings.select_related("finding_type").prefetch_related("photos"),
        "samplings": visit.samplings.select_related("crop", "document").prefetch_related("samples"),
        "counts": _stock_counts(visit),
        "may_join": may_work and not on_visit,
        "colleague_form": _join_form(request, visit, None) if may_work and on_visit else None,
        "count_form": _count_form(visit, None) if may_work and visit.business_id else None})


def _stock_counts(visit):
    from licensing import selectors as ledger

    if visit.business_id is None:
        return []
    return ledger.counts_recorded(visit.business, source=services.count_source(visit))


def _join_form(request, visit, data):
    """Anyone of the county's inspector directory (or the user themself) not yet on the visit;
    the service decides who may join (task assignment, conflicts of interest)."""
    from seedreg.accounts.models import User

    directory = selectors.inspectors_of(visit.region_code[:6]).values("pk")
    candidates = (User.objects.filter(Q(pk__in=directory) | Q(pk=request.user.pk))
                  .exclude(pk__in=visit.inspectors.values("pk")).order_by("full_name", "pk"))
    return forms.JoinVisitForm(data, inspectors=candidates)


def _count_form(visit, data):
    from licensing import selectors as ledger

    if visit.business_id is None:  # a peddler keeps no ledger: no lot to pick
        return forms.StockCountForm(data, lots=SeedLot.objects.none())
    stock = dict(ledger.stock_by_lot(visit.business).values_list("lot_id", "quantity_kg"))
    return forms.StockCountForm(data, lots=ledger.lots_held_by(visit.business).select_related("variety")
                                .order_by("variety__name", "lot_number"), stock=stock)


# --- doing a visit: check-in, checklist, findings, sampling, check-out -----------------------------
# The phone app does the same through the mobile API; both call the same services. The actor
# is the signed-in inspector; the service refuses anyone who may not inspect (403 on the form).

def _open_visit(request, pk):
    """The visit if the user may see it (else 404) and may work on it (else 403)."""
    from seedreg.accounts.permissions import require

    visit = Visit.objects.select_related("business", "task").get_visible(request.user, pk=pk)
    require(request.user, "inspections.visit", visit)
    return visit


def _may_inspect(request):
    if not request.user.can_inspect:
        raise PermissionDenied()


def _position(data):
    return {"latitude": data.get("latitude"), "longitude": data.get("longitude"), "accuracy_m": data.get("accuracy_m")}


def _visit_form_page(request, visit, form, title, act, submit=None):
    """A form of an open visit: ``act(cleaned_data)`` calls the service; back to the visit."""
    detail = reverse("inspections:visit_detail", args=[visit.pk])

    def apply(data):
        act(data)
        return detail

    return form_page(request, form, _("%(action)s：%(name)s") % {"action": title, "name": visit.subject_name}, apply,
                     submit=submit, back=detail)


def _with_uuid(form):
    """A fresh resend id on the form shown (kept when the form comes back with errors)."""
    if not form.is_bound:
        form.initial.setdefault("client_uuid", uuid.uuid4())
    return form


@staff_required
def visit_start(request, task_pk=None):
    _may_inspect(request)
    task = Task.objects.select_related("business").get_visible(request.user, pk=task_pk) if task_pk else None
    form = _with_uuid(forms.StartVisitForm(posted(request), user=request.user, task=task,
                                           inspectors=selectors.inspectors_of(_county(request))))

    def apply(data):
        partners = list(data["partners"])
        visit = services.start_visit(
            actor=request.user, task=task, business=None if task else data["business"],
            inspectors=[request.user, *partners] if partners or task is None else (),
            checked_in_at=data["checked_in_at"], client_uuid=data["client_uuid"], **_position(data))
        return reverse("inspections:visit_detail", args=[visit.pk])

    title = _("现场检查签到：%(name)s") % {"name": task.business.name} if task else _("现场检查签到")
    return form_page(request, form, title, apply, submit=_("签到"),
                      back=reverse("inspections:task_list" if task else "inspections:campaign_list"))


@staff_required
def peddler_visit(request):
    _may_inspect(request)
    county = _county(request)
    townships = list(Region.objects.filter(parent_id=county, level=Region.Level.TOWNSHIP)
                     .values_list("code", "name"))
    form = _with_uuid(forms.PeddlerVisitForm(posted(request), user=request.user, townships=townships,
                                             inspectors=selectors.inspectors_of(county)))

    def apply(data):
        visit = services.start_visit(
            actor=request.user, inspectors=[request.user, *data["partners"]], region_code=data["region_code"],
            peddler_location=data["peddler_location"], peddler_description=data["peddler_description"],
            goods_sold=data["goods_sold"], farmer_own_surplus=data["farmer_own_surplus"],
            checked_in_at=data["checked_in_at"], client_uuid=data["client_uuid"], **_position(data))
        return reverse("inspections:visit_detail", args=[visit.pk])

    return form_page(request, form, _("登记流动商贩检查（集市）"), apply, submit=_("签到"),
                      back=reverse("inspections:task_list"))


@staff_required
def visit_checklist(request, pk):
    visit = _open_visit(request, pk)
    answers = {a.item.code: (a.answer, a.note) for a in visit.answers.select_related("item")}
    form = forms.ChecklistForm(posted(request), items=services.checklist_for(visit), answers=answers,
                               hints=services.checklist_hints(visit))

    return _visit_form_page(request, visit, form, _("检查项目"),
                            lambda data: services.answer_checklist(visit, actor=request.user, answers=form.answers()))


@staff_required
def finding_create(request, pk):
    visit = _open_visit(request, pk)
    form = _with_uuid(forms.FindingForm(posted(request), request.FILES))

    def act(data):
        services.record_finding(visit, actor=request.user, finding_type=data["finding_type"].code,
                                description=data["description"], photos=[(f.name, f.read()) for f in data["photos"]],
                                client_uuid=data["client_uuid"])

    return _visit_form_page(request, visit, form, _("记录检查发现"), act)


@staff_required
def visit_close(request, pk):
    visit = _open_visit(request, pk)
    form = forms.CloseVisitForm(posted(request), request.FILES, people=visit.inspectors.order_by("pk"))

    def act(data):
        services.close_visit(
            visit, actor=request.user, outcome=data["outcome"], checked_out_at=data["checked_out_at"],
            refusal_account=data["refusal_account"], rectification_items=forms.lines(data["rectification_items"]),
            rectification_days=data["rectification_days"], case_summary=data["case_summary"],
            ack_signature=forms.read_upload(data["ack_signature"]), ack_refused=data["ack_refused"],
            ack_note=data["ack_note"], inspector_signatures=form.inspector_signatures(), **_position(data))

    return _visit_form_page(request, visit, form, _("结束检查"), act, submit=_("签退并出具笔录"))


@staff_required
def sampling_create(request, pk):
    from licensing import selectors as ledger

    visit = _open_visit(request, pk)
    lots = (ledger.lots_held_by(visit.business).select_related("variety") if visit.business_id
            else SeedLot.objects.none())
    form = _with_uuid(forms.SamplingForm(posted(request), request.FILES, lots=lots,
                                         people=visit.inspectors.order_by("pk")))

    def act(data):
        services.record_sampling(
            visit, actor=request.user, lot=data["lot"], crop=data["crop"], variety_name=data["variety_name"],
            lot_number=data["lot_number"], producer_name=data["producer_name"], label=form.label(),
            lot_size_kg=data["lot_size_kg"], packages=data["packages"], sample_quantity_g=data["sample_quantity_g"],
            test_seals=form.seals(data["test_seals"]), backup_seals=form.seals(data["backup_seals"]),
            backup_kept_at=data["backup_kept_at"], business_signer=data["business_signer"],
            business_signature=forms.read_upload(data["business_signature"]),
            business_refused_to_sign=data["business_refused_to_sign"], client_uuid=data["client_uuid"],
            inspector_signatures=form.inspector_signatures())

    return _visit_form_page(request, visit, form, _("抽样"), act, submit=_("封样并出具抽样单"))


@staff_required
def visit_join(request, pk):
    """An inspector joins the visit, or one on it adds a colleague."""
    visit = _open_visit(request, pk)
    form = _join_form(request, visit, posted(request))

    return _visit_form_page(request, visit, form, _("加入检查"),
                            lambda data: services.join_visit(visit, actor=request.user, inspector=data["inspector"]),
                            submit=_("加入检查"))


@staff_required
def stock_count(request, pk):
    """A lot counted on the shelf, compared with the dealer's ledger through licensing."""
    visit = _open_visit(request, pk)
    form = _count_form(visit, posted(request))

    def act(data):
        services.record_stock_count(visit, actor=request.user, lot=data["lot"], counted_kg=data["counted_kg"],
                                    counted_packages=data["counted_packages"])

    return _visit_form_page(request, visit, form, _("清点库存"), act, submit=_("记录清点"))


@staff_required
def rectification_conclude(request, pk):
    order = RectificationOrder.objects.select_related("business").get_visible(request.user, pk=pk)
    form = forms.ConcludeRectificationForm(posted(request))

    def apply(data):
        services.conclude_rectification(order, actor=request.user, rectified=data["rectified"], note=data["note"])
        return reverse("inspections:rectification_list")

    return form_page(request, form, _("整改复查：%(name)s") % {"name": order.business.name}, apply,
                      back=reverse("inspections:rectification_list"))
