"""Administrative regions (行政区划) and the county seed-management stations.

Codes are the national statistical division codes, unpadded: province 2 digits, city 4,
county 6, township 9, village 12. A code's prefix is its ancestor, so "everything in my
jurisdiction" is ``region_code LIKE '<my code>%'`` (see ``scoping.py``).
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

LEVEL_BY_LENGTH = {2: 1, 4: 2, 6: 3, 9: 4, 12: 5}


class Region(models.Model):
    class Level(models.IntegerChoices):
        PROVINCE = 1, _("省")
        CITY = 2, _("市")
        COUNTY = 3, _("县")
        TOWNSHIP = 4, _("乡镇")
        VILLAGE = 5, _("村")

    code = models.CharField(_("区划代码"), max_length=12, primary_key=True)
    name = models.CharField(_("名称"), max_length=64)
    level = models.PositiveSmallIntegerField(_("级别"), choices=Level.choices)
    parent = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="children",
                               verbose_name=_("上级"))

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]

    def __str__(self):
        return self.name

    def clean(self):
        if LEVEL_BY_LENGTH.get(len(self.code)) != self.level:
            raise ValidationError({"code": _("区划代码长度与级别不符（省2位、市4位、县6位、乡镇9位、村12位）。")})
        if self.parent_id and not self.code.startswith(self.parent_id):
            raise ValidationError({"parent": _("上级区划代码必须是本代码的前缀。")})

    @property
    def region_code(self):
        return self.code

    @property
    def county_code(self):
        return self.code[:6] if len(self.code) >= 6 else None

    def contains(self, code: str) -> bool:
        return bool(code) and code.startswith(self.code)

    def ancestors(self):
        """Codes of this region and every ancestor, province first."""
        return [self.code[:n] for n in (2, 4, 6, 9, 12) if n <= len(self.code)]

    @property
    def full_name(self):
        names = dict(Region.objects.filter(code__in=self.ancestors()).values_list("code", "name"))
        return "".join(names.get(c, "") for c in self.ancestors())


class Station(models.Model):
    """A county seed-management station (种子管理站): the owner of a county's regulatory work.

    ``settings`` holds the per-county values that apps register in
    ``seedreg.regions.station_settings`` (objection days, geofence radius, ...), so that a
    station admin edits data, not code.
    """

    region = models.OneToOneField(Region, models.PROTECT, primary_key=True, related_name="station",
                                  limit_choices_to={"level": Region.Level.COUNTY}, verbose_name=_("所在县"))
    name = models.CharField(_("名称"), max_length=100)
    # The character(s) that open the county's document serial numbers: 建种抽〔2026〕第0001号.
    short_name = models.CharField(_("文号简称"), max_length=8, help_text=_("如“建”，用于文书编号：建种抽〔2026〕第0001号"))
    address = models.CharField(_("地址"), max_length=200, blank=True)
    phone = models.CharField(_("电话"), max_length=40, blank=True)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    north_of_great_wall = models.BooleanField(
        _("长城以北或高寒地区"), default=False,
        help_text=_("决定水稻、玉米、高粱种子水分限值是否可放宽（不超过16%）"))
    settings = models.JSONField(_("参数"), default=dict, blank=True)

    class Meta:
        verbose_name = _("种子管理站")
        verbose_name_plural = _("种子管理站")

    def __str__(self):
        return self.name

    @property
    def region_code(self):
        return self.region_id

    def setting(self, key):
        from .station_settings import get_setting

        return get_setting(self, key)
