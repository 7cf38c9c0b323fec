"""Seed production-and-operation licences (种子生产经营许可证): terms and a dated history.

A licence's status is never stored: it is computed from its terms (issue and expiry dates)
and its dated status changes (suspension, revocation, surrender, reinstatement) for the day
asked about, so it can never go stale if a nightly job stops."""

import datetime
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from seedreg.regulated import RegulatedModel

from ..validators import LICENCE_CLASSES, validate_seed_licence_number
from .catalogue import Crop, Variety
from .directory import Business, DealerScopedQuerySet


class LicenceStatus(models.TextChoices):
    VALID = "valid", _("有效")
    NOT_YET_VALID = "not_yet_valid", _("未生效")
    EXPIRED = "expired", _("已过期")
    SUSPENDED = "suspended", _("暂扣/暂停")
    REVOKED = "revoked", _("已吊销")
    SURRENDERED = "surrendered", _("已注销")


def new_public_token():
    return secrets.token_urlsafe(9)  # 72 bits, 12 characters: fits a small QR on a printed certificate


class SeedLicenceQuerySet(DealerScopedQuerySet):
    def with_history(self):
        return self.select_related("business").prefetch_related("terms", "status_changes", "crops")


class SeedLicence(RegulatedModel):
    business = models.ForeignKey(Business, models.PROTECT, related_name="seed_licences", verbose_name=_("持证主体"))
    number = models.CharField(_("许可证编号"), max_length=60, unique=True, validators=[validate_seed_licence_number])
    number_normalized = models.CharField(_("规范化编号"), max_length=60, db_index=True, editable=False)
    licence_class = models.CharField(_("许可证类别"), max_length=1, choices=list(LICENCE_CLASSES.items()))
    issuing_authority = models.CharField(_("发证机关简称"), max_length=10)
    first_issue_year = models.PositiveSmallIntegerField(_("首次发证年份"))
    sequence = models.CharField(_("序号"), max_length=6)
    issuing_organ = models.CharField(_("发证机关"), max_length=100, blank=True, help_text=_("如 建平县农业农村局"))
    crops = models.ManyToManyField(Crop, related_name="licences", verbose_name=_("生产经营作物"))
    varieties = models.ManyToManyField(Variety, blank=True, related_name="licences",
                                       verbose_name=_("生产经营品种（A、B、C类）"))
    scope_text = models.CharField(_("生产经营范围"), max_length=300, blank=True)
    production_sites = models.TextField(_("生产地点"), blank=True)
    valid_region = models.CharField(_("有效区域"), max_length=200, blank=True)
    public_token = models.CharField(_("核验码"), max_length=20, unique=True, default=new_public_token)
    created_at = models.DateTimeField(default=timezone.now)

    jurisdiction_path = "business__region_code"
    objects = SeedLicenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("种子生产经营许可证")
        verbose_name_plural = _("种子生产经营许可证")
        ordering = ["business__name", "number"]

    def __str__(self):
        return self.number

    @property
    def region_code(self):
        return self.business.region_code

    # --- status, computed ----------------------------------------------------------------
    def _terms(self):
        return sorted(self.terms.all(), key=lambda t: (t.issued_on, t.pk or 0))

    def current_term(self, on: datetime.date | None = None):
        """The term in force on ``on`` or, failing that, the latest one issued by then."""
        on = on or timezone.localdate()
        terms = [t for t in self._terms() if t.issued_on <= on]
        for term in reversed(terms):
            if term.expires_on >= on:
                return term
        return terms[-1] if terms else (self._terms()[0] if self._terms() else None)

    def status_on(self, on: datetime.date | None = None) -> str:
        on = on or timezone.localdate()
        order = None
        for change in sorted(self.status_changes.all(), key=lambda c: (c.effective_on, c.pk or 0)):
            if change.effective_on <= on:
                order = None if change.kind == LicenceStatusChange.Kind.REINSTATED else change.kind
        if order is not None:
            return order
        term = self.current_term(on)
        if term is None or term.issued_on > on:
            return LicenceStatus.NOT_YET_VALID
        if term.expires_on < on:
            return LicenceStatus.EXPIRED
        return LicenceStatus.VALID

    @property
    def status(self):
        return self.status_on()

    def get_status_display(self):
        return LicenceStatus(self.status).label

    @property
    def expires_on(self):
        term = self.current_term()
        return term.expires_on if term else None

    @property
    def issued_on(self):
        term = self.current_term()
        return term.issued_on if term else None

    def days_to_expiry(self, on=None):
        on = on or timezone.localdate()
        return (self.expires_on - on).days if self.expires_on else None

    def covers_crop(self, crop) -> bool:
        return any(c.pk == crop.pk for c in self.crops.all())


class LicenceTerm(RegulatedModel):
    """A period of validity. A renewal (延续) keeps the licence number and adds a new term."""

    licence = models.ForeignKey(SeedLicence, models.PROTECT, related_name="terms", verbose_name=_("许可证"))
    issued_on = models.DateField(_("发证日期"))
    expires_on = models.DateField(_("有效期至"))
    note = models.CharField(_("说明"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("许可证有效期")
        verbose_name_plural = _("许可证有效期")
        ordering = ["licence", "issued_on"]
        constraints = [models.CheckConstraint(condition=models.Q(expires_on__gt=models.F("issued_on")),
                                              name="licence_term_expires_after_issue")]

    def __str__(self):
        return f"{self.issued_on} – {self.expires_on}"

    @property
    def region_code(self):
        return self.licence.business.region_code


class LicenceStatusChange(RegulatedModel):
    """A dated order that changes a licence's status; reinstatement ends the last order."""

    class Kind(models.TextChoices):
        SUSPENDED = "suspended", _("暂扣/暂停")
        REVOKED = "revoked", _("吊销")
        SURRENDERED = "surrendered", _("注销")
        REINSTATED = "reinstated", _("恢复")

    licence = models.ForeignKey(SeedLicence, models.PROTECT, related_name="status_changes", verbose_name=_("许可证"))
    kind = models.CharField(_("变更"), max_length=12, choices=Kind.choices)
    effective_on = models.DateField(_("生效日期"))
    reason = models.TextField(_("理由"))
    decision_number = models.CharField(_("决定书文号"), max_length=60, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
                                    verbose_name=_("记录人"))
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("许可证状态变更")
        verbose_name_plural = _("许可证状态变更")
        ordering = ["licence", "effective_on", "id"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.effective_on}"

    @property
    def region_code(self):
        return self.licence.business.region_code


class ExpiryReminder(models.Model):
    """One reminder per licence term and threshold (90/30/7 days, and 0 = lapsed): the daily job
    may run twice, the reminder goes out once."""

    term = models.ForeignKey(LicenceTerm, models.CASCADE, related_name="reminders")
    threshold_days = models.SmallIntegerField(_("提前天数"))
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("到期提醒")
        verbose_name_plural = _("到期提醒")
        constraints = [models.UniqueConstraint(fields=["term", "threshold_days"], name="expiry_reminder_once")]

    def __str__(self):
        return f"{self.term} -{self.threshold_days}"
