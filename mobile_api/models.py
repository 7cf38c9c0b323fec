"""Device tokens: what an inspector's phone presents on every request to the mobile API."""

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from seedreg.regions.scoping import JurisdictionQuerySet
from seedreg.regulated import RegulatedModel, RegulatedQuerySet


def hash_token(raw: str) -> str:
    """Only this digest is stored: a database dump does not hand out working tokens. SHA-256 is
    enough (no slow hash) because the token is 256 random bits, not a guessable password."""
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


class DeviceTokenQuerySet(JurisdictionQuerySet, RegulatedQuerySet):
    def active(self, now=None):
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True, expires_at__gt=now)


class DeviceToken(RegulatedModel):
    """An opaque bearer token bound to one user and one phone. Issued by ``issue_device_token``
    and cut off by ``revoke_device_token`` (by the inspector or the station chief)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="device_tokens",
                             verbose_name=_("用户"))
    token_hash = models.CharField(_("令牌摘要"), max_length=64, unique=True)
    # The first characters of the token, to tell tokens apart in lists (never enough to use one).
    prefix = models.CharField(_("令牌前缀"), max_length=8)
    device_id = models.CharField(_("设备标识"), max_length=64)
    device_name = models.CharField(_("设备名称"), max_length=100, blank=True)
    app_version = models.CharField(_("应用版本"), max_length=40, blank=True)
    created_at = models.DateTimeField(_("签发时间"), default=timezone.now)
    expires_at = models.DateTimeField(_("到期时间"))
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("吊销人"))
    revoke_reason = models.CharField(_("吊销原因"), max_length=200, blank=True)

    jurisdiction_path = "user__region__code"
    audit_exclude = ("last_used_at", "token_hash")
    objects = DeviceTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("设备令牌")
        verbose_name_plural = _("设备令牌")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "revoked_at"], name="device_token_user_idx")]

    def __str__(self):
        return f"{self.user} · {self.device_name or self.device_id} · {self.prefix}…"

    @property
    def region_code(self):
        return self.user.region_id or ""

    def is_active(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now

    @property
    def status_label(self) -> str:
        if self.revoked_at is not None:
            return str(_("已吊销"))
        if self.expires_at <= timezone.now():
            return str(_("已过期"))
        return str(_("有效"))
