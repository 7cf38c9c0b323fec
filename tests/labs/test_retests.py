"""Objection window, escalation of the backup sample with its custody chain, and the final
result of a re-test compared with the first test."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from inspections.models import CustodyTransfer
from labs.models import LabTest, RetestRequest
from labs.services import judge_sample
from labs.services.retests import (
    conclude_retest,
    dispatch_backup,
    objection_deadline,
    receive_backup,
    request_retest,
)
from labs.services.worksheets import enter_test_data, review_test, submit_test
from seedreg.documents.models import IssuedDocument
from seedreg.documents.services import acknowledge_in_portal, record_service
from seedreg.errors import Conflict, PermissionDenied, RuleViolation
from seedreg.regulated import service_context
from tests.factories import make_user

from .conftest import GOOD_RAW, build_lab_sample

SHANGHAI = ZoneInfo("Asia/Shanghai")


def germ(*normals):
    raw = {}
    for i, n in enumerate(normals, 1):
        raw.update({f"r{i}_normal": str(n), f"r{i}_dead": str(100 - n)})
    return raw


def run_tests(sample, tech, reviewer, raw):
    for index, data in raw.items():
        t = LabTest.objects.current().get(sample=sample, index=index)
        enter_test_data(t, actor=tech, raw=data)
        submit_test(t, actor=tech)
        review_test(t, actor=reviewer, approve=True)


@pytest.fixture
def unqualified(standards, crops, lab_tech, lab_reviewer, lot, dealer):  # noqa: F811
    """A first test of the dealer's maize lot: germination 80 (needs 85 − 2.9)."""
    sample = build_lab_sample(lab_tech, seed_lot=lot, business=dealer.dealer_membership.business)
    run_tests(sample, lab_tech, lab_reviewer, {**GOOD_RAW, "germination": germ(81, 79, 80, 80)})
    report = judge_sample(sample, actor=lab_reviewer)
    assert report.outcome == "unqualified"
    return report


def served(report, day, clerk):
    """The report, issued on 1 September, served on ``day``."""
    with service_context():
        IssuedDocument.objects.filter(pk=report.document_id).update(
            issued_at=datetime.datetime(2026, 9, 1, 9, tzinfo=SHANGHAI))
    report.document.refresh_from_db()
    record_service(report.document, method="in_person", served_at=datetime.datetime(*day, 10, tzinfo=SHANGHAI),
                   recipient_name="王丰收", actor=clerk)
    return report


def test_a_paper_objection_on_the_last_day_is_accepted(unqualified, clerk):
    served(unqualified, (2026, 9, 8), clerk)
    due = objection_deadline(unqualified)
    assert (due.due, due.rolled_over) == (datetime.date(2026, 9, 23), False)  # 8 Sep + 15 days, a Wednesday
    retest = request_retest(unqualified, actor=clerk, reason="对发芽率有异议", received_on=datetime.date(2026, 9, 23))
    assert (retest.objection_due, retest.assigned_lab, retest.by_station) == (datetime.date(2026, 9, 23), "higher",
                                                                                False)


def test_the_day_after_is_refused_with_the_dates(unqualified, clerk):
    served(unqualified, (2026, 9, 8), clerk)
    with pytest.raises(RuleViolation) as exc:
        request_retest(unqualified, actor=clerk, reason="异议", received_on=datetime.date(2026, 9, 24))
    assert exc.value.code == "objection_late"
    assert "2026-09-08 送达" in str(exc.value) and "2026-09-23 止" in str(exc.value)
    assert not RetestRequest.objects.exists()


def test_a_window_ending_on_the_mid_autumn_festival_rolls_over_to_monday(unqualified, clerk):
    served(unqualified, (2026, 9, 10), clerk)  # + 15 days = Friday 25 Sep, 中秋节
    assert objection_deadline(unqualified).due == datetime.date(2026, 9, 28)
    assert request_retest(unqualified, actor=clerk, reason="异议", received_on=datetime.date(2026, 9, 28))


def test_a_window_ending_in_the_national_day_holiday_rolls_over(unqualified, clerk):
    served(unqualified, (2026, 9, 17), clerk)
    due = objection_deadline(unqualified)
    assert (due.due, due.rolled_over) == (datetime.date(2026, 10, 8), True)  # 2 Oct is a holiday
    with pytest.raises(RuleViolation):
        request_retest(unqualified, actor=clerk, reason="异议", received_on=datetime.date(2026, 10, 9))
    retest = request_retest(unqualified, actor=clerk, reason="异议", received_on=datetime.date(2026, 10, 8))
    assert "顺延" in retest.deadline_rule


def test_the_dealer_applies_in_the_portal_after_receiving_the_report(unqualified, dealer):
    with pytest.raises(RuleViolation) as exc:
        request_retest(unqualified, actor=dealer, reason="异议")
    assert exc.value.code == "not_served"
    with service_context():
        acknowledge_in_portal(unqualified.document, user=dealer)
    retest = request_retest(unqualified, actor=dealer, reason="我方保存的留样发芽正常")
    assert retest.received_on == retest.served_on  # applied the day it was served
    with pytest.raises(Conflict):
        request_retest(unqualified, actor=dealer, reason="再次")


def test_another_dealer_cannot_object_to_the_report(unqualified, clerk):
    from licensing import services as licensing_services
    from tests.licensing.conftest import make_business

    other = make_business(clerk, "别家门市", serial=99)
    with service_context():
        user, _ = licensing_services.create_dealer_user(other, actor=clerk, phone="13900000099", full_name="李四",
                                                        delivery="slip")
    with pytest.raises(PermissionDenied):
        request_retest(unqualified, actor=user, reason="异议")


