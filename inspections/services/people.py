"""The inspector directory (执法检查人员名录库) and complaints (投诉举报)."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from seedreg.accounts.permissions import require
from seedreg.accounts.roles import FIELD_ROLES
from seedreg.audit.services import audited, log_action
from seedreg.errors import Conflict, InvalidInput, NotFound, RuleViolation
from seedreg.lib.files import save_file
from seedreg.regulated import service

from ..models import Complaint, ComplaintFollowUp, ConflictOfInterest, InspectorProfile, Photo, Task
from ..photos import process_photo
from ._common import county_of, required_text, resent, uuid_kwargs
from .tasks import create_task

# --- inspector directory -----------------------------------------------------------------------


@service
def save_inspector_profile(user, *, actor, enforcement_id: str | None = None, unit: str | None = None,
                           may_inspect: bool = True, may_sample: bool = True, active: bool = True,
                           absent_from=None, absent_until=None, absence_note: str = "") -> InspectorProfile:
    """Put a field user into the inspector directory or update their entry. Name, enforcement ID
    and unit are kept on the user; qualifications and availability on the profile."""
    county = county_of(actor)
    if user.role not in FIELD_ROLES or not (user.region_id or "").startswith(county):
        raise NotFound()
    profile = InspectorProfile.objects.filter(user=user).first() or InspectorProfile(user=user, region_code=county)
    require(actor, "inspections.manage_inspectors", profile)
    if absent_from and absent_until and absent_until < absent_from:
        raise InvalidInput(_("不在岗结束日期不能早于开始日期。"), code="absence_order",
                           fields={"absent_until": [_("早于开始日期")]})
    before = {"enforcement_id": user.enforcement_id, "unit": user.unit}
    if enforcement_id is not None:
        enforcement_id = enforcement_id.strip() or None
        if enforcement_id and type(user).objects.filter(enforcement_id=enforcement_id).exclude(pk=user.pk).exists():
            raise Conflict(_("执法证号 %(n)s 已被他人使用。"), code="enforcement_id_taken", n=enforcement_id,
                           fields={"enforcement_id": [_("已被使用")]})
        user.enforcement_id = enforcement_id
    if unit is not None:
        user.unit = unit.strip()
    user.save(update_fields=["enforcement_id", "unit"])
    created = profile.pk is None
    with audited(profile, "inspections.inspector.created" if created else "inspections.inspector.updated",
                 actor=actor, data={"user_before": before, "enforcement_id": user.enforcement_id, "unit": user.unit}):
        profile.may_inspect, profile.may_sample, profile.active = bool(may_inspect), bool(may_sample), bool(active)
        profile.absent_from, profile.absent_until, profile.absence_note = absent_from, absent_until, absence_note
        profile.save()
    return profile


@service
def declare_conflict(profile: InspectorProfile, *, actor, business, reason: str) -> ConflictOfInterest:
    """Record that the inspector must not inspect ``business`` (回避)."""
    require(actor, "inspections.manage_inspectors", profile)
    if not business.region_code.startswith(profile.region_code):
        raise NotFound()
    reason = required_text(reason, "reason", _("回避理由"), 200)
    if ConflictOfInterest.objects.filter(profile=profile, business=business).exists():
        raise Conflict(_("已登记该回避事项。"), code="conflict_exists")
    conflict = ConflictOfInterest.objects.create(profile=profile, business=business, reason=reason)
    log_action(conflict, "inspections.inspector.conflict_declared", actor=actor, parent=profile)
    return conflict


@service
def withdraw_conflict(conflict: ConflictOfInterest, *, actor, reason: str) -> None:
    require(actor, "inspections.manage_inspectors", conflict)
    reason = required_text(reason, "reason", _("理由"))
    log_action(conflict, "inspections.inspector.conflict_withdrawn", actor=actor, reason=reason,
               parent=conflict.profile, after=None)
    conflict.delete()


# --- complaints --------------------------------------------------------------------------------


def _store_photo(data: bytes, *, actor, region_code, name="", client_uuid=None, **owner) -> Photo:
    existing = resent(Photo, client_uuid, region_code)
    if existing is not None:
        return existing
    processed = process_photo(data)
    photo = Photo(region_code=region_code, width=processed.width, height=processed.height,
                  taken_at=processed.taken_at, gps_latitude=processed.latitude, gps_longitude=processed.longitude,
                  original_name=(name or "")[:200], uploaded_by=actor, **uuid_kwargs(client_uuid), **owner)
    save_file(photo.image, "photo.jpg", ContentFile(processed.image))
    save_file(photo.thumbnail, "thumb.jpg", ContentFile(processed.thumbnail))
    photo.save()
    return photo


@service
def record_complaint(*, actor, channel: str, description: str, business=None, lot_text: str = "",
                     complainant_name: str = "", complainant_phone: str = "", anonymous: bool = False,
                     received_at=None, photos=(), client_uuid=None) -> Complaint:
    """A clerk records a complaint or report. ``photos``: (file name, bytes) pairs of evidence."""
    county = county_of(actor)
    if (existing := resent(Complaint, client_uuid, county)) is not None:
        return existing
    require(actor, "inspections.handle_complaint", business)
    if channel not in Complaint.Channel.values:
        raise InvalidInput(_("来源渠道无效。"), code="channel_invalid", fields={"channel": [_("无效")]})
    if business is None and not (lot_text or "").strip():
        raise InvalidInput(_("请选择被投诉的经营主体或填写涉及的种子。"), code="complaint_target_required",
                           fields={"business": [_("二选一")], "lot_text": [_("二选一")]})
    if not anonymous and not (complainant_name or "").strip():
        raise InvalidInput(_("请填写投诉人，或勾选匿名。"), code="complainant_required",
                           fields={"complainant_name": [_("必填")]})
    complaint = Complaint.objects.create(
        region_code=business.region_code if business is not None else county, channel=channel,
        description=required_text(description, "description", _("投诉内容")), business=business,
        lot_text=(lot_text or "").strip()[:200], complainant_name="" if anonymous else complainant_name.strip()[:50],
        complainant_phone="" if anonymous else (complainant_phone or "").strip()[:20], anonymous=anonymous,
        received_at=received_at or timezone.now(), received_by=actor, **uuid_kwargs(client_uuid))
    for name, data in photos:
        _store_photo(data, actor=actor, region_code=complaint.region_code, name=name, complaint=complaint)
    # The complainant's name and phone are personal data: kept out of the audit snapshot.
    log_action(complaint, "inspections.complaint.recorded", actor=actor, parent=business,
               after={"channel": channel, "business": getattr(business, "pk", None), "photos": len(photos)})
    return complaint


@service
def spawn_complaint_task(complaint: Complaint, *, actor, inspectors, due_on) -> Task:
    """Send an inspector pair to the business the complaint names."""
    require(actor, "inspections.handle_complaint", complaint)
    if complaint.status != Complaint.Status.OPEN:
        raise Conflict(_("投诉已办结。"), code="complaint_closed")
    if complaint.business_id is None:
        raise InvalidInput(_("投诉未指明经营主体，无法派发检查任务；请先补录被投诉主体。"), code="complaint_no_business")
    return create_task(actor=actor, business=complaint.business, kind=Task.Kind.COMPLAINT, due_on=due_on,
                       inspectors=inspectors, complaint=complaint, reasons=["投诉举报"])


@service
def close_complaint(complaint: Complaint, *, actor, outcome: str, told_how: str, told_at=None) -> Complaint:
    """Close a complaint with its outcome, recording how and when the complainant was told."""
    require(actor, "inspections.handle_complaint", complaint)
    if complaint.status == Complaint.Status.CLOSED:
        raise Conflict(_("投诉已办结。"), code="complaint_closed")
    outcome = required_text(outcome, "outcome", _("处理结果"))
    told_how = "" if complaint.anonymous and not told_how else required_text(told_how, "told_how", _("告知方式"), 50)
    with audited(complaint, "inspections.complaint.closed", actor=actor, parent=complaint.business):
        complaint.status = Complaint.Status.CLOSED
        complaint.outcome = outcome
        complaint.outcome_told_how = told_how
        complaint.outcome_told_at = told_at or (timezone.now() if told_how else None)
        complaint.closed_by = actor
        complaint.save()
    return complaint


def complaint_follow_up_allowed(complaint: Complaint, actor) -> bool:
    """An inspector follows a complaint up when one of its tasks is theirs (a reassigned
    inspector no longer is); the station's staff may always record one."""
    return complaint.tasks.filter(inspectors=actor).exists() or actor.has_perm("inspections.handle_complaint",
                                                                                complaint)


