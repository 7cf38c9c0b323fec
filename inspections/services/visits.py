"""Market visits (市场检查): check-in and check-out with GPS, checklist, findings with photos,
and the outcome (compliant, refused, rectification order with a follow-up task, case referral),
with the business's acknowledgement and the on-site documents."""

from __future__ import annotations

import datetime

from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from licensing.models import LICENSED_KINDS, Business
from seedreg.accounts.permissions import require
from seedreg.audit.services import audited, log_action
from seedreg.documents.pdf import in_official_language
from seedreg.errors import Conflict, InvalidInput, NotFound, RuleViolation
from seedreg.lib.files import save_file
from seedreg.lib.geo import distance_m, to_wgs84
from seedreg.regions.station_settings import county_setting
from seedreg.regulated import service
from seedreg.workcalendar.deadlines import Rule, deadline

from ..models import (
    CaseReferral,
    ChecklistAnswer,
    ChecklistItem,
    Finding,
    FindingType,
    Outcome,
    RectificationOrder,
    Task,
    Visit,
)
from ._common import county_of, required_text, resent, uuid_kwargs
from .onsite import onsite_serial
from .people import _store_photo
from .signatures import signature_uri, store_inspector_signatures
from .tasks import MIN_INSPECTORS, check_pair, complete_task, new_task, refuse_conflicts

RECTIFICATION_RULE = ("责令整改期限：自下达之日起{days}日，开始当日不计入，期间最后一日为法定休假日的顺延至休假日结束的次日"
                      "（《民法典》第二百零一条、第二百零三条）")
FOLLOW_UP_RULE_DAYS = 5  # working days after the rectification deadline to check it (station practice)


def rectification_deadline(issued_on: datetime.date, days: int) -> tuple[datetime.date, str]:
    """(last day to rectify, the rule applied): a period in days under the Civil Code."""
    if not 1 <= int(days) <= 180:
        raise InvalidInput(_("整改期限须在1到180日之间。"), code="rectification_days", fields={"days": [_("1–180日")]})
    return deadline(issued_on, int(days), Rule.CIVIL_CODE_DAYS).due, RECTIFICATION_RULE.format(days=int(days))


def _position(latitude, longitude, accuracy_m, *, required=False):
    if latitude is None or longitude is None:
        if required:
            raise InvalidInput(_("请提供定位。"), code="position_required", fields={"latitude": [_("必填")]})
        return None, None, None
    try:
        lat, lon = to_wgs84(latitude, longitude, "wgs84")
    except (ValueError, TypeError, ArithmeticError) as exc:
        raise InvalidInput(_("定位坐标无效。"), code="position_invalid", fields={"latitude": [_("无效")]}) from exc
    if accuracy_m is not None and not 0 <= float(accuracy_m) <= 100_000:
        raise InvalidInput(_("定位精度无效。"), code="accuracy_invalid", fields={"accuracy_m": [_("无效")]})
    return lat, lon, None if accuracy_m is None else round(float(accuracy_m))


def _field_people(actor, inspectors):
    people = list({u.pk: u for u in [actor, *(inspectors or ())]}.values())
    for user in people:
        if not user.can_inspect:
            raise RuleViolation(_("%(name)s 没有执法证，不能参加检查。"), code="not_an_inspector",
                                name=user.display_name, fields={"inspectors": [_("无执法证")]})
    return people


