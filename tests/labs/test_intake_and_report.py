"""Intake by sample code with the seal check and custody record; verdict and report PDF."""

import io

import pytest
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from inspections.models import CustodyTransfer
from labs.models import LabReport, LabSample
from labs.services import judge_sample, receive_sample
from labs.services.worksheets import enter_test_data, review_test, submit_test
from seedreg.documents.models import IssuedDocument
from seedreg.errors import Conflict, InvalidInput, NotFound
from seedreg.notifications.models import Notification
from tests.factories import make_user
from tests.helpers import qr_texts_of_first_page
from tests.inspections.conftest import make_sample_pair
from tests.licensing.conftest import make_business

from .conftest import GOOD_RAW, MAIZE_LABEL, build_lab_sample, login


@pytest.fixture
def sampling(standards, crops, clerk, inspector):
    from seedreg.regulated import service_context

    shop = make_business(clerk, "建平县丰收种子门市部", serial=81)
    record = make_sample_pair([inspector], shop, crops["maize"], number=5)
    with service_context():
        record.label = {**MAIZE_LABEL, "seed_type": "single_cross", "seed_class": "大田用种"}
        record.save()
    return record


def intake(actor, record, **kw):
    sample = record.samples.get(role="test")
    values = {"code": sample.code.lower(), "seal_numbers": list(sample.seal_numbers), "seals_intact": True,
              "quantity_g": "980", "storage_location": "样品柜B-2", **kw}
    return receive_sample(actor=actor, **values)


def test_intake_by_code_records_custody_and_the_facts_for_judgement(sampling, lab_tech, chief):
    lab_sample = intake(lab_tech, sampling, condition="干燥，无霉变")
    assert (lab_sample.code, lab_sample.seal_numbers_seen, lab_sample.seals_intact) == (
        "211322-" + sampling.sampled_at.strftime("%Y") + "-0005-T", ["F5T"], True)
    assert (lab_sample.crop_code, lab_sample.seed_type, lab_sample.seed_class) == ("maize", "single_cross", "大田用种")
    assert lab_sample.label_values["germination"] == "85"
    transfer = CustodyTransfer.objects.get(sample=lab_sample.sample)
    assert (transfer.to_user, transfer.seals_intact) == (lab_tech, True)
    assert lab_sample.tests.count() == 4
    assert not Notification.objects.filter(user=chief).exists()
    with pytest.raises(Conflict):
        intake(lab_tech, sampling)


def test_a_seal_mismatch_is_recorded_and_the_station_alerted(sampling, lab_tech, chief, clerk):
    with pytest.raises(InvalidInput) as exc:
        intake(lab_tech, sampling, seal_numbers="F5X")
    assert "seal_note" in exc.value.fields
    assert not LabSample.objects.exists() and not CustodyTransfer.objects.exists()
    lab_sample = intake(lab_tech, sampling, seal_numbers="F5X", seal_note="封签号与抽样单不一致，已拍照")
    assert not lab_sample.seals_intact
    assert "封签编号不符：样品单 F5T，收到 F5X" in lab_sample.seal_note
    assert CustodyTransfer.objects.get().seals_intact is False
    alert = Notification.objects.get(user=chief)
    assert "封签异常" in alert.title and Notification.objects.filter(user=clerk).exists()


def test_a_broken_seal_needs_a_note(sampling, lab_tech):
    with pytest.raises(InvalidInput):
        intake(lab_tech, sampling, seals_intact=False)
    assert not intake(lab_tech, sampling, seals_intact=False, seal_note="封签撕裂").seals_intact


def test_another_countys_lab_cannot_receive_the_sample(sampling):
    other = make_user("lab_technician", "211321", full_name="外县检验")
    with pytest.raises(NotFound):
        intake(other, sampling)


def test_the_backup_sample_is_not_received_as_a_first_test(sampling, lab_tech):
    backup = sampling.samples.get(role="backup")
    with pytest.raises(Conflict):
        receive_sample(actor=lab_tech, code=backup.code, seal_numbers=backup.seal_numbers, seals_intact=True,
                       quantity_g="1000", storage_location="x")


