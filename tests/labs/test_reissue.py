"""Withdrawing a published report found wrong: its document is invalidated at once (its QR's
verification page says so), everyone who was sent or served it is told, once; the lab corrects
the result and the re-judged report is the next version of the same number (…号-1)."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from labs.models import LabReport, LabSample, LabTest
from labs.services import acknowledge_report, judge_sample, request_retest, withdraw_report
from labs.services.worksheets import enter_test_data, repeat_test, review_test, submit_test
from licensing.models import LotQualityRecord, StopSaleOrder
from seedreg.documents.models import IssuedDocument
from seedreg.errors import Conflict, PermissionDenied, RuleViolation
from seedreg.notifications.models import Notification
from tests.helpers import qr_texts_of_first_page

from .conftest import GOOD_RAW, build_lab_sample, login
from .test_retests import germ, run_tests

REASON = "发芽试验温度失控，复做后更正"


@pytest.fixture
def wrong_report(standards, crops, lab_tech, lab_reviewer, lot, dealer):
    """An unqualified report (germination 80) sent to the dealer, who acknowledged it."""
    sample = build_lab_sample(lab_tech, seed_lot=lot, business=dealer.dealer_membership.business)
    run_tests(sample, lab_tech, lab_reviewer, {**GOOD_RAW, "germination": germ(81, 79, 80, 80)})
    report = judge_sample(sample, actor=lab_reviewer)
    acknowledge_report(report, user=dealer)
    return report


def correct_germination(sample, tech, reviewer):
    first = LabTest.objects.current().get(sample=sample, index="germination")
    again = repeat_test(first, actor=reviewer, reason="发芽床温度记录异常")
    enter_test_data(again, actor=tech, raw=GOOD_RAW["germination"])
    submit_test(again, actor=tech)
    review_test(again, actor=reviewer, approve=True)


def pdf_text(document):
    return "".join("".join(p.extract_text() for p in PdfReader(io.BytesIO(document.pdf.read())).pages).split())


def test_withdraw_correct_and_rejudge_issues_the_suffixed_version(client, wrong_report, chief, dealer, lab_tech,
                                                                  lab_reviewer):
    old = wrong_report.document
    response = login(client, chief).post(reverse("labs:report_withdraw", args=[wrong_report.pk]), {"reason": REASON})
    assert response.status_code == 302
    old.refresh_from_db()
    assert (old.status, old.status_reason) == ("invalidated", REASON)
    assert "该文书已作废" in client.get(reverse("documents:verify", args=[old.verify_token])).content.decode()
    notice = Notification.objects.get(user=dealer, key=f"document-invalidated:{old.pk}")
    assert old.serial in notice.body and "另行出具" in notice.body
    sample = LabSample.objects.get(pk=wrong_report.sample_id)
    assert sample.status == "testing"
    with pytest.raises(RuleViolation):  # no objection to a withdrawn report
        request_retest(LabReport.objects.get(pk=wrong_report.pk), actor=dealer, reason="不服")

    correct_germination(sample, lab_tech, lab_reviewer)
    client.logout()
    login(client, lab_reviewer).post(reverse("labs:judge", args=[sample.pk]))
    report = LabReport.objects.get(pk=wrong_report.pk)
    old.refresh_from_db()
    new = report.document
    assert (old.status, new.serial, new.supersedes, new.number) == ("superseded", old.serial + "-1", old, old.number)
    assert report.outcome == "qualified" and LabReport.objects.count() == 1
    text = pdf_text(new)
    assert f"本报告为更正版本，替代{old.serial}" in text and "检验结论：合格" in text and "温度失控" in text
    new.pdf.seek(0)
    data = new.pdf.read()
    qr = qr_texts_of_first_page(data)
    assert any(t.endswith(f"/d/{new.verify_token}") for t in qr), qr
    page = client.get(reverse("documents:verify", args=[old.verify_token])).content.decode()
    assert "该文书已被新版本替代" in page and new.serial in page
    # The corrected verdict goes on the lot's history; the order drafted for the first stays for the chief.
    assert list(LotQualityRecord.objects.order_by("pk").values_list("verdict", flat=True)) == ["unqualified",
                                                                                             "qualified"]
    assert StopSaleOrder.objects.count() == 1
    # The dealer is sent the new version and may download it; its service starts a new window.
    assert Notification.objects.filter(user=dealer, key=f"document-issued:{new.pk}").count() == 1
    client.logout()
    login(client, dealer)
    assert client.get(reverse("documents:pdf", args=[new.pk])).status_code == 200
    assert client.get(reverse("labs:my_report", args=[report.pk])).status_code == 200


def test_a_recipient_who_never_acknowledged_is_told_too_and_retrying_adds_nothing(wrong_report, chief, clerk):
    from licensing import services
    from seedreg.regulated import service_context

    with service_context():
        colleague, _ = services.create_dealer_user(wrong_report.sample.sample.sampling.business, actor=clerk,
                                                   phone="13900000062", full_name="钱同事", delivery="slip")
    withdraw_report(wrong_report, actor=chief, reason=REASON)
    key = f"document-invalidated:{wrong_report.document_id}"
    assert Notification.objects.filter(user=colleague, key=key).count() == 1
    before = Notification.objects.count()
    with pytest.raises(Conflict):  # already withdrawn: nothing changes, nothing is sent again
        withdraw_report(LabReport.objects.get(pk=wrong_report.pk), actor=chief, reason="再次撤回")
    assert Notification.objects.count() == before


def test_a_second_correction_takes_the_next_suffix(wrong_report, chief, lab_tech, lab_reviewer):
    withdraw_report(wrong_report, actor=chief, reason=REASON)
    correct_germination(wrong_report.sample, lab_tech, lab_reviewer)
    first_fix = judge_sample(wrong_report.sample, actor=lab_reviewer)
    withdraw_report(first_fix, actor=chief, reason="纯度结果录入错误")
    second_fix = judge_sample(wrong_report.sample, actor=lab_reviewer)
    serials = list(IssuedDocument.objects.filter(doc_type="lab_report").order_by("version").values_list("serial",
                                                                                                          "status"))
    base = serials[0][0]
    assert serials == [(base, "superseded"), (base + "-1", "superseded"), (base + "-2", "valid")]
    assert second_fix.document.serial == base + "-2"


def test_only_the_chief_of_the_county_withdraws_and_a_reason_is_needed(client, wrong_report, lab_reviewer, outsider,
                                                                        chief):
    url = reverse("labs:report_withdraw", args=[wrong_report.pk])
    with pytest.raises(PermissionDenied):
        withdraw_report(wrong_report, actor=lab_reviewer, reason="x")
    assert login(client, lab_reviewer).post(url, {"reason": "x"}).status_code == 403
    client.logout()
    assert login(client, outsider).post(url, {"reason": "x"}).status_code == 404
    client.logout()
    assert login(client, chief).post(url, {"reason": ""}).status_code == 422
    assert IssuedDocument.objects.get(doc_type="lab_report").status == "valid"
    with pytest.raises(Conflict):  # a valid report is not judged twice
        judge_sample(wrong_report.sample, actor=lab_reviewer)


def test_a_report_under_re_test_is_not_withdrawn(wrong_report, chief):
    request_retest(wrong_report, actor=chief, reason="站里提请复检", escalate=True)
    with pytest.raises(Conflict):
        withdraw_report(LabReport.objects.get(pk=wrong_report.pk), actor=chief, reason="更正")


def test_bad_reasons_are_told_on_the_form_and_change_nothing(client, wrong_report, chief):
    from tests.test_bad_input import BAD_VALUES, SCRIPT

    url = reverse("labs:report_withdraw", args=[wrong_report.pk])
    login(client, chief)
    for label, bad in BAD_VALUES.items():
        if label in ("script", "sql", "wrong type"):
            continue  # a reason may be any text: these are accepted (escaped) — tried last
        response = client.post(url, {"reason": bad})
        assert response.status_code == 422, label
    assert IssuedDocument.objects.get(doc_type="lab_report").status == "valid"
    response = client.post(url, {"reason": SCRIPT})
    assert response.status_code == 302
    page = client.get(reverse("labs:sample_detail", args=[wrong_report.sample_id])).content.decode()
    assert SCRIPT not in page and "&lt;script&gt;" in page
