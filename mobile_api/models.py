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


# --- offline sync ------------------------------------------------------------------------------
# These rows are the transport's memory, not regulatory records: which revision of which
# phone-made object the server has applied, and which files it holds. The regulatory rows
# (visits, findings, photos, sampling records) are written by the owning apps' services.


class SyncedObject(models.Model):
    """The server's current revision of one object a phone created offline."""

    uuid = models.UUIDField(_("对象编号"), unique=True)
    object_type = models.CharField(_("类型"), max_length=20)
    head_revision = models.UUIDField(_("当前修订"))
    server_id = models.BigIntegerField(_("服务器记录"), null=True, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("创建人"))
    region_code = models.CharField(_("区划"), max_length=12, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now)

    class Meta:
        verbose_name = _("同步对象")
        verbose_name_plural = _("同步对象")

    def __str__(self):
        return f"{self.object_type}:{self.uuid}"


class SyncRevision(models.Model):
    """One revision a phone sent. Its id is unique: a resend finds the stored answer; the same
    id with other content is a conflict. ``processing`` is committed before the work starts, so
    a concurrent resend sees it and is told to retry rather than waiting or doubling it."""

    class Status(models.TextChoices):
        PROCESSING = "processing", _("处理中")
        APPLIED = "applied", _("已应用")
        REJECTED = "rejected", _("已拒绝")
        CONFLICT = "conflict", _("冲突")

    revision = models.UUIDField(_("修订编号"), unique=True)
    object_uuid = models.UUIDField(_("对象编号"), db_index=True)
    object_type = models.CharField(_("类型"), max_length=20)
    base_revision = models.UUIDField(_("基于修订"), null=True, blank=True)
    content_hash = models.CharField(_("内容摘要"), max_length=64)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices)
    answer = models.JSONField(_("答复"), default=dict)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("发送人"))
    device_id = models.CharField(_("设备标识"), max_length=64, blank=True)
    app_version = models.CharField(_("应用版本"), max_length=40, blank=True)
    client_recorded_at = models.DateTimeField(_("手机记录时间"), null=True, blank=True)
    received_at = models.DateTimeField(_("接收时间"), default=timezone.now)
    claimed_at = models.DateTimeField(_("开始处理"), default=timezone.now)
    finished_at = models.DateTimeField(_("处理完成"), null=True, blank=True)

    class Meta:
        verbose_name = _("同步修订")
        verbose_name_plural = _("同步修订")
        ordering = ["received_at", "id"]

    def __str__(self):
        return f"{self.object_type}:{self.object_uuid}@{self.revision} {self.status}"


def upload_path(instance, filename):
    return f"mobile/uploads/{timezone.now():%Y/%m}/{instance.uuid.hex}"


class UploadedFile(models.Model):
    """A photo or signature a phone uploaded for one object (one file per request).

    Unique per object and content hash, so a re-upload is recognised whatever file id the
    phone gives it. The raw bytes wait here only until the object they belong to has synced;
    the owning app then stores its re-encoded copy and the raw file (EXIF included) is deleted.
    The capture time and position the phone reports are kept beside what EXIF said (phones that
    downscale before upload drop EXIF)."""

    class Kind(models.TextChoices):
        PHOTO = "photo", _("照片")
        SIGNATURE = "signature", _("签名")

    uuid = models.UUIDField(_("文件编号"), unique=True)
    object_uuid = models.UUIDField(_("所属对象"), db_index=True)
    kind = models.CharField(_("类别"), max_length=10, choices=Kind.choices)
    sha256 = models.CharField(_("内容摘要"), max_length=64)
    size = models.PositiveIntegerField(_("大小（字节）"))
    original_name = models.CharField(_("原文件名"), max_length=200, blank=True)
    content = models.FileField(_("待处理文件"), upload_to=upload_path, blank=True)
    captured_at = models.DateTimeField(_("拍摄时间（手机填报）"), null=True, blank=True)
    latitude = models.DecimalField(_("纬度（手机填报）"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("经度（手机填报）"), max_digits=9, decimal_places=6, null=True, blank=True)
    accuracy_m = models.PositiveIntegerField(_("定位精度（米，手机填报）"), null=True, blank=True)
    exif_taken_at = models.DateTimeField(_("拍摄时间（EXIF）"), null=True, blank=True)
    exif_latitude = models.DecimalField(_("纬度（EXIF）"), max_digits=9, decimal_places=6, null=True, blank=True)
    exif_longitude = models.DecimalField(_("经度（EXIF）"), max_digits=9, decimal_places=6, null=True, blank=True)
    attached_at = models.DateTimeField(_("已交付业务记录"), null=True, blank=True)
    server_id = models.BigIntegerField(_("业务记录"), null=True, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("上传人"))
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    class Meta:
        verbose_name = _("上传文件")
        verbose_name_plural = _("上传文件")
        constraints = [models.UniqueConstraint(fields=["object_uuid", "sha256"], name="upload_once_per_object")]

    def __str__(self):
        return f"{self.kind}:{self.uuid}"
