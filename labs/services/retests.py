"""Objections and re-tests (复检/复验, MOA order 50).

- The business applies within the objection window, counted from the report's **service**
  (送达) by the platform's deadline function (starting day not counted; a period ending on a rest
  day ends on the next working day). The window's length is a per-county setting (15 days,
  unconfirmed for seed). A later application is refused with the dates. The station may also
  escalate a result itself.
- The re-test lab is the original lab or the higher-level lab (per county). The backup sample is
  handed over with custody records; cleanliness, germination and moisture are re-tested on it,
  purity is taken from the first test's grow-out record.
- The re-test is final. Where an index agrees with the first test within the two-tests
  tolerance, the reported value is the mean of the two; otherwise the re-test's value stands.
  When the results differ, the original lab bears the cost.
"""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inspections.models import Sample
from inspections.services import record_custody_transfer
from licensing.services import record_lot_verdict
from seedreg.accounts.permissions import require
from seedreg.accounts.roles import Role
from seedreg.audit.services import log_action
from seedreg.documents.services import issue_document
from seedreg.errors import Conflict, InvalidInput, PermissionDenied, RuleViolation
from seedreg.notifications.services import notify
from seedreg.regions.station_settings import county_setting
from seedreg.regulated import service
from seedreg.workcalendar.deadlines import deadline

from .. import calculations, judgement, selectors
from ..models import LabReport, LabSample, LabTest, Outcome, RetestRequest
from .intake import _receive, station_staff
from .verdicts import is_withdrawn, report_recipients
from .worksheets import current_tests, required_indexes

OBJECTION_DAYS_SETTING = "lab_objection_days"
RETEST_LAB_SETTING = "lab_retest_lab"
PENALTY_ARTICLES = {
    Outcome.FAKE: "《中华人民共和国种子法》第四十八条、第七十四条（假种子）",
    Outcome.UNQUALIFIED: "《中华人民共和国种子法》第四十八条、第七十五条（劣种子）",
}


def objection_deadline(report: LabReport):
    """The last day to object to ``report``, or None while it has not been served."""
    served = report.document.served_at if report.document_id else None
    if served is None:
        return None
    return deadline(served, int(county_setting(report.region_code, OBJECTION_DAYS_SETTING)))


@service
def acknowledge_report(report: LabReport, *, user):
    """A dealer confirms in the portal that they received the report: its service, which starts
    the objection window."""
    from seedreg.documents.services import acknowledge_in_portal

    require(user, "labs.request_retest", report)
    return acknowledge_in_portal(report.document, user=user)


@service
def request_retest(report: LabReport, *, actor, reason: str, received_on: datetime.date | None = None,
                   escalate: bool = False) -> RetestRequest:
    """A re-test request. A dealer applies for their own business, today; station staff record a
    paper application with the day it was received, or (``escalate``) ask for a re-test
    themselves, which no window limits."""
    report = LabReport.objects.select_for_update(of=("self",)).select_related("sample__sample__sampling", "document").get(
        pk=report.pk)
    today = timezone.localdate()
    if actor.is_authenticated and actor.is_dealer:
        require(actor, "labs.request_retest", report)
        received_on, escalate = today, False
    else:
        require(actor, "labs.escalate_retest", report)
        received_on = received_on or today
        if received_on > today:
            raise InvalidInput(_("收到日期不能晚于今天。"), fields={"received_on": [_("不能晚于今天")]})
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("请写明申请复检的理由。"), fields={"reason": [_("必填")]})
    if report.sample.purpose != LabSample.Purpose.FIRST_TEST:
        raise RuleViolation(_("复检结论为最终结论，不能再申请复检。"), code="retest_is_final")
    if is_withdrawn(report):
        raise RuleViolation(_("检验报告已撤回更正，请待更正后的报告送达后再申请。"), code="report_withdrawn")
    if report.outcome == Outcome.QUALIFIED and not escalate:
        raise RuleViolation(_("检验结论为合格，无需申请复检。"), code="qualified")
    if RetestRequest.objects.filter(report=report).exists():
        raise Conflict(_("该报告已申请复检。"), code="retest_exists")
    due = objection_deadline(report)
    if not escalate:
        if due is None:
            raise RuleViolation(_("检验报告尚未送达，异议期限尚未起算：请先确认收到报告。"), code="not_served")
        if not due.is_met_by(received_on):
            raise RuleViolation(
                _("已超过异议期限：检验报告于 %(served)s 送达，%(days)s 日期限至 %(due)s 止（%(rule)s）。"
                  "逾期未申请复检的，检验结论为最终结论。"), code="objection_late",
                served=due.start.isoformat(), days=due.days, due=due.due.isoformat(), rule=_rule_text(due))
    retest = RetestRequest(
        report=report, region_code=report.region_code, by_station=escalate, reason=reason[:2000], requested_by=actor,
        received_on=received_on, served_on=due.start if due else None, objection_due=due.due if due else None,
        deadline_rule=_rule_text(due) if due else "", assigned_lab=county_setting(report.region_code, RETEST_LAB_SETTING))
    retest.save()
    log_action(retest, "labs.retest.requested", actor=actor, parent=report.sample,
               data={"received_on": received_on, "due": retest.objection_due, "escalated": escalate})
    notify(station_staff(report.region_code), key=f"labs-retest:{retest.pk}",
           title=f"样品 {report.sample.code} 申请复检", body=reason[:200],
           link=reverse("labs:sample_detail", args=[report.sample_id]), category="labs", channels=("inbox",))
    return retest


