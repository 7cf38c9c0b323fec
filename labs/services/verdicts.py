"""Verdict and test report (检验报告).

``judge_sample`` turns the approved tests into the verdict (pure judgement on the frozen limits),
issues the report PDF through ``seedreg.documents`` (serial, QR of its verification page) to the
business's portal users, and records the verdict on the lot's quality history in licensing.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from licensing.models import DealerMembership
from licensing.services import draft_stop_sale_order, record_lot_verdict
from seedreg.accounts.permissions import require
from seedreg.audit.services import log_action
from seedreg.documents.models import IssuedDocument
from seedreg.documents.pdf import in_official_language
from seedreg.documents.services import issue_corrected_version, issue_document
from seedreg.errors import Conflict
from seedreg.regulated import service

from ..models import LabReport, LabSample, LabTest, Outcome, RetestRequest
from .worksheets import current_tests, verdict_for

METHODS = {
    "purity": "GB/T 3543.5 真实性和品种纯度鉴定",
    "cleanliness": "GB/T 3543.3 净度分析",
    "germination": "GB/T 3543.4 发芽试验",
    "moisture": "GB/T 3543.6 水分测定（低恒温烘干法）",
}


def report_parties(sample: LabSample) -> set[int]:
    """Ids of the businesses a report is for: where the sample was drawn and the lot's producer."""
    return {sample.sample.sampling.business_id, getattr(sample.lot, "producer_id", None)} - {None}


def report_recipients(sample: LabSample):
    """Who is sent the report in the portal: the users of the business the sample was drawn at
    and, for a sample drawn in the market (at a business other than the producer), the
    producer's users too (MOA order 50). An out-of-county producer has no portal account here:
    its copy goes by post, recorded as a service record."""
    ids = report_parties(sample)
    return [m.user for m in DealerMembership.objects.filter(business_id__in=ids).select_related("user")
            .order_by("user_id") if m.user.is_active]


STOP_SALE_BASIS = "《中华人民共和国种子法》第四十八条、第四十九条；《农作物种子质量监督抽查管理办法》"


def _record_on_lot(report: LabReport, *, actor):
    """The verdict goes on the lot's quality history (making the lot and the business priority
    targets of the next draw); an unqualified or fake lot gets a stop-sale order drafted for the
    station's chief to review and issue (once: a corrected report keeps the order drafted for
    the first)."""
    sample = report.sample
    if sample.lot_id is None:
        return
    business = sample.sample.sampling.business
    report.quality_record = record_lot_verdict(
        actor=actor, lot=sample.lot, business=business, verdict=report.outcome, decided_on=timezone.localdate(),
        source=f"检验报告 {report.document.serial}", details=report.details)
    if (report.outcome != Outcome.QUALIFIED and sample.purpose == LabSample.Purpose.FIRST_TEST
            and report.stop_sale_order_id is None):  # a corrected report keeps the order already drafted
        reasons = "；".join(report.details.get("reasons", []))
        report.stop_sale_order = draft_stop_sale_order(
            actor=actor, lot=sample.lot, reason=f"经检验，{report.get_outcome_display()}：{reasons}"[:2000],
            legal_basis=STOP_SALE_BASIS, source=f"检验报告 {report.document.serial}")
    report.save(update_fields=["quality_record", "stop_sale_order"])


def _result_rows(sample, verdict):
    tests = current_tests(sample)
    rows = []
    for v in verdict.indexes:
        t = tests[v.index]
        rows.append({"index": v.index, "name": t.get_index_display(), "value": str(v.value), "passed": v.passed,
                     "method": METHODS[v.index], "limit": str(v.limit.limit), "direction": v.limit.direction,
                     "tolerance": str(v.limit.tolerance), "source": v.limit.source_text(),
                     "tolerance_rule": v.limit.tolerance_rule, "tester": t.entered_by.display_name if t.entered_by else "",
                     "reviewers": [r.reviewer.display_name for r in t.reviews.all() if r.decision == "approve"],
                     "detail": t.result})
    return rows


def _report_title(sample) -> str:
    return f"种子质量检验报告（{sample.variety_name} {sample.lot_number}）"


def _report_context(report: LabReport, **extra) -> dict:
    sample, rows = report.sample, report.results["rows"]
    testers = list(dict.fromkeys(r["tester"] for r in rows if r["tester"]))
    reviewers = list(dict.fromkeys(name for r in rows for name in r["reviewers"]))
    return {"report": report, "sample": sample, "sampling": sample.sample.sampling, "rows": rows,
            "verdict": report.details, "judged_on": timezone.localdate(report.judged_at), "testers": testers,
            "reviewers": reviewers, **extra}


