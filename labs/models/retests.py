"""Re-test requests (复检/复验) and their outcome."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from seedreg.accounts.roles import LAB_ROLES, STATION_STAFF, Role
from seedreg.regions.scoping import JurisdictionQuerySet
from seedreg.regulated import RegulatedModel, RegulatedQuerySet

from .reports import LabReport, Outcome
from .samples import LabSample


class RetestQuerySet(JurisdictionQuerySet, RegulatedQuerySet):
    pass


class RetestRequest(RegulatedModel):
    """An objection to a first-test report: the business applies within the window counted from
    the report's service, or the station escalates. The backup sample goes, with a custody
    record, to the re-test lab (the original lab or the higher-level lab, per county); its
    result is final."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("已申请")
        DISPATCHED = "dispatched", _("备份样品已移交")
        TESTING = "testing", _("复检中")
        COMPLETED = "completed", _("已出复检结论")

    class Lab(models.TextChoices):
        ORIGINAL = "original", _("原检验机构")
        HIGHER = "higher", _("上级检验机构")

    class CaseOutcome(models.TextChoices):
        LIFTED = "lifted", _("复检合格：解除停止销售")
        UPHELD = "upheld", _("维持不合格：移送处罚")

    report = models.OneToOneField(LabReport, models.PROTECT, related_name="retest", verbose_name=_("初检报告"))
    region_code = models.CharField(_("所属区划"), max_length=12, db_index=True)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.REQUESTED)
    by_station = models.BooleanField(_("种子站提请"), default=False)
    reason = models.TextField(_("申请理由"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                     verbose_name=_("申请人/记录人"))
    requested_at = models.DateTimeField(_("记录时间"), default=timezone.now)
    received_on = models.DateField(_("申请收到日期"))
    served_on = models.DateField(_("报告送达日期"), null=True, blank=True)
    objection_due = models.DateField(_("异议期限"), null=True, blank=True)
    deadline_rule = models.CharField(_("期限依据"), max_length=200, blank=True)
    assigned_lab = models.CharField(_("复检机构"), max_length=10, choices=Lab.choices)
    dispatched_to = models.CharField(_("移交至"), max_length=100, blank=True)
    retest_sample = models.OneToOneField(LabSample, models.PROTECT, null=True, blank=True, related_name="retest_request",
                                         verbose_name=_("复检样品"))
    final_outcome = models.CharField(_("最终结论"), max_length=12, choices=Outcome.choices, blank=True)
    comparison = models.JSONField(_("两次结果比较"), default=dict, blank=True)
    results_differ = models.BooleanField(_("复检与初检结果不一致"), null=True, blank=True)
    original_lab_pays = models.BooleanField(_("原检验机构承担复检费用"), null=True, blank=True)
    case_outcome = models.CharField(_("案件处理"), max_length=10, choices=CaseOutcome.choices, blank=True)
    suggested_articles = models.CharField(_("建议适用条款"), max_length=200, blank=True)
    completed_at = models.DateTimeField(_("复检结论时间"), null=True, blank=True)

    objects = RetestQuerySet.as_manager()
    jurisdiction_roles = frozenset(LAB_ROLES | STATION_STAFF | {Role.SUPERVISOR})

    class Meta:
        verbose_name = _("复检申请")
        verbose_name_plural = _("复检申请")
        ordering = ["-requested_at"]

    def __str__(self):
        return f"复检：{self.report.sample.code}"
