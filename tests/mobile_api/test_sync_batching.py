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
# start_visit does (idempotency check, inspector profiles, conflicts of interest, the county's
# settings, the visit, its pair, its audit entry).
PER_CHECK_IN = 17


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
