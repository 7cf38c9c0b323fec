"""The permission matrix of the mobile API: every operation, every persona that must be refused.

One row per operationId (a test fails when the OpenAPI schema has an operation without a row).
Refused everywhere: a lab user's and a dealer's token (such tokens cannot be issued; these are
written directly, as if a role changed after issue), a revoked token, an expired token, no
token. The other county's inspector holds a valid token: object operations on our county's
records answer 404, lists answer only their own county (none of our markers in the body)."""

import datetime
import uuid
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from inspections import services as inspections
from mobile_api.api import api
from tests.licensing.conftest import make_business
from tests.mobile_api.conftest import Phone, login, raw_token_for
from tests.mobile_api.test_scan import qr_photo

SEED_BAG = "郑单958\n某种业公司\n0001170315123456789\nwww.zzsc.cn/q/1"
REFUSED = ["lab", "dealer", "revoked", "expired", "none"]


@dataclass
class Op:
    call: Any  # (phone, world) -> response
    outsider: int  # what the other county's inspector gets
    hidden: tuple = ()  # our county's texts (or world -> text) that must not appear in the outsider's answer
    public: dict = field(default_factory=dict)  # persona -> status, for operations without a token
    outsider_check: Any = None  # (response) -> bool, for answers that refuse per object inside a 200


@dataclass
class World:
    inspector: Any
    inspector_token_id: int
    shop: Any
    extra: dict


OPS: dict[str, Op] = {
    "auth_token_create": Op(
        lambda p, w: p.post("/auth/token", {"username": w.extra["login_as"].username,
                                             "password": "correct-horse-battery-staple", "device_id": "d"}),
        outsider=201, public={"lab": 403, "dealer": 403}),
    "auth_token_list": Op(lambda p, w: p.get("/auth/tokens", {"county": "true"}), 200, hidden=("jianping-phone",)),
    "auth_token_revoke": Op(lambda p, w: p.post(f"/auth/tokens/{w.inspector_token_id}/revoke", {}), 404),
    "me_profile": Op(lambda p, w: p.get("/me"), 200, hidden=("张执法", "刘执法")),
    "businesses_nearby": Op(lambda p, w: p.get("/businesses/nearby", {"lat": 41.403, "lng": 119.643}), 200,
                            hidden=("建平县丰收种子门市部",)),
    "business_detail": Op(lambda p, w: p.get(f"/businesses/{w.shop.pk}"), 404),
    "varieties_list": Op(lambda p, w: p.get("/varieties"), 200),
    "scan_seed_bag_text": Op(lambda p, w: p.post("/scans/seed-bag", {"text": SEED_BAG, "business_id": w.shop.pk}), 404),
    "scan_seed_bag_photo": Op(lambda p, w: p.upload("/scans/seed-bag/photo", {
        "photo": SimpleUploadedFile("bag.png", qr_photo(SEED_BAG, fmt="PNG")), "business_id": str(w.shop.pk)}), 404),
    "tasks_download": Op(lambda p, w: p.get("/tasks"), 200, hidden=("建平县丰收种子门市部",)),
    "sync_batch": Op(lambda p, w: p.post("/sync", {"objects": [{
        "type": "visit", "uuid": str(uuid.uuid4()), "revision": str(uuid.uuid4()),
        "data": {"task_id": w.extra["task"].pk, "checked_in_at": "2026-04-01T09:00:00+08:00"}}]}), 200,
        outsider_check=lambda r: r.json()["results"][0]["status"] == "rejected"
        and r.json()["results"][0]["code"] == "not_found"),
    "file_upload": Op(lambda p, w: p.upload("/files", {
        "file": SimpleUploadedFile("a.png", qr_photo("x", fmt="PNG")), "object_uuid": w.extra["visit_uuid"],
        "file_uuid": str(uuid.uuid4())}), 404),
    "changes_since": Op(lambda p, w: p.get("/changes"), 200,
                        hidden=(lambda w: f'"kind":"business","id":"{w.shop.pk}"',)),
}


