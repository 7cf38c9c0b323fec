"""Filings (备案, Seed Law art. 38): branches, sellers of packaged seed they do not repack,
consignment sellers and entrusted producers file with the county instead of holding a licence."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from seedreg.regulated import RegulatedModel

from .catalogue import Variety
from .directory import Business, DealerScopedQuerySet, OutsideParty


class FilingType(models.TextChoices):
    BRANCH = "branch", _("分支机构备案")
    PACKAGED_SELLER = "packaged_seller", _("经营不再分装的包装种子备案")
    CONSIGNMENT = "consignment", _("受托代销种子备案")
    ENTRUSTED_PRODUCTION = "entrusted_production", _("受托生产种子备案")


# What the filing's event date means, per type (DOMAIN.md section 2).
EVENT_LABELS = {
    FilingType.BRANCH: _("营业执照取得日期"),
    FilingType.PACKAGED_SELLER: _("开始销售日期"),
    FilingType.CONSIGNMENT: _("开始销售日期"),
    FilingType.ENTRUSTED_PRODUCTION: _("播种日期"),
}


class FilingQuerySet(DealerScopedQuerySet):
    def active(self):
        return self.filter(status=Filing.Status.ACTIVE)


class Filing(RegulatedModel):
    class Status(models.TextChoices):
        ACTIVE = "active", _("有效")
        WITHDRAWN = "withdrawn", _("已撤销")

    business = models.ForeignKey(Business, models.PROTECT, related_name="filings", verbose_name=_("备案主体"))
    filing_type = models.CharField(_("备案类型"), max_length=24, choices=FilingType.choices)
    principal_business = models.ForeignKey(Business, models.PROTECT, null=True, blank=True, related_name="+",
                                           verbose_name=_("委托方/总公司（本系统主体）"))
    principal_outside = models.ForeignKey(OutsideParty, models.PROTECT, null=True, blank=True, related_name="filings",
                                          verbose_name=_("委托方/总公司（外地主体）"))
    principal_licence_number = models.CharField(_("委托方许可证编号"), max_length=60)
    sale_location = models.CharField(_("经营（销售）地点"), max_length=200)
    filed_on = models.DateField(_("备案日期"))
    event_on = models.DateField(_("起算日期"), help_text=_("分支机构：营业执照取得日期；经营/代销：开始销售日期；受托生产：播种日期"))
    # The deadline is fixed when the filing is recorded, with the rule that produced it, so a
    # later edit of the holiday calendar does not rewrite history.
    deadline_on = models.DateField(_("备案期限"))
    deadline_rule = models.CharField(_("期限规则"), max_length=200)
    is_late = models.BooleanField(_("逾期备案"), default=False)
    on_paper = models.BooleanField(_("纸质备案（代录入）"), default=False)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.ACTIVE)
    receipt = models.OneToOneField("documents.IssuedDocument", models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("备案回执"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
                                    verbose_name=_("录入人"))
    recorded_at = models.DateTimeField(default=timezone.now)

    jurisdiction_path = "business__region_code"
    objects = FilingQuerySet.as_manager()

    class Meta:
        verbose_name = _("备案")
        verbose_name_plural = _("备案")
        ordering = ["-filed_on", "-id"]

    def __str__(self):
        return f"{self.business} · {self.get_filing_type_display()}（{self.filed_on}）"

    @property
    def region_code(self):
        return self.business.region_code

    @property
    def principal_name(self):
        principal = self.principal_business or self.principal_outside
        return str(principal) if principal else ""


class FilingItem(RegulatedModel):
    filing = models.ForeignKey(Filing, models.CASCADE, related_name="items", verbose_name=_("备案"))
    variety = models.ForeignKey(Variety, models.PROTECT, related_name="+", verbose_name=_("品种"))
    quantity_kg = models.DecimalField(_("数量（千克）"), max_digits=12, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = _("备案品种")
        verbose_name_plural = _("备案品种")
        constraints = [models.UniqueConstraint(fields=["filing", "variety"], name="filing_item_unique")]

    def __str__(self):
        return f"{self.variety} {self.quantity_kg or ''}"
