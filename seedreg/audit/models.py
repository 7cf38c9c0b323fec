"""The audit trail: one append-only row per state change made by a service.

Rows are never updated or deleted: the model refuses it, its queryset refuses it, and database
triggers (SQLite and PostgreSQL alike, see migration 0002) refuse it even to raw SQL."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from seedreg.regions.scoping import JurisdictionQuerySet


class AppendOnlyError(RuntimeError):
    pass


class AuditQuerySet(JurisdictionQuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("audit entries are append-only")

    def delete(self):
        raise AppendOnlyError("audit entries are append-only")

    def bulk_update(self, *args, **kwargs):
        raise AppendOnlyError("audit entries are append-only")

    def for_object(self, obj):
        ct = ContentType.objects.get_for_model(obj, for_concrete_model=False)
        return self.filter(object_type=ct, object_id=str(obj.pk))

    def timeline(self, obj):
        """Entries about ``obj`` and about everything that names it as its parent (e.g. a
        business: its licences, filings, ledger, visits), oldest first."""
        ct = ContentType.objects.get_for_model(obj, for_concrete_model=False)
        return self.filter(
            models.Q(object_type=ct, object_id=str(obj.pk)) | models.Q(parent_type=ct, parent_id=str(obj.pk))
        ).select_related("actor", "object_type").order_by("created_at", "id")


class AuditEntry(models.Model):
    created_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    action = models.CharField(_("操作"), max_length=100, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                              related_name="+", verbose_name=_("操作人"))
    actor_label = models.CharField(_("操作人名称"), max_length=100, blank=True)
    request_id = models.CharField(_("请求编号"), max_length=80, blank=True, db_index=True)
    object_type = models.ForeignKey(ContentType, models.PROTECT, related_name="+", verbose_name=_("对象类型"))
    object_id = models.CharField(_("对象编号"), max_length=64)
    object_label = models.CharField(_("对象"), max_length=200, blank=True)
    parent_type = models.ForeignKey(ContentType, models.PROTECT, null=True, blank=True, related_name="+")
    parent_id = models.CharField(max_length=64, blank=True)
    region_code = models.CharField(_("区划代码"), max_length=12, blank=True, db_index=True)
    before = models.JSONField(_("变更前"), null=True, blank=True)
    after = models.JSONField(_("变更后"), null=True, blank=True)
    reason = models.TextField(_("理由"), blank=True)
    data = models.JSONField(_("附加数据"), default=dict, blank=True)

    jurisdiction_roles = frozenset({"station_chief", "station_clerk"})
    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
            models.Index(fields=["parent_type", "parent_id"], name="audit_parent_idx"),
        ]

    def __str__(self):
        return f"{self.action} {self.object_label}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("audit entries are append-only")
        return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("audit entries are append-only")

    def changes(self):
        """Fields whose value differs between before and after: [(field, before, after)]."""
        before, after = self.before or {}, self.after or {}
        keys = sorted(set(before) | set(after))
        return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]
