"""Samples at the laboratory: what arrived, in what state, and the facts needed to judge it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from seedreg.accounts.roles import LAB_ROLES, STATION_STAFF, Role
from seedreg.regions.scoping import JurisdictionQuerySet
from seedreg.regulated import RegulatedModel, RegulatedQuerySet


class LabSampleQuerySet(JurisdictionQuerySet, RegulatedQuerySet):
    pass


class LabSample(RegulatedModel):
    """A sample received by a laboratory (初检 on the test sample, 复检 on the backup sample).

    The judgement facts (crop, seed type, class, subspecies, seed form, label values, whether the
    county lies north of the Great Wall) are copied at intake from the sampling form and the lot,
    so a later edit of the lot or the county setting never changes how this sample is judged."""

    class Purpose(models.TextChoices):
        FIRST_TEST = "first", _("初检")
        RETEST = "retest", _("复检")

    class Status(models.TextChoices):
        RECEIVED = "received", _("已接收，待检")
        TESTING = "testing", _("检验中")
        JUDGED = "judged", _("已判定")
        REPORTED = "reported", _("已出报告")

    # One reception per physical sample: the test sample for 初检, the backup sample for 复检.
    sample = models.OneToOneField("inspections.Sample", models.PROTECT, related_name="lab_sample",
                                  verbose_name=_("样品（封样）"))
    region_code = models.CharField(_("所属区划"), max_length=12, db_index=True)
    code = models.CharField(_("样品编号"), max_length=40, db_index=True)
    purpose = models.CharField(_("检验类别"), max_length=8, choices=Purpose.choices, default=Purpose.FIRST_TEST)
    retest_of = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="retests",
                                  verbose_name=_("复检对应的初检样品"))
    at_higher_lab = models.BooleanField(_("由上级检验机构检验"), default=False)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.RECEIVED,
                              db_index=True)
    # The lot the verdict is recorded on (licensing's quality history); null when the sampling
    # form names no registered lot (an unknown producer's bag), which the report then says.
    lot = models.ForeignKey("licensing.SeedLot", models.PROTECT, null=True, blank=True, related_name="+",
                            verbose_name=_("种子批"))
    # Facts for judgement, frozen at intake.
    crop_code = models.SlugField(_("作物代码"), max_length=30)
    crop_name = models.CharField(_("作物"), max_length=20)
    variety_name = models.CharField(_("品种"), max_length=60, blank=True)
    lot_number = models.CharField(_("批号"), max_length=60, blank=True)
    seed_type = models.CharField(_("种子类型"), max_length=20)
    seed_class = models.CharField(_("级别"), max_length=10)
    rice_subspecies = models.CharField(_("水稻亚种"), max_length=10, blank=True)
    seed_form = models.CharField(_("种子形态"), max_length=20, blank=True)
    label_values = models.JSONField(_("标签标注值"), default=dict, blank=True)
    north_of_great_wall = models.BooleanField(_("长城以北或高寒地区"), default=False)
    # Intake.
    received_at = models.DateTimeField(_("接收时间"), default=timezone.now)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                    verbose_name=_("接收人"))
    seals_intact = models.BooleanField(_("封签完好"))
    seal_numbers_seen = models.JSONField(_("收样时核对的封签编号"), default=list)
    seal_note = models.CharField(_("封签情况说明"), max_length=200, blank=True)
    condition = models.CharField(_("样品状况"), max_length=200, blank=True)
    quantity_g = models.DecimalField(_("样品数量（克）"), max_digits=9, decimal_places=1)
    storage_location = models.CharField(_("存放位置"), max_length=100)

    objects = LabSampleQuerySet.as_manager()
    jurisdiction_roles = frozenset(LAB_ROLES | STATION_STAFF | {Role.SUPERVISOR})

    class Meta:
        verbose_name = _("检验样品")
        verbose_name_plural = _("检验样品")
        ordering = ["-received_at"]
        # The queue reads newest first within a county; the region filter is a prefix match, so
        # the ordering index is what keeps a page cheap at 10,000 samples.
        indexes = [models.Index(fields=["region_code", "status", "-received_at"]),
                   models.Index(fields=["-received_at", "-id"], name="labsample_queue_idx")]

    def __str__(self):
        return f"{self.code}（{self.get_purpose_display()}）"

    @property
    def seed_type_label(self) -> str:
        from licensing.models import SeedType

        return SeedType(self.seed_type).label if self.seed_type in SeedType.values else self.seed_type

    def lot_facts(self):
        from decimal import Decimal

        from labs.judgement import LotFacts

        label = {k: Decimal(str(v)) for k, v in (self.label_values or {}).items() if v not in (None, "")}
        return LotFacts(crop_code=self.crop_code, seed_type=self.seed_type, seed_class=self.seed_class,
                        rice_subspecies=self.rice_subspecies, seed_form=self.seed_form,
                        north_of_great_wall=self.north_of_great_wall, label=label)
