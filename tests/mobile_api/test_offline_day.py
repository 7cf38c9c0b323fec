"""A whole inspector day through the HTTP API only: token, download, (offline) check-in,
checklist with a failed item, photo, sampling with seals, check-out, sync, changes-since; then
what the station sees and what waits in the lab's intake queue."""

import datetime
import io
import uuid

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from inspections import services as inspections
from inspections.models import Finding, Photo, RectificationOrder, SamplingRecord, Task, Visit
from inspections.selectors import samples_awaiting_intake
from licensing import services as licensing
from tests.factories import PASSWORD
from tests.inspections.conftest import jpeg_bytes
from tests.mobile_api.conftest import Phone


def ids():
    return str(uuid.uuid4())


def signature_png():
    image = Image.new("RGB", (400, 160), "white")
    for x in range(40, 360):
        image.putpixel((x, 80 + (x % 23)), (0, 0, 0))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def test_an_inspector_day_offline_then_synced(clerk, chief, inspector, inspector2, lab_tech, shops, lot, shop_dealer,
                                              shop, seed_producer):
    # The station's side, done beforehand in the office: the directory, a stocked shop, a task.
    for person in (inspector, inspector2):
        inspections.save_inspector_profile(person, actor=chief)
    shop_with_stock = shop
    licensing.record_purchase(actor=shop_dealer, business=shop_with_stock, lot=lot, quantity_kg="400", packages=20,
                              occurred_on=timezone.localdate() - datetime.timedelta(days=3),
                              supplier_outside=seed_producer)
    task = inspections.create_task(actor=clerk, business=shop_with_stock, kind="ad_hoc",
                                   due_on=timezone.localdate() + datetime.timedelta(days=5),
                                   planned_on=timezone.localdate(), inspectors=[inspector, inspector2])

    # Morning, with signal: log in and download the day.
    anonymous = Phone()
    token = anonymous.post("/auth/token", {"username": inspector.username, "password": PASSWORD,
                                           "device_id": "android-7f3a", "device_name": "华为 Mate", "app_version": "1.4.0"})
    assert token.status_code == 201
    phone = Phone(token.json()["token"])
    me = phone.get("/me").json()
    partner = next(p for p in me["partners"] if p["name"] == "刘执法")
    day = phone.get("/tasks").json()
    cursor = day["cursor"]
    [mine] = day["tasks"]
    assert mine["id"] == task.pk and mine["lots_held"][0]["lot_number"] == "ZD2026-001"
    numbers = {b["doc_type"]: b["free_numbers"] for b in day["serial_blocks"]}
    assert phone.get("/varieties").status_code == 200

    # At the shop, offline: everything below is made on the phone with its own ids and times.
    arrived = timezone.now()
    visit_id, checkin_rev, checkout_rev = ids(), ids(), ids()
    finding_id, photo_id = ids(), ids()
    sampling_id, seller_signature, shop_signature = ids(), ids(), ids()
    visit_data = {"task_id": mine["id"], "partner_ids": [partner["id"]], "checked_in_at": arrived.isoformat(),
                  "checkin": {"latitude": 41.403, "longitude": 119.643, "accuracy_m": 8},
                  "checklist": [{"code": "ledger_complete", "answer": "no", "note": "台账缺少销售去向"},
                                {"code": "label_complete", "answer": "yes"}]}
    check_in = {"type": "visit", "uuid": visit_id, "revision": checkin_rev, "recorded_at": arrived.isoformat(),
                "data": visit_data}
    finding = {"type": "finding", "uuid": finding_id, "revision": ids(),
               "data": {"visit_uuid": visit_id, "finding_type": "missing_purchase_documents",
                        "description": "一批玉米种子无购种凭证", "photos": [photo_id]}}
    sampling = {"type": "sampling", "uuid": sampling_id, "revision": ids(),
                "data": {"visit_uuid": visit_id, "lot_id": mine["lots_held"][0]["lot_id"], "lot_size_kg": "400",
                         "packages": 20, "test_seals": ["JP-000101"], "backup_seals": ["JP-000102"],
                         "backup_kept_at": "建平县种子管理站样品室", "business_signer": "王丰收",
                         "business_signature_file": seller_signature,
                         "sampled_at": (arrived + datetime.timedelta(minutes=20)).isoformat(),
                         "serial_number": numbers["sampling_form"][0]}}
    check_out = {"type": "visit", "uuid": visit_id, "revision": checkout_rev, "base_revision": checkin_rev,
                 "data": {**visit_data, "checkout": {
                     "checked_out_at": (arrived + datetime.timedelta(minutes=45)).isoformat(),
                     "position": {"latitude": 41.4031, "longitude": 119.6431, "accuracy_m": 10},
                     "outcome": "rectification", "rectification_items": ["补记购销台账销售去向"],
                     "rectification_days": 15, "ack_signature_file": shop_signature,
                     "record_serial_number": numbers["visit_record"][0],
                     "order_serial_number": numbers["rectification_order"][0]}}}

    # Back in signal: files first (one per request), then the batch.
    uploads = [("/files", {"file": SimpleUploadedFile("IMG_2041.jpg", jpeg_bytes(size=(1200, 900), orientation=6)),
                           "object_uuid": finding_id, "file_uuid": photo_id,
                           "captured_at": (arrived + datetime.timedelta(minutes=5)).isoformat()}),
               ("/files", {"file": SimpleUploadedFile("seller.png", signature_png()), "object_uuid": sampling_id,
                           "file_uuid": seller_signature, "kind": "signature"}),
               ("/files", {"file": SimpleUploadedFile("shop.png", signature_png()), "object_uuid": visit_id,
                           "file_uuid": shop_signature, "kind": "signature"})]
    for path, form in uploads:
        assert phone.upload(path, form).status_code == 201
    batch = {"device_id": "android-7f3a", "objects": [check_in, finding, sampling, check_out]}
    answer = phone.post("/sync", batch).json()
    assert [r["status"] for r in answer["results"]] == ["created", "created", "created", "applied"], answer["results"]
    assert all(r["missing_files"] == [] for r in answer["results"])
    # The signal dropped before the answer arrived: the phone sends it all again.
    again = phone.post("/sync", batch).json()
    assert {r["status"] for r in again["results"]} == {"already_had"}

    # The station's records.
    visit = Visit.objects.get(client_uuid=visit_id)
    assert visit.status == "closed" and visit.outcome == "rectification" and visit.task_id == task.pk
    assert set(visit.inspectors.all()) == {inspector, inspector2}
    assert visit.record_document.number == numbers["visit_record"][0]
    # The failed checklist item's finding (once, though sent twice) and the one photographed.
    assert sorted(Finding.objects.filter(visit=visit).values_list("finding_type__code", flat=True)) == [
        "ledger_incomplete", "missing_purchase_documents"]
    assert Photo.objects.get(client_uuid=photo_id).finding.visit == visit
    order = RectificationOrder.objects.get(visit=visit)
    assert order.items == ["补记购销台账销售去向"] and order.document.number == numbers["rectification_order"][0]
    record = SamplingRecord.objects.get(client_uuid=sampling_id)
    assert record.lot == lot and record.document.number == numbers["sampling_form"][0]
    assert Task.objects.get(pk=task.pk).status == "done"
    # The lab's intake queue has the sealed test sample.
    queue = list(samples_awaiting_intake(lab_tech))
    assert [s.sampling_id for s in queue] == [record.pk] and queue[0].seal_numbers == ["JP-000101"]

    # Evening: what changed since the morning download.
    changes = phone.get("/changes", {"since": cursor}).json()["changes"]
    assert ("task", str(task.pk)) in {(c["kind"], c["id"]) for c in changes}
