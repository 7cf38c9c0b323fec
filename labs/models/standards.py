"""Quality standards and tolerance tables as data (DOMAIN.md section 5).

Every row carries its standard (or table source), the day it takes effect, where it came from
and whether it is confirmed. A revision never edits a row that may have judged a sample: it ends
the old row (``effective_until``) and adds a new one, so the table as it stood on any day can be
read back. Verdicts do not depend on that alone: each test freezes its limits at approval.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from seedreg.regulated import RegulatedModel, RegulatedQuerySet


class Confirmation(models.TextChoices):
    CONFIRMED = "confirmed", _("已核实")
    LIKELY = "likely", _("基本可信")
    UNCONFIRMED = "unconfirmed", _("未核实")


class VersionedQuerySet(RegulatedQuerySet):
    def in_force(self, on: datetime.date | None = None):
        """Rows in force on ``on`` (today when omitted)."""
        from django.utils import timezone

        on = on or timezone.localdate()
        return self.filter(models.Q(effective_until__isnull=True) | models.Q(effective_until__gte=on),
                           effective_from__lte=on)


class QualityStandard(RegulatedModel):
    """One row of a seed quality standard: minimums for one crop, seed type and class."""

    standard = models.CharField(_("标准"), max_length=40)
    crop_code = models.SlugField(_("作物代码"), max_length=30)
    crop_name = models.CharField(_("作物"), max_length=20)
    seed_type_label = models.CharField(_("种子类别（标准原文）"), max_length=40)
    # The licensing SeedType values this row covers ("不育系、保持系、恢复系" covers three).
    seed_types = models.JSONField(_("适用种子类型"), default=list)
    # Cotton rows differ by seed form (毛籽, 光籽, 薄膜包衣籽); blank elsewhere.
    seed_form = models.CharField(_("种子形态"), max_length=20, blank=True)
    seed_class = models.CharField(_("级别"), max_length=10)
    purity_min = models.DecimalField(_("纯度不低于（%）"), max_digits=4, decimal_places=1, null=True, blank=True)
    cleanliness_min = models.DecimalField(_("净度不低于（%）"), max_digits=4, decimal_places=1, null=True, blank=True)
    germination_min = models.DecimalField(_("发芽率不低于（%）"), max_digits=4, decimal_places=1, null=True, blank=True)
    moisture_max = models.DecimalField(_("水分不高于（%）"), max_digits=4, decimal_places=1, null=True, blank=True)
    moisture_max_north = models.DecimalField(_("长城以北和高寒地区水分不高于（%）"), max_digits=4, decimal_places=1,
                                             null=True, blank=True)
    moisture_max_japonica = models.DecimalField(_("粳稻水分不高于（%）"), max_digits=4, decimal_places=1,
                                                null=True, blank=True)
    status = models.CharField(_("核实状态"), max_length=12, choices=Confirmation.choices,
                              default=Confirmation.UNCONFIRMED)
    source = models.CharField(_("来源"), max_length=300, blank=True)
    note = models.CharField(_("备注"), max_length=300, blank=True)
    effective_from = models.DateField(_("生效日期"))
    effective_until = models.DateField(_("失效日期"), null=True, blank=True)
    replaces = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="replaced_by",
                                 verbose_name=_("取代"))
    created_at = models.DateTimeField(auto_now_add=True)

    objects = VersionedQuerySet.as_manager()

    class Meta:
        verbose_name = _("种子质量标准")
        verbose_name_plural = _("种子质量标准")
        ordering = ["crop_code", "seed_class", "seed_type_label", "-effective_from"]
        indexes = [models.Index(fields=["crop_code", "seed_class"])]

    def __str__(self):
        return f"{self.standard} {self.crop_name} {self.seed_type_label} {self.seed_class}"

    def as_row(self):
        """The pure-judgement snapshot of this row."""
        from labs.judgement import StandardRow

        return StandardRow(
            row_id=self.pk, standard=self.standard, crop_code=self.crop_code, crop_name=self.crop_name,
            seed_type_label=self.seed_type_label, seed_types=tuple(self.seed_types), seed_class=self.seed_class,
            purity_min=self.purity_min, cleanliness_min=self.cleanliness_min, germination_min=self.germination_min,
            moisture_max=self.moisture_max, moisture_max_north=self.moisture_max_north,
            moisture_max_japonica=self.moisture_max_japonica, seed_form=self.seed_form, status=self.status,
            source=self.source,
        )


class ToleranceTable(models.TextChoices):
    GERMINATION_REPLICATES = "germination_replicates", _("发芽试验重复间容许差")
    GERMINATION_TWO_TESTS = "germination_two_tests", _("两次发芽试验间容许差")
    COMPARISON = "comparison", _("检验结果与规定值比较容许差")


class ToleranceRow(RegulatedModel):
    """One band of a tolerance table: for values ``low``–``high`` (and, for the comparison table,
    ``n_low``–``n_high`` seeds or plants examined) the limit is ``limit``."""

    table = models.CharField(_("容许差表"), max_length=30, choices=ToleranceTable.choices)
    index = models.CharField(_("检验项目"), max_length=20, blank=True,
                             help_text=_("比较容许差表按项目（purity/cleanliness/germination/moisture）分行"))
    standard = models.CharField(_("标准"), max_length=40)
    low = models.DecimalField(_("自"), max_digits=5, decimal_places=1)
    high = models.DecimalField(_("至"), max_digits=5, decimal_places=1)
    n_low = models.PositiveIntegerField(_("检验数自"), null=True, blank=True)
    n_high = models.PositiveIntegerField(_("检验数至"), null=True, blank=True)
    limit = models.DecimalField(_("容许差"), max_digits=5, decimal_places=1)
    status = models.CharField(_("核实状态"), max_length=12, choices=Confirmation.choices,
                              default=Confirmation.UNCONFIRMED)
    source = models.CharField(_("来源"), max_length=300, blank=True)
    effective_from = models.DateField(_("生效日期"))
    effective_until = models.DateField(_("失效日期"), null=True, blank=True)
    replaces = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="replaced_by",
                                 verbose_name=_("取代"))
    created_at = models.DateTimeField(auto_now_add=True)

    objects = VersionedQuerySet.as_manager()

    class Meta:
        verbose_name = _("容许差")
        verbose_name_plural = _("容许差")
        ordering = ["table", "index", "-low", "-effective_from"]

    def __str__(self):
        return f"{self.get_table_display()} {self.low}–{self.high}：{self.limit}"

    def as_band(self):
        from labs.calculations import ToleranceBand

        # Whole-number limits print as the table does ("13", not "13.0").
        limit = self.limit if self.limit % 1 else self.limit.quantize(Decimal(1))
        return ToleranceBand(low=int(self.low), high=int(self.high), limit=limit, row_id=self.pk,
                             source=self.standard, status=self.status)

    def as_comparison_band(self):
        from labs.judgement import ComparisonBand

        return ComparisonBand(index=self.index, low=self.low, high=self.high, n_low=self.n_low or 0,
                              n_high=self.n_high or 10**9, limit=self.limit, row_id=self.pk, source=self.standard,
                              status=self.status)
