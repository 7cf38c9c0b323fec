from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from seedreg.regions.scoping import JurisdictionQuerySet
from seedreg.regulated import RegulatedModel, RegulatedQuerySet

from .directory import Business


class DocumentCheckQuerySet(JurisdictionQuerySet, RegulatedQuerySet):
    pass


class DocumentCheck(RegulatedModel):
    """A periodic check of a dealer's documents (证照检查): displayed, current, matching."""

    business = models.ForeignKey(Business, models.PROTECT, related_name="document_checks", verbose_name=_("经营主体"))
    checked_at = models.DateTimeField(_("检查时间"), default=timezone.now, db_index=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                   verbose_name=_("检查人"))
    displayed = models.BooleanField(_("证照已在经营场所公示"))
    current = models.BooleanField(_("证照在有效期内"))
    matches_record = models.BooleanField(_("证照与登记信息一致"))
    notes = models.TextField(_("情况说明"), blank=True)

    jurisdiction_path = "business__region_code"
    objects = DocumentCheckQuerySet.as_manager()

    class Meta:
        verbose_name = _("证照检查")
        verbose_name_plural = _("证照检查")
        ordering = ["-checked_at"]

    def __str__(self):
        return f"{self.business} {self.checked_at:%Y-%m-%d}"

    @property
    def region_code(self):
        return self.business.region_code

    @property
    def passed(self):
        return self.displayed and self.current and self.matches_record
