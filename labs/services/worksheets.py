"""Worksheets: raw data in, computed results out, review by a second person, redo paths.

Rules kept here:
- a test is edited only while it is a draft or returned; once submitted it waits for review,
  once approved it never changes (corrections are new tests linked by ``repeat_of``);
- the reviewer is never the technician who entered the data;
- a test the rules say must be repeated (replicate range, moisture difference, weight check)
  cannot be approved;
- the limit a result is judged against is frozen onto the test when it is approved.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from seedreg.accounts.permissions import require
from seedreg.audit.services import log_action
from seedreg.errors import Conflict, InvalidInput, PermissionDenied, RuleViolation
from seedreg.regions.station_settings import county_setting
from seedreg.regulated import service

from .. import calculations, judgement, selectors
from ..models import LabSample, LabTest, TestIndex, TestReview

APPROVALS_SETTING = "lab_approvals_required"


def required_indexes(sample: LabSample) -> list[str]:
    """The tests a sample needs: every index its standard row sets a value for (a re-test on the
    backup sample: cleanliness, germination and moisture; purity is re-checked on the first
    test's grow-out record, MOA order 50)."""
    try:
        row = judgement.select_standard(selectors.standard_rows(), sample.lot_facts())
    except judgement.JudgementError as exc:
        raise RuleViolation(str(exc), code="no_standard") from exc
    indexes = [i for i in judgement.INDEXES
               if (row.moisture_max if i == "moisture" else getattr(row, f"{i}_min")) is not None]
    if sample.purpose == LabSample.Purpose.RETEST:
        indexes = [i for i in indexes if i != "purity"]
    return indexes


def create_tests(sample: LabSample, *, actor) -> list[LabTest]:
    """Blank tests for a newly received sample (called inside the intake service)."""
    tests = [LabTest(sample=sample, region_code=sample.region_code, index=i) for i in required_indexes(sample)]
    for t in tests:
        t.save()
    return tests


# --- computing ------------------------------------------------------------------------------
def _bool(value):
    if value in (True, False, None):
        return value
    text = str(value).strip().lower()
    if text in {"1", "true", "yes", "on", "是", "相符"}:
        return True
    if text in {"0", "false", "no", "off", "否", "不符"}:
        return False
    return None


def compute(index: str, raw: dict, *, half_sample: bool = False) -> dict:
    """The computed result of ``raw`` bench data for ``index`` (the server's authoritative
    computation; the worksheet page mirrors it in JavaScript for instant feedback)."""
    if index == TestIndex.CLEANLINESS:
        r = calculations.cleanliness(raw.get("working_sample_g"), raw.get("pure_seed_g"), raw.get("other_seeds_g"),
                                     raw.get("inert_matter_g"), half_sample=half_sample)
        return {"value": r.pure_seed_pct, "examined": None, "trueness": None, "repeat_required": r.repeat_required,
                "repeat_reason": r.repeat_reason,
                "result": {"pure_seed": r.shown("pure_seed"), "other_seeds": r.shown("other_seeds"),
                           "inert_matter": r.shown("inert_matter"), "components_total_g": str(r.components_total_g),
                           "weight_difference_pct": str(r.weight_difference_pct),
                           "adjusted_component": r.adjusted_component}}
    if index == TestIndex.GERMINATION:
        reps = [{k: raw.get(f"r{i}_{k}") for k in ("normal", "abnormal", "fresh", "hard", "dead")} for i in range(1, 5)]
        r = calculations.germination(reps, selectors.replicate_bands())
        return {"value": Decimal(r.mean), "examined": r.seeds_examined, "trueness": None,
                "repeat_required": r.repeat_required, "repeat_reason": r.repeat_reason,
                "result": {"mean": r.mean, "abnormal": r.mean_abnormal, "fresh": r.mean_fresh, "hard": r.mean_hard,
                           "dead": r.mean_dead, "range": r.range, "max_range": str(r.max_range),
                           "tolerance": r.tolerance_band.describe(), "tolerance_row_id": r.tolerance_band.row_id}}
    if index == TestIndex.MOISTURE:
        dets = [{k: raw.get(f"m{i}_{k}") for k in ("dish_g", "wet_g", "dry_g")} for i in (1, 2)]
        r = calculations.moisture(dets)
        return {"value": r.mean, "examined": None, "trueness": None, "repeat_required": r.repeat_required,
                "repeat_reason": r.repeat_reason,
                "result": {"mean": str(r.mean), "difference": str(r.difference),
                           "determinations": [str(d.moisture_pct) for d in r.determinations]}}
    if index == TestIndex.PURITY:
        trueness = _bool(raw.get("trueness"))
        if trueness is None:
            raise calculations.CalculationError("请填写品种真实性是否相符", "trueness")
        r = calculations.purity(raw.get("examined"), raw.get("off_types"), method=raw.get("method") or "growout",
                                trueness=trueness)
        return {"value": r.purity, "examined": r.examined, "trueness": trueness, "repeat_required": False,
                "repeat_reason": "", "result": {"purity": str(r.purity), "method": calculations.PURITY_METHODS[r.method],
                                                "examined": r.examined, "off_types": r.off_types}}
    raise InvalidInput(_("未知检验项目。"))


def _locked(test: LabTest) -> LabTest:
    return LabTest.objects.select_for_update(of=("self",)).select_related("sample").get(pk=test.pk)


def _clean_raw(raw: dict) -> dict:
    # Keep what the bench typed, as text, bounded; the computation reads from these strings.
    return {str(k)[:40]: ("" if v is None else str(v).strip()[:40]) for k, v in (raw or {}).items()}


@service
def enter_test_data(test: LabTest, *, actor, raw: dict) -> LabTest:
    """Save raw bench data and its computed result. Bad numbers are refused with the field
    they concern; a result that must be repeated is saved, flagged, and cannot be approved."""
    require(actor, "labs.enter_results", test)
    test = _locked(test)
    if not test.is_editable:
        raise Conflict(_("该项目已提交或已批准，不能修改；请撤回或申请复做。"), code="test_not_editable")
    raw = _clean_raw(raw)
    try:
        computed = compute(test.index, raw)
    except calculations.CalculationError as exc:
        raise InvalidInput(exc.message, code="calculation", fields={exc.field: [exc.message]}) from exc
    test.raw = raw
    test.result = {k: (str(v) if isinstance(v, Decimal) else v) for k, v in computed["result"].items()}
    test.value = computed["value"]
    test.examined = computed["examined"]
    test.trueness = computed["trueness"]
    test.repeat_required = computed["repeat_required"]
    test.repeat_reason = computed["repeat_reason"][:200]
    test.entered_by = actor
    test.save()
    if test.sample.status == LabSample.Status.RECEIVED:
        LabSample.objects.filter(pk=test.sample_id).update(status=LabSample.Status.TESTING)
    log_action(test, "labs.test.entered", actor=actor, parent=test.sample, data={"raw": raw})
    return test


@service
def submit_test(test: LabTest, *, actor) -> LabTest:
    require(actor, "labs.enter_results", test)
    test = _locked(test)
    if not test.is_editable:
        raise Conflict(_("该项目已提交或已批准。"), code="test_not_editable")
    if test.value is None:
        raise RuleViolation(_("请先录入原始数据。"), code="no_result")
    if test.status == LabTest.Status.RETURNED:
        test.version += 1
    test.status = LabTest.Status.SUBMITTED
    test.submitted_at = timezone.now()
    test.save()
    log_action(test, "labs.test.submitted", actor=actor, parent=test.sample)
    return test


def freeze(test: LabTest) -> dict:
    """The limit for this test, as of now: standard row, label value and comparison tolerance."""
    facts = test.sample.lot_facts()
    try:
        row = judgement.select_standard(selectors.standard_rows(), facts)
        limit = judgement.freeze_limit(test.index, row, facts, examined=test.examined,
                                       comparison_bands=selectors.comparison_bands())
    except judgement.JudgementError as exc:
        raise RuleViolation(str(exc), code="no_standard") from exc
    return limit.as_dict()


@service
def review_test(test: LabTest, *, actor, approve: bool, note: str = "") -> LabTest:
    """A reviewer approves or returns a submitted test. The technician who entered it cannot
    review it. Approval needs the county's number of approvals (``lab_approvals_required``);
    the last one freezes the limit and makes the result immutable."""
    require(actor, "labs.review_results", test)
    test = _locked(test)
    if test.entered_by_id == actor.pk:
        raise PermissionDenied(_("不能审核本人录入的检验结果。"), code="own_test")
    if test.status != LabTest.Status.SUBMITTED:
        raise Conflict(_("该项目不在待审核状态。"), code="not_submitted")
    if TestReview.objects.filter(test=test, reviewer=actor, round=test.version).exists():
        raise Conflict(_("您已审核过本轮提交。"), code="already_reviewed")
    if approve and test.repeat_required:
        raise RuleViolation(_("该项目须重新试验（%(reason)s），不能批准；请撤回重做。"), code="repeat_required",
                            reason=test.repeat_reason)
    if not approve and not (note or "").strip():
        raise InvalidInput(_("退回时请写明意见。"), fields={"note": [_("必填")]})
    TestReview(test=test, reviewer=actor, decision=TestReview.Decision.APPROVE if approve else TestReview.Decision.RETURN,
               round=test.version, note=(note or "")[:300]).save()
    if not approve:
        test.status = LabTest.Status.RETURNED
        test.save()
        log_action(test, "labs.test.returned", actor=actor, parent=test.sample, reason=note)
        return test
    needed = county_setting(test.region_code, APPROVALS_SETTING)
    approvals = TestReview.objects.filter(test=test, round=test.version, decision=TestReview.Decision.APPROVE).count()
    if approvals >= needed:
        test.frozen_limit = freeze(test)
        test.status = LabTest.Status.APPROVED
        test.approved_at = timezone.now()
        test.save()
        log_action(test, "labs.test.approved", actor=actor, parent=test.sample, data={"limit": test.frozen_limit})
    else:
        log_action(test, "labs.test.approval_recorded", actor=actor, parent=test.sample,
                   data={"approvals": approvals, "needed": needed})
    return test


def _redo(test: LabTest, *, actor, kind: str, reason: str) -> LabTest:
    if not (reason or "").strip():
        raise InvalidInput(_("请写明原因。"), fields={"reason": [_("必填")]})
    if LabTest.objects.filter(repeat_of=test).exists():
        raise Conflict(_("该项目已有重做记录。"), code="already_redone")
    if test.sample.status in (LabSample.Status.JUDGED, LabSample.Status.REPORTED):
        raise RuleViolation(_("样品已判定，更正须作废报告后重新出具。"), code="sample_judged")
    new = LabTest(sample=test.sample, region_code=test.region_code, index=test.index, repeat_of=test, redo_kind=kind,
                  redo_reason=reason.strip()[:200])
    new.save()
    return new


@service
def retract_test(test: LabTest, *, actor, reason: str) -> LabTest:
    """Before approval: mark the test invalid (kept, visible) and start a blank repeat."""
    require(actor, "labs.enter_results", test)
    test = _locked(test)
    if test.status in (LabTest.Status.APPROVED, LabTest.Status.RETRACTED):
        raise Conflict(_("已批准的结果不能撤回，只能申请复做。"), code="cannot_retract")
    new = _redo(test, actor=actor, kind=LabTest.Redo.RETRACT, reason=reason)
    test.status = LabTest.Status.RETRACTED
    test.save()
    log_action(test, "labs.test.retracted", actor=actor, parent=test.sample, reason=reason, data={"repeat": new.pk})
    return new


@service
def repeat_test(test: LabTest, *, actor, reason: str) -> LabTest:
    """After approval, when the result is doubtful: add a repeat; the approved test stays as it
    was and is linked to its repeat, whose approved result then stands."""
    require(actor, "labs.review_results", test)
    test = _locked(test)
    if test.status != LabTest.Status.APPROVED:
        raise Conflict(_("只有已批准的结果可以复做；未批准的请撤回。"), code="cannot_repeat")
    new = _redo(test, actor=actor, kind=LabTest.Redo.REPEAT, reason=reason)
    log_action(test, "labs.test.repeat_added", actor=actor, parent=test.sample, reason=reason, data={"repeat": new.pk})
    return new


# --- verdict ----------------------------------------------------------------------------------
def current_tests(sample: LabSample) -> dict[str, LabTest]:
    return {t.index: t for t in LabTest.objects.filter(sample=sample).current()}


def verdict_for(sample: LabSample) -> judgement.Verdict:
    """The verdict from the sample's approved tests and their frozen limits (no table is read)."""
    tests = current_tests(sample)
    missing = [judgement.INDEX_LABELS[i] for i in required_indexes(sample) if i not in tests
               or tests[i].status != LabTest.Status.APPROVED]
    if missing:
        raise RuleViolation(_("以下项目尚未批准：%(names)s。"), code="tests_pending", names="、".join(missing))
    # Germination is reported as a whole number (GB/T 3543.4).
    values = {i: (t.value.quantize(Decimal(1)) if i == TestIndex.GERMINATION else t.value) for i, t in tests.items()}
    limits = {i: judgement.FrozenLimit.from_dict(t.frozen_limit) for i, t in tests.items()}
    trueness = tests["purity"].trueness if "purity" in tests else None
    return judgement.judge(values, limits, trueness=trueness)
