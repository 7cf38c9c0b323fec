import datetime

import pytest
from django.test import Client
from django.utils import timezone

from mobile_api.models import DeviceToken, hash_token
from seedreg.accounts.roles import Role
from seedreg.regulated import service_context
from tests.factories import JIANPING, PASSWORD, make_user
from tests.inspections.conftest import directory, inspector3, shops  # noqa: F401  (fixtures)
from tests.licensing.conftest import (  # noqa: F401  (fixtures)
    crops,
    far_shop,
    licensed,
    lot,
    seed_producer,
    shop,
    shop_dealer,
    varieties,
)

API = "/api/mobile/v1"


class Phone:
    """A phone talking to the API through Django's full stack (middleware included)."""

    def __init__(self, token=None):
        self.client = Client()
        self.token = token

    def _headers(self, headers):
        out = dict(headers or {})
        if self.token:
            out["Authorization"] = f"Bearer {self.token}"
        return out

    def get(self, path, params=None, headers=None):
        return self.client.get(API + path, params or {}, headers=self._headers(headers))

    def post(self, path, json=None, headers=None):
        return self.client.post(API + path, json if json is not None else {}, content_type="application/json",
                                headers=self._headers(headers))

    def upload(self, path, files, data=None, headers=None):
        return self.client.post(API + path, {**(data or {}), **files}, headers=self._headers(headers))


def login(user, device_id="phone-1", **extra):
    response = Phone().post("/auth/token", {"username": user.username, "password": PASSWORD, "device_id": device_id,
                                            "device_name": "测试手机", **extra})
    assert response.status_code == 201, response.content
    return response.json()["token"]


def raw_token_for(user, *, expires_in=datetime.timedelta(days=1), revoked=False, raw=None):
    """A token row written directly (as a factory): for users the service would refuse."""
    raw = raw or f"test-{user.pk}-{expires_in.total_seconds()}-{revoked}"
    now = timezone.now()
    with service_context():
        DeviceToken.objects.create(user=user, token_hash=hash_token(raw), prefix=raw[:8], device_id="x",
                                   expires_at=now + expires_in, revoked_at=now if revoked else None)
    return raw


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Every test logs phones in: PBKDF2's deliberate slowness would dominate the run.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def phone(inspector):
    return Phone(login(inspector))


@pytest.fixture
def dealer(geo):
    return make_user(Role.DEALER, JIANPING, full_name="门市经营者", username="13904210000")