@service
def start_visit(*, actor, inspectors=(), business: Business | None = None, task: Task | None = None,
                peddler_location: str = "", peddler_description: str = "", goods_sold: str = "",
                farmer_own_surplus: bool = False, region_code: str | None = None, checked_in_at=None,
                latitude=None, longitude=None, accuracy_m=None, client_uuid=None) -> Visit:
    """Check in at a shop (from a task or ad hoc) or at a peddler's stall at a rural fair (no
    directory record: where, who, what was sold, whether it is a farmer's own surplus seed).
    The distance from the registered location is recorded and flagged beyond the county's radius."""
    county = county_of(actor)
    if (existing := resent(Visit, client_uuid, county)) is not None:
        return existing
    if task is not None:
        if task.status != Task.Status.OPEN:
            raise Conflict(_("任务已%(s)s。"), code="task_not_open", s=task.get_status_display())
        refuse_unassigned(task, actor)
        business = task.business
        inspectors = list(inspectors) or list(task.inspectors.all())
    if business is not None:
        require(actor, "inspections.visit", business)
        region = business.region_code
    else:
        required_text(peddler_location, "peddler_location", _("商贩位置"), 200)
        required_text(peddler_description, "peddler_description", _("商贩情况"), 200)
        region = (region_code or county).strip()
        if not region.startswith(county):
            raise NotFound()
        require(actor, "inspections.visit", Visit(region_code=region))
    people = _field_people(actor, inspectors)
    if business is not None:
        # An inspector alone may check in (the colleague joins later), but never at a business
        # they must recuse themselves from.
        if len(people) >= MIN_INSPECTORS:
            check_pair(business, people)
        else:
            refuse_conflicts(business, people)
    lat, lon, accuracy = _position(latitude, longitude, accuracy_m)
    distance = radius = None
    outside = False
    poor_accuracy = accuracy is not None and accuracy > county_setting(region, "inspection_max_accuracy_m")
    if business is not None and business.location and lat is not None:
        distance = round(distance_m((lat, lon), business.location))
        radius = county_setting(region, "inspection_geofence_radius_m")
        outside = distance > radius
    visit = Visit.objects.create(
        region_code=region, task=task, business=business, peddler_location=peddler_location.strip()[:200],
        peddler_description=peddler_description.strip()[:200], goods_sold=(goods_sold or "").strip()[:200],
        farmer_own_surplus=bool(farmer_own_surplus) and business is None,
        checked_in_at=checked_in_at or timezone.now(), checkin_latitude=lat, checkin_longitude=lon,
        checkin_accuracy_m=accuracy, distance_m=distance, geofence_radius_m=radius, outside_geofence=outside,
        poor_accuracy=poor_accuracy, created_by=actor, **uuid_kwargs(client_uuid))
    visit.inspectors.add(*people)  # a new visit: nothing to remove
    log_action(visit, "inspections.visit.started", actor=actor, parent=business,
               data={"inspectors": [u.pk for u in people], "outside_geofence": outside, "distance_m": distance,
                     "poor_accuracy": poor_accuracy})
    return visit


def refuse_unassigned(task: Task, inspector) -> None:
    """Only the task's current inspectors work on it: one taken off the task (reassigned, say
    while their phone was offline) is refused, with the code the phone shows."""
    if not task.inspectors.filter(pk=inspector.pk).exists():
        raise Conflict(_("该任务已改派给其他执法人员，%(name)s 不能再检查该任务。"), code="task_reassigned",
                       name=inspector.display_name, fields={"task": [_("已改派")]})


def _open_visit(visit, actor):
    require(actor, "inspections.visit", visit)
    if visit.status != Visit.Status.OPEN:
        raise Conflict(_("该次检查已结束，不能修改；如需更正请新建检查记录。"), code="visit_closed")


@service
def join_visit(visit: Visit, *, actor, inspector) -> Visit:
    """A second (or third) inspector joins the visit: added by a colleague already on it, or
    joining themselves (``actor`` is ``inspector``: their phone, or the visit's page). A visit
    made for a task takes only the task's current inspectors; no one joins a visit at a
    business they must recuse themselves from."""
    _open_visit(visit, actor)
    _field_people(inspector, [])
    people = list(visit.inspectors.all())
    if actor.pk != inspector.pk and actor not in people:
        raise Conflict(_("只有检查组的执法人员可以添加同行执法人员。"), code="not_on_visit",
                       fields={"inspector": [_("您不在检查组中")]})
    if visit.task_id:
        refuse_unassigned(visit.task, inspector)
    if inspector in people:
        raise Conflict(_("%(name)s 已在检查组中。"), code="inspector_repeated", name=inspector.display_name)
    people.append(inspector)
    if visit.business_id:
        check_pair(visit.business, people)
    visit.inspectors.add(inspector)
    log_action(visit, "inspections.visit.joined", actor=actor, parent=visit.business,
               data={"inspector": inspector.pk})
    return visit


