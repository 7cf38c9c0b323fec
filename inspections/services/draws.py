"""Running, verifying and publishing double-random draws (the algorithm is ``drawing``)."""

from __future__ import annotations

import datetime
import secrets
from decimal import Decimal, InvalidOperation

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from licensing.models import Business
from seedreg.accounts.permissions import require
from seedreg.audit.services import audited, log_action
from seedreg.documents.pdf import in_official_language
from seedreg.errors import Conflict, InvalidInput
from seedreg.regions.station_settings import county_setting
from seedreg.regulated import service
from seedreg.sync.versions import bump_download_version

from ..drawing import ALGORITHM, compute_draw, diff_inputs, diff_outputs, digest
from ..models import (
    Campaign,
    Complaint,
    ConflictOfInterest,
    Draw,
    DrawVerification,
    InspectorProfile,
    RectificationOrder,
    SamplingRecord,
    Task,
)
from .tasks import MIN_INSPECTORS


def months_before(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` earlier (the last day of a shorter month)."""
    import calendar

    month = day.month - months
    year = day.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def ledger_priorities(county: str, *, as_of: datetime.date, unqualified_months: int,
                      large_volume_kg: int) -> dict[int, set[str]]:
    """Mandatory subjects read from the ledgers and the lot quality history kept by licensing:
    large-volume sellers (sales in the last twelve months at or above the county's threshold)
    and businesses unqualified in the last ``unqualified_months``. Three aggregate queries."""
    from licensing import selectors as ledger

    found: dict[int, set[str]] = {}
    if large_volume_kg:
        volumes = ledger.sales_volume_by_business(county, months_before(as_of, 12), as_of)
        for pk, kg in volumes.items():
            if kg >= large_volume_kg:
                found.setdefault(pk, set()).add("large_volume")
    for pk in ledger.unqualified_business_ids_since(county, months_before(as_of, unqualified_months)):
        found.setdefault(pk, set()).add("unqualified_recent")
    return found


def first_batch_due(county: str, *, business_ids=None) -> list[tuple[int, int, datetime.date]]:
    """First-batch sampling (首次抽检): (lot id, business id, first entered on) of every lot that
    entered a ledger of the county and has not yet been sampled in the county."""
    from licensing import selectors as ledger

    rows = ledger.lots_entered_region(county)
    sampled = set(SamplingRecord.objects.within(county).filter(lot__isnull=False).values_list("lot_id", flat=True))
    return [r for r in rows if r[0] not in sampled and (business_ids is None or r[1] in business_ids)]


def collect_draw_inputs(campaign: Campaign, *, as_of: datetime.datetime) -> dict:
    """The inputs of a draw on ``campaign`` at ``as_of``: the filtered directories as plain JSON.
    A fixed number of queries whatever the size of the directory."""
    county = campaign.region_code[:6]
    day = timezone.localdate(as_of)
    area = Q()
    for township in campaign.townships:
        area |= Q(region_code__startswith=township)
    subjects = [list(row) for row in Business.objects.within(county).active().filter(area).order_by("id")
                .values_list("id", "region_code")]
    in_area = {pk for pk, _region in subjects}

    mandatory: dict[int, set[str]] = {}
    for pk in (Complaint.objects.within(county).filter(status=Complaint.Status.OPEN, business__isnull=False)
               .values_list("business_id", flat=True)):
        mandatory.setdefault(pk, set()).add("open_complaint")
    for pk in (RectificationOrder.objects.within(county).filter(status=RectificationOrder.Status.OPEN)
               .values_list("business_id", flat=True)):
        mandatory.setdefault(pk, set()).add("open_rectification")
    ledger = ledger_priorities(county, as_of=day,
                               unqualified_months=county_setting(county, "draw_unqualified_months"),
                               large_volume_kg=county_setting(county, "draw_large_volume_kg"))
    for pk, reasons in ledger.items():
        mandatory.setdefault(pk, set()).update(reasons)
    if campaign.take_first_batch:
        for _lot, pk, _first in first_batch_due(county):
            mandatory.setdefault(pk, set()).add("first_batch_due")

    crops = sorted(campaign.crops.values_list("code", flat=True))
    months = county_setting(county, "draw_resample_exclusion_months")
    since = timezone.make_aware(datetime.datetime.combine(months_before(day, months), datetime.time()))
    blocked: dict[int, set[str]] = {}
    for pk, crop in (SamplingRecord.objects.within(county)
                     .filter(business__isnull=False, crop__code__in=crops, sampled_at__gte=since, sampled_at__lte=as_of)
                     .values_list("business_id", "crop__code").distinct()):
        blocked.setdefault(pk, set()).add(crop)

    inspectors = []
    for profile in InspectorProfile.objects.within(county).select_related("user").order_by("user_id"):
        if profile.is_available_on(day):
            inspectors.append([profile.user_id, profile.may_sample])
    conflicts: dict[int, list[int]] = {}
    for uid, pk in (ConflictOfInterest.objects.within(county).values_list("profile__user_id", "business_id")
                    .order_by("profile__user_id", "business_id")):
        conflicts.setdefault(uid, []).append(pk)

    inputs = {
        "as_of": as_of.isoformat(),
        "subjects": subjects,
        "campaign_crops": crops,
        "mandatory": {str(k): sorted(v) for k, v in sorted(mandatory.items()) if k in in_area},
        "blocked": {str(k): sorted(v) for k, v in sorted(blocked.items()) if k in in_area},
        "inspectors": inspectors,
        "conflicts": {str(k): v for k, v in sorted(conflicts.items())},
    }
    return inputs


def subject_labels(ids) -> dict[str, dict]:
    """Names as they are at the draw, for the record and the public page (one query)."""
    return {str(pk): {"name": name, "region_code": region, "natural_person": entity == "natural_person"}
            for pk, name, region, entity in Business.objects.filter(pk__in=list(ids))
            .values_list("id", "name", "region_code", "entity_type")}


def _rules(campaign, *, ratio, count, inspectors_per_task):
    county = campaign.region_code[:6]
    if (ratio is None) == (count is None):
        raise InvalidInput(_("请填写抽取比例或抽取数量（二选一）。"), code="draw_size_required",
                           fields={"ratio": [_("二选一")], "count": [_("二选一")]})
    if ratio is not None:
        try:
            ratio = Decimal(str(ratio))
        except (InvalidOperation, ValueError) as exc:
            raise InvalidInput(_("抽取比例无效。"), code="ratio_invalid", fields={"ratio": [_("无效")]}) from exc
        if not Decimal("0") < ratio <= Decimal("1"):
            raise InvalidInput(_("抽取比例须大于0且不超过100%。"), code="ratio_invalid", fields={"ratio": [_("0–100%")]})
    if count is not None and int(count) < 0:
        raise InvalidInput(_("抽取数量不能为负数。"), code="count_invalid", fields={"count": [_("无效")]})
    if int(inspectors_per_task) < MIN_INSPECTORS:
        raise InvalidInput(_("每项任务至少抽取两名执法人员。"), code="two_inspectors_required",
                           fields={"inspectors_per_task": [_("至少2名")]})
    return {
        "algorithm": ALGORITHM,
        "ratio": str(ratio) if ratio is not None else None,
        "count": int(count) if count is not None else None,
        "inspectors_per_task": int(inspectors_per_task),
        "sampling": campaign.sampling_target > 0,
        "resample_exclusion_months": county_setting(county, "draw_resample_exclusion_months"),
        "unqualified_months": county_setting(county, "draw_unqualified_months"),
        "large_volume_kg": county_setting(county, "draw_large_volume_kg"),
    }


@service
@in_official_language
def run_draw(campaign: Campaign, *, actor, ratio=None, count=None, inspectors_per_task: int = 2,
             seed: str | None = None) -> Draw:
    """Draw the subjects and inspector pairs of ``campaign`` (the station chief only) and store
    the seed, the frozen inputs, the rules and the result. One draw per campaign: a second one
    would let someone re-draw until a result suits them."""
    require(actor, "inspections.run_draw", campaign)
    Campaign.objects.select_for_update().filter(pk=campaign.pk).first()
    if Draw.objects.filter(campaign=campaign).exists():
        raise Conflict(_("该专项检查已经抽取过，不能重新抽取。"), code="draw_exists")
    if campaign.status == Campaign.Status.CLOSED:
        raise Conflict(_("专项检查已结束。"), code="campaign_closed")
    rules = _rules(campaign, ratio=ratio, count=count, inspectors_per_task=inspectors_per_task)
    seed = (seed or "").strip() or secrets.token_hex(16)
    if len(seed) > 64:
        raise InvalidInput(_("随机种子最多64个字符。"), code="seed_too_long", fields={"seed": [_("过长")]})
    ran_at = timezone.now()
    inputs = collect_draw_inputs(campaign, as_of=ran_at)
    outputs = compute_draw(inputs, rules, seed)
    draw = Draw.objects.create(campaign=campaign, region_code=campaign.region_code, seed=seed, rules=rules,
                               inputs=inputs, inputs_digest=digest(inputs), outputs=outputs,
                               labels=subject_labels(t["business"] for t in outputs["tasks"]),
                               ran_by=actor, ran_at=ran_at)
    log_action(draw, "inspections.draw.ran", actor=actor, parent=campaign,
               after={"seed": seed, "rules": rules, "inputs_digest": draw.inputs_digest,
                      "tasks": len(outputs["tasks"]), "pool_size": outputs["pool_size"]})
    return draw


@service
def create_draw_tasks(draw: Draw, *, actor, due_on=None) -> int:
    """One task per drawn subject with its inspector pair (bulk: two inserts, whatever the size)."""
    require(actor, "inspections.run_draw", draw)
    if Task.objects.filter(draw=draw).exists():
        raise Conflict(_("已为该次抽取生成任务。"), code="draw_tasks_exist")
    due_on = due_on or draw.campaign.ends_on
    tasks = Task.objects.bulk_create([
        Task(region_code=draw.labels.get(str(t["business"]), {}).get("region_code") or draw.region_code,
             kind=Task.Kind.DRAWN, campaign=draw.campaign, draw=draw, business_id=t["business"], due_on=due_on,
             reasons=t["reasons"] or ["random"], blocked_crops=t["blocked_crops"])
        for t in draw.outputs["tasks"]])
    if tasks and tasks[0].pk is None:  # backends that do not return ids from bulk inserts
        tasks = list(Task.objects.filter(draw=draw).order_by("id"))
    through = Task.inspectors.through
    by_business = {t.business_id: t for t in tasks}
    through.objects.bulk_create([through(task_id=by_business[t["business"]].pk, user_id=u)
                                 for t in draw.outputs["tasks"] for u in t["inspectors"]])
    bump_download_version()  # no signals from bulk_create: the pairs' cached downloads must show the tasks
    log_action(draw, "inspections.draw.tasks_created", actor=actor, parent=draw.campaign,
               data={"tasks": len(tasks), "due_on": due_on})
    return len(tasks)


@service
def verify_draw(draw: Draw, *, actor=None) -> DrawVerification:
    """Re-run ``draw``: from its frozen inputs (the stored result must come out again) and from
    the directories as they are now, with the same seed and rules, recording what changed in
    the inputs and what that changes in the result."""
    if actor is not None:
        require(actor, "inspections.verify_draw", draw)
    reproduced = compute_draw(draw.inputs, draw.rules, draw.seed) == draw.outputs
    current = collect_draw_inputs(draw.campaign, as_of=draw.ran_at)
    input_changes = diff_inputs(draw.inputs, current)
    difference = {"inputs": input_changes} if input_changes else {}
    if input_changes:
        try:
            rerun = compute_draw(current, draw.rules, draw.seed)
        except Exception as exc:  # the current directories may not allow a draw at all
            difference["outputs"] = {"error": str(exc)}
        else:
            difference["outputs"] = diff_outputs(draw.outputs, rerun)
    check = DrawVerification.objects.create(draw=draw, checked_by=actor if getattr(actor, "pk", None) else None,
                                            reproduced=reproduced, inputs_changed=bool(input_changes),
                                            difference=difference)
    log_action(check, "inspections.draw.verified", actor=actor, parent=draw.campaign)
    return check


@service
@in_official_language
def publish_draw(draw: Draw, *, actor) -> Draw:
    """Issue the draw record (PDF with serial) and publish the draw on the public page."""
    from seedreg.documents.services import issue_document

    require(actor, "inspections.publish_draw", draw)
    if draw.published_at:
        raise Conflict(_("该次抽取已公开。"), code="draw_published")
    if draw.document_id is None:
        document = issue_document(source=draw, doc_type="draw_record", title=f"双随机抽查抽取记录（{draw.campaign.name}）",
                                  region_code=draw.region_code, actor=actor, context=draw_record_context(draw))
    else:
        document = draw.document
    with audited(draw, "inspections.draw.published", actor=actor, parent=draw.campaign):
        draw.document = document
        draw.published_at = timezone.now()
        draw.save(update_fields=["document", "published_at"])
    return draw


def draw_record_context(draw: Draw) -> dict:
    from seedreg.accounts.models import User

    from .. import selectors
    from ..drawing import reason_label

    crop_names = selectors.crop_names()
    people = {u.pk: u for u in User.objects.filter(pk__in={u for t in draw.outputs["tasks"] for u in t["inspectors"]})}
    rows = []
    for n, t in enumerate(draw.outputs["tasks"], 1):
        label = draw.labels.get(str(t["business"]), {})
        rows.append({"n": n, "name": label.get("name", t["business"]), "region_code": label.get("region_code", ""),
                     "selection": "随机抽取" if t["selection"] == "random" else "必查",
                     "reasons": "、".join(reason_label(r) for r in t["reasons"]),
                     "blocked": "、".join(crop_names.get(c, c) for c in t["blocked_crops"]),
                     "inspectors": "、".join(f"{people[u].display_name}（{people[u].enforcement_id or ''}）"
                                            for u in t["inspectors"] if u in people)})
    return {"draw": draw, "campaign": draw.campaign, "rows": rows,
            "subject_count": len(draw.inputs["subjects"]), "inspector_count": len(draw.inputs["inspectors"])}
