"""What each type of phone-made object means on the server: which inspections service a
revision calls. Handlers parse nothing (the schemas did) and decide nothing regulatory (the
services do): they map a revision onto service calls and report what the server now holds.

A revision carries the object's whole state as the phone sees it; the handler applies what
is new against the server's row (a visit's first revision checks in, a later one may answer
the checklist or check out)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from inspections import services as inspections
from inspections.models import (
    ChecklistAnswer,
    Complaint,
    ComplaintFollowUp,
    ConflictOfInterest,
    Finding,
    RectificationOrder,
    Task,
    Visit,
)
from licensing.models import Business
from seedreg.accounts.models import User
from seedreg.accounts.roles import FIELD_ROLES
from seedreg.errors import Conflict, InvalidInput, NotFound
from seedreg.lib.batch_reads import prime

from .models import UploadedFile
from .sync import Applied, DependsOnPending, ServerConflict, WaitingForFiles, register


def _visible(model, actor, **lookup):
    row = model.objects.visible_to(actor).filter(**lookup).first()
    if row is None:
        raise NotFound()
    return row


def _visible_pk(item, name, queryset, pk):
    """Row ``pk`` of ``queryset`` (already scoped to the actor): from what the batch prefetched
    (``prefetch_visits``), or looked up alone."""
    found = item.batch.get(name)
    row = found.get(pk) if found is not None else queryset.filter(pk=pk).first()
    if row is None:
        raise NotFound()
    return row


def _partner_queryset(actor, ids):
    return User.objects.filter(pk__in=ids, is_active=True, role__in=FIELD_ROLES,
                               region__code__startswith=actor.county_code or "-")


def _tasks_of(actor):
    return Task.objects.visible_to(actor).prefetch_related("inspectors")


def _businesses_of(actor):
    return Business.objects.visible_to(actor)


def prefetch_visits(actor, items, memo):
    """The tasks (with their pairs), businesses and partners a batch's visits name, the visits
    already stored under their UUIDs and the conflicts of interest declared for their
    businesses: five queries for the whole batch instead of five per visit (the last two
    primed for inspections' own reads, seedreg.lib.batch_reads)."""
    datas = [i.data for i in items]
    task_ids = {d.task_id for d in datas if d.task_id is not None}
    business_ids = {d.business_id for d in datas if d.business_id is not None}
    partner_ids = {p for d in datas for p in d.partner_ids if p != actor.pk}
    memo.setdefault("task", {}).update(_tasks_of(actor).in_bulk(task_ids) if task_ids else {})
    memo.setdefault("business", {}).update(_businesses_of(actor).in_bulk(business_ids) if business_ids else {})
    memo.setdefault("partner", {}).update(_partner_queryset(actor, partner_ids).in_bulk() if partner_ids else {})
    firsts = [i for i in items if i.base_revision is None]
    stored = {str(v.client_uuid): v for v in Visit.objects.filter(client_uuid__in=[i.uuid for i in firsts])}
    for item in firsts:
        prime(inspections.resent_key(Visit, item.uuid), stored.get(str(item.uuid)))
    shown = business_ids | {t.business_id for t in memo["task"].values()}
    declared = {pk: [] for pk in shown}
    for conflict in ConflictOfInterest.objects.filter(business_id__in=shown).select_related("profile__user").order_by("pk"):
        declared[conflict.business_id].append(conflict)
    for pk, conflicts in declared.items():
        prime(inspections.conflicts_key(pk), conflicts)


def _partners(actor, ids, memo=None):
    ids = [i for i in dict.fromkeys(ids) if i != actor.pk]
    known = (memo or {}).get("partner")
    if known is not None:
        people = [known[i] for i in ids if i in known]
    else:
        people = list(_partner_queryset(actor, ids))
    if len(people) != len(ids):
        raise InvalidInput(_("同行执法人员不存在或不在本县。"), code="partner_unknown", fields={"partner_ids": [_("无效")]})
    return people


def _task_state(task) -> dict:
    return {"task_id": task.pk, "task_status": task.status,
            "inspectors": [{"id": u.pk, "name": u.display_name} for u in task.inspectors.all()]}


def visit_state(actor, head) -> dict:
    visit = Visit.objects.filter(pk=head.server_id).first()
    if visit is None:
        return {}
    return {"visit_id": visit.pk, "status": visit.status, "outcome": visit.outcome,
            "checked_out_at": visit.checked_out_at.isoformat() if visit.checked_out_at else None,
            "answers": {a.item.code: a.answer for a in visit.answers.select_related("item")}}


def _reassigned_with_state(for_task, call, *args, **kwargs):
    """Run a service that refuses an inspector taken off ``task`` (reassigned while the phone
    was offline): the refusal is answered as a conflict carrying the task's current pair."""
    try:
        return call(*args, **kwargs)
    except Conflict as exc:
        if exc.code != "task_reassigned" or for_task is None:
            raise
        raise ServerConflict(str(exc), code=exc.code, fields=exc.fields, state=_task_state(for_task)) from exc


def apply_visit(actor, item, head) -> Applied:
    data = item.data
    if head is None:
        task = business = None
        if data.task_id is not None:
            task = _visible_pk(item, "task", _tasks_of(actor), data.task_id)
            if actor.pk not in {u.pk for u in task.inspectors.all()}:
                # Reassigned while the phone was offline: say so with the task's current pair.
                raise ServerConflict(_("该任务已改派给其他执法人员，本次检查未保存为该任务的检查。"),
                                     code="task_reassigned", state=_task_state(task))
        elif data.business_id is not None:
            business = _visible_pk(item, "business", _businesses_of(actor), data.business_id)
        people = [actor, *_partners(actor, data.partner_ids, item.batch)]
        position = data.checkin
        visit = _reassigned_with_state(
            task, inspections.start_visit,
            actor=actor, inspectors=people if len(people) > 1 or task is None else (), business=business, task=task,
            peddler_location=data.peddler_location, peddler_description=data.peddler_description,
            goods_sold=data.goods_sold, farmer_own_surplus=data.farmer_own_surplus,
            region_code=data.region_code or None, checked_in_at=data.checked_in_at,
            latitude=position.latitude if position else None, longitude=position.longitude if position else None,
            accuracy_m=position.accuracy_m if position else None, client_uuid=item.uuid)
    else:
        visit = Visit.objects.visible_to(actor).get(pk=head.server_id)
        if visit.status == Visit.Status.OPEN:
            # Partners named in a later revision (the colleague arrived after check-in) join.
            present = set(visit.inspectors.values_list("pk", flat=True))
            for partner in _partners(actor, [i for i in data.partner_ids if i not in present]):
                _reassigned_with_state(visit.task, inspections.join_visit, visit, actor=actor, inspector=partner)

    changed_since_start = head is not None
    if data.checklist and visit.status == Visit.Status.OPEN:
        stored = {a.item.code: (a.answer, a.note) for a in ChecklistAnswer.objects.filter(visit=visit)
                  .select_related("item")}
        changed = {e.code: (e.answer, e.note) for e in data.checklist if stored.get(e.code) != (e.answer, e.note)}
        if changed:
            inspections.answer_checklist(visit, actor=actor, answers=changed)
            changed_since_start = True

    missing = []
    if data.checkout is not None and visit.status == Visit.Status.OPEN:
        out = data.checkout
        images = _signature_files(item, [out.ack_signature_file, *(s.file_uuid for s in out.inspector_signatures)])
        inspections.close_visit(
            visit, actor=actor, outcome=out.outcome, checked_out_at=out.checked_out_at,
            latitude=out.position.latitude if out.position else None,
            longitude=out.position.longitude if out.position else None,
            accuracy_m=out.position.accuracy_m if out.position else None, refusal_account=out.refusal_account,
            rectification_items=out.rectification_items, rectification_days=out.rectification_days,
            case_summary=out.case_summary, ack_signature=images.get(out.ack_signature_file),
            ack_refused=out.ack_refused, ack_note=out.ack_note, record_serial_number=out.record_serial_number,
            order_serial_number=out.order_serial_number,
            inspector_signatures=_by_inspector(out.inspector_signatures, images))
        for file_uuid in images:
            _mark_attached(file_uuid, visit.pk)
        changed_since_start = True
    elif data.checkout is not None and visit.status == Visit.Status.CLOSED and head is not None:
        pass  # already checked out by an earlier revision: nothing new to apply
    if changed_since_start:  # a visit just started by start_visit is as the service left it
        visit.refresh_from_db()
    flags = [f for f, on in (("outside_geofence", visit.outside_geofence), ("poor_accuracy", visit.poor_accuracy)) if on]
    return Applied(server_id=visit.pk, region_code=visit.region_code, missing_files=missing, flags=flags)


def finding_state(actor, head) -> dict:
    finding = Finding.objects.filter(pk=head.server_id).first()
    return {"finding_id": finding.pk, "photos": finding.photos.count()} if finding else {}


def apply_finding(actor, item, head) -> Applied:
    data = item.data
    visit = Visit.objects.visible_to(actor).filter(client_uuid=data.visit_uuid).first()
    if visit is None:
        # Not stored as a refusal: the visit may be a moment away (another request is applying
        # it, or the phone sends it next).
        raise DependsOnPending(_("所属现场检查尚未同步，请先同步检查记录后重试。"), code="visit_not_synced")
    if head is None:
        finding = inspections.record_finding(visit, actor=actor, finding_type=data.finding_type,
                                             description=data.description, checklist_item=data.checklist_item,
                                             client_uuid=item.uuid)
    else:
        finding = Finding.objects.get(pk=head.server_id)
    attach_waiting_photos(actor, finding, item.uuid)
    return Applied(server_id=finding.pk, region_code=visit.region_code, missing_files=_missing(item.uuid, data.photos))


def sampling_state(actor, head) -> dict:
    from inspections.models import SamplingRecord

    record = SamplingRecord.objects.filter(pk=head.server_id).select_related("document").first()
    if record is None:
        return {}
    return {"sampling_id": record.pk, "serial": record.document.serial if record.document_id else "",
            "samples": [{"code": s.code, "role": s.role, "status": s.status} for s in record.samples.all()]}


def apply_sampling(actor, item, head) -> Applied:
    from inspections.models import SamplingRecord
    from licensing.models import SeedLot

    data = item.data
    if head is not None:  # a sampling form is issued once: a later revision changes nothing
        record = SamplingRecord.objects.get(pk=head.server_id)
        return Applied(server_id=record.pk, region_code=record.region_code)
    visit = Visit.objects.visible_to(actor).filter(client_uuid=data.visit_uuid).first()
    if visit is None:
        # Not stored as a refusal: the visit may be a moment away (another request is applying
        # it, or the phone sends it next).
        raise DependsOnPending(_("所属现场检查尚未同步，请先同步检查记录后重试。"), code="visit_not_synced")
    lot = None
    if data.lot_id is not None:
        lot = SeedLot.objects.filter(pk=data.lot_id).first()
        if lot is None:
            raise NotFound()
    images = _signature_files(item, [data.business_signature_file, *(s.file_uuid for s in data.inspector_signatures)])
    record = inspections.record_sampling(
        visit, actor=actor, lot=lot, crop=data.crop_code or None, lot_number=data.lot_number,
        variety_name=data.variety_name, producer_name=data.producer_name, label=data.label,
        lot_size_kg=data.lot_size_kg, packages=data.packages, test_seals=data.test_seals,
        backup_seals=data.backup_seals, backup_kept_at=data.backup_kept_at,
        sample_quantity_g=data.sample_quantity_g, business_signer=data.business_signer,
        business_signature=images.get(data.business_signature_file),
        business_refused_to_sign=data.business_refused_to_sign, sampled_at=data.sampled_at,
        serial_number=data.serial_number, client_uuid=item.uuid,
        inspector_signatures=_by_inspector(data.inspector_signatures, images))
    for file_uuid in images:
        _mark_attached(file_uuid, record.pk)
    return Applied(server_id=record.pk, region_code=record.region_code)


def apply_visit_join(actor, item, head) -> Applied:
    """The second inspector of a pair joins, from their own phone, the visit their colleague
    checked in: named by its UUID when the phone knows it, else the open visit of the task or
    at the business (an ad-hoc visit). A task's visit starts with the task's pair, so there
    joining confirms a member; an ad-hoc visit starts with whoever checked in."""
    data = item.data
    if head is not None:  # joined by the first revision: nothing more to apply
        visit = Visit.objects.visible_to(actor).get(pk=head.server_id)
        return Applied(server_id=visit.pk, region_code=visit.region_code)
    task = _visible(Task, actor, pk=data.task_id) if data.task_id is not None else None
    visits = Visit.objects.visible_to(actor)
    if data.visit_uuid is not None:
        visit = visits.filter(client_uuid=data.visit_uuid).first()
    elif task is not None:
        visit = visits.filter(task=task, status=Visit.Status.OPEN).order_by("-checked_in_at", "-id").first()
    else:
        business = _visible(Business, actor, pk=data.business_id)
        visit = (visits.filter(business=business, status=Visit.Status.OPEN)
                 .order_by("-checked_in_at", "-id").first())
    if visit is None:
        if task is not None and task.status != Task.Status.OPEN:
            raise ServerConflict(_("该任务已完成，没有可加入的检查。"), code="task_not_open", state=_task_state(task))
        # The colleague's check-in has not reached the server yet: retry later, nothing stored.
        raise DependsOnPending(_("同事的到达签到尚未同步，稍后自动重试。"), code="visit_not_synced")
    if task is not None and visit.task_id != task.pk:
        raise InvalidInput(_("该检查不属于这个任务。"), code="visit_task_mismatch", fields={"visit_uuid": [_("不符")]})
    if not visit.inspectors.filter(pk=actor.pk).exists():
        _reassigned_with_state(visit.task, inspections.join_visit, visit, actor=actor, inspector=actor)
    return Applied(server_id=visit.pk, region_code=visit.region_code)


def _synced_visit(actor, visit_uuid):
    """The visit a phone object refers to, or None; DependsOnPending while it is not synced."""
    if visit_uuid is None:
        return None
    visit = Visit.objects.visible_to(actor).filter(client_uuid=visit_uuid).first()
    if visit is None:
        raise DependsOnPending(_("所属现场检查尚未同步，请先同步检查记录后重试。"), code="visit_not_synced")
    return visit


def complaint_follow_up_state(actor, head) -> dict:
    follow_up = ComplaintFollowUp.objects.filter(pk=head.server_id).select_related("complaint").first()
    if follow_up is None:
        return {}
    return {"follow_up_id": follow_up.pk, "complaint_id": follow_up.complaint_id,
            "complaint_status": follow_up.complaint.status, "outcome": follow_up.outcome,
            "photos": follow_up.photos.count()}


def _complaint_state(complaint) -> dict:
    return {"complaint_id": complaint.pk, "complaint_status": complaint.status,
            "follow_ups": [{"id": f.pk, "outcome": f.outcome, "by": f.recorded_by.display_name}
                           for f in complaint.follow_ups.select_related("recorded_by")]}


def apply_complaint_follow_up(actor, item, head) -> Applied:
    data = item.data
    if head is None:
        complaint = _visible(Complaint, actor, pk=data.complaint_id)
        visit = _synced_visit(actor, data.visit_uuid)
        try:
            follow_up = inspections.record_complaint_follow_up(
                complaint, actor=actor, found=data.found, outcome=data.outcome, visit=visit,
                recorded_at=data.followed_up_at or item.recorded_at, client_uuid=item.uuid)
        except Conflict as exc:  # closed by the station meanwhile: show what the server has
            raise ServerConflict(str(exc), code=exc.code, fields=exc.fields, state=_complaint_state(complaint)) from exc
    else:
        follow_up = ComplaintFollowUp.objects.get(pk=head.server_id)
    for upload in _waiting_photos(item.uuid):
        attach_follow_up_photo(actor, follow_up, upload)
    return Applied(server_id=follow_up.pk, region_code=follow_up.region_code,
                   missing_files=_missing(item.uuid, data.photos))


def _order_state(order) -> dict:
    return {"order_id": order.pk, "status": order.status,
            "closed_at": order.closed_at.isoformat() if order.closed_at else None,
            "concluded_by": order.concluded_by.display_name if order.concluded_by_id else "",
            "conclusion_note": order.conclusion_note}


def rectification_conclusion_state(actor, head) -> dict:
    order = RectificationOrder.objects.filter(pk=head.server_id).select_related("concluded_by").first()
    return _order_state(order) if order else {}


def apply_rectification_conclusion(actor, item, head) -> Applied:
    data = item.data
    if head is not None:  # a conclusion is given once: a later revision changes nothing
        order = RectificationOrder.objects.get(pk=head.server_id)
        return Applied(server_id=order.pk, region_code=order.region_code)
    order = _visible(RectificationOrder, actor, pk=data.order_id)
    visit = _synced_visit(actor, data.visit_uuid)
    try:
        inspections.conclude_rectification(order, actor=actor, rectified=data.rectified, note=data.note, visit=visit,
                                           concluded_at=data.concluded_at or item.recorded_at)
    except Conflict as exc:  # concluded by the colleague or the station, or the task reassigned
        order.refresh_from_db()
        raise ServerConflict(str(exc), code=exc.code, fields=exc.fields, state=_order_state(order)) from exc
    return Applied(server_id=order.pk, region_code=order.region_code)


# --- files ---------------------------------------------------------------------------------------

def _read(upload: UploadedFile) -> bytes:
    with upload.content.open("rb") as f:
        return f.read()


def _signature_files(item, file_uuids) -> dict:
    """The signature images an object names ({file UUID: bytes}; None entries skipped), each
    uploaded for this object; WaitingForFiles naming every one the server has not received."""
    wanted = list(dict.fromkeys(u for u in file_uuids if u is not None))
    uploads = {u.uuid: u for u in UploadedFile.objects.filter(uuid__in=wanted, object_uuid=item.uuid)}
    missing = [u for u in wanted if u not in uploads]
    if missing:
        raise WaitingForFiles(missing)
    return {u: _read(uploads[u]) for u in wanted}


def _by_inspector(signatures, images) -> dict:
    """{inspector id: image bytes}, as the services take the inspectors' own signatures (they
    refuse a signer who is not one of the document's inspectors)."""
    return {s.inspector_id: images[s.file_uuid] for s in signatures}


def _mark_attached(file_uuid, server_id):
    upload = UploadedFile.objects.get(uuid=file_uuid)
    if upload.content:
        upload.content.delete(save=False)  # the raw file (with its EXIF) is not kept once stored
    upload.attached_at, upload.server_id = timezone.now(), server_id
    upload.save(update_fields=["content", "attached_at", "server_id"])


def attach_photo(actor, finding, upload: UploadedFile, *, add=inspections.add_finding_photo):
    photo = add(finding, actor=actor, data=_read(upload), name=upload.original_name, client_uuid=upload.uuid)
    upload.exif_taken_at, upload.exif_latitude, upload.exif_longitude = (photo.taken_at, photo.gps_latitude,
                                                                          photo.gps_longitude)
    upload.save(update_fields=["exif_taken_at", "exif_latitude", "exif_longitude"])
    _mark_attached(upload.uuid, photo.pk)
    return photo


def attach_follow_up_photo(actor, follow_up, upload: UploadedFile):
    return attach_photo(actor, follow_up, upload, add=inspections.add_complaint_follow_up_photo)


def _waiting_photos(object_uuid):
    return UploadedFile.objects.filter(object_uuid=object_uuid, kind=UploadedFile.Kind.PHOTO,
                                       attached_at__isnull=True).order_by("uploaded_at", "id")


def _missing(object_uuid, photos) -> list[str]:
    """The photos the object names that the server has not received yet (the phone uploads them)."""
    have = {str(u) for u in UploadedFile.objects.filter(object_uuid=object_uuid).values_list("uuid", flat=True)}
    return [str(p) for p in photos if str(p) not in have]


def attach_waiting_photos(actor, finding, object_uuid):
    for upload in _waiting_photos(object_uuid):
        attach_photo(actor, finding, upload)


def attach_uploaded_photo(actor, head, upload: UploadedFile) -> None:
    """A photo uploaded after its object synced: handed to the object's owner at once (a
    finding of a visit still open, a complaint follow-up)."""
    if head.object_type == "finding":
        finding = Finding.objects.filter(pk=head.server_id).select_related("visit").first()
        if finding is not None and finding.visit.status == Visit.Status.OPEN:
            attach_photo(actor, finding, upload)
    elif head.object_type == "complaint_follow_up":
        follow_up = ComplaintFollowUp.objects.filter(pk=head.server_id).first()
        if follow_up is not None:
            attach_follow_up_photo(actor, follow_up, upload)


register("visit", apply=apply_visit, state=visit_state, prefetch=prefetch_visits)
register("finding", apply=apply_finding, state=finding_state)
register("sampling", apply=apply_sampling, state=sampling_state)
register("visit_join", apply=apply_visit_join, state=visit_state)
register("complaint_follow_up", apply=apply_complaint_follow_up, state=complaint_follow_up_state)
register("rectification_review", apply=apply_rectification_conclusion, state=rectification_conclusion_state)
