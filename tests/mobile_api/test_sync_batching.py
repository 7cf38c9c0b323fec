"""Batch sync costs: a resent batch is answered from one read of what the server has, and a
new one costs per object only what its services write (mobile_api.sync.apply_batch)."""

import uuid

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from inspections.models import Visit
from mobile_api.models import SyncRevision
from tests.mobile_api.test_sync import HERE

# Queries one new check-in costs on top of the batch's own: the claim shares one insert; the
# apply transaction (2), the head (1), the revision's answer (1) and what inspections'
# start_visit writes (its savepoint (2), the visit, its pair (2: which are there, the insert),
# its audit entry). Its reads (is the UUID stored, the pair's directory entries, declared
# conflicts of interest, the county's settings) are made once per batch (was 16 a check-in).
PER_CHECK_IN = 10


def check_ins(shops, partner, n):
    now = timezone.now().isoformat()
    return {"objects": [{"type": "visit", "uuid": str(uuid.uuid4()), "revision": str(uuid.uuid4()),
                         "data": {"business_id": shops[i % 3].pk, "partner_ids": [partner.pk], "checked_in_at": now,
                                  "checkin": HERE}} for i in range(n)]}


def count(phone, batch):
    with CaptureQueriesContext(connection) as ctx:
        body = phone.post("/sync", batch).json()
    return len(ctx), [r["status"] for r in body["results"]]


def test_a_new_batch_costs_only_what_each_object_writes_and_a_resend_a_constant(phone, shops, directory,
                                                                               inspector2):
    small, large = check_ins(shops, inspector2, 2), check_ins(shops, inspector2, 8)
    phone.post("/sync", check_ins(shops, inspector2, 1))  # first use: content types, serial blocks
    small_new, statuses = count(phone, small)
    assert statuses == ["created"] * 2
    large_new, statuses = count(phone, large)
    assert statuses == ["created"] * 8
    assert (large_new - small_new) / 6 <= PER_CHECK_IN
    small_again, statuses = count(phone, small)
    assert statuses == ["already_had"] * 2
    large_again, statuses = count(phone, large)
    assert statuses == ["already_had"] * 8
    assert small_again == large_again
    assert Visit.objects.count() == 11
    assert not SyncRevision.objects.filter(status=SyncRevision.Status.PROCESSING).exists()


def test_a_batch_mixing_new_resent_and_refused_objects_answers_each(phone, shops, directory, inspector2):
    batch = check_ins(shops, inspector2, 3)
    phone.post("/sync", {"objects": batch["objects"][:1]})
    batch["objects"][2]["data"]["business_id"] = 10**9  # no such business (or not visible): refused alone
    _queries, statuses = count(phone, batch)
    assert statuses == ["already_had", "created", "rejected"]
    assert Visit.objects.count() == 2
    assert not SyncRevision.objects.filter(status=SyncRevision.Status.PROCESSING).exists()


def test_what_a_batch_reads_once_still_refuses_a_conflict_and_finds_a_visit_already_stored(
        phone, shops, directory, chief, inspector, inspector2):
    from inspections import services as inspections

    inspections.declare_conflict(directory[inspector2.pk], actor=chief, business=shops[1], reason="亲属经营")
    batch = check_ins(shops, inspector2, 3)  # shops 0, 1, 2
    stored = inspections.start_visit(actor=inspector, inspectors=[inspector, inspector2], business=shops[2],
                                     client_uuid=uuid.UUID(batch["objects"][2]["uuid"]))  # entered on the web
    results = phone.post("/sync", batch).json()["results"]
    assert [r["status"] for r in results] == ["created", "rejected", "created"]
    assert results[1]["code"] == "inspector_conflict"
    assert results[2]["server_id"] == stored.pk
    assert Visit.objects.count() == 2
