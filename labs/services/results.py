"""Publishing a campaign's results package (监督抽查办法第三十三条)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from seedreg.accounts.permissions import require
from seedreg.audit.services import log_action
from seedreg.documents.pdf import in_official_language
from seedreg.documents.services import invalidate_document, issue_document
from seedreg.errors import RuleViolation
from seedreg.regulated import service

from ..models import CampaignResults
from ..results import campaign_results

TEMPLATE = "labs/documents/campaign_results.html"


@service
@in_official_language
def publish_campaign_results(campaign, *, actor, reason: str = "") -> CampaignResults:
    """Freeze the public results of ``campaign`` and issue them as a PDF (serial, QR). Published
    again (after a re-test changed a result), the package gets a new document version with a
    suffixed number that supersedes the old one; ``reason`` says why."""
    from inspections.models import Campaign

    require(actor, "labs.publish_results", campaign)
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    snapshot = campaign_results(campaign, public=True)
    if not snapshot["rows"] and not snapshot["refusing"]:
        raise RuleViolation(_("该专项检查尚无抽检样品或拒检记录，无可公布的结果。"), code="no_results")
    context = {"results": snapshot}
    package = CampaignResults.objects.filter(campaign=campaign).select_related("document").first()
    if package is None:
        package = CampaignResults(campaign=campaign, region_code=campaign.region_code, snapshot=snapshot,
                                  published_by=actor)
        package.save()
        package.document = issue_document(
            source=package, doc_type="campaign_results", template=TEMPLATE, context=context,
            title=f"{campaign.name}种子质量监督抽查结果", region_code=campaign.region_code, actor=actor)
        package.save(update_fields=["document"])
        log_action(package, "labs.results.published", actor=actor, parent=campaign,
                   data={"samples": snapshot["summary"]["samples"]})
        return package
    if not (reason or "").strip():
        raise RuleViolation(_("结果已公布；重新公布须说明理由（如复检改变了结论）。"), code="reason_required")
    package.snapshot, package.published_at, package.published_by = snapshot, timezone.now(), actor
    package.document = invalidate_document(package.document, reason=reason, actor=actor, template=TEMPLATE,
                                           replacement_context=context)
    package.save()
    log_action(package, "labs.results.republished", actor=actor, parent=campaign, data={"reason": reason})
    return package