def test_intake_needs_the_seed_class(standards, crops, clerk, inspector, lab_tech):
    shop = make_business(clerk, "某门市", serial=82)
    record = make_sample_pair([inspector], shop, crops["maize"], number=6)
    from seedreg.regulated import service_context

    with service_context():
        record.label = {**MAIZE_LABEL, "seed_type": "single_cross"}
        record.save()
    with pytest.raises(InvalidInput) as exc:
        intake(lab_tech, record)
    assert "seed_class" in exc.value.fields
    assert intake(lab_tech, record, seed_class="大田用种").seed_class == "大田用种"


def approve(sample, tech, reviewer, raw):
    for index, data in raw.items():
        t = sample.tests.get(index=index)
        enter_test_data(t, actor=tech, raw=data)
        submit_test(t, actor=tech)
        review_test(t, actor=reviewer, approve=True)


def test_a_reviewer_reading_english_issues_the_report_and_its_stored_rows_in_chinese(standards, crops, lab_tech,
                                                                                   lab_reviewer):
    # The index names are computed before the PDF is rendered; they followed the reviewer's English.
    sample = build_lab_sample(lab_tech)
    approve(sample, lab_tech, lab_reviewer, GOOD_RAW)
    with translation.override("en"):
        report = judge_sample(sample, actor=lab_reviewer)
    text = "".join("".join(p.extract_text() for p in PdfReader(io.BytesIO(report.document.pdf.read())).pages).split())
    assert "发芽率" in text and "Germination" not in text
    assert "Germination" not in str(report.results)


