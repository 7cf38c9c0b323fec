"""Device tokens, lockout, throttling and the one error shape."""

import pytest

from mobile_api.api import api
from mobile_api.models import DeviceToken, hash_token
from seedreg.audit.models import AuditEntry
from tests.factories import PASSWORD
from tests.mobile_api.conftest import Phone, login


def test_a_token_is_shown_once_and_only_its_hash_is_stored(inspector):
    token = login(inspector, device_id="android-abc", app_version="1.2.0")
    row = DeviceToken.objects.get(user=inspector)
    assert row.token_hash == hash_token(token) and token not in row.token_hash
    assert row.device_id == "android-abc" and row.app_version == "1.2.0"
    assert AuditEntry.objects.filter(action="mobile_api.token.issued", object_id=str(row.pk)).exists()
    assert Phone(token).get("/me").json()["enforcement_id"] == "辽农执211322911"


def test_logging_in_again_from_the_same_phone_retires_its_old_token(inspector):
    first = login(inspector, device_id="same-phone")
    second = login(inspector, device_id="same-phone")
    assert Phone(first).get("/me").status_code == 401
    assert Phone(second).get("/me").status_code == 200


@pytest.mark.parametrize("who", ["lab_tech", "dealer", "clerk"])
def test_only_inspector_capable_users_get_a_token(request, who):
    user = request.getfixturevalue(who)  # the clerk has no enforcement ID
    response = Phone().post("/auth/token", {"username": user.username, "password": PASSWORD, "device_id": "d"})
    assert response.status_code == 403
    assert response.json()["code"] == "role_not_allowed"
    assert not DeviceToken.objects.exists()


def test_a_wrong_password_is_401_in_the_api_shape(inspector):
    response = Phone().post("/auth/token", {"username": inspector.username, "password": "nope", "device_id": "d"})
    assert response.status_code == 401
    assert response.json() == {"code": "invalid_credentials", "message": "用户名或密码错误。", "fields": {}}


def test_repeated_failures_lock_the_username_at_this_address(settings, inspector):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    phone = Phone()
    for _ in range(3):
        phone.post("/auth/token", {"username": inspector.username, "password": "wrong", "device_id": "d"})
    response = phone.post("/auth/token", {"username": inspector.username, "password": PASSWORD, "device_id": "d"})
    assert response.status_code == 429
    assert response.json()["code"] == "locked_out"
    assert not DeviceToken.objects.exists()
    # Another address is not locked out for this username (lockout is username + IP).
    other = Phone()
    other.client.defaults["REMOTE_ADDR"] = "10.0.0.9"
    response = other.post("/auth/token", {"username": inspector.username, "password": PASSWORD, "device_id": "d"})
    assert response.status_code == 201


def test_the_api_is_throttled_per_user_across_phones(settings, inspector, inspector2):
    settings.MOBILE_API_USER_RATE = "3/m"
    phone_a, phone_b = Phone(login(inspector, device_id="a")), Phone(login(inspector, device_id="b"))
    assert [phone_a.get("/me").status_code, phone_b.get("/me").status_code, phone_a.get("/me").status_code] == [200] * 3
    refused = phone_b.get("/me")
    assert refused.status_code == 429
    assert refused.json()["code"] == "throttled" and refused.json()["message"]
    assert int(refused["Retry-After"]) >= 0
    # Another inspector has their own budget.
    assert Phone(login(inspector2)).get("/me").status_code == 200


def test_the_holder_revokes_a_lost_phone_and_it_is_cut_off_at_once(inspector):
    lost, kept = login(inspector, device_id="lost"), Phone(login(inspector, device_id="kept"))
    lost_id = DeviceToken.objects.get(device_id="lost").pk
    response = kept.post(f"/auth/tokens/{lost_id}/revoke", {"reason": "手机丢失"})
    assert response.status_code == 200 and response.json()["status"] == "已吊销"
    assert Phone(lost).get("/me").status_code == 401
    assert AuditEntry.objects.filter(action="mobile_api.token.revoked", object_id=str(lost_id)).exists()


def test_the_chief_lists_and_revokes_the_countys_phones_in_the_api_and_on_the_web(client, chief, inspector,
                                                                                   outside_inspector):
    token = login(inspector, device_id="inspector-phone")
    login(outside_inspector, device_id="other-county-phone")
    chief_phone = Phone(login(chief, device_id="chief-phone"))
    listed = {t["device_id"] for t in chief_phone.get("/auth/tokens", {"county": "true"}).json()}
    assert listed == {"inspector-phone", "chief-phone"}
    # The inspector asking for the county list sees only their own phones.
    assert {t["device_id"] for t in Phone(token).get("/auth/tokens", {"county": "true"}).json()} == {"inspector-phone"}

    client.force_login(chief)
    page = client.get("/mobile/tokens/")
    assert "inspector-phone" in page.content.decode() and "other-county-phone" not in page.content.decode()
    row = DeviceToken.objects.get(device_id="inspector-phone")
    client.post(f"/mobile/tokens/{row.pk}/revoke/", {"reason": "人员调离"})
    assert Phone(token).get("/me").status_code == 401
    other = DeviceToken.objects.get(device_id="other-county-phone")
    assert client.post(f"/mobile/tokens/{other.pk}/revoke/").status_code == 404


def test_a_token_stops_working_when_the_person_loses_the_enforcement_id(inspector):
    phone = Phone(login(inspector))
    type(inspector).objects.filter(pk=inspector.pk).update(enforcement_id=None)
    assert phone.get("/me").status_code == 401


@pytest.mark.parametrize("payload, field", [
    ({"username": "a\x00b", "password": "x", "device_id": "d"}, "username"),
    ({"username": "a" * 151, "password": "x", "device_id": "d"}, "username"),
    ({"username": "a", "password": "x", "device_id": "d" * 65}, "device_id"),
    ({"username": "a", "password": "x"}, "device_id"),
])
def test_nul_bytes_and_overlong_values_are_422_naming_the_field(db, payload, field):
    response = Phone().post("/auth/token", payload)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_input" and field in body["fields"]


def test_malformed_json_and_unknown_paths_answer_in_the_api_shape(phone):
    response = phone.client.post("/api/mobile/v1/auth/token", "{not json", content_type="application/json")
    assert response.status_code in (400, 422) and set(response.json()) == {"code", "message", "fields"}
    response = phone.get("/no/such/thing")
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_every_operation_has_a_stable_id_a_chinese_summary_and_documented_errors(client, db):
    schema = client.get("/api/mobile/v1/openapi.json").json()
    ids = [op["operationId"] for item in schema["paths"].values() for op in item.values()]
    assert len(ids) == len(set(ids))
    for item in schema["paths"].values():
        for op in item.values():
            assert any("\u4e00" <= ch <= "\u9fff" for ch in op["summary"]), op["operationId"]
            assert {"401", "422", "429"} <= set(op["responses"]) or op["operationId"] == "auth_token_create"
    assert client.get("/api/mobile/v1/docs").status_code == 200  # development: open
    assert api.docs_decorator is None
