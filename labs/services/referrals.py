"""Penalty referrals (案件移送) of final unqualified or fake results: drafted (by the system when a
re-test upholds the result, or by the station once the objection window of a first report has
closed without an objection), reviewed and issued by the chief; never issued while the review
is pending (seedreg.documents.lifecycle)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from seedreg.accounts.permissions import require
from seedreg.audit.services import log_action
from seedreg.documents.lifecycle import mark_issued, mark_reviewed
from seedreg.documents.pdf import in_official_language
from seedreg.documents.services import issue_document
from seedreg.errors import Conflict, RuleViolation
from seedreg.regulated import service

from ..models import LabReport, LabSample, Outcome, PenaltyReferral, RetestRequest
from .retests import PENALTY_ARTICLES, objection_deadline

REFERRAL_BASIS = "《农作物种子质量监督抽查管理办法》：检验结论为最终结论的不合格种子，移送有管辖权的农业综合执法机构依法处理"


def _first_report(report: LabReport) -> LabReport:
    sample = report.sample
    return LabReport.objects.get(sample=sample.retest_of) if sample.purpose == LabSample.Purpose.RETEST else report


def _final_or_refuse(report: LabReport):
    """Refuse unless ``report`` states a final unqualified or fake result."""
    if report.outcome == Outcome.QUALIFIED:
        raise RuleViolation(_("检验结论为合格，无需移送。"), code="qualified")
    if report.sample.purpose == LabSample.Purpose.RETEST:
        return
    if RetestRequest.objects.filter(report=report).exists():
        raise RuleViolation(_("该报告已申请复检，应依复检结论移送。"), code="retest_pending")
    due = objection_deadline(report)
    if due is None or due.is_met_by(timezone.localdate()):
        raise RuleViolation(_("异议期尚未届满（或报告尚未送达），检验结论尚非最终结论。"), code="not_final")


def _facts(report: LabReport, first: LabReport) -> str:
    sample, sampling = first.sample, first.sample.sample.sampling
    business = sampling.business.name if sampling.business_id else "流动商贩"
    text = (f"{sampling.sampled_at:%Y年%m月%d日}在{business}抽取的{sample.crop_name}种子（品种{sample.variety_name}，"
            f"批号{sample.lot_number or '—'}），经检验（报告编号 {first.document.serial if first.document_id else '—'}）"
            f"结论为{first.get_outcome_display()}：{'；'.join(first.details.get('reasons', []))}。")
    if report.pk != first.pk:
        text += (f"被抽样单位申请复检，复检（报告编号 {report.document.serial if report.document_id else '—'}）结论为"
                 f"{report.get_outcome_display()}，为最终结论。")
    else:
        text += "送达后异议期内未申请复检，检验结论为最终结论。"
    return text[:4000]


@service
@in_official_language
def draft_penalty_referral(report: LabReport, *, actor) -> PenaltyReferral:
    """Draft the referral of a final unqualified or fake result (one per report)."""
    require(actor, "labs.draft_referral", report)
    report = LabReport.objects.select_for_update(of=("self",)).select_related("sample", "document").get(pk=report.pk)
    if PenaltyReferral.objects.filter(report=report).exists():
        raise Conflict(_("该检验结论已起草案件移送。"), code="referral_exists")
    _final_or_refuse(report)
    first = _first_report(report)
    referral = PenaltyReferral(report=report, region_code=report.region_code, outcome=report.outcome,
                               business=first.sample.sample.sampling.business, facts=_facts(report, first),
                               suggested_articles=PENALTY_ARTICLES.get(report.outcome, ""), basis=REFERRAL_BASIS,
                               drafted_by=actor)
    referral.save()
    log_action(referral, "labs.penaltyreferral.drafted", actor=actor, parent=first.sample)
    return referral


@service
def review_penalty_referral(referral: PenaltyReferral, *, actor) -> PenaltyReferral:
    referral = PenaltyReferral.objects.select_for_update().get(pk=referral.pk)
    return mark_reviewed(referral, actor=actor)


@service
@in_official_language
def issue_penalty_referral(referral: PenaltyReferral, *, actor) -> PenaltyReferral:
    """The chief issues a reviewed referral: the 案件移送函 PDF (serial, QR)."""
    referral = (PenaltyReferral.objects.select_for_update(of=("self",)).select_related("report__sample", "business")
                .get(pk=referral.pk))
    if referral.status != PenaltyReferral.Status.REVIEWED:
        return mark_issued(referral, actor=actor)  # refuses with the reason (review pending, already issued)
    require(actor, "documents.issue", referral)
    document = issue_document(
        source=referral, doc_type="penalty_referral", title=f"案件移送函（{referral.report.sample.code}）",
        region_code=referral.region_code, actor=actor, context={"referral": referral})
    return mark_issued(referral, actor=actor, document=document)