def test_judging_issues_the_report_pdf_with_results_limits_and_qr(standards, crops, lab_tech, lab_reviewer):
    sample = build_lab_sample(lab_tech)
    approve(sample, lab_tech, lab_reviewer, GOOD_RAW)
    report = judge_sample(sample, actor=lab_reviewer)
    assert report.outcome == "qualified"
    sample.refresh_from_db()
    assert sample.status == "reported"
    doc = report.document
    assert doc.doc_type == "lab_report" and "种检" in doc.serial
    pdf = doc.pdf.read()
    text = "".join("".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    for expected in ("种子质量检验报告", sample.code, "发芽率", "GB/T3543.4", "单交种/大田用种", "检验结论：合格", "检验：陈检验审核：周审核",
                     "二项分布"):
        assert expected in text, expected
    assert any(t.endswith(f"/d/{doc.verify_token}") for t in qr_texts_of_first_page(pdf))
    with pytest.raises(Conflict):
        judge_sample(sample, actor=lab_reviewer)


def test_a_failing_index_is_unqualified_and_named_in_the_report(standards, crops, lab_tech, lab_reviewer):
    sample = build_lab_sample(lab_tech)
    raw = {**GOOD_RAW, "germination": {"r1_normal": "80", "r1_dead": "20", "r2_normal": "82", "r2_dead": "18",
                                       "r3_normal": "81", "r3_dead": "19", "r4_normal": "83", "r4_dead": "17"}}
    approve(sample, lab_tech, lab_reviewer, raw)  # mean 82 < 85 − 2.9
    report = judge_sample(sample, actor=lab_reviewer)
    assert report.outcome == "unqualified"
    assert "发芽率 82%：不符合" in report.details["reasons"][0]


def test_the_dealer_is_sent_the_report_and_may_download_only_their_own(client, standards, crops, lab_tech,
                                                                         lab_reviewer, dealer):
    business = dealer.dealer_membership.business
    sample = build_lab_sample(lab_tech, business=business)
    approve(sample, lab_tech, lab_reviewer, GOOD_RAW)
    report = judge_sample(sample, actor=lab_reviewer)
    assert Notification.objects.filter(user=dealer, key=f"document-issued:{report.document.pk}").exists()
    login(client, dealer)
    assert client.get(reverse("documents:pdf", args=[report.document.pk])).status_code == 200
    other = build_lab_sample(lab_tech, number=2, business=make_business(lab_tech_clerk(), "别家", serial=83))
    approve(other, lab_tech, lab_reviewer, GOOD_RAW)
    other_report = judge_sample(other, actor=lab_reviewer)
    assert client.get(reverse("documents:pdf", args=[other_report.document.pk])).status_code == 404
    assert LabReport.objects.count() == 2 and IssuedDocument.objects.count() == 2


def test_the_producer_of_a_lot_sampled_in_the_market_may_download_the_report_it_is_sent(
        client, standards, crops, clerk, lab_tech, lab_reviewer, varieties, dealer):  # noqa: F811
    """MOA order 50: a sample drawn in the market is reported to the producer too. The producer
    was told in its inbox, but the link to the PDF answered 404 (found by
    tests/test_regulatory_loop.py)."""
    from licensing import services as licensing
    from licensing.models import BusinessKind
    from seedreg.regulated import service_context
    from tests.licensing.conftest import make_dealer

    producer = make_business(clerk, "建平县丰禾种业有限公司", serial=84, kind=BusinessKind.PRODUCER)
    producer_user = make_dealer(clerk, producer, "13904218484")
    with service_context():
        lot = licensing.register_seed_lot(actor=clerk, variety=varieties["郑单958"], lot_number="FH2026-084",
                                          producer=producer, germination="85", purity="96.0")
    shop = make_business(clerk, "建平县集市门市部", serial=85)
    sample = build_lab_sample(lab_tech, business=shop, seed_lot=lot)
    approve(sample, lab_tech, lab_reviewer, GOOD_RAW)
    report = judge_sample(sample, actor=lab_reviewer)
    assert Notification.objects.filter(user=producer_user, key=f"document-issued:{report.document.pk}").exists()
    pdf = reverse("documents:pdf", args=[report.document.pk])
    login(client, producer_user)
    assert client.get(pdf).status_code == 200
    login(client, dealer)  # a dealer of another business: neither sampled nor the producer
    assert client.get(pdf).status_code == 404


def lab_tech_clerk():
    from seedreg.accounts.models import User

    return User.objects.filter(role="station_clerk", region_id="211322").first()


def test_an_unqualified_lot_gets_its_verdict_recorded_and_a_stop_sale_order_drafted(
        standards, crops, lab_tech, lab_reviewer, lot):  # noqa: F811
    from licensing.models import LotQualityRecord, StopSaleOrder

    sample = build_lab_sample(lab_tech, seed_lot=lot, label={}, seed_class="")
    assert (sample.lot, sample.seed_class, sample.seed_type) == (lot, "大田用种", "single_cross")
    assert sample.label_values == {"purity": "96.00", "cleanliness": "99.00", "germination": "85.00",
                                   "moisture": "13.00"}
    raw = {**GOOD_RAW, "moisture": {"m1_dish_g": "10", "m1_wet_g": "15", "m1_dry_g": "14.30", "m2_dish_g": "10",
                                    "m2_wet_g": "15", "m2_dry_g": "14.30"}}  # 14.0% > 13.0
    approve(sample, lab_tech, lab_reviewer, raw)
    report = judge_sample(sample, actor=lab_reviewer)
    assert report.outcome == "unqualified"
    record = LotQualityRecord.objects.get()
    assert (record.lot, record.verdict, record.business) == (lot, "unqualified", sample.sample.sampling.business)
    assert report.document.serial in record.source
    order = StopSaleOrder.objects.get()
    assert (order.lot, order.status, report.stop_sale_order) == (lot, "draft", order)
    assert "水分 14.0%：不符合" in order.reason


def test_a_qualified_lot_is_recorded_without_an_order(standards, crops, lab_tech, lab_reviewer, lot):  # noqa: F811
    from licensing.models import LotQualityRecord, StopSaleOrder

    sample = build_lab_sample(lab_tech, seed_lot=lot)
    approve(sample, lab_tech, lab_reviewer, GOOD_RAW)
    judge_sample(sample, actor=lab_reviewer)
    assert LotQualityRecord.objects.get().verdict == "qualified"
    assert not StopSaleOrder.objects.exists()


def test_fake_seed_when_the_variety_is_not_as_labelled(standards, crops, lab_tech, lab_reviewer, lot):  # noqa: F811
    from licensing.models import LotQualityRecord

    sample = build_lab_sample(lab_tech, seed_lot=lot)
    approve(sample, lab_tech, lab_reviewer, {**GOOD_RAW, "purity": {**GOOD_RAW["purity"], "trueness": "no"}})
    assert judge_sample(sample, actor=lab_reviewer).outcome == "fake"
    assert LotQualityRecord.objects.get().verdict == "fake"
