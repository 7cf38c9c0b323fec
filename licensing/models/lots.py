"""Seed lots (种子批) and their quality history.

A lot is identified by its producer (a licence holder here or an outside party), the variety and
the lot number: it is one row however many dealers hold it, and every ledger entry, count,
verdict and stop-sale order points at it."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from seedreg.regulated import RegulatedModel, RegulatedQuerySet

from .catalogue import RiceSubspecies, SeedType, Variety
from .directory import Business, OutsideParty


def new_lot_token() -> str:
    # 72 random bits, like the licence tokens: printed on receipts, so not guessable.
    return secrets.token_urlsafe(9)


class SeedClass(models.TextChoices):
    BREEDER = "breeder", _("育种家种子")
    BASIC = "basic", _("原种")
    CERTIFIED = "certified", _("大田用种")


class LotVerdict(models.TextChoices):
    QUALIFIED = "qualified", _("合格")
    UNQUALIFIED = "unqualified", _("不合格（劣种子）")
    FAKE = "fake", _("假种子")


BAD_VERDICTS = (LotVerdict.UNQUALIFIED, LotVerdict.FAKE)


class SeedLotQuerySet(RegulatedQuerySet):
    def visible_to(self, user):
        """Lots are shared facts (a label is public): every signed-in user may read them; what
        is private is who holds them and to whom they were sold, which the ledger scopes."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        return self


class SeedLot(RegulatedModel):
    producer = models.ForeignKey(Business, models.PROTECT, null=True, blank=True, related_name="produced_lots",
                                 verbose_name=_("生产经营者（本系统主体）"))
    producer_outside = models.ForeignKey(OutsideParty, models.PROTECT, null=True, blank=True,
                                         related_name="produced_lots", verbose_name=_("生产经营者（外地主体）"))
    variety = models.ForeignKey(Variety, models.PROTECT, related_name="lots", verbose_name=_("品种"))
    lot_number = models.CharField(_("批号"), max_length=40, db_index=True)
    seed_type = models.CharField(_("种子类型"), max_length=20, choices=SeedType.choices, blank=True)
    seed_class = models.CharField(_("种子类别"), max_length=12, choices=SeedClass.choices,
                                  default=SeedClass.CERTIFIED)
    rice_subspecies = models.CharField(_("水稻亚种"), max_length=10, choices=RiceSubspecies.choices, blank=True)
    purity = models.DecimalField(_("纯度（%）"), max_digits=5, decimal_places=2, null=True, blank=True)
    cleanliness = models.DecimalField(_("净度（%）"), max_digits=5, decimal_places=2, null=True, blank=True)
    germination = models.DecimalField(_("发芽率（%）"), max_digits=5, decimal_places=2, null=True, blank=True)
    moisture = models.DecimalField(_("水分（%）"), max_digits=5, decimal_places=2, null=True, blank=True)
    net_content_kg = models.DecimalField(_("每袋净含量（千克）"), max_digits=8, decimal_places=3, null=True, blank=True)
    production_date = models.DateField(_("生产日期"), null=True, blank=True)
    test_date = models.DateField(_("检测日期"), null=True, blank=True)
    guarantee_months = models.PositiveSmallIntegerField(_("质量保证期（月）"), null=True, blank=True)
    quarantine_cert_number = models.CharField(_("检疫证明编号"), max_length=20, blank=True)
    certificate_number = models.CharField(_("种子合格证编号"), max_length=40, blank=True)
    public_token = models.CharField(_("公开查询码"), max_length=16, unique=True, default=new_lot_token)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                      related_name="+")
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    objects = SeedLotQuerySet.as_manager()

    class Meta:
        verbose_name = _("种子批")
        verbose_name_plural = _("种子批")
        ordering = ["variety__name", "lot_number"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(producer__isnull=False) & Q(producer_outside__isnull=True))
                | (Q(producer__isnull=True) & Q(producer_outside__isnull=False)),
                name="seedlot_one_producer"),
            models.UniqueConstraint(fields=["producer", "variety", "lot_number"], condition=Q(producer__isnull=False),
                                    name="seedlot_unique_local"),
            models.UniqueConstraint(fields=["producer_outside", "variety", "lot_number"],
                                    condition=Q(producer_outside__isnull=False), name="seedlot_unique_outside"),
        ]

    def __str__(self):
        return f"{self.variety.name} 批号{self.lot_number}"

    @property
    def producer_name(self):
        return (self.producer or self.producer_outside).name

    @property
    def missing_documents(self) -> list[str]:
        """The label facts a dealer must be able to show (Seed Law art. 40) that are missing."""
        missing = []
        if not self.certificate_number:
            missing.append(_("无合格证编号"))
        if not self.quarantine_cert_number:
            missing.append(_("无检疫证明编号"))
        return missing


class LotUnitCode(models.Model):
    """A seed-bag QR unit identification code (单元识别代码) known to belong to a lot."""

    lot = models.ForeignKey(SeedLot, models.CASCADE, related_name="unit_codes", verbose_name=_("种子批"))
    code = models.CharField(_("单元识别代码"), max_length=20, unique=True)

    class Meta:
        verbose_name = _("单元识别代码")
        verbose_name_plural = _("单元识别代码")

    def __str__(self):
        return self.code


class LotQualityRecord(RegulatedModel):
    """A verdict on a lot (recorded by the lab through ``record_lot_verdict``): the draw reads
    the unqualified ones for its mandatory inclusions. ``business`` is where the sample was
    taken: the business found selling it."""

    lot = models.ForeignKey(SeedLot, models.PROTECT, related_name="quality_records", verbose_name=_("种子批"))
    business = models.ForeignKey(Business, models.PROTECT, null=True, blank=True, related_name="lot_verdicts",
                                 verbose_name=_("抽样主体"))
    verdict = models.CharField(_("结论"), max_length=12, choices=LotVerdict.choices)
    decided_on = models.DateField(_("判定日期"))
    source = models.CharField(_("来源"), max_length=200, blank=True, help_text=_("如检验报告编号"))
    details = models.JSONField(_("明细"), default=dict, blank=True)
    region_code = models.CharField(_("区划代码"), max_length=12, db_index=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                    related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("种子批质量记录")
        verbose_name_plural = _("种子批质量记录")
        ordering = ["-decided_on", "-id"]
        indexes = [models.Index(fields=["verdict", "decided_on"], name="lot_verdict_idx")]

    def __str__(self):
        return f"{self.lot} {self.get_verdict_display()}"
