"""A campaign's published results package (监督抽查办法第三十三条)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from seedreg.accounts.roles import LAB_ROLES, STATION_STAFF, Role
from seedreg.regions.scoping import JurisdictionQuerySet
from seedreg.regulated import RegulatedModel, RegulatedQuerySet


class CampaignResultsQuerySet(JurisdictionQuerySet, RegulatedQuerySet):
    pass


class CampaignResults(RegulatedModel):
    """What was published of a campaign's results: the public figures and lists as they stood
    at publication (``snapshot``, free of personal data) and the results PDF. The public page
    and the public workbook read the snapshot, so a later re-test shows only once republished
    (a new version of the document, the old one marked superseded)."""

    campaign = models.OneToOneField("inspections.Campaign", models.PROTECT, related_name="results_package",
                                    verbose_name=_("专项检查"))
    region_code = models.CharField(_("所属区划"), max_length=12, db_index=True)
    snapshot = models.JSONField(_("公布内容"), default=dict)
    document = models.OneToOneField("documents.IssuedDocument", models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("抽查结果文书"))
    published_at = models.DateTimeField(_("公布时间"), default=timezone.now)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                     verbose_name=_("公布人"))

    objects = CampaignResultsQuerySet.as_manager()
    jurisdiction_roles = frozenset(LAB_ROLES | STATION_STAFF | {Role.SUPERVISOR})

    class Meta:
        verbose_name = _("抽查结果公布")
        verbose_name_plural = _("抽查结果公布")
        ordering = ["-published_at"]

    def __str__(self):
        return f"抽查结果：{self.campaign.name}"