def _rule_text(due) -> str:
    text = f"自送达次日起算 {due.days} 日（《民法典》第二百零一条、第二百零三条）"
    return text + ("；期限末日为法定休假日，顺延至休假日结束的次日" if due.rolled_over else "")


@service
def dispatch_backup(retest: RetestRequest, *, actor, to: str, seals_intact: bool = True,
                    note: str = "") -> RetestRequest:
    """Hand the backup sample over towards the re-test lab (a custody record)."""
    require(actor, "labs.dispatch_backup", retest)
    retest = RetestRequest.objects.select_for_update().get(pk=retest.pk)
    if retest.status != RetestRequest.Status.REQUESTED:
        raise Conflict(_("备份样品已移交。"), code="already_dispatched")
    backup = Sample.objects.get(sampling_id=retest.report.sample.sample.sampling_id, role=Sample.Role.BACKUP)
    record_custody_transfer(actor=actor, sample=backup, to=to, seals_intact=seals_intact, note=note)
    retest.status = RetestRequest.Status.DISPATCHED
    retest.dispatched_to = (to or "").strip()[:100]
    retest.save()
    log_action(retest, "labs.retest.dispatched", actor=actor, parent=retest.report.sample)
    return retest


@service
def receive_backup(retest: RetestRequest, *, actor, seal_numbers, seals_intact: bool, quantity_g,
                   storage_location: str, condition: str = "", seal_note: str = "") -> LabSample:
    """The re-test lab receives the backup sample; its tests are opened on a new lab sample."""
    require(actor, "labs.receive_sample", retest)
    retest = RetestRequest.objects.select_for_update().get(pk=retest.pk)
    if retest.status != RetestRequest.Status.DISPATCHED:
        raise Conflict(_("备份样品尚未移交或已接收。"), code="not_dispatched")
    higher = actor.role == Role.HIGHER_LAB
    if (retest.assigned_lab == RetestRequest.Lab.HIGHER) != higher:
        raise PermissionDenied(_("该复检由%(lab)s承担。"), code="wrong_lab", lab=retest.get_assigned_lab_display())
    first = retest.report.sample
    backup = Sample.objects.select_for_update(of=("self",)).select_related("sampling__crop", "sampling__variety").get(
        sampling_id=first.sample.sampling_id, role=Sample.Role.BACKUP)
    lab_sample = _receive(backup, actor=actor, seal_numbers=seal_numbers, seals_intact=seals_intact,
                          quantity_g=quantity_g, storage_location=storage_location, condition=condition,
                          seal_note=seal_note, seed_class=first.seed_class, seed_form=first.seed_form,
                          purpose=LabSample.Purpose.RETEST, retest_of=first, at_higher_lab=higher)
    retest.retest_sample = lab_sample
    retest.status = RetestRequest.Status.TESTING
    retest.save()
    log_action(retest, "labs.retest.received", actor=actor, parent=first)
    return lab_sample


def _approved(sample: LabSample) -> dict[str, LabTest]:
    tests = current_tests(sample)
    missing = [judgement.INDEX_LABELS[i] for i in required_indexes(sample)
               if i not in tests or tests[i].status != LabTest.Status.APPROVED]
    if missing:
        raise RuleViolation(_("以下项目尚未批准：%(names)s。"), code="tests_pending", names="、".join(missing))
    return tests


def compare_with_first(first_tests: dict, retests: dict) -> tuple[dict, dict]:
    """(final values, comparison rows) per re-tested index (pure apart from the tables read)."""
    finals, rows = {}, {}
    for index, t in retests.items():
        whole = index == "germination"
        first = first_tests[index].value
        second = t.value.quantize(calculations.WHOLE) if whole else t.value
        first = first.quantize(calculations.WHOLE) if whole else first
        outcome = calculations.retest_agreement(first, second, selectors.two_tests_bands(index), whole_number=whole)
        finals[index] = outcome.reported
        rows[index] = {"name": judgement.INDEX_LABELS[index], "first": str(first), "retest": str(second),
                       "difference": str(outcome.difference), "agree": outcome.agree, "reported": str(outcome.reported),
                       "tolerance": outcome.tolerance_band.describe() if outcome.tolerance_band else "",
                       "rule": outcome.rule,
                       "differ": (not outcome.agree) if outcome.tolerance_band else first != second}
    return finals, rows