def checklist_for(visit: Visit) -> list[ChecklistItem]:
    """The active checklist items that apply to the visited business (a peddler: items for all)."""
    items = list(ChecklistItem.objects.filter(active=True).order_by("position", "code"))
    business = visit.business
    if business is None:
        return [i for i in items if i.applies(registered=False, licence_holder=False, filing_holder=False)]
    licence_holder = business.kind in LICENSED_KINDS or business.seed_licences.exists()
    filing_holder = business.filings.filter(status="active").exists()
    return [i for i in items if i.applies(registered=True, licence_holder=licence_holder, filing_holder=filing_holder)]


def checklist_hints(visit: Visit) -> dict[str, list]:
    """Facts from the ledger shown next to checklist items: lots the dealer holds that are under
    a stop-sale order, and lots past their quality-guarantee period."""
    if visit.business_id is None:
        return {}
    from licensing import selectors as ledger

    held = list(ledger.lots_held_by(visit.business).select_related("variety"))
    stopped = ledger.lots_under_stop_sale(visit.business)
    today = timezone.localdate(visit.checked_in_at)
    return {"no_stop_sale_lot": [lot for lot in held if lot.pk in stopped],
            "not_past_guarantee": [lot for lot in held if guarantee_ends(lot) and guarantee_ends(lot) < today]}


def guarantee_ends(lot) -> datetime.date | None:
    """The last day of a lot's quality-guarantee period, counted from its test date (label)."""
    start = lot.test_date or lot.production_date
    if start is None or not lot.guarantee_months:
        return None
    from .draws import months_before

    return months_before(start, -int(lot.guarantee_months))


def count_source(visit: Visit) -> str:
    """How the ledger's count observations name the visit they were made at."""
    return f"现场检查#{visit.pk}"


@service
def record_stock_count(visit: Visit, *, actor, lot, counted_kg, counted_packages=None):
    """A stock count made at the visit, recorded on the ledger through licensing (a count
    observation); a difference beyond the county's tolerance also becomes a finding."""
    from licensing import services as ledger_services

    _open_visit(visit, actor)
    if visit.business_id is None:
        raise InvalidInput(_("流动商贩没有台账，不能清点库存。"), code="count_needs_business")
    observation = ledger_services.record_count_observation(
        actor=actor, business=visit.business, lot=lot, counted_kg=counted_kg, counted_packages=counted_packages,
        observed_on=timezone.localdate(visit.checked_in_at), source=count_source(visit))
    if observation.is_flagged:
        item = ChecklistItem.objects.filter(code="stock_count_matches").first()
        kind = item.finding_type if item else FindingType.objects.get(code="stock_mismatch")
        finding = Finding.objects.create(
            visit=visit, finding_type=kind, checklist_item=item, recorded_by=actor,
            description=f"{lot.variety.name} 批号{lot.lot_number}：实物{observation.counted_kg}千克，"
                        f"台账{observation.ledger_kg}千克，差{observation.difference_kg}千克")
        log_action(finding, "inspections.finding.recorded", actor=actor, parent=visit)
    log_action(visit, "inspections.visit.stock_counted", actor=actor, parent=visit.business,
               data={"lot": lot.pk, "observation": observation.pk, "flagged": observation.is_flagged})
    return observation


@service
def answer_checklist(visit: Visit, *, actor, answers: dict) -> list[ChecklistAnswer]:
    """Record checklist answers {item code: (answer, note)}. A "no" records the item's finding
    (once); changing a "no" to "yes" does not delete a finding already recorded."""
    _open_visit(visit, actor)
    items = {i.code: i for i in checklist_for(visit)}
    saved = []
    for code, value in answers.items():
        answer, note = value if isinstance(value, tuple | list) else (value, "")
        item = items.get(code)
        if item is None:
            raise InvalidInput(_("检查项目不适用或不存在：%(c)s"), code="checklist_item_unknown", c=code,
                               fields={code: [_("无效")]})
        if answer not in ChecklistAnswer.Answer.values:
            raise InvalidInput(_("检查结果无效：%(c)s"), code="checklist_answer_invalid", c=code, fields={code: [_("无效")]})
        row, _created = ChecklistAnswer.objects.update_or_create(visit=visit, item=item,
                                                                 defaults={"answer": answer, "note": (note or "")[:200]})
        saved.append(row)
        if answer == ChecklistAnswer.Answer.NO and not visit.findings.filter(checklist_item=item).exists():
            finding = Finding.objects.create(visit=visit, finding_type=item.finding_type, checklist_item=item,
                                             description=note or item.text, recorded_by=actor)
            log_action(finding, "inspections.finding.recorded", actor=actor, parent=visit)
    log_action(visit, "inspections.visit.checklist_answered", actor=actor, parent=visit.business,
               data={code: (v[0] if isinstance(v, tuple | list) else v) for code, v in answers.items()})
    return saved


