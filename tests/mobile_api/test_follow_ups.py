"""Complaint follow-ups (投诉复查), rectification conclusions (整改复查结论) and a partner joining a
visit from their own phone, all over the HTTP API: per-item answers, resends recognised,
reassignment and closure answered with the server's state."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from inspections import services as inspections
from inspections.models import Complaint, ComplaintFollowUp, Photo, RectificationOrder, Task, Visit
from tests.inspections.conftest import jpeg_bytes
from tests.mobile_api.conftest import Phone, login
from tests.mobile_api.test_sync import HERE, new_id, visit_object


def obj(type_, data, *, uuid_=None, revision=None, base=None):
    return {"type": type_, "uuid": uuid_ or new_id(), "revision": revision or new_id(), "base_revision": base,
            "recorded_at": timezone.now().isoformat(), "data": data}


def sync(phone, *objects):
    response = phone.post("/sync", {"objects": list(objects)})
    assert response.status_code == 200, response.content
    return response.json()["results"]


@pytest.fixture
def complaint(clerk, shops):
    return inspections.record_complaint(actor=clerk, channel="hotline", business=shops[0], anonymous=False,
                                        complainant_name="赵农户", complainant_phone="13900000000",
                                        description="买的玉米种子发芽率低", lot_text="郑单958 批号2026A")


@pytest.fixture
def complaint_task(clerk, complaint, directory, inspector, inspector2):
    return inspections.spawn_complaint_task(complaint, actor=clerk, inspectors=[inspector, inspector2],
                                            due_on=timezone.localdate() + datetime.timedelta(days=5))


@pytest.fixture
def order(clerk, shops, directory, inspector, inspector2):
    """An open rectification order from a visit, with its follow-up task for the same pair."""
    task = inspections.create_task(actor=clerk, business=shops[1], kind="ad_hoc", due_on=timezone.localdate(),
                                   inspectors=[inspector, inspector2])
    visit = inspections.start_visit(actor=inspector, task=task)
    inspections.answer_checklist(visit, actor=inspector, answers={"label_complete": ("no", "标签无检疫证明编号")})
    inspections.close_visit(visit, actor=inspector, outcome="rectification", rectification_days=10,
                            ack_refused=True, ack_note="负责人不在，店员拒签")
    return RectificationOrder.objects.get(visit=visit)


def follow_up_data(complaint, **extra):
    return {"complaint_id": complaint.pk, "found": "现场查验同批次种子，标签发芽率85%，与投诉相符", "outcome": "substantiated",
            **extra}


# --- the download ------------------------------------------------------------------------------------

def test_the_download_has_the_open_complaint_and_the_order_to_follow_up(phone, complaint_task, order):
    # The follow-up is planned for the day after the deadline (10 days on).
    tasks = {t["kind"]: t for t in phone.get("/tasks", {"days": 30}).json()["tasks"]}
    complaint = tasks["complaint"]["complaint"]
    assert complaint["id"] == complaint_task.complaint_id and "发芽率低" in complaint["description"]
    assert "赵农户" not in str(complaint) and "13900000000" not in str(complaint)  # personal data stays home
    follow_up = tasks["follow_up"]
    assert follow_up["rectification_id"] == order.pk
    assert [o["id"] for o in follow_up["rectification_orders"]] == [order.pk]
    assert follow_up["rectification_orders"][0]["items"] == ["标签无检疫证明编号"]


def test_a_closed_complaint_leaves_the_download(phone, clerk, complaint_task):
    inspections.close_complaint(complaint_task.complaint, actor=clerk, outcome="已处理", told_how="电话告知")
    task = phone.get("/tasks").json()["tasks"][0]
    assert task["complaint"] is None


# --- complaint follow-ups -------------------------------------------------------------------------

def test_a_follow_up_with_photos_is_stored_once_whatever_is_resent(phone, complaint_task, inspector):
    complaint = complaint_task.complaint
    early, late = new_id(), new_id()
    follow_up = obj("complaint_follow_up", follow_up_data(complaint, photos=[early, late]))
    # One photo goes up before the follow-up syncs, the other after.
    assert phone.upload("/files", {"file": SimpleUploadedFile("a.jpg", jpeg_bytes()), "object_uuid": follow_up["uuid"],
                                   "file_uuid": early}).status_code == 201
    first = sync(phone, follow_up)[0]
    assert first["status"] == "created" and first["missing_files"] == [late]
    uploaded = phone.upload("/files", {"file": SimpleUploadedFile("b.jpg", jpeg_bytes(color=(0, 90, 0))),
                                       "object_uuid": follow_up["uuid"], "file_uuid": late})
    assert uploaded.status_code == 201 and uploaded.json()["attached"] is True
    for _ in range(2):
        again = sync(phone, follow_up)[0]
        assert again["status"] == "already_had" and again["server_id"] == first["server_id"]
    stored = ComplaintFollowUp.objects.get()
    assert (stored.complaint, stored.outcome, stored.recorded_by) == (complaint, "substantiated", inspector)
    assert stored.photos.count() == 2 and Photo.objects.filter(complaint=complaint).count() == 2
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.OPEN  # the station closes it and tells the complainant


def test_a_follow_up_names_the_visit_it_was_made_in(phone, complaint_task):
    visit = visit_object(complaint_task)
    follow_up = obj("complaint_follow_up", follow_up_data(complaint_task.complaint, visit_uuid=visit["uuid"],
                                                          outcome="partly"))
    # Sent before its visit: retried, not refused.
    assert sync(phone, follow_up)[0]["status"] == "in_progress"
    assert [r["status"] for r in sync(phone, visit, follow_up)] == ["created", "created"]
    assert ComplaintFollowUp.objects.get().visit == Visit.objects.get(client_uuid=visit["uuid"])


@pytest.mark.parametrize("data, code", [
    ({"found": "   "}, "required"),
    ({"visit_uuid": None, "outcome": "maybe"}, None),
])
def test_a_bad_follow_up_is_refused_with_its_reason(phone, complaint_task, data, code):
    response = phone.post("/sync", {"objects": [obj("complaint_follow_up",
                                                    {**follow_up_data(complaint_task.complaint), **data})]})
    if code is None:  # the schema refuses it: the field is named
        assert response.status_code == 422 and "outcome" in str(response.json()["fields"])
    else:
        result = response.json()["results"][0]
        assert result["status"] == "rejected" and result["code"] == code and "found" in result["fields"]
    assert not ComplaintFollowUp.objects.exists()


def test_an_inspector_taken_off_the_complaint_task_is_refused(complaint_task, clerk, inspector, inspector2, inspector3):
    inspections.reassign_task(complaint_task, actor=clerk, inspectors=[inspector2, inspector3], reason="回避")
    result = sync(Phone(login(inspector)), obj("complaint_follow_up", follow_up_data(complaint_task.complaint)))[0]
    assert result["status"] == "rejected" and result["code"] == "complaint_not_assigned"
    assert "改派" in result["message"]
    assert not ComplaintFollowUp.objects.exists()


def test_a_complaint_closed_meanwhile_is_a_conflict_with_its_state(phone, clerk, complaint_task):
    inspections.close_complaint(complaint_task.complaint, actor=clerk, outcome="已处理", told_how="电话告知")
    result = sync(phone, obj("complaint_follow_up", follow_up_data(complaint_task.complaint)))[0]
    assert result["status"] == "conflict" and result["code"] == "complaint_closed"
    assert result["server_state"]["complaint_status"] == "closed"


def test_another_countys_inspector_cannot_reach_the_complaint(complaint_task, outside_inspector):
    result = sync(Phone(login(outside_inspector)), obj("complaint_follow_up", follow_up_data(complaint_task.complaint)))
    assert result[0]["status"] == "rejected" and result[0]["code"] == "not_found"


# --- rectification conclusions -----------------------------------------------------------------

def test_concluding_an_order_closes_it_and_its_follow_up_task_once(phone, order, inspector):
    conclusion = obj("rectification_review", {"order_id": order.pk, "rectified": True, "note": "标签已补正"})
    first = sync(phone, conclusion)[0]
    assert first["status"] == "created" and first["server_id"] == order.pk
    assert sync(phone, conclusion)[0]["status"] == "already_had"
    order.refresh_from_db()
    assert (order.status, order.concluded_by, order.conclusion_note) == ("rectified", inspector, "标签已补正")
    assert Task.objects.get(rectification=order).status == Task.Status.DONE


def test_not_rectified_needs_what_the_re_inspection_found(phone, order):
    result = sync(phone, obj("rectification_review", {"order_id": order.pk, "rectified": False, "note": " "}))[0]
    assert result["status"] == "rejected" and result["code"] == "conclusion_note_required"
    assert "note" in result["fields"]
    order.refresh_from_db()
    assert order.status == "open"


def test_the_colleagues_later_conclusion_is_a_conflict_with_the_servers(phone, order, inspector2):
    sync(phone, obj("rectification_review", {"order_id": order.pk, "rectified": False, "note": "仍未补正标签"}))
    result = sync(Phone(login(inspector2)), obj("rectification_review", {"order_id": order.pk, "rectified": True}))[0]
    assert result["status"] == "conflict" and result["code"] == "rectification_closed"
    assert result["server_state"]["status"] == "not_rectified"
    assert result["server_state"]["conclusion_note"] == "仍未补正标签"


def test_a_conclusion_from_the_re_inspection_visit_keeps_the_visit(phone, order):
    follow_up_task = Task.objects.get(rectification=order)
    visit = visit_object(follow_up_task)
    conclusion = obj("rectification_review", {"order_id": order.pk, "rectified": True, "note": "已整改",
                                                  "visit_uuid": visit["uuid"]})
    assert [r["status"] for r in sync(phone, visit, conclusion)] == ["created", "created"]
    order.refresh_from_db()
    assert order.review_visit == Visit.objects.get(client_uuid=visit["uuid"])


def test_an_inspector_taken_off_the_follow_up_cannot_conclude(order, clerk, inspector, inspector2, inspector3):
    inspections.reassign_task(Task.objects.get(rectification=order), actor=clerk, inspectors=[inspector2, inspector3],
                              reason="人员调整")
    result = sync(Phone(login(inspector)), obj("rectification_review", {"order_id": order.pk, "rectified": True}))[0]
    assert result["status"] == "conflict" and result["code"] == "task_reassigned"
    order.refresh_from_db()
    assert order.status == "open"


# --- the pair: reassignment and joining ---------------------------------------------------------------

def test_start_visit_itself_refuses_an_inspector_taken_off_the_task(clerk, shops, directory, inspector, inspector2,
                                                                  inspector3):
    from seedreg.errors import Conflict

    task = inspections.create_task(actor=clerk, business=shops[0], kind="ad_hoc", due_on=timezone.localdate(),
                                   inspectors=[inspector, inspector2])
    inspections.reassign_task(task, actor=clerk, inspectors=[inspector2, inspector3], reason="回避")
    with pytest.raises(Conflict) as exc:
        inspections.start_visit(actor=inspector, task=task)
    assert exc.value.code == "task_reassigned"


@pytest.fixture
def pair_task(clerk, shops, directory, inspector, inspector2):
    return inspections.create_task(actor=clerk, business=shops[2], kind="ad_hoc", due_on=timezone.localdate(),
                                   inspectors=[inspector, inspector2])


def checkout(first, *, minutes=30):
    data = {**first["data"], "checkout": {
        "checked_out_at": (timezone.now() + datetime.timedelta(minutes=minutes)).isoformat(), "position": HERE,
        "outcome": "compliant", "ack_refused": True, "ack_note": "负责人外出"}}
    return {**first, "revision": new_id(), "base_revision": first["revision"], "data": data}


def ad_hoc_visit(business):
    return obj("visit", {"business_id": business.pk, "checked_in_at": timezone.now().isoformat(), "checkin": HERE})


def test_the_partner_joins_from_their_own_phone_and_the_pair_can_check_out(shops, directory, inspector, inspector2):
    mine, theirs = Phone(login(inspector)), Phone(login(inspector2, device_id="phone-2"))
    alone = ad_hoc_visit(shops[2])  # an ad-hoc visit starts with whoever checked in
    join = obj("visit_join", {"business_id": shops[2].pk, "joined_at": timezone.now().isoformat()})
    # The partner's phone syncs first: the check-in is not there yet, so it waits (nothing stored).
    assert sync(theirs, join)[0]["status"] == "in_progress"
    assert sync(mine, alone)[0]["status"] == "created"
    refused = sync(mine, checkout(alone))[0]
    assert refused["status"] == "rejected" and refused["code"] == "two_inspectors_required"
    joined = sync(theirs, join)[0]
    assert joined["status"] == "created"
    assert sync(theirs, join)[0]["status"] == "already_had"
    visit = Visit.objects.get()
    assert set(visit.inspectors.all()) == {inspector, inspector2} and joined["server_id"] == visit.pk
    assert sync(mine, checkout(alone, minutes=40))[0]["status"] == "applied"
    visit.refresh_from_db()
    assert visit.status == "closed"


def test_a_task_visit_starts_with_the_pair_and_joining_it_confirms_a_member(pair_task, phone, inspector, inspector2):
    sync(phone, visit_object(pair_task))
    joined = sync(Phone(login(inspector2)), obj("visit_join", {"task_id": pair_task.pk}))[0]
    assert joined["status"] == "created"
    assert set(Visit.objects.get().inspectors.all()) == {inspector, inspector2}


def test_a_partner_named_in_a_later_revision_joins(shops, directory, phone, inspector2):
    alone = ad_hoc_visit(shops[3])
    sync(phone, alone)
    assert Visit.objects.get().inspectors.count() == 1
    later = {**alone, "revision": new_id(), "base_revision": alone["revision"],
             "data": {**alone["data"], "partner_ids": [inspector2.pk]}}
    assert sync(phone, later)[0]["status"] == "applied"
    assert inspector2 in Visit.objects.get().inspectors.all()


def test_an_inspector_not_on_the_task_cannot_join_its_visit(pair_task, phone, inspector3):
    sync(phone, visit_object(pair_task))
    result = sync(Phone(login(inspector3)), obj("visit_join", {"task_id": pair_task.pk}))[0]
    assert result["status"] == "conflict" and result["code"] == "task_reassigned"
    assert {p["name"] for p in result["server_state"]["inspectors"]} == {"张执法", "刘执法"}


def test_a_join_names_a_task_or_a_visit(phone):
    response = phone.post("/sync", {"objects": [obj("visit_join", {})]})
    assert response.status_code == 422


def test_every_object_type_fits_the_columns_that_store_it():
    # A type name longer than the column is a 500 on PostgreSQL (SQLite does not check).
    from mobile_api.models import SyncedObject, SyncRevision
    from mobile_api.sync import HANDLERS

    longest = max(len(name) for name in HANDLERS)
    assert longest <= SyncedObject._meta.get_field("object_type").max_length
    assert longest <= SyncRevision._meta.get_field("object_type").max_length


def test_the_station_sees_the_follow_up_on_the_complaint_page(client, clerk, phone, complaint_task):
    from tests.factories import PASSWORD

    sync(phone, obj("complaint_follow_up", follow_up_data(complaint_task.complaint)))
    assert client.login(username=clerk.username, password=PASSWORD)
    page = client.get(f"/inspections/complaints/{complaint_task.complaint_id}/").content.decode()
    assert "投诉属实" in page and "与投诉相符" in page
