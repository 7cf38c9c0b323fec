"""Tests on a sample: raw bench data, the computed result, review and the frozen limit."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from seedreg.accounts.roles import LAB_ROLES, STATION_STAFF, Role
from seedreg.regions.scoping import JurisdictionQuerySet
from seedreg.regulated import RegulatedModel, RegulatedQuerySet

from .samples import LabSample


class TestIndex(models.TextChoices):
    PURITY = "purity", _("品种纯度")
    CLEANLINESS = "cleanliness", _("净度")
    GERMINATION = "germination", _("发芽率")
    MOISTURE = "moisture", _("水分")


class LabTestQuerySet(JurisdictionQuerySet, RegulatedQuerySet):
    def current(self):
        """The test that stands for each index: not retracted and not followed by a repeat."""
        return self.exclude(status=LabTest.Status.RETRACTED).filter(repeated_by__isnull=True)


class LabTest(RegulatedModel):
    """One test (index) on one sample. Approved tests are immutable; corrections are new tests
    linked through ``repeat_of`` (a retraction before approval or a repeat after it)."""

    __test__ = False  # not a pytest class

    class Status(models.TextChoices):
        DRAFT = "draft", _("录入中")
        SUBMITTED = "submitted", _("待审核")
        RETURNED = "returned", _("退回修改")
        APPROVED = "approved", _("已批准")
        RETRACTED = "retracted", _("已撤回（无效）")

    class Redo(models.TextChoices):
        RETRACT = "retract", _("撤回重做")
        REPEAT = "repeat", _("复做")

    sample = models.ForeignKey(LabSample, models.PROTECT, related_name="tests", verbose_name=_("样品"))
    region_code = models.CharField(_("所属区划"), max_length=12, db_index=True)
    index = models.CharField(_("检验项目"), max_length=12, choices=TestIndex.choices)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    raw = models.JSONField(_("原始数据"), default=dict, blank=True)
    result = models.JSONField(_("计算结果"), default=dict, blank=True)
    value = models.DecimalField(_("结果（%）"), max_digits=5, decimal_places=1, null=True, blank=True)
    examined = models.PositiveIntegerField(_("检验粒（株）数"), null=True, blank=True)
    trueness = models.BooleanField(_("品种真实性相符"), null=True, blank=True)
    repeat_required = models.BooleanField(_("须重新试验"), default=False)
    repeat_reason = models.CharField(_("重新试验原因"), max_length=200, blank=True)
    frozen_limit = models.JSONField(_("判定限值（批准时冻结）"), null=True, blank=True)
    repeat_of = models.OneToOneField("self", models.PROTECT, null=True, blank=True, related_name="repeated_by",
                                     verbose_name=_("重做自"))
    redo_kind = models.CharField(_("重做方式"), max_length=8, choices=Redo.choices, blank=True)
    redo_reason = models.CharField(_("重做原因"), max_length=200, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("检验员"))
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    approved_at = models.DateTimeField(_("批准时间"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    objects = LabTestQuerySet.as_manager()
    jurisdiction_roles = frozenset(LAB_ROLES | STATION_STAFF | {Role.SUPERVISOR})

    class Meta:
        verbose_name = _("检验项目")
        verbose_name_plural = _("检验项目")
        ordering = ["sample", "index", "created_at"]

    def __str__(self):
        return f"{self.sample.code} {self.get_index_display()}"

    @property
    def is_editable(self):
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)


class TestReview(RegulatedModel):
    """A reviewer's decision on a submitted test (approve or return)."""

    __test__ = False

    class Decision(models.TextChoices):
        APPROVE = "approve", _("批准")
        RETURN = "return", _("退回")

    test = models.ForeignKey(LabTest, models.PROTECT, related_name="reviews", verbose_name=_("检验项目"))
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                 verbose_name=_("审核人"))
    decision = models.CharField(_("结论"), max_length=8, choices=Decision.choices)
    round = models.PositiveIntegerField(_("提交轮次"), default=1)
    note = models.CharField(_("意见"), max_length=300, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("审核记录")
        verbose_name_plural = _("审核记录")
        ordering = ["at"]
        constraints = [models.UniqueConstraint(fields=["test", "reviewer", "round"], name="one_review_per_round")]