@service
def record_complaint_follow_up(complaint: Complaint, *, actor, found: str, outcome: str, visit=None,
                               recorded_at=None, photos=(), client_uuid=None) -> ComplaintFollowUp:
    """复查: what was found on site about an open complaint, evidence photos ((name, bytes)
    pairs) and the inspectors' view (substantiated or not). The complaint stays open: the
    station closes it and tells the complainant."""
    if (existing := resent(ComplaintFollowUp, client_uuid, complaint.region_code)) is not None:
        return existing
    require(actor, "inspections.visit" if actor.can_inspect else "inspections.handle_complaint", complaint)
    if not complaint_follow_up_allowed(complaint, actor):
        raise RuleViolation(_("您不是该投诉检查任务的执法人员（任务可能已改派），不能记录复查。"),
                            code="complaint_not_assigned", fields={"complaint": [_("未分派给您")]})
    if complaint.status != Complaint.Status.OPEN:
        raise Conflict(_("投诉已办结，不能再记录复查。"), code="complaint_closed")
    if outcome not in ComplaintFollowUp.Outcome.values:
        raise InvalidInput(_("复查结论无效。"), code="follow_up_outcome_invalid", fields={"outcome": [_("无效")]})
    if visit is not None and (complaint.business_id is None or visit.business_id != complaint.business_id):
        raise InvalidInput(_("该现场检查不是对被投诉主体的检查。"), code="follow_up_visit_mismatch",
                           fields={"visit": [_("不是被投诉主体")]})
    follow_up = ComplaintFollowUp.objects.create(
        complaint=complaint, region_code=complaint.region_code, visit=visit,
        found=required_text(found, "found", "复查情况", 2000), outcome=outcome, recorded_by=actor,
        recorded_at=recorded_at or timezone.now(), **uuid_kwargs(client_uuid))
    for name, data in photos:
        _store_photo(data, actor=actor, region_code=complaint.region_code, name=name, complaint=complaint,
                     complaint_follow_up=follow_up)
    log_action(follow_up, "inspections.complaint.followed_up", actor=actor, parent=complaint,
               data={"outcome": outcome, "visit": getattr(visit, "pk", None), "photos": len(photos)})
    return follow_up


@service
def add_complaint_follow_up_photo(follow_up: ComplaintFollowUp, *, actor, data: bytes, name: str = "",
                                  client_uuid=None) -> Photo:
    """An evidence photo that reached the server after its follow-up (phones upload one by one)."""
    require(actor, "inspections.visit" if actor.can_inspect else "inspections.handle_complaint", follow_up)
    if follow_up.recorded_by_id != actor.pk and not complaint_follow_up_allowed(follow_up.complaint, actor):
        raise NotFound()
    photo = _store_photo(data, actor=actor, region_code=follow_up.region_code, name=name,
                         complaint=follow_up.complaint, complaint_follow_up=follow_up, client_uuid=client_uuid)
    log_action(photo, "inspections.complaint.photo_added", actor=actor, parent=follow_up.complaint)
    return photo
