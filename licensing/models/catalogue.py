"""Crops and varieties (品种): the national catalogue every county reads."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from seedreg.regulated import RegulatedModel

from ..validators import (
    validate_variety_approval_number,
    validate_variety_registration_number,
    validate_variety_right_number,
)


class Crop(models.Model):
    """A crop. Main crops (主要农作物: rice, wheat, maize, cotton, soybean; Seed Law art. 90) need
    variety approval (审定); 29 others need registration (登记). Reference data loaded by a
    migration; ``code`` is what the lab standards and sampling rules key on."""

    code = models.SlugField(_("代码"), max_length=30, unique=True)
    name = models.CharField(_("作物"), max_length=20, unique=True)
    is_main_crop = models.BooleanField(_("主要农作物"), default=False)
    needs_registration = models.BooleanField(_("需品种登记"), default=False)
    abbreviation = models.CharField(_("审定编号简称"), max_length=4, blank=True, help_text=_("如 玉、稻、麦"))
    sort_order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        verbose_name = _("作物")
        verbose_name_plural = _("作物")
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name


class SeedType(models.TextChoices):
    """Seed type: picks the quality-standard row together with crop, class and subspecies."""

    CONVENTIONAL = "conventional", _("常规种")
    HYBRID = "hybrid", _("杂交种")
    SINGLE_CROSS = "single_cross", _("单交种")
    DOUBLE_CROSS = "double_cross", _("双交种")
    THREE_WAY = "three_way", _("三交种")
    INBRED = "inbred", _("自交系")
    STERILE = "sterile", _("不育系")
    MAINTAINER = "maintainer", _("保持系")
    RESTORER = "restorer", _("恢复系")
    PARENT = "parent", _("亲本")


class RiceSubspecies(models.TextChoices):
    NONE = "", _("不适用")
    INDICA = "indica", _("籼稻")
    JAPONICA = "japonica", _("粳稻")


class VarietyQuerySet(models.QuerySet):
    def active(self):
        return self.filter(withdrawn_on__isnull=True)

    def search(self, text):
        text = (text or "").strip()
        if not text:
            return self
        return self.filter(models.Q(name__contains=text) | models.Q(approval_number__contains=text)
                           | models.Q(registration_number__contains=text))


class Variety(RegulatedModel):
    """A variety (品种) with its approval (审定) or registration (登记)."""

    crop = models.ForeignKey(Crop, models.PROTECT, related_name="varieties", verbose_name=_("作物"))
    name = models.CharField(_("品种名称"), max_length=60, db_index=True)
    seed_type = models.CharField(_("种子类型"), max_length=20, choices=SeedType.choices, default=SeedType.HYBRID)
    rice_subspecies = models.CharField(_("水稻亚种"), max_length=10, choices=RiceSubspecies.choices, blank=True)
    approval_number = models.CharField(_("审定编号"), max_length=40, blank=True, db_index=True,
                                       validators=[validate_variety_approval_number])
    registration_number = models.CharField(_("登记编号"), max_length=40, blank=True, db_index=True,
                                           validators=[validate_variety_registration_number])
    # Province (2-digit) or finer region codes where the approval allows sale; national
    # approvals name ecological zones, stored as the provinces they cover.
    approved_region_codes = models.JSONField(_("适宜种植区域（区划代码）"), default=list, blank=True)
    approved_regions_text = models.CharField(_("适宜种植区域"), max_length=300, blank=True)
    variety_right_number = models.CharField(_("品种权号"), max_length=20, blank=True,
                                            validators=[validate_variety_right_number])
    applicant = models.CharField(_("育种者/申请者"), max_length=100, blank=True)
    withdrawn_on = models.DateField(_("退出日期"), null=True, blank=True)
    withdrawal_note = models.CharField(_("退出公告"), max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = VarietyQuerySet.as_manager()

    class Meta:
        verbose_name = _("品种")
        verbose_name_plural = _("品种")
        ordering = ["crop__sort_order", "name"]
        constraints = [models.UniqueConstraint(fields=["crop", "name"], name="variety_unique_per_crop")]

    def __str__(self):
        return f"{self.name}（{self.crop}）"

    @property
    def is_withdrawn(self):
        return self.withdrawn_on is not None and self.withdrawn_on <= timezone.localdate()

    @property
    def approval_or_registration(self):
        return self.approval_number or self.registration_number

    def approved_for(self, region_code: str) -> bool:
        """Whether the variety may be sold in ``region_code``: a main crop needs an approval whose
        region covers it; other crops need a registration (DOMAIN.md section 2)."""
        if self.is_withdrawn:
            return False
        if self.crop.is_main_crop:
            if not self.approval_number:
                return False
            if self.approval_number.startswith("国") and not self.approved_region_codes:
                return True
            return any(region_code.startswith(code) for code in self.approved_region_codes)
        if self.crop.needs_registration:
            return bool(self.registration_number)
        return True

    def problems_in(self, region_code: str) -> list[str]:
        """Why this variety is flagged where it is sold (empty when it is fine)."""
        problems = []
        if self.is_withdrawn:
            problems.append(_("品种已退出（%(on)s）") % {"on": f"{self.withdrawn_on:%Y-%m-%d}"})
        elif self.crop.is_main_crop and not self.approval_number:
            problems.append(_("主要农作物品种未审定"))
        elif self.crop.is_main_crop and not self.approved_for(region_code):
            problems.append(_("品种未审定在本区域种植"))
        elif self.crop.needs_registration and not self.registration_number:
            problems.append(_("品种未登记"))
        return problems
