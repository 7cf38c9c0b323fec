"""Worksheet → review → immutability, the redo paths and the verdict from frozen limits."""

import datetime
from decimal import Decimal as D

import pytest

from labs import services
from labs.models import LabTest, QualityStandard, TestReview
from labs.services import worksheets
from seedreg.errors import Conflict, InvalidInput, PermissionDenied, RuleViolation
from seedreg.regions.models import Station
from seedreg.regulated import service_context
from tests.factories import make_user

from .conftest import GOOD_RAW, build_lab_sample


def current(sample, index):
    return LabTest.objects.current().get(sample=sample, index=index)


def approve_all(sample, tech, reviewer, raw=GOOD_RAW):
    for index, data in raw.items():
        t = worksheets.enter_test_data(current(sample, index), actor=tech, raw=data)
        worksheets.submit_test(t, actor=tech)
        worksheets.review_test(t, actor=reviewer, approve=True)


def test_a_new_sample_has_the_tests_its_standard_requires(lab_sample):
    assert sorted(lab_sample.tests.values_list("index", flat=True)) == ["cleanliness", "germination", "moisture",
                                                                        "purity"]


def test_raw_germination_data_is_computed_and_saved(lab_sample, lab_tech):
    t = worksheets.enter_test_data(current(lab_sample, "germination"), actor=lab_tech, raw=GOOD_RAW["germination"])
    assert (t.value, t.examined, t.repeat_required) == (D(90), 400, False)  # 358/4 = 89.5 → 90
    assert t.result["range"] == 3 and t.result["max_range"] == "12"
    lab_sample.refresh_from_db()
    assert lab_sample.status == "testing"


def test_bad_raw_data_is_refused_with_its_field_and_nothing_is_saved(lab_sample, lab_tech):
    with pytest.raises(InvalidInput) as exc:
        worksheets.enter_test_data(current(lab_sample, "germination"), actor=lab_tech,
                                   raw={**GOOD_RAW["germination"], "r2_dead": "2"})
    assert "r2_normal" in exc.value.fields and "应为 100" in str(exc.value)
    assert current(lab_sample, "germination").raw == {}


def test_the_tester_cannot_approve_their_own_test(lab_sample, lab_tech):
    t = worksheets.enter_test_data(current(lab_sample, "moisture"), actor=lab_tech, raw=GOOD_RAW["moisture"])
    worksheets.submit_test(t, actor=lab_tech)
    with pytest.raises(PermissionDenied):
        worksheets.review_test(t, actor=lab_tech, approve=True)
    higher = make_user("higher_lab", "2113", full_name="市检一")
    with pytest.raises(PermissionDenied):  # entered by the higher lab's own user: same rule
        t2 = worksheets.enter_test_data(current(lab_sample, "cleanliness"), actor=higher, raw=GOOD_RAW["cleanliness"])
        worksheets.submit_test(t2, actor=higher)
        worksheets.review_test(t2, actor=higher, approve=True)


def test_an_approved_result_is_immutable_and_keeps_its_frozen_limit(lab_sample, lab_tech, lab_reviewer):
    t = worksheets.enter_test_data(current(lab_sample, "germination"), actor=lab_tech, raw=GOOD_RAW["germination"])
    worksheets.submit_test(t, actor=lab_tech)
    t = worksheets.review_test(t, actor=lab_reviewer, approve=True)
    assert t.status == "approved" and t.frozen_limit["limit"] == "85.0" and t.frozen_limit["tolerance"] == "2.9"
    with pytest.raises(Conflict):
        worksheets.enter_test_data(t, actor=lab_tech, raw=GOOD_RAW["germination"])
    with pytest.raises(Conflict):
        worksheets.retract_test(t, actor=lab_tech, reason="怀疑")
    with pytest.raises(Exception):  # noqa: B017 - the regulated-model guard, not a domain error
        t.value = D(99)
        t.save()


def test_a_test_that_must_be_repeated_cannot_be_approved(lab_sample, lab_tech, lab_reviewer):
    raw = {"r1_normal": "95", "r1_dead": "5", "r2_normal": "81", "r2_dead": "19", "r3_normal": "88", "r3_dead": "12",
           "r4_normal": "84", "r4_dead": "16"}  # mean 87, range 14 > 13
    t = worksheets.enter_test_data(current(lab_sample, "germination"), actor=lab_tech, raw=raw)
    assert t.repeat_required and "须重新试验" in t.repeat_reason
    worksheets.submit_test(t, actor=lab_tech)
    with pytest.raises(RuleViolation) as exc:
        worksheets.review_test(t, actor=lab_reviewer, approve=True)
    assert exc.value.code == "repeat_required"
    repeat = worksheets.retract_test(t, actor=lab_tech, reason="重复间差距超容许差")
    t.refresh_from_db()
    assert t.status == "retracted" and repeat.repeat_of == t and repeat.redo_kind == "retract"
    assert current(lab_sample, "germination") == repeat and repeat.raw == {}