@service
def conclude_retest(retest: RetestRequest, *, actor) -> RetestRequest:
    """The final result of a re-test: values combined with the first test, the verdict, the
    re-test report, the lot's quality history, who pays, and the case outcome."""
    require(actor, "labs.review_results", retest)
    retest = RetestRequest.objects.select_for_update(of=("self",)).select_related("report__sample", "retest_sample").get(
        pk=retest.pk)
    if retest.status != RetestRequest.Status.TESTING:
        raise Conflict(_("复检尚未开始或已出结论。"), code="retest_not_testing")
    first_sample, second_sample = retest.report.sample, retest.retest_sample
    retests = _approved(second_sample)
    first_tests = current_tests(first_sample)
    finals, comparison = compare_with_first(first_tests, retests)
    limits = {i: judgement.FrozenLimit.from_dict(t.frozen_limit) for i, t in retests.items()}
    trueness = None
    purity = first_tests.get("purity")
    if purity is not None and purity.status == LabTest.Status.APPROVED:
        # MOA order 50: purity is re-checked on the first test's grow-out record, not re-grown.
        finals["purity"] = purity.value
        limits["purity"] = judgement.FrozenLimit.from_dict(purity.frozen_limit)
        trueness = purity.trueness
        comparison["purity"] = {"name": "品种纯度", "first": str(purity.value), "retest": "", "reported": str(purity.value),
                                "rule": "复核初检田间小区种植鉴定记录", "agree": True, "differ": False}
    verdict = judgement.judge(finals, limits, trueness=trueness)
    differ = verdict.outcome != retest.report.outcome or any(row["differ"] for row in comparison.values())
    details = {**verdict.as_dict(), "comparison": comparison}
    rows = [{"index": v.index, "name": judgement.INDEX_LABELS[v.index], "value": str(v.value), "passed": v.passed,
             "method": "", "limit": str(v.limit.limit), "direction": v.limit.direction,
             "tolerance": str(v.limit.tolerance), "source": v.limit.source_text(),
             "tolerance_rule": v.limit.tolerance_rule, "tester": "", "reviewers": [], "detail": comparison.get(v.index)}
            for v in verdict.indexes]
    report = LabReport(sample=second_sample, region_code=second_sample.region_code, outcome=verdict.outcome,
                       details=details, results={"rows": rows}, judged_by=actor)
    report.save()
    report.document = issue_document(
        source=report, doc_type="lab_report", template="labs/documents/retest_report.html",
        title=f"种子质量复检报告（{second_sample.variety_name} {second_sample.lot_number}）",
        region_code=second_sample.region_code, actor=actor, recipients=report_recipients(first_sample),
        context={"report": report, "sample": second_sample, "first": retest.report, "retest": retest,
                 "sampling": first_sample.sample.sampling, "rows": rows, "comparison": comparison, "verdict": details,
                 "differ": differ})
    if second_sample.lot_id:
        report.quality_record = record_lot_verdict(
            actor=actor, lot=second_sample.lot, business=first_sample.sample.sampling.business,
            verdict=verdict.outcome, decided_on=timezone.localdate(), source=f"复检报告 {report.document.serial}",
            details=details)
    report.save(update_fields=["document", "quality_record"])
    LabSample.objects.filter(pk=second_sample.pk).update(status=LabSample.Status.REPORTED)
    retest.final_outcome = verdict.outcome
    retest.comparison = comparison
    retest.results_differ = differ
    retest.original_lab_pays = differ
    retest.case_outcome = (RetestRequest.CaseOutcome.LIFTED if verdict.outcome == Outcome.QUALIFIED
                           else RetestRequest.CaseOutcome.UPHELD)
    retest.suggested_articles = PENALTY_ARTICLES.get(verdict.outcome, "")
    retest.status = RetestRequest.Status.COMPLETED
    retest.completed_at = timezone.now()
    retest.save()
    if retest.case_outcome == RetestRequest.CaseOutcome.UPHELD:
        from .referrals import draft_penalty_referral

        draft_penalty_referral(report, actor=actor)  # for the chief to review and issue
    log_action(retest, "labs.retest.concluded", actor=actor, parent=first_sample,
               data={"outcome": verdict.outcome, "differ": differ, "case": retest.case_outcome})
    notify(station_staff(retest.region_code), key=f"labs-retest-done:{retest.pk}",
           title=f"样品 {first_sample.code} 复检结论：{report.get_outcome_display()}",
           body=retest.get_case_outcome_display() + (f"；{retest.suggested_articles}" if retest.suggested_articles else ""),
           link=reverse("labs:sample_detail", args=[first_sample.pk]), category="labs", channels=("inbox",))
    return retest