@service
@in_official_language
def judge_sample(sample: LabSample, *, actor) -> LabReport:
    """Judge a sample whose tests are all approved and issue its test report (or, for a
    withdrawn report, its corrected version)."""
    require(actor, "labs.review_results", sample)
    sample = LabSample.objects.select_for_update().get(pk=sample.pk)
    report = LabReport.objects.filter(sample=sample).select_related("document").first()
    if report is not None and not is_withdrawn(report):
        raise Conflict(_("该样品已判定。"), code="already_judged")
    if sample.purpose == LabSample.Purpose.RETEST:
        raise Conflict(_("复检样品的结论由复检申请出具（与初检结果比较）。"), code="use_retest_conclusion")
    verdict = verdict_for(sample)
    if report is None:
        report = LabReport(sample=sample, region_code=sample.region_code, judged_by=actor)
    withdrawn = report.document if report.pk else None
    report.outcome, report.details = verdict.outcome, verdict.as_dict()
    report.results = {"rows": _result_rows(sample, verdict)}
    report.judged_at, report.judged_by = timezone.now(), actor
    report.save()
    if withdrawn is None:
        report.document = issue_document(
            source=report, doc_type="lab_report", title=_report_title(sample), region_code=sample.region_code,
            actor=actor, recipients=report_recipients(sample), context=_report_context(report))
    else:  # the corrected version of a withdrawn report: same number, next suffix, superseding it
        report.document = issue_corrected_version(
            withdrawn, actor=actor, recipients=report_recipients(sample),
            context=_report_context(report, replaces=withdrawn.serial, replace_reason=withdrawn.status_reason))
    report.save(update_fields=["document"])
    _record_on_lot(report, actor=actor)
    LabSample.objects.filter(pk=sample.pk).update(status=LabSample.Status.REPORTED)
    log_action(report, "labs.sample.judged", actor=actor, parent=sample, data={"outcome": verdict.outcome,
                                                                               "reasons": list(verdict.reasons)})
    return report


def is_withdrawn(report: LabReport) -> bool:
    """The report was withdrawn (its document invalidated) and awaits its corrected version."""
    return report.document_id is not None and report.document.status == IssuedDocument.Status.INVALIDATED


@service
def withdraw_report(report: LabReport, *, actor, reason: str) -> LabReport:
    """Withdraw a published first-test report found wrong: its document is invalidated at once
    (its verification page says so) and everyone it was sent or served to is told, once; the
    sample goes back to testing so a doubtful result can be repeated, and judging it again
    issues the corrected report as the next version of the same number (…第0007号-1)."""
    from seedreg.documents.services import invalidate_document

    require(actor, "labs.withdraw_report", report)
    report = LabReport.objects.select_for_update(of=("self",)).select_related("sample", "document").get(pk=report.pk)
    sample = report.sample
    if sample.purpose != LabSample.Purpose.FIRST_TEST or report.document_id is None:
        raise Conflict(_("只有已出具的初检报告可以撤回更正。"), code="not_withdrawable")
    if RetestRequest.objects.filter(report=report).exists():
        raise Conflict(_("该报告已申请复检，结论以复检报告为准，不能撤回更正。"), code="retest_exists")
    invalidate_document(report.document, reason=reason, actor=actor, notify_also=report_recipients(sample),
                        follow_up="更正后的检验报告将以同一编号加后缀另行出具。")
    LabSample.objects.filter(pk=sample.pk).update(status=LabSample.Status.TESTING)
    log_action(report, "labs.report.withdrawn", actor=actor, parent=sample, reason=reason,
               data={"serial": report.document.serial})
    return report


def can_view_report(user, document) -> bool:
    """A dealer may download the reports sent to their business (``report_parties``): on samples
    drawn at it, and, for a producer, on samples of its lots drawn in the market."""
    membership = getattr(user, "dealer_membership", None)
    if not user.is_dealer or membership is None:
        return False
    report = LabReport.objects.filter(document=document).select_related("sample__sample__sampling", "sample__lot").first()
    return report is not None and membership.business_id in report_parties(report.sample)


__all__ = ["LabTest", "can_view_report", "judge_sample", "withdraw_report", "report_recipients"]