@service
def record_finding(visit: Visit, *, actor, finding_type: str, description: str, photos=(), client_uuid=None,
                   checklist_item: str | None = None) -> Finding:
    """A finding with its photos ((name, bytes) pairs, re-encoded, EXIF kept as data)."""
    if (existing := resent(Finding, client_uuid, visit.region_code)) is not None:
        return existing
    _open_visit(visit, actor)
    kind = FindingType.objects.filter(code=finding_type).first()
    if kind is None:
        raise InvalidInput(_("问题类型无效。"), code="finding_type_invalid", fields={"finding_type": [_("无效")]})
    item = ChecklistItem.objects.filter(code=checklist_item).first() if checklist_item else None
    finding = Finding.objects.create(visit=visit, finding_type=kind, checklist_item=item,
                                     description=required_text(description, "description", _("问题描述")),
                                     recorded_by=actor, **uuid_kwargs(client_uuid))
    for name, data in photos:
        _store_photo(data, actor=actor, region_code=visit.region_code, name=name, finding=finding)
    log_action(finding, "inspections.finding.recorded", actor=actor, parent=visit, data={"photos": len(photos)})
    return finding


@service
def add_finding_photo(finding: Finding, *, actor, data: bytes, name: str = "", client_uuid=None):
    _open_visit(finding.visit, actor)
    photo = _store_photo(data, actor=actor, region_code=finding.visit.region_code, name=name, finding=finding,
                         client_uuid=client_uuid)
    log_action(photo, "inspections.finding.photo_added", actor=actor, parent=finding.visit)
    return photo


def suggested_articles(visit: Visit) -> list[str]:
    """The Seed Law articles the findings point to (DOMAIN.md section 2), in the order found;
    people decide which apply."""
    seen = []
    for finding in visit.findings.select_related("finding_type").order_by("recorded_at", "id"):
        for article in finding.finding_type.suggested_articles:
            if article not in seen:
                seen.append(article)
    return seen


def _issue(visit, *, actor, doc_type, title, context, serial, issued_at, recipients=()):
    from seedreg.documents.services import issue_document

    context["ack_signature_uri"] = signature_uri(visit.ack_signature)
    return issue_document(source=visit, doc_type=doc_type, title=title, region_code=visit.region_code, actor=actor,
                          serial=serial, issued_at=issued_at, context=context, recipients=recipients)


def _dealer_users(business):
    if business is None:
        return []
    from licensing.models import DealerMembership

    return [m.user for m in DealerMembership.objects.filter(business=business).select_related("user")]


