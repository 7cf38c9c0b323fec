"""Annual inspection plans and their campaigns (检查计划与专项行动)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from seedreg.regulated import RegulatedModel

from ._base import InspectionQuerySet


class Plan(RegulatedModel):
    """The station's annual plan (年度监督检查计划)."""

    region_code = models.CharField(_("所属县"), max_length=12, db_index=True)
    year = models.PositiveSmallIntegerField(_("年度"))
    title = models.CharField(_("计划名称"), max_length=100)
    summary = models.TextField(_("计划说明"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("编制人"))
    created_at = models.DateTimeField(_("编制时间"), default=timezone.now)

    objects = InspectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("年度检查计划")
        verbose_name_plural = _("年度检查计划")
        ordering = ["-year", "id"]

    def __str__(self):
        return self.title


class CampaignMode(models.TextChoices):
    SWEEP = "sweep", _("拉网式")
    CONTINUOUS = "continuous", _("不间断式")
    ROUTINE = "routine", _("日常式")
    JOINT = "joint", _("联合式")


class Season(models.TextChoices):
    SPRING_PRE_SALE = "spring_pre_sale", _("春季（销售前）")
    SPRING_IN_SALE = "spring_in_sale", _("春季（销售中）")
    AUTUMN_PRE_SALE = "autumn_pre_sale", _("秋季（销售前）")
    AUTUMN_IN_SALE = "autumn_in_sale", _("秋季（销售中）")
    YEAR_ROUND = "year_round", _("全年")


class Campaign(RegulatedModel):
    """A campaign of the plan: where, what, when, how (mode) and how much sampling."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("计划中")
        ACTIVE = "active", _("进行中")
        CLOSED = "closed", _("已结束")

    plan = models.ForeignKey(Plan, models.PROTECT, related_name="campaigns", verbose_name=_("年度计划"))
    region_code = models.CharField(_("所属县"), max_length=12, db_index=True)
    name = models.CharField(_("名称"), max_length=100)
    mode = models.CharField(_("检查方式"), max_length=12, choices=CampaignMode.choices)
    joint_agencies = models.JSONField(_("联合执法单位"), default=list, blank=True)
    season = models.CharField(_("季节"), max_length=20, choices=Season.choices)
    # Township codes (9 digits); empty means the whole county.
    townships = models.JSONField(_("检查区域（乡镇）"), default=list, blank=True)
    crops = models.ManyToManyField("licensing.Crop", related_name="+", blank=True, verbose_name=_("作物"))
    matters = models.JSONField(_("检查事项"), default=list, blank=True)
    sampling_target = models.PositiveIntegerField(_("计划抽样批次"), default=0)
    # Pre-sale campaigns take the first-batch items (首次抽检): every lot new to the county.
    take_first_batch = models.BooleanField(_("纳入首次抽检"), default=False)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("创建人"))
    created_at = models.DateTimeField(default=timezone.now)

    objects = InspectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("专项检查")
        verbose_name_plural = _("专项检查")
        ordering = ["-starts_on", "id"]

    def __str__(self):
        return self.name

    def covers(self, region_code: str) -> bool:
        """Whether a business registered at ``region_code`` lies in the campaign's area."""
        if not region_code.startswith(self.region_code[:6]):
            return False
        return not self.townships or any(region_code.startswith(t) for t in self.townships)