def test_a_qualified_result_cannot_be_objected_to_by_the_dealer_but_the_station_may_escalate(
        standards, crops, lab_tech, lab_reviewer, dealer, chief):
    sample = build_lab_sample(lab_tech, business=dealer.dealer_membership.business, number=4)
    run_tests(sample, lab_tech, lab_reviewer, GOOD_RAW)
    report = judge_sample(sample, actor=lab_reviewer)
    with service_context():
        acknowledge_in_portal(report.document, user=dealer)
    with pytest.raises(RuleViolation):
        request_retest(report, actor=dealer, reason="x")
    assert request_retest(report, actor=chief, reason="群众投诉，站里提请复检", escalate=True).by_station


def escalate_to_higher_lab(report, clerk, higher_lab):
    retest = request_retest(report, actor=clerk, reason="站里提请复检", escalate=True)
    dispatch_backup(retest, actor=clerk, to="朝阳市种子质量检验站（专人送样）")
    backup = report.sample.sample.sampling.samples.get(role="backup")
    return retest, backup


def test_escalation_to_the_higher_lab_with_the_custody_chain_and_a_final_result(unqualified, clerk, lab_tech,
                                                                                 higher_lab, lot):  # noqa: F811
    from licensing.models import LotQualityRecord

    retest, backup = escalate_to_higher_lab(unqualified, clerk, higher_lab)
    with pytest.raises(PermissionDenied):  # the county lab is not the re-test lab here
        receive_backup(retest, actor=lab_tech, seal_numbers=backup.seal_numbers, seals_intact=True, quantity_g="1000",
                       storage_location="x")
    second = receive_backup(retest, actor=higher_lab, seal_numbers=backup.seal_numbers, seals_intact=True,
                            quantity_g="1000", storage_location="市站样品库3号")
    assert (second.purpose, second.retest_of, second.at_higher_lab) == ("retest", unqualified.sample, True)
    assert sorted(second.tests.values_list("index", flat=True)) == ["cleanliness", "germination", "moisture"]
    chain = list(CustodyTransfer.objects.filter(sample=backup).order_by("at", "id")
                 .values_list("to_party", "to_user"))
    assert chain == [("朝阳市种子质量检验站（专人送样）", None), ("", higher_lab.pk)]
    with pytest.raises(Conflict):
        judge_sample(second, actor=higher_lab)
    # Re-test at the higher lab: germination 88 against the first 80 — mean 84, row 77–84 allows 6:
    # a difference of 8 is too much, so the re-test stands, the lot passes, and the results differ.
    reviewer = make_user("higher_lab", "2113", full_name="市检审核")
    run_tests(second, higher_lab, reviewer, {k: GOOD_RAW[k] for k in ("cleanliness", "moisture")}
              | {"germination": germ(88, 87, 89, 88)})
    done = conclude_retest(retest, actor=reviewer)
    assert (done.final_outcome, done.case_outcome, done.results_differ, done.original_lab_pays) == (
        "qualified", "lifted", True, True)
    row = done.comparison["germination"]
    assert (row["first"], row["retest"], row["agree"], row["reported"]) == ("80", "88", False, "88")
    assert done.comparison["purity"]["rule"] == "复核初检田间小区种植鉴定记录"
    assert list(LotQualityRecord.objects.filter(lot=lot).order_by("pk").values_list("verdict", flat=True)) == [
        "unqualified", "qualified"]
    assert second.report.document.serial != unqualified.document.serial


def upheld(report, clerk, higher_lab):
    """Escalate ``report`` to the higher lab and conclude a re-test that agrees with it
    (germination 81 vs 80: mean 80.5 → 81, within 6): the result is upheld."""
    retest, backup = escalate_to_higher_lab(report, clerk, higher_lab)
    second = receive_backup(retest, actor=higher_lab, seal_numbers=backup.seal_numbers, seals_intact=True,
                            quantity_g="1000", storage_location="市站样品库")
    reviewer = make_user("higher_lab", "2113", full_name="市检审核")
    run_tests(second, higher_lab, reviewer, {k: GOOD_RAW[k] for k in ("cleanliness", "moisture")}
              | {"germination": germ(82, 80, 81, 81)})
    return conclude_retest(retest, actor=reviewer)


def test_an_agreeing_retest_reports_the_mean_and_upholds_the_result(unqualified, clerk, higher_lab):
    done = upheld(unqualified, clerk, higher_lab)
    assert done.comparison["germination"]["reported"] == "81" and done.comparison["germination"]["agree"]
    assert (done.final_outcome, done.case_outcome) == ("unqualified", "upheld")
    assert "第七十五条" in done.suggested_articles
    assert done.original_lab_pays is False


def test_a_county_may_send_retests_to_the_original_lab(unqualified, clerk, lab_tech, higher_lab):
    from seedreg.regions.models import Station

    station, _ = Station.objects.get_or_create(region_id="211322", defaults={"name": "建平县种子管理站"})
    with service_context():
        station.settings = {**(station.settings or {}), "lab_retest_lab": "original"}
        station.save()
    retest, backup = escalate_to_higher_lab(unqualified, clerk, higher_lab)
    assert retest.assigned_lab == "original"
    with pytest.raises(PermissionDenied):
        receive_backup(retest, actor=higher_lab, seal_numbers=backup.seal_numbers, seals_intact=True,
                       quantity_g="1000", storage_location="x")
    assert receive_backup(retest, actor=lab_tech, seal_numbers=backup.seal_numbers, seals_intact=True,
                          quantity_g="1000", storage_location="x").at_higher_lab is False