@service
@in_official_language
def close_visit(visit: Visit, *, actor, outcome: str, checked_out_at=None, latitude=None, longitude=None,
                accuracy_m=None, refusal_account: str = "", rectification_items=(), rectification_days=None,
                case_summary: str = "", ack_signature: bytes | None = None, ack_refused: bool = False,
                ack_note: str = "", record_serial_number: int | None = None,
                order_serial_number: int | None = None, inspector_signatures: dict | None = None) -> Visit:
    """Close the visit with its outcome. Two inspectors are required. A rectification order
    gets a deadline (Civil Code days) and a follow-up task; a case referral lists the articles
    the findings suggest. The visit record (and the order) are issued now, numbered from the
    actor's reserved block when ``*_serial_number`` is given (issued offline on the phone).
    ``inspector_signatures`` ({inspector: image bytes}) are the inspectors' own signatures, shown
    on the record and the order."""
    _open_visit(visit, actor)
    people = list(visit.inspectors.all().order_by("pk"))
    if len(people) < MIN_INSPECTORS:
        raise RuleViolation(_("现场检查须由两名以上执法人员进行，一人不能结束检查。"), code="two_inspectors_required",
                            fields={"inspectors": [_("至少两名")]})
    if visit.business_id:
        check_pair(visit.business, people)
    if outcome not in Outcome.values:
        raise InvalidInput(_("检查结论无效。"), code="outcome_invalid", fields={"outcome": [_("无效")]})
    findings = list(visit.findings.select_related("finding_type"))
    if outcome == Outcome.COMPLIANT and findings:
        raise RuleViolation(_("已记录检查发现，结论不能为“未发现问题”。"), code="compliant_with_findings",
                            fields={"outcome": [_("与检查发现矛盾")]})
    if outcome == Outcome.RECTIFICATION and visit.business_id is None:
        raise InvalidInput(_("流动商贩无登记主体，不能下达整改通知；请移送立案或登记主体后再检查。"),
                           code="rectification_needs_business")
    if ack_signature is None and not ack_refused:
        raise InvalidInput(_("请经营者签字确认，或记录其拒绝签字。"), code="acknowledgement_required",
                           fields={"ack_signature": [_("签字或记录拒签")]})
    if ack_refused and not (ack_note or "").strip():
        raise InvalidInput(_("经营者拒绝签字的，须记录情况。"), code="ack_refusal_note", fields={"ack_note": [_("必填")]})
    lat, lon, accuracy = _position(latitude, longitude, accuracy_m)
    now = checked_out_at or timezone.now()
    if now < visit.checked_in_at:
        raise InvalidInput(_("离开时间不能早于到达时间。"), code="checkout_before_checkin",
                           fields={"checked_out_at": [_("早于到达时间")]})
    # Numbers from the phone's block are checked before anything changes.
    record_serial = onsite_serial(actor=actor, doc_type="visit_record", region_code=visit.region_code,
                                  number=record_serial_number, issued_at=now)
    order_serial = onsite_serial(actor=actor, doc_type="rectification_order", region_code=visit.region_code,
                                 number=order_serial_number, issued_at=now)

    if outcome == Outcome.REFUSED:
        account = required_text(refusal_account, "refusal_account", _("拒绝检查的情况"))
        if not any(f.finding_type.code == "refused_inspection" for f in findings):
            kind = FindingType.objects.get(code="refused_inspection")
            findings.append(Finding.objects.create(visit=visit, finding_type=kind, description=account,
                                                   recorded_by=actor))
    with audited(visit, "inspections.visit.closed", actor=actor, parent=visit.business):
        visit.status = Visit.Status.CLOSED
        visit.outcome = outcome
        visit.refusal_account = (refusal_account or "").strip()
        visit.checked_out_at = now
        visit.checkout_latitude, visit.checkout_longitude, visit.checkout_accuracy_m = lat, lon, accuracy
        visit.ack_refused = bool(ack_refused)
        visit.ack_note = (ack_note or "").strip()[:200]
        if ack_signature is not None:
            from ..photos import process_signature

            save_file(visit.ack_signature, "signature.png", ContentFile(process_signature(ack_signature)))
        visit.save()
    signers = store_inspector_signatures(inspector_signatures, people=people, region_code=visit.region_code,
                                         signed_at=now, visit=visit)

    order = None
    if outcome == Outcome.RECTIFICATION:
        order = _order_rectification(visit, actor=actor, people=people, findings=findings, items=rectification_items,
                                     days=rectification_days, issued_at=now, serial=order_serial, signers=signers)
    if outcome == Outcome.CASE:
        referral = CaseReferral.objects.create(
            visit=visit, region_code=visit.region_code, suggested_articles=suggested_articles(visit),
            summary=required_text(case_summary, "case_summary", _("案情摘要")), referred_by=actor, referred_at=now)
        log_action(referral, "inspections.visit.case_referred", actor=actor, parent=visit.business)
    document = _issue(visit, actor=actor, doc_type="visit_record",
                      title=f"现场检查笔录（{visit.subject_name}）", serial=record_serial, issued_at=now,
                      context={"visit": visit, "inspectors": people, "signers": signers, "findings": findings,
                               "order": order,
                               "answers": list(visit.answers.select_related("item").order_by("item__position")),
                               "articles": suggested_articles(visit) if outcome == Outcome.CASE else []},
                      recipients=_dealer_users(visit.business))
    visit.record_document = document
    visit.save(update_fields=["record_document"])
    if visit.task_id:
        complete_task(visit.task, actor=actor)
    return visit


