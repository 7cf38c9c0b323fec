"""Inspection tasks: one per subject, with a due date and an inspector pair."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from seedreg.regulated import RegulatedModel

from ._base import InspectionQuerySet
from .draws import Draw
from .people import Complaint
from .plans import Campaign


class Task(RegulatedModel):
    class Kind(models.TextChoices):
        DRAWN = "drawn", _("双随机抽取")
        COMPLAINT = "complaint", _("投诉举报")
        FOLLOW_UP = "follow_up", _("整改复查")
        FIRST_BATCH = "first_batch", _("首次抽检")
        AD_HOC = "ad_hoc", _("临时检查")

    class Status(models.TextChoices):
        OPEN = "open", _("待检查")
        DONE = "done", _("已完成")
        CANCELLED = "cancelled", _("已取消")

    region_code = models.CharField(_("所属区划"), max_length=12, db_index=True)
    kind = models.CharField(_("任务来源"), max_length=12, choices=Kind.choices)
    campaign = models.ForeignKey(Campaign, models.PROTECT, null=True, blank=True, related_name="tasks",
                                 verbose_name=_("专项检查"))
    draw = models.ForeignKey(Draw, models.PROTECT, null=True, blank=True, related_name="tasks",
                             verbose_name=_("抽取"))
    business = models.ForeignKey("licensing.Business", models.PROTECT, related_name="+", verbose_name=_("检查对象"))
    complaint = models.ForeignKey(Complaint, models.PROTECT, null=True, blank=True, related_name="tasks",
                                  verbose_name=_("投诉举报"))
    rectification = models.ForeignKey("inspections.RectificationOrder", models.PROTECT, null=True, blank=True,
                                      related_name="follow_up_tasks", verbose_name=_("整改通知"))
    # Crops that may not be sampled here (sampled by this level within the last 6 months).
    blocked_crops = models.JSONField(_("不得抽样的作物"), default=list, blank=True)
    reasons = models.JSONField(_("列入理由"), default=list, blank=True)
    due_on = models.DateField(_("完成期限"), db_index=True)
    planned_on = models.DateField(_("计划检查日"), null=True, blank=True, db_index=True)
    inspectors = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="inspection_tasks",
                                        verbose_name=_("执法人员"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    objects = InspectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("检查任务")
        verbose_name_plural = _("检查任务")
        ordering = ["due_on", "id"]

    def __str__(self):
        return f"{self.get_kind_display()}：{self.business}（{self.due_on:%Y-%m-%d}前）"

    @property
    def reason_labels(self) -> list[str]:
        """The reasons as people read them (a drawn task keeps the draw's rule codes)."""
        from ..drawing import reason_label

        return [reason_label(r) for r in self.reasons]

    def is_overdue(self, today=None):
        return self.status == self.Status.OPEN and self.due_on < (today or timezone.localdate())
