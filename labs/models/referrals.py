"""Penalty referrals (案件移送) of a final unqualified or fake result."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from seedreg.accounts.roles import LAB_ROLES, STATION_STAFF, Role
from seedreg.documents.lifecycle import ReviewedDocument
from seedreg.regions.scoping import JurisdictionQuerySet
from seedreg.regulated import RegulatedModel, RegulatedQuerySet

from .reports import LabReport


class PenaltyReferralQuerySet(JurisdictionQuerySet, RegulatedQuerySet):
    pass


class PenaltyReferral(ReviewedDocument, RegulatedModel):
    """The referral of a case to the enforcement organ when a result is final and the seed
    unqualified (劣种子) or fake (假种子): drafted from the final report (a re-test upheld, or an
    objection window that closed), reviewed and issued by the chief (案件移送函). The suggested
    articles are the system's; people decide which apply."""

    report = models.OneToOneField(LabReport, models.PROTECT, related_name="penalty_referral",
                                  verbose_name=_("最终检验报告"))
    region_code = models.CharField(_("所属区划"), max_length=12, db_index=True)
    business = models.ForeignKey("licensing.Business", models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name=_("当事人（被抽样单位）"))
    outcome = models.CharField(_("检验结论"), max_length=12)
    facts = models.TextField(_("案件事实"))
    suggested_articles = models.CharField(_("建议适用条款"), max_length=300)
    basis = models.CharField(_("移送依据"), max_length=200)

    objects = PenaltyReferralQuerySet.as_manager()
    jurisdiction_roles = frozenset(LAB_ROLES | STATION_STAFF | {Role.SUPERVISOR})

    class Meta:
        verbose_name = _("案件移送")
        verbose_name_plural = _("案件移送")
        ordering = ["-drafted_at", "-id"]

    def __str__(self):
        return f"案件移送：{self.report.sample.code}（{self.get_status_display()}）"
