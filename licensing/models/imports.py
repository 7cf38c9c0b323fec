import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from seedreg.regions.scoping import JurisdictionQuerySet


def import_path(instance, filename):
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"imports/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{suffix}"


class ImportJob(models.Model):
    """A bulk import (directory or ledger) run by a Celery task: all rows or none."""

    class Kind(models.TextChoices):
        DIRECTORY = "directory", _("经营主体名录")
        LEDGER = "ledger", _("购销台账")

    class Status(models.TextChoices):
        PENDING = "pending", _("排队中")
        VALIDATING = "validating", _("校验中")
        APPLYING = "applying", _("写入中")
        SUCCEEDED = "succeeded", _("已导入")
        FAILED = "failed", _("有错误，未导入")

    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    region_code = models.CharField(_("区划"), max_length=12, db_index=True)
    business_id = models.BigIntegerField(null=True, blank=True)  # ledger imports: the dealer
    source_file = models.FileField(_("导入文件"), upload_to=import_path)
    original_name = models.CharField(_("文件名"), max_length=200)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.PENDING)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    applied_count = models.PositiveIntegerField(default=0)
    error_file = models.FileField(_("错误报告"), upload_to=import_path, blank=True)
    message = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = JurisdictionQuerySet.as_manager()

    class Meta:
        verbose_name = _("批量导入")
        verbose_name_plural = _("批量导入")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.original_name}"

    @property
    def progress_percent(self):
        if self.status == self.Status.SUCCEEDED:
            return 100
        if not self.total_rows:
            return 0
        return min(99, int(self.processed_rows * 100 / self.total_rows))

    @property
    def finished(self):
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)
