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
from inspections.models import ChecklistAnswer, Finding, Task, Visit
from licensing.models import Business
from seedreg.accounts.models import User
from seedreg.accounts.roles import FIELD_ROLES
from seedreg.errors import InvalidInput, NotFound

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
    """The tasks (with their pairs), businesses and partners a batch's visits name: three
    queries for the whole batch instead of three per visit."""
    datas = [i.data for i in items]
    task_ids = {d.task_id for d in datas if d.task_id is not None}
    business_ids = {d.business_id for d in datas if d.business_id is not None}
    partner_ids = {p for d in datas for p in d.partner_ids if p != actor.pk}
    memo.setdefault("task", {}).update(_tasks_of(actor).in_bulk(task_ids) if task_ids else {})
    memo.setdefault("business", {}).update(_businesses_of(actor).in_bulk(business_ids) if business_ids else {})
    memo.setdefault("partner", {}).update(_partner_queryset(actor, partner_ids).in_bulk() if partner_ids else {})


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
        visit = inspections.start_visit(
            actor=actor, inspectors=people if len(people) > 1 or task is None else (), business=business, task=task,
            peddler_location=data.peddler_location, peddler_description=data.peddler_description,
            goods_sold=data.goods_sold, farmer_own_surplus=data.farmer_own_surplus,
            region_code=data.region_code or None, checked_in_at=data.checked_in_at,
            latitude=position.latitude if position else None, longitude=position.longitude if position else None,
            accuracy_m=position.accuracy_m if position else None, client_uuid=item.uuid)
    else:
        visit = Visit.objects.visible_to(actor).get(pk=head.server_id)

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
        signature = None
        if out.ack_signature_file is not None:
            upload = UploadedFile.objects.filter(uuid=out.ack_signature_file, object_uuid=item.uuid).first()
            if upload is None:
                raise WaitingForFiles([out.ack_signature_file])
            signature = _read(upload)
        inspections.close_visit(
            visit, actor=actor, outcome=out.outcome, checked_out_at=out.checked_out_at,
            latitude=out.position.latitude if out.position else None,
            longitude=out.position.longitude if out.position else None,
            accuracy_m=out.position.accuracy_m if out.position else None, refusal_account=out.refusal_account,
            rectification_items=out.rectification_items, rectification_days=out.rectification_days,
            case_summary=out.case_summary, ack_signature=signature, ack_refused=out.ack_refused,
            ack_note=out.ack_note, record_serial_number=out.record_serial_number,
            order_serial_number=out.order_serial_number)
        if out.ack_signature_file is not None:
            _mark_attached(out.ack_signature_file, visit.pk)
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
    have = {str(u) for u in UploadedFile.objects.filter(object_uuid=item.uuid).values_list("uuid", flat=True)}
    missing = [str(p) for p in data.photos if str(p) not in have]
    return Applied(server_id=finding.pk, region_code=visit.region_code, missing_files=missing)


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
    signature = None
    if data.business_signature_file is not None:
        upload = UploadedFile.objects.filter(uuid=data.business_signature_file, object_uuid=item.uuid).first()
        if upload is None:
            raise WaitingForFiles([data.business_signature_file])
        signature = _read(upload)
    record = inspections.record_sampling(
        visit, actor=actor, lot=lot, crop=data.crop_code or None, lot_number=data.lot_number,
        variety_name=data.variety_name, producer_name=data.producer_name, label=data.label,
        lot_size_kg=data.lot_size_kg, packages=data.packages, test_seals=data.test_seals,
        backup_seals=data.backup_seals, backup_kept_at=data.backup_kept_at,
        sample_quantity_g=data.sample_quantity_g, business_signer=data.business_signer,
        business_signature=signature, business_refused_to_sign=data.business_refused_to_sign,
        sampled_at=data.sampled_at, serial_number=data.serial_number, client_uuid=item.uuid)
    if data.business_signature_file is not None:
        _mark_attached(data.business_signature_file, record.pk)
    return Applied(server_id=record.pk, region_code=record.region_code)


# --- files ---------------------------------------------------------------------------------------

def _read(upload: UploadedFile) -> bytes:
    with upload.content.open("rb") as f:
        return f.read()


def _mark_attached(file_uuid, server_id):
    upload = UploadedFile.objects.get(uuid=file_uuid)
    if upload.content:
        upload.content.delete(save=False)  # the raw file (with its EXIF) is not kept once stored
    upload.attached_at, upload.server_id = timezone.now(), server_id
    upload.save(update_fields=["content", "attached_at", "server_id"])


def attach_photo(actor, finding, upload: UploadedFile):
    photo = inspections.add_finding_photo(finding, actor=actor, data=_read(upload), name=upload.original_name,
                                          client_uuid=upload.uuid)
    upload.exif_taken_at, upload.exif_latitude, upload.exif_longitude = (photo.taken_at, photo.gps_latitude,
                                                                          photo.gps_longitude)
    upload.save(update_fields=["exif_taken_at", "exif_latitude", "exif_longitude"])
    _mark_attached(upload.uuid, photo.pk)
    return photo


def attach_waiting_photos(actor, finding, object_uuid):
    for upload in UploadedFile.objects.filter(object_uuid=object_uuid, kind=UploadedFile.Kind.PHOTO,
                                              attached_at__isnull=True).order_by("uploaded_at", "id"):
        attach_photo(actor, finding, upload)


register("visit", apply=apply_visit, state=visit_state, prefetch=prefetch_visits)
register("finding", apply=apply_finding, state=finding_state)
register("sampling", apply=apply_sampling, state=sampling_state)
