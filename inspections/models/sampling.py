"""Sampling during a visit (抽样): the sampling record, its two sealed samples and their chain
of custody. The lab app (labs) receives samples through ``record_custody_transfer`` and finds
them with ``selectors.sample_by_code``."""

import unicodedata

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from seedreg.regulated import RegulatedModel

from ._base import InspectionQuerySet, client_uuid_field
from .visits import Visit, signature_path


class SamplingRecord(RegulatedModel):
    """The sampling form (抽样单, MOA order 50): business, lot and label values, lot size,
    sample size, seals, date and both parties' signatures. The label values are copied here,
    so the form says what the bag said even if the lot record is corrected later."""

    client_uuid = client_uuid_field()
    visit = models.ForeignKey(Visit, models.PROTECT, related_name="samplings", verbose_name=_("现场检查"))
    region_code = models.CharField(_("所属区划"), max_length=12, db_index=True)
    business = models.ForeignKey("licensing.Business", models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name=_("被抽样单位"))
    lot = models.ForeignKey("licensing.SeedLot", models.PROTECT, null=True, blank=True, related_name="samplings",
                            verbose_name=_("种子批"))
    crop = models.ForeignKey("licensing.Crop", models.PROTECT, related_name="+", verbose_name=_("作物"))
    variety = models.ForeignKey("licensing.Variety", models.PROTECT, null=True, blank=True, related_name="+",
                                verbose_name=_("品种"))
    variety_name = models.CharField(_("品种名称（标签）"), max_length=60)
    lot_number = models.CharField(_("批号（标签）"), max_length=60)
    producer_name = models.CharField(_("生产经营者（标签）"), max_length=100, blank=True)
    label = models.JSONField(_("标签标注值"), default=dict, blank=True,
                             help_text=_("纯度、净度、发芽率、水分、净含量、生产日期、检测日期、质量保证期、检疫证明编号等"))
    lot_size_kg = models.DecimalField(_("种子批重量（千克）"), max_digits=12, decimal_places=2)
    packages = models.PositiveIntegerField(_("件数（袋）"))
    primary_samples = models.PositiveIntegerField(_("初次样品数"))
    suggested_sample_g = models.PositiveIntegerField(_("建议抽样量（克）"))
    sample_quantity_g = models.PositiveIntegerField(_("抽样数量（克）"))
    sampling_rule_note = models.CharField(_("抽样依据"), max_length=200)
    backup_kept_at = models.CharField(_("备份样品保存地点"), max_length=100)
    samplers = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", verbose_name=_("抽样人"))
    business_signer = models.CharField(_("被抽样单位签字人"), max_length=50, blank=True)
    business_signature = models.FileField(_("被抽样单位签名"), upload_to=signature_path, blank=True)
    business_refused_to_sign = models.BooleanField(_("被抽样单位拒绝签字"), default=False)
    sampled_at = models.DateTimeField(_("抽样时间"), default=timezone.now)
    document = models.OneToOneField("documents.IssuedDocument", models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("抽样单"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                    verbose_name=_("记录人"))

    objects = InspectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("抽样记录")
        verbose_name_plural = _("抽样记录")
        ordering = ["-sampled_at"]
        indexes = [models.Index(fields=["business", "crop", "sampled_at"], name="sampling_business_crop_idx")]

    def __str__(self):
        return f"抽样：{self.variety_name} {self.lot_number}（{self.document.serial if self.document_id else '未出单'}）"


class Sample(RegulatedModel):
    class Role(models.TextChoices):
        TEST = "test", _("检验样品")
        BACKUP = "backup", _("备份样品")

    class Status(models.TextChoices):
        SEALED = "sealed", _("已封样")
        IN_TRANSIT = "in_transit", _("移交中")
        RECEIVED = "received", _("已收样")
        RETAINED = "retained", _("留存备查")
        DISPOSED = "disposed", _("已处置")

    sampling = models.ForeignKey(SamplingRecord, models.PROTECT, related_name="samples", verbose_name=_("抽样记录"))
    region_code = models.CharField(_("所属区划"), max_length=12, db_index=True)
    role = models.CharField(_("样品类别"), max_length=8, choices=Role.choices)
    code = models.CharField(_("样品编号"), max_length=40, unique=True, help_text=_("打印在封签标签上"))
    seal_numbers = models.JSONField(_("封签编号"), default=list)
    quantity_g = models.PositiveIntegerField(_("数量（克）"))
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.SEALED, db_index=True)
    holder_user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
                                    verbose_name=_("当前保管人"))
    holder_party = models.CharField(_("当前保管单位"), max_length=100, blank=True)

    objects = InspectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("样品")
        verbose_name_plural = _("样品")
        ordering = ["sampling", "role"]
        constraints = [models.UniqueConstraint(fields=["sampling", "role"], name="sample_one_per_role")]

    def __str__(self):
        return f"{self.get_role_display()} {self.code}"

    @property
    def holder_label(self):
        return self.holder_user.display_name if self.holder_user_id else self.holder_party


class CustodyTransfer(RegulatedModel):
    """One hand-over of a sealed sample (chain of custody): who gave it, who took it, when, and
    whether the seals were intact. Append-only."""

    sample = models.ForeignKey(Sample, models.PROTECT, related_name="custody", verbose_name=_("样品"))
    region_code = models.CharField(_("所属区划"), max_length=12, db_index=True)
    from_user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
                                  verbose_name=_("交出人"))
    from_party = models.CharField(_("交出单位"), max_length=100, blank=True)
    to_user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
                                verbose_name=_("接收人"))
    to_party = models.CharField(_("接收单位"), max_length=100, blank=True)
    at = models.DateTimeField(_("交接时间"), default=timezone.now)
    seals_intact = models.BooleanField(_("封签完好"))
    note = models.CharField(_("说明"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                    verbose_name=_("记录人"))

    objects = InspectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("样品交接")
        verbose_name_plural = _("样品交接记录")
        ordering = ["at", "id"]

    def __str__(self):
        giver = self.from_user.display_name if self.from_user_id else self.from_party
        taker = self.to_user.display_name if self.to_user_id else self.to_party
        return f"{self.sample.code}：{giver} → {taker}"


def normalise_seal(number: str) -> str:
    """The form a seal number is compared in: full-width characters as half-width (NFKC), no
    surrounding or inner spaces, Latin letters in capitals (ＪＰ０００１, jp 0001 and JP0001 are one
    seal)."""
    return unicodedata.normalize("NFKC", str(number)).replace(" ", "").strip().upper()


class SealNumber(RegulatedModel):
    """One numbered seal (封签) used on a sample. The county's station issues the numbered seals,
    so a number is used once in the county: the unique constraint is what stops a second
    sampling form (from the web, a phone, or two at the same moment) from reusing one."""

    county_code = models.CharField(_("县级区划"), max_length=6)
    number = models.CharField(_("封签编号"), max_length=40)
    sample = models.ForeignKey(Sample, models.PROTECT, related_name="seals", verbose_name=_("样品"))

    class Meta:
        verbose_name = _("封签编号")
        verbose_name_plural = _("封签编号")
        constraints = [models.UniqueConstraint(fields=["county_code", "number"], name="seal_number_once_per_county")]

    def __str__(self):
        return self.number
