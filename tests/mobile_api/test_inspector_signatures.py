"""The inspectors' own signatures from the phone: each inspector of the visit signs the visit
record (and the order) at check-out and the sampling form, as on the station's pages; the
images are uploaded with POST /files like the business's signature and named per inspector."""

import datetime
import io
import itertools

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from inspections import services as inspections
from inspections.models import InspectorSignature, SamplingRecord, Visit
from mobile_api.models import UploadedFile
from tests.mobile_api.conftest import Phone, login
from tests.mobile_api.test_sync import HERE, new_id, visit_object


@pytest.fixture
def task(clerk, chief, shops, directory, inspector, inspector2):
    for person in (inspector, inspector2):  # both may sample
        inspections.save_inspector_profile(person, actor=chief)
    return inspections.create_task(actor=clerk, business=shops[0], kind="ad_hoc", due_on=timezone.localdate(),
                                   inspectors=[inspector, inspector2])


_strokes = itertools.count()


def signature_png():
    """A stroke of its own per call (the server keeps one copy of identical content per object)."""
    image = Image.new("RGB", (400, 160), "white")
    offset = next(_strokes) % 300
    for x in range(40, 360):
        image.putpixel((x, 20 + (offset + x) % 120), (0, 0, 0))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def upload(phone, object_uuid, file_uuid):
    response = phone.upload("/files", {"file": SimpleUploadedFile("sig.png", signature_png()),
                                       "object_uuid": object_uuid, "file_uuid": file_uuid, "kind": "signature"})
    assert response.status_code == 201, response.content


def sync(phone, *objects):
    response = phone.post("/sync", {"objects": list(objects)})
    assert response.status_code == 200, response.content
    return response.json()["results"]


def checkout(first, **fields):
    later = (timezone.now() + datetime.timedelta(minutes=30)).isoformat()
    data = {**first["data"], "checkout": {"checked_out_at": later, "position": HERE, "outcome": "rectification",
                                          "rectification_items": ["补记台账"], "ack_refused": True,
                                          "ack_note": "店员拒签", **fields}}
    return {**first, "revision": new_id(), "base_revision": first["revision"], "data": data}


def test_both_inspectors_sign_the_visit_record_and_the_order_from_one_phone(phone, task, inspector, inspector2):
    first = visit_object(task)
    sync(phone, first)
    mine, theirs = new_id(), new_id()
    out = checkout(first, inspector_signatures=[{"inspector_id": inspector.pk, "file_uuid": mine},
                                                {"inspector_id": inspector2.pk, "file_uuid": theirs}])
    waiting = sync(phone, out)[0]
    assert waiting["status"] == "waiting_files" and sorted(waiting["missing_files"]) == sorted([mine, theirs])
    assert Visit.objects.get().status == "open"
    upload(phone, first["uuid"], mine)
    assert sync(phone, out)[0]["missing_files"] == [theirs]  # one still missing: still waiting
    upload(phone, first["uuid"], theirs)
    assert sync(phone, out)[0]["status"] == "applied"
    visit = Visit.objects.get()
    assert visit.status == "closed"
    signed = InspectorSignature.objects.filter(visit=visit)
    assert sorted(signed.values_list("inspector", flat=True)) == sorted([inspector.pk, inspector2.pk])
    assert all(s.image.name for s in signed)
    # The raw uploads are not kept once stored on the visit.
    assert not any(u.content for u in UploadedFile.objects.filter(uuid__in=[mine, theirs]))
    assert set(UploadedFile.objects.filter(uuid__in=[mine, theirs]).values_list("server_id", flat=True)) == {visit.pk}


def test_both_inspectors_sign_the_sampling_form(phone, task, inspector, inspector2):
    first = visit_object(task)
    sync(phone, first)
    sampling_id, mine, theirs = new_id(), new_id(), new_id()
    sampling = {"type": "sampling", "uuid": sampling_id, "revision": new_id(),
                "data": {"visit_uuid": first["uuid"], "crop_code": "maize", "variety_name": "郑单958",
                         "lot_number": "ZD2026-077", "lot_size_kg": "2000", "packages": 20,
                         "test_seals": ["JP-7001"], "backup_seals": ["JP-7002"], "backup_kept_at": "门市部库房",
                         "business_signer": "王经理",
                         "inspector_signatures": [{"inspector_id": inspector.pk, "file_uuid": mine},
                                                  {"inspector_id": inspector2.pk, "file_uuid": theirs}]}}
    assert sync(phone, sampling)[0]["status"] == "waiting_files"
    upload(phone, sampling_id, mine)
    upload(phone, sampling_id, theirs)
    result = sync(phone, sampling)[0]
    assert result["status"] == "created", result
    record = SamplingRecord.objects.get()
    assert sorted(record.inspector_signatures.values_list("inspector", flat=True)) == sorted(
        [inspector.pk, inspector2.pk])


def test_a_signer_who_is_not_one_of_the_visits_inspectors_is_refused(phone, task, inspector3):
    first = visit_object(task)
    sync(phone, first)
    stranger = new_id()
    upload(phone, first["uuid"], stranger)
    result = sync(phone, checkout(first, inspector_signatures=[{"inspector_id": inspector3.pk,
                                                                "file_uuid": stranger}]))[0]
    assert result["status"] == "rejected" and result["code"] == "signer_not_inspector"
    assert "inspector_signatures" in result["fields"]
    assert Visit.objects.get().status == "open" and not InspectorSignature.objects.exists()


def test_a_signature_file_uploaded_for_another_object_is_not_taken(phone, task, inspector):
    first = visit_object(task)
    sync(phone, first)
    elsewhere = new_id()
    upload(phone, new_id(), elsewhere)
    result = sync(phone, checkout(first, inspector_signatures=[{"inspector_id": inspector.pk,
                                                                "file_uuid": elsewhere}]))[0]
    assert result["status"] == "waiting_files" and result["missing_files"] == [elsewhere]


def test_an_inspector_signs_once(phone, task, inspector):
    first = visit_object(task)
    sync(phone, first)
    twice = [{"inspector_id": inspector.pk, "file_uuid": new_id()}, {"inspector_id": inspector.pk,
                                                                     "file_uuid": new_id()}]
    response = phone.post("/sync", {"objects": [checkout(first, inspector_signatures=twice)]})
    assert response.status_code == 422


def test_the_partner_who_joined_from_their_phone_signs_on_the_checking_out_phone(shops, directory, inspector,
                                                                                 inspector2):
    mine, theirs = Phone(login(inspector)), Phone(login(inspector2, device_id="phone-2"))
    first = {"type": "visit", "uuid": new_id(), "revision": new_id(),
             "data": {"business_id": shops[2].pk, "checked_in_at": timezone.now().isoformat(), "checkin": HERE}}
    sync(mine, first)
    sync(theirs, {"type": "visit_join", "uuid": new_id(), "revision": new_id(),
                  "data": {"business_id": shops[2].pk, "joined_at": timezone.now().isoformat()}})
    signature = new_id()
    upload(mine, first["uuid"], signature)
    out = checkout(first, outcome="compliant", rectification_items=[],
                   inspector_signatures=[{"inspector_id": inspector2.pk, "file_uuid": signature}])
    assert sync(mine, out)[0]["status"] == "applied"
    assert InspectorSignature.objects.get().inspector == inspector2
