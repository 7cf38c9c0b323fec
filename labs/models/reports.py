"""Verdicts and test reports (检验报告)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from seedreg.accounts.roles import LAB_ROLES, STATION_STAFF, Role
from seedreg.regions.scoping import JurisdictionQuerySet
from seedreg.regulated import RegulatedModel, RegulatedQuerySet

from .samples import LabSample


class Outcome(models.TextChoices):
    QUALIFIED = "qualified", _("合格")
    UNQUALIFIED = "unqualified", _("不合格（劣种子）")
    FAKE = "fake", _("假种子")


class LabReportQuerySet(JurisdictionQuerySet, RegulatedQuerySet):
    pass


class LabReport(RegulatedModel):
    """The verdict on a sample and the report that tells it. ``details`` is the judgement's own
    account: each index, its value, the limit used, its source and confirmation status."""

    sample = models.OneToOneField(LabSample, models.PROTECT, related_name="report", verbose_name=_("样品"))
    region_code = models.CharField(_("所属区划"), max_length=12, db_index=True)
    outcome = models.CharField(_("结论"), max_length=12, choices=Outcome.choices)
    details = models.JSONField(_("判定依据"), default=dict)
    results = models.JSONField(_("检验结果"), default=dict)
    judged_at = models.DateTimeField(_("判定时间"), default=timezone.now)
    judged_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                  verbose_name=_("判定人"))
    document = models.OneToOneField("documents.IssuedDocument", models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("检验报告"))

    quality_record = models.ForeignKey("licensing.LotQualityRecord", models.PROTECT, null=True, blank=True,
                                       related_name="+", verbose_name=_("种子批质量记录"))
    stop_sale_order = models.ForeignKey("licensing.StopSaleOrder", models.PROTECT, null=True, blank=True,
                                        related_name="+", verbose_name=_("停止销售通知（草稿）"))

    objects = LabReportQuerySet.as_manager()
    jurisdiction_roles = frozenset(LAB_ROLES | STATION_STAFF | {Role.SUPERVISOR})

    class Meta:
        verbose_name = _("检验结论")
        verbose_name_plural = _("检验结论")
        ordering = ["-judged_at"]

    def __str__(self):
        return f"{self.sample.code}：{self.get_outcome_display()}"
