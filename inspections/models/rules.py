"""Regulatory data owned by this app, loaded from inspections/data/*.csv by migrations and
editable by the station admin: sampling rules (GB/T 3543.2), checklist items, finding types."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from ._base import DataStatus


class SamplingRule(models.Model):
    """Lot size and sample weights by crop (GB/T 3543.2; unconfirmed per crop)."""

    crop = models.OneToOneField("licensing.Crop", models.PROTECT, related_name="sampling_rule",
                                verbose_name=_("作物"))
    max_lot_kg = models.PositiveIntegerField(_("种子批最大重量（千克）"))
    submitted_sample_g = models.PositiveIntegerField(_("送验样品最小重量（克）"))
    purity_working_sample_g = models.PositiveIntegerField(_("净度分析试样（克）"))
    moisture_sample_g = models.PositiveIntegerField(_("水分测定样品（克）"))
    status = models.CharField(_("核实状态"), max_length=12, choices=DataStatus.choices)
    source = models.CharField(_("来源"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("扦样规则")
        verbose_name_plural = _("扦样规则")
        ordering = ["crop__sort_order"]

    def __str__(self):
        return f"{self.crop}：批≤{self.max_lot_kg}kg，送验≥{self.submitted_sample_g}g"


class PrimarySampleRule(models.Model):
    """Primary samples to draw from bagged seed by the number of containers."""

    containers_from = models.PositiveIntegerField(_("容器数自"))
    containers_to = models.PositiveIntegerField(_("容器数至"), null=True, blank=True)
    primary_samples = models.PositiveIntegerField(_("初次样品数"))
    per_container = models.BooleanField(_("按每个容器计"), default=False)
    rule = models.CharField(_("规则"), max_length=100)
    status = models.CharField(_("核实状态"), max_length=12, choices=DataStatus.choices)
    source = models.CharField(_("来源"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("袋装种子初次样品数")
        verbose_name_plural = _("袋装种子初次样品数")
        ordering = ["containers_from"]

    def __str__(self):
        return self.rule


class FindingType(models.Model):
    """A kind of finding and the Seed Law articles a case referral would suggest for it."""

    code = models.SlugField(_("代码"), max_length=60, unique=True)
    label = models.CharField(_("问题类型"), max_length=100)
    suggested_articles = models.JSONField(_("建议适用条款"), default=list, blank=True)
    penalty = models.CharField(_("处罚幅度"), max_length=200, blank=True)
    status = models.CharField(_("核实状态"), max_length=12, choices=DataStatus.choices)
    source = models.CharField(_("来源"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("问题类型")
        verbose_name_plural = _("问题类型")
        ordering = ["code"]

    def __str__(self):
        return self.label


class ChecklistItem(models.Model):
    """One item of the market checklist (市场检查项目)."""

    code = models.SlugField(_("代码"), max_length=60, unique=True)
    text = models.CharField(_("检查项目"), max_length=200)
    text_en = models.CharField(_("英文"), max_length=200, blank=True)
    # Which businesses it applies to: licence_holder, filing_holder, all_registered, all.
    applies_to = models.JSONField(_("适用对象"), default=list)
    legal_basis = models.CharField(_("依据"), max_length=200)
    finding_type = models.ForeignKey(FindingType, models.PROTECT, related_name="checklist_items",
                                     verbose_name=_("不符合时的问题类型"))
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)
    active = models.BooleanField(_("启用"), default=True)
    status = models.CharField(_("核实状态"), max_length=12, choices=DataStatus.choices, default=DataStatus.LIKELY)
    source = models.CharField(_("来源"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("检查项目")
        verbose_name_plural = _("检查项目")
        ordering = ["position", "code"]

    def __str__(self):
        return self.text

    def applies(self, *, registered: bool, licence_holder: bool, filing_holder: bool) -> bool:
        targets = set(self.applies_to)
        if "all" in targets:
            return True
        if "all_registered" in targets and registered:
            return True
        return bool(("licence_holder" in targets and licence_holder) or ("filing_holder" in targets and filing_holder))