def test_returned_tests_go_back_to_the_tester_and_are_reviewed_again(lab_sample, lab_tech, lab_reviewer):
    t = worksheets.enter_test_data(current(lab_sample, "cleanliness"), actor=lab_tech, raw=GOOD_RAW["cleanliness"])
    worksheets.submit_test(t, actor=lab_tech)
    with pytest.raises(InvalidInput):
        worksheets.review_test(t, actor=lab_reviewer, approve=False)
    t = worksheets.review_test(t, actor=lab_reviewer, approve=False, note="杂质称量请复核")
    assert t.status == "returned"
    t = worksheets.enter_test_data(t, actor=lab_tech, raw={**GOOD_RAW["cleanliness"], "inert_matter_g": "0.48"})
    t = worksheets.submit_test(t, actor=lab_tech)
    assert t.version == 2
    assert worksheets.review_test(t, actor=lab_reviewer, approve=True).status == "approved"
    assert list(TestReview.objects.filter(test=t).values_list("decision", "round")) == [("return", 1),
                                                                                        ("approve", 2)]


def test_a_county_can_require_two_approvals(lab_sample, lab_tech, lab_reviewer):
    station, _ = Station.objects.get_or_create(region_id="211322", defaults={"name": "建平县种子管理站"})
    with service_context():
        station.settings = {**(station.settings or {}), "lab_approvals_required": 2}
        station.save()
    second = make_user("lab_reviewer", "211322", full_name="二审")
    t = worksheets.enter_test_data(current(lab_sample, "moisture"), actor=lab_tech, raw=GOOD_RAW["moisture"])
    worksheets.submit_test(t, actor=lab_tech)
    assert worksheets.review_test(t, actor=lab_reviewer, approve=True).status == "submitted"
    with pytest.raises(Conflict):
        worksheets.review_test(t, actor=lab_reviewer, approve=True)
    assert worksheets.review_test(t, actor=second, approve=True).status == "approved"


def test_a_doubtful_approved_result_gets_a_linked_repeat_whose_result_then_stands(lab_sample, lab_tech, lab_reviewer):
    t = worksheets.enter_test_data(current(lab_sample, "moisture"), actor=lab_tech, raw=GOOD_RAW["moisture"])
    worksheets.submit_test(t, actor=lab_tech)
    worksheets.review_test(t, actor=lab_reviewer, approve=True)
    with pytest.raises(PermissionDenied):
        worksheets.repeat_test(t, actor=lab_tech, reason="烘箱温度记录异常")
    repeat = worksheets.repeat_test(t, actor=lab_reviewer, reason="烘箱温度记录异常")
    t.refresh_from_db()
    assert t.status == "approved" and t.repeated_by == repeat and repeat.redo_kind == "repeat"
    assert current(lab_sample, "moisture") == repeat


def test_the_verdict_uses_the_frozen_limits_not_a_later_edit_of_the_table(lab_sample, lab_tech, lab_reviewer,
                                                                           province_chief):
    approve_all(lab_sample, lab_tech, lab_reviewer)
    row = QualityStandard.objects.get(crop_code="maize", seed_type_label="单交种")
    services.revise_quality_standard(row, actor=province_chief, effective_from=datetime.date(2020, 1, 1),
                                     germination_min="95", status="unconfirmed", source="测试：标准修订")
    verdict = worksheets.verdict_for(lab_sample)
    assert verdict.outcome == "qualified"
    assert {v.index: v.limit.limit for v in verdict.indexes}["germination"] == D(85)


def test_the_verdict_waits_for_every_test(lab_sample, lab_tech, lab_reviewer):
    approve_all(lab_sample, lab_tech, lab_reviewer, raw={k: GOOD_RAW[k] for k in ("germination", "moisture")})
    with pytest.raises(RuleViolation, match="净度"):
        worksheets.verdict_for(lab_sample)


def test_a_county_lab_cannot_touch_another_countys_sample(standards, crops, lab_tech):
    other_tech = make_user("lab_technician", "211321", full_name="外县检验")
    sample = build_lab_sample(other_tech, number=9)
    from seedreg.errors import NotFound

    with pytest.raises(NotFound):
        worksheets.enter_test_data(current(sample, "moisture"), actor=lab_tech, raw=GOOD_RAW["moisture"])
