"""Bearer device tokens and per-user throttling for the mobile API.

Only the ``Authorization: Bearer <token>`` header is read: no session cookie, so no CSRF and no
confusion with the web pages' login (STYLE.md, django-ninja notes)."""

from __future__ import annotations

import copy

from django.conf import settings
from django.utils import timezone
from ninja.security import HttpBearer
from ninja.throttling import SimpleRateThrottle

from seedreg.lib.lru import LRU
from seedreg.lib.roundtrip import count_and_read
from seedreg.sync.versions import bump_version, read_version

from .download_cache import cache_keys
from .models import DeviceToken, hash_token
from .services import touch_device_token

MAX_TOKEN_LENGTH = 100


# Tokens this process has looked up, by hash, with the token version read before the lookup.
# Any change to a token or a user bumps the version (mobile_api.apps), so a revoked token or a
# disabled account is refused on its next request by every process; expiry is checked on the
# kept row itself.
TOKEN_VERSION_KEY = "mobile_api:token-version"
_tokens = LRU(maxsize=5000)


def bump_token_version(**kwargs) -> None:
    bump_version(TOKEN_VERSION_KEY)


class DeviceTokenAuth(HttpBearer):
    openapi_description = "设备令牌：POST /auth/token 获取，请求头 Authorization: Bearer <令牌>"

    def authenticate(self, request, token):
        if not token or len(token) > MAX_TOKEN_LENGTH or "\x00" in token:
            return None
        digest = hash_token(token)
        row = self._known(request, digest)
        if row is None:
            version = read_version(TOKEN_VERSION_KEY)  # before the lookup: a change meanwhile bumps past it
            row = (DeviceToken.objects.select_related("user", "user__region")
                   .filter(token_hash=digest).first())
            if row is not None:
                _tokens.put(digest, (version, row))
        # Revoked, expired, or the person is no longer inspector-capable (role changed,
        # enforcement ID withdrawn, account disabled): the token stops working at once.
        if row is None or not row.is_active(timezone.now()) or not row.user.can_inspect:
            return None
        app_version = request.headers.get("X-App-Version", "")[:40]
        touch_device_token(row, app_version=app_version if "\x00" not in app_version else "")
        # The kept row is shared by this process's threads: each request gets its own copies.
        mine = copy.copy(row)
        mine.user = copy.copy(row.user)
        request.user = mine.user
        request.device_token = mine
        return mine

    @staticmethod
    def _known(request, digest):
        """The kept row for ``digest`` if its version is current, counting the user's request for
        the throttle in the same round trip to the shared cache (the user is known from the row)."""
        entry = _tokens.get(digest)
        if entry is None:
            return None
        version, row = entry
        reads = user_throttle.count(request, row.user, [TOKEN_VERSION_KEY])
        return row if reads.get(TOKEN_VERSION_KEY) == version else None


class _SettingsRateThrottle(SimpleRateThrottle):
    """Rate read from settings at each request (so a deployment or a test can change it)."""

    setting_name = ""

    def __init__(self):  # the rate is parsed per request, not at import
        self.rate = None

    def read_rate(self):
        self.rate = getattr(settings, self.setting_name)
        self.num_requests, self.duration = self.parse_rate(self.rate)

    def allow_request(self, request):
        self.read_rate()
        return super().allow_request(request)


class PerUserThrottle(_SettingsRateThrottle):
    """All phones of one user share one budget, on the shared cache (every worker sees it).

    A fixed window counted in one round trip to the shared cache, which also reads the entries
    a cached download checks (``download_cache.cache_keys``) and leaves them on the request as
    ``mobile_cache_reads``: a repeated download then needs no other round trip."""

    scope = "mobile_user"
    setting_name = "MOBILE_API_USER_RATE"

    def count(self, request, user, keys=()) -> dict:
        """Count this request against ``user``'s budget and read ``keys`` and the cached
        download's entries (its versions: global and the user's county), in one round trip;
        the count is kept on the request for ``allow_request``. Returns {key: value}."""
        self.read_rate()
        keys = [*keys, *cache_keys(user)]
        counter = self.cache_format % {"scope": self.scope, "ident": user.pk}
        count, values = count_and_read(counter, self.duration or 60, keys)
        request.mobile_throttle_count = count
        request.mobile_cache_reads = dict(zip(keys, values, strict=True))
        return request.mobile_cache_reads

    def allow_request(self, request):
        self.read_rate()
        token = getattr(request, "auth", None)
        if self.rate is None or token is None:
            return True
        if getattr(request, "mobile_throttle_count", None) is None:  # not counted by the token lookup
            self.count(request, token.user)
        return request.mobile_throttle_count <= self.num_requests

    def wait(self):
        # The counter's window is at most ``duration`` seconds from now.
        return self.duration


user_throttle = PerUserThrottle()


class LoginThrottle(_SettingsRateThrottle):
    """The token endpoint per client address (axes locks a username after failures; this
    bounds password guessing across usernames)."""

    scope = "mobile_login"
    setting_name = "MOBILE_API_LOGIN_RATE"

    def get_cache_key(self, request):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
