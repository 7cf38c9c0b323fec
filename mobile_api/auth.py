"""Bearer device tokens and per-user throttling for the mobile API.

Only the ``Authorization: Bearer <token>`` header is read: no session cookie, so no CSRF and no
confusion with the web pages' login (STYLE.md, django-ninja notes)."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from ninja.security import HttpBearer
from ninja.throttling import SimpleRateThrottle

from .models import DeviceToken, hash_token
from .services import touch_device_token

MAX_TOKEN_LENGTH = 100


class DeviceTokenAuth(HttpBearer):
    openapi_description = "设备令牌：POST /auth/token 获取，请求头 Authorization: Bearer <令牌>"

    def authenticate(self, request, token):
        if not token or len(token) > MAX_TOKEN_LENGTH or "\x00" in token:
            return None
        row = (DeviceToken.objects.select_related("user", "user__region")
               .filter(token_hash=hash_token(token)).first())
        # Revoked, expired, or the person is no longer inspector-capable (role changed,
        # enforcement ID withdrawn, account disabled): the token stops working at once.
        if row is None or not row.is_active(timezone.now()) or not row.user.can_inspect:
            return None
        app_version = request.headers.get("X-App-Version", "")[:40]
        touch_device_token(row, app_version=app_version if "\x00" not in app_version else "")
        request.user = row.user
        request.device_token = row
        return row


class _SettingsRateThrottle(SimpleRateThrottle):
    """Rate read from settings at each request (so a deployment or a test can change it)."""

    setting_name = ""

    def __init__(self):  # the rate is parsed per request, not at import
        self.rate = None

    def allow_request(self, request):
        self.rate = getattr(settings, self.setting_name)
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)


class PerUserThrottle(_SettingsRateThrottle):
    """All phones of one user share one budget, on the shared cache (every worker sees it)."""

    scope = "mobile_user"
    setting_name = "MOBILE_API_USER_RATE"

    def get_cache_key(self, request):
        token = getattr(request, "auth", None)
        if token is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": token.user_id}


class LoginThrottle(_SettingsRateThrottle):
    """The token endpoint per client address (axes locks a username after failures; this
    bounds password guessing across usernames)."""

    scope = "mobile_login"
    setting_name = "MOBILE_API_LOGIN_RATE"

    def get_cache_key(self, request):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