def _order_rectification(visit, *, actor, people, findings, items, days, issued_at, serial, signers):
    items = [i.strip() for i in items or () if i and i.strip()] or [f.description for f in findings]
    if not items:
        raise InvalidInput(_("请填写整改事项。"), code="rectification_items_required",
                           fields={"rectification_items": [_("必填")]})
    days = days or county_setting(visit.region_code, "rectification_days")
    issued_on = timezone.localdate(issued_at)
    due, rule = rectification_deadline(issued_on, days)
    order = RectificationOrder.objects.create(
        visit=visit, region_code=visit.region_code, business=visit.business, items=items, issued_on=issued_on,
        days=int(days), deadline_on=due, deadline_rule=rule)
    follow_up_due = deadline(due, FOLLOW_UP_RULE_DAYS, Rule.WORKING_DAYS).due
    task = new_task(actor=actor, business=visit.business, kind=Task.Kind.FOLLOW_UP, due_on=follow_up_due,
                       inspectors=people, rectification=order, planned_on=due + datetime.timedelta(days=1),
                       reasons=["整改复查"], note=f"复查整改（期限{due:%Y-%m-%d}）")
    document = _issue(visit, actor=actor, doc_type="rectification_order",
                      title=f"责令整改通知书（{visit.business.name}）", serial=serial,
                      issued_at=issued_at, context={"order": order, "visit": visit, "inspectors": people,
                                                             "signers": signers},
                      recipients=_dealer_users(visit.business))
    order.document = document
    order.save(update_fields=["document"])
    log_action(order, "inspections.rectification.ordered", actor=actor, parent=visit.business,
               data={"deadline": due, "rule": rule, "follow_up_task": task.pk})
    return order


@service
def conclude_rectification(order: RectificationOrder, *, actor, rectified: bool, note: str = "", visit=None,
                           concluded_at=None) -> RectificationOrder:
    """The follow-up's conclusion (复查结论): rectified, or not rectified (then usually a case),
    with what the re-inspection found (``note``) and, when there was one, the visit of the
    re-inspection (its findings and photos). An inspector concludes only an order whose
    follow-up task is theirs; the station's staff any order of the county."""
    require(actor, "inspections.visit" if actor.can_inspect else "inspections.review_rectification", order)
    if order.status != RectificationOrder.Status.OPEN:
        raise Conflict(_("整改通知已办结。"), code="rectification_closed")
    if actor.can_inspect and not actor.has_perm("inspections.review_rectification", order):
        tasks = order.follow_up_tasks.all()
        if tasks.exists() and not tasks.filter(inspectors=actor).exists():
            raise Conflict(_("该整改复查任务已改派给其他执法人员，%(name)s 不能作出复查结论。"), code="task_reassigned",
                           name=actor.display_name, fields={"order": [_("已改派")]})
    if not rectified and not (note or "").strip():
        raise InvalidInput(_("未整改的，须填写复查情况。"), code="conclusion_note_required",
                           fields={"note": [_("必填")]})
    if visit is not None and visit.business_id != order.business_id:
        raise InvalidInput(_("该现场检查不是对整改主体的检查。"), code="review_visit_mismatch",
                           fields={"visit": [_("不是整改主体")]})
    when = concluded_at or timezone.now()
    if timezone.localdate(when) < order.issued_on:
        raise InvalidInput(_("复查时间不能早于整改通知下达日期。"), code="conclusion_before_order",
                           fields={"concluded_at": [_("早于下达日期")]})
    with audited(order, "inspections.rectification.concluded", actor=actor, reason=note, parent=order.business):
        order.status = RectificationOrder.Status.RECTIFIED if rectified else RectificationOrder.Status.NOT_RECTIFIED
        order.closed_at = when
        order.concluded_by, order.conclusion_note, order.review_visit = actor, (note or "").strip(), visit
        order.save(update_fields=["status", "closed_at", "concluded_by", "conclusion_note", "review_visit"])
    for task in order.follow_up_tasks.filter(status=Task.Status.OPEN):
        complete_task(task, actor=actor)
    return order