def operation_ids():
    schema = api.get_openapi_schema()
    return sorted(op["operationId"] for item in schema["paths"].values() for op in item.values())


def test_every_operation_has_a_row_in_the_matrix():
    assert set(operation_ids()) == set(OPS), "add a row to OPS for each new operation"


@pytest.fixture
def world(inspector, inspector2, lab_tech, dealer, outside_inspector, clerk, chief):
    shop = make_business(clerk, latitude=41.403, longitude=119.643)
    for person in (inspector, inspector2):
        inspections.save_inspector_profile(person, actor=chief)
    task = inspections.create_task(actor=clerk, business=shop, kind="ad_hoc", due_on=datetime.date.today(),
                                   inspectors=[inspector, inspector2])
    token = login(inspector, device_id="jianping-phone")
    visit_uuid = str(uuid.uuid4())
    synced = Phone(token).post("/sync", {"objects": [{
        "type": "visit", "uuid": visit_uuid, "revision": str(uuid.uuid4()),
        "data": {"task_id": task.pk, "checked_in_at": "2026-04-01T09:00:00+08:00"}}]})
    assert synced.json()["results"][0]["status"] == "created"
    from mobile_api.models import DeviceToken

    return World(inspector=inspector, inspector_token_id=DeviceToken.objects.get(device_id="jianping-phone").pk,
                 shop=shop, extra={"token": token, "lab": lab_tech, "dealer": dealer,
                                   "outsider": outside_inspector, "login_as": inspector,
                                   "task": task, "visit_uuid": visit_uuid})


def phone_for(persona, world):
    if persona == "none":
        return Phone()
    if persona == "lab":
        return Phone(raw_token_for(world.extra["lab"]))
    if persona == "dealer":
        return Phone(raw_token_for(world.extra["dealer"]))
    if persona == "revoked":
        return Phone(raw_token_for(world.inspector, revoked=True))
    if persona == "expired":
        return Phone(raw_token_for(world.inspector, expires_in=datetime.timedelta(seconds=-1)))
    raise AssertionError(persona)


def refused_cases():
    """(operation, persona) for every persona an operation must refuse: a login operation takes
    no token, so only the personas that may not log in (``public``) apply to it."""
    return [(operation_id, persona) for operation_id in sorted(OPS) for persona in REFUSED
            if not OPS[operation_id].public or persona in OPS[operation_id].public]


@pytest.mark.parametrize(("operation_id", "persona"), refused_cases())
def test_refused_personas_get_nothing(world, operation_id, persona):
    op = OPS[operation_id]
    if op.public:
        world.extra["login_as"] = world.extra[persona]
        expected = op.public[persona]
    else:
        expected = 401
    response = op.call(phone_for(persona, world), world)
    assert response.status_code == expected, response.content
    body = response.json()
    assert set(body) == {"code", "message", "fields"}
    if not op.public:
        assert body["code"] == "unauthorized"


@pytest.mark.parametrize("operation_id", sorted(OPS))
def test_the_other_countys_inspector_sees_nothing_of_ours(world, operation_id):
    op = OPS[operation_id]
    outsider_phone = Phone(login(world.extra["outsider"], device_id="chaoyang-phone"))
    if op.public:
        world.extra["login_as"] = world.extra["outsider"]
    response = op.call(outsider_phone, world)
    assert response.status_code == op.outsider, response.content
    text = response.content.decode()
    for marker in op.hidden:
        marker = marker(world) if callable(marker) else marker
        assert marker not in text
    if op.outsider == 404:
        assert response.json()["code"] == "not_found"
    if op.outsider_check is not None:
        assert op.outsider_check(response), response.content


@pytest.mark.parametrize("operation_id", sorted(OPS))
def test_our_inspector_may_use_every_operation(world, operation_id):
    op = OPS[operation_id]
    response = op.call(Phone(world.extra["token"]), world)
    assert response.status_code < 300, response.content
    text = response.content.decode()
    for marker in op.hidden:  # what the outsider must not see is really there for us
        assert (marker(world) if callable(marker) else marker) in text
