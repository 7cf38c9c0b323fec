"""Campaign results package (监督抽查办法第三十三条): PDF, workbook, staff page and the public
page without personal data."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from inspections.models import Task, Visit
from labs.models import CampaignResults
from labs.services import judge_sample, publish_campaign_results
from seedreg.documents.models import IssuedDocument
from seedreg.errors import PermissionDenied, RuleViolation
from seedreg.regulated import service_context
from tests.factories import make_user
from tests.licensing.conftest import make_business

from .conftest import GOOD_RAW, build_lab_sample, login
from .test_intake_and_report import approve

FAILING_GERMINATION = {**GOOD_RAW, "germination": {
    "r1_normal": "80", "r1_dead": "20", "r2_normal": "82", "r2_dead": "18", "r3_normal": "81", "r3_dead": "19",
    "r4_normal": "83", "r4_dead": "17"}}


def in_campaign(campaign, business, visit=None, **visit_fields):
    with service_context():
        task = Task.objects.create(region_code=business.region_code, kind=Task.Kind.DRAWN, campaign=campaign,
                                   business=business, due_on=campaign.ends_on)
        if visit is None:
            visit = Visit.objects.create(region_code=business.region_code, business=business,
                                         checked_in_at=timezone.now(), created_by=campaign.created_by, **visit_fields)
        visit.task = task
        visit.save()
    return visit


@pytest.fixture
def results(standards, crops, campaign, clerk, peddler, lab_tech, lab_reviewer):
    """A campaign with a qualified lot at a shop, an unqualified lot at a natural person's stall,
    one sample still in test and a business that refused."""
    shop = make_business(clerk, "建平县丰收种子门市部", serial=91)
    good = build_lab_sample(lab_tech, business=shop, number=1)
    bad = build_lab_sample(lab_tech, business=peddler, number=2)
    waiting = build_lab_sample(lab_tech, business=shop, number=3)
    for s in (good, bad, waiting):
        in_campaign(campaign, s.sample.sampling.business, visit=s.sample.sampling.visit)
    approve(good, lab_tech, lab_reviewer, GOOD_RAW)
    approve(bad, lab_tech, lab_reviewer, FAILING_GERMINATION)
    judge_sample(good, actor=lab_reviewer)
    judge_sample(bad, actor=lab_reviewer)
    refuser = make_business(clerk, "建平县拒检种子商店", serial=92, region="211322103")
    in_campaign(campaign, refuser, outcome="refused", refusal_account="店主拒绝抽样")
    return {"good": good, "bad": bad, "waiting": waiting, "shop": shop, "peddler": peddler, "refuser": refuser}


PERSONAL = ("张德福", "13904219999", "13904211234", "黑水镇东街7号", "王丰收", "陈检验", "周审核", "店主拒绝抽样",
            "211322196804")


def pdf_text(document):
    return "".join("".join(p.extract_text() for p in PdfReader(io.BytesIO(document.pdf.read())).pages).split())


def test_publishing_issues_the_results_pdf_without_personal_data(results, campaign, chief):
    package = publish_campaign_results(campaign, actor=chief)
    doc = package.document
    assert doc.doc_type == "campaign_results" and "种抽结" in doc.serial
    text = pdf_text(doc)
    for expected in ("种子质量监督抽查结果", "共抽检种子3批次", "合格1批次", "不合格（劣种子）1批次", "合格率50.0%",
                     "拒绝接受抽查1户", results["good"].code, results["bad"].code, "建平县丰收种子门市部",
                     "建平县拒检种子商店", "个体经营者", "发芽率（82%，要求≥85.0%）", "检验中"):
        assert expected in text, expected
    for secret in PERSONAL:
        assert secret not in text, secret
    assert package.snapshot["summary"]["samples"] == 3
    assert package.snapshot["unqualified"][0]["business"] == "个体经营者"


def test_the_staff_workbook_has_every_list_and_names_the_natural_person(client, results, campaign, lab_tech):
    response = login(client, lab_tech).get(reverse("labs:campaign_results", args=[campaign.pk]) + "?format=xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["汇总", "检验结果", "合格", "不合格", "拒绝抽查", "异议与复检"]
    rows = list(book["检验结果"].iter_rows(min_row=2, values_only=True))
    assert [r[9] for r in rows] == ["合格", "不合格（劣种子）", "检验中"]
    assert rows[1][2] == "张德福" and "发芽率" in rows[1][10]
    assert [r[0] for r in book["拒绝抽查"].iter_rows(min_row=2, values_only=True)] == ["建平县拒检种子商店"]
    summary = dict(book["汇总"].iter_rows(min_row=2, values_only=True))
    assert summary["合格率"] == "50.0%" and summary["抽检批次"] == 3


def test_the_public_page_and_workbook_show_the_published_results_without_personal_data(client, results, campaign,
                                                                                        chief):
    url = reverse("portal:campaign_results_public", args=[campaign.pk])
    assert client.get(url).status_code == 404  # nothing published yet
    assert "未公布" in client.get(reverse("inspections:public_index")).content.decode()
    publish_campaign_results(campaign, actor=chief)
    page = client.get(url).content.decode()
    for expected in ("春季种子市场专项检查", "建平县丰收种子门市部", "个体经营者", "建平县拒检种子商店", "发芽率"):
        assert expected in page, expected
    for secret in PERSONAL:
        assert secret not in page, secret
    assert url in client.get(reverse("inspections:public_index")).content.decode()
    book = load_workbook(io.BytesIO(client.get(reverse("portal:campaign_results_public_xlsx",
                                                       args=[campaign.pk])).content))
    cells = {str(c) for sheet in book for row in sheet.iter_rows(values_only=True) for c in row if c is not None}
    assert "个体经营者" in cells and not any(secret in c for c in cells for secret in PERSONAL)


def test_republishing_after_a_change_needs_a_reason_and_supersedes_the_pdf(client, results, campaign, chief,
                                                                           lab_tech, lab_reviewer):
    first = publish_campaign_results(campaign, actor=chief).document
    with pytest.raises(RuleViolation):
        publish_campaign_results(campaign, actor=chief)
    approve(results["waiting"], lab_tech, lab_reviewer, GOOD_RAW)
    judge_sample(results["waiting"], actor=lab_reviewer)
    response = login(client, chief).post(reverse("labs:campaign_results", args=[campaign.pk]),
                                         {"reason": "补充公布第3批次检验结论"})
    assert response.status_code == 302
    package = CampaignResults.objects.get(campaign=campaign)
    first.refresh_from_db()
    assert first.status == IssuedDocument.Status.SUPERSEDED and package.document.serial == first.serial + "-1"
    assert package.snapshot["summary"]["qualified"] == 2
    assert "合格2批次" in pdf_text(package.document)


def test_only_the_chief_publishes_and_other_counties_see_nothing(client, results, campaign, clerk, outsider):
    with pytest.raises(PermissionDenied):
        publish_campaign_results(campaign, actor=clerk)
    url = reverse("labs:campaign_results", args=[campaign.pk])
    assert login(client, clerk).post(url, {"reason": ""}).status_code == 403
    client.logout()
    other_lab = make_user("lab_technician", "211321", full_name="外县检验")
    assert login(client, other_lab).get(url).status_code == 404
    assert login(client, outsider).get(url + "?format=xlsx").status_code == 404
    assert not CampaignResults.objects.exists()


def test_an_empty_campaign_has_nothing_to_publish(standards, campaign, chief):
    with pytest.raises(RuleViolation):
        publish_campaign_results(campaign, actor=chief)
    assert campaign.ends_on - campaign.starts_on == datetime.timedelta(days=30)


def test_a_bad_republish_reason_is_told_and_changes_nothing(client, results, campaign, chief):
    from tests.test_bad_input import BAD_VALUES

    publish_campaign_results(campaign, actor=chief)
    url = reverse("labs:campaign_results", args=[campaign.pk])
    login(client, chief)
    for label in ("empty", "too long"):
        response = client.post(url, {"reason": BAD_VALUES[label]})
        assert response.status_code == 422, label
    assert IssuedDocument.objects.filter(doc_type="campaign_results").count() == 1
