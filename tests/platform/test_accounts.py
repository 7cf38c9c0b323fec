import pytest
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_the_login_page_is_in_chinese_by_default(client):
    body = client.get("/accounts/login/").content.decode()
    assert "登录" in body and "用户名或手机号" in body
    assert 'lang="zh-CN"' in body


def test_english_is_one_switch_away(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    body = client.get("/accounts/login/").content.decode()
    assert 'lang="en"' in body
    assert "Log in to SeedReg" in body and "Username or mobile number" in body and "登录" not in body


def test_a_user_logs_in_and_lands_on_their_home_page(client, clerk):
    response = client.post("/accounts/login/", {"username": clerk.username, "password": PASSWORD}, follow=True)
    assert response.status_code == 200
    assert response.wsgi_request.user == clerk
    assert clerk.full_name in response.content.decode()


def test_a_wrong_password_is_refused_with_a_chinese_message(client, clerk):
    response = client.post("/accounts/login/", {"username": clerk.username, "password": "wrong"})
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()
    assert not response.wsgi_request.user.is_authenticated


def test_repeated_failures_lock_the_username_from_that_address(client, clerk, settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        client.post("/accounts/login/", {"username": clerk.username, "password": "wrong"}, REMOTE_ADDR="10.0.0.1")
    locked = client.post("/accounts/login/", {"username": clerk.username, "password": PASSWORD}, REMOTE_ADDR="10.0.0.1")
    assert locked.status_code == 429
    assert "锁定" in locked.content.decode()
    # The same username from another address is not locked (lockout is per username + IP).
    other = client.post("/accounts/login/", {"username": clerk.username, "password": PASSWORD}, REMOTE_ADDR="10.0.0.2")
    assert other.status_code == 302


def test_pages_need_a_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_logout_is_a_post(client, clerk):
    client.force_login(clerk)
    assert client.get("/accounts/logout/").status_code == 405
    assert client.post("/accounts/logout/").status_code == 302


def test_personal_data_is_for_station_staff_of_the_recording_county_only(chief, clerk, inspector, supervisor, outsider,
                                                                         lab_tech):
    assert chief.can_see_personal_data("211322101")
    assert clerk.can_see_personal_data("211322")
    for user in (inspector, supervisor, outsider, lab_tech):
        assert not user.can_see_personal_data("211322101")
