"""Penalty referrals (案件移送): drafted when a re-test upholds the result or once the objection
window closed; reviewed, then issued by the chief as a PDF — never while the review is pending."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from labs.models import PenaltyReferral
from labs.services import (
    draft_penalty_referral,
    issue_penalty_referral,
    review_penalty_referral,
)
from seedreg.errors import Conflict, PermissionDenied, RuleViolation

from .conftest import login
from .test_retests import served, unqualified, upheld  # noqa: F401


def test_an_upheld_retest_drafts_the_referral_which_is_issued_only_after_review(
        client, unqualified, clerk, higher_lab, chief):  # noqa: F811
    retest = upheld(unqualified, clerk, higher_lab)
    referral = PenaltyReferral.objects.get()
    assert (referral.status, referral.report, referral.outcome) == ("draft", retest.retest_sample.report, "unqualified")
    assert "第七十五条" in referral.suggested_articles and "复检" in referral.facts
    url = reverse("labs:referral_detail", args=[referral.pk])
    login(client, chief)
    client.post(url, {"action": "issue"})  # review pending: refused with the reason, nothing issued
    referral.refresh_from_db()
    assert referral.status == "draft" and referral.document is None
    with pytest.raises(Conflict):
        issue_penalty_referral(referral, actor=chief)
    assert client.post(url, {"action": "review"}).status_code == 302
    assert client.post(url, {"action": "issue"}).status_code == 302
    referral.refresh_from_db()
    assert referral.status == "issued" and "种移" in referral.document.serial
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(referral.document.pdf.read())).pages)
    text = "".join(text.split())
    for expected in ("案件移送函", "建平县检验测试门市部", "第七十五条", unqualified.document.serial, "审核：王站长"):
        assert expected in text, expected
    page = client.get(reverse("labs:sample_detail", args=[unqualified.sample_id])).content.decode()
    assert url in page


def test_a_first_report_is_referred_only_after_its_objection_window(unqualified, clerk, chief):  # noqa: F811
    with pytest.raises(RuleViolation):  # not served: not final
        draft_penalty_referral(unqualified, actor=clerk)
    served(unqualified, (2026, 9, 8), clerk)  # window closed on 23 Sep 2026
    referral = draft_penalty_referral(unqualified, actor=clerk)
    assert "异议期内未申请复检" in referral.facts
    with pytest.raises(Conflict):
        draft_penalty_referral(unqualified, actor=clerk)
    with pytest.raises(PermissionDenied):  # the clerk drafts; the chief reviews
        review_penalty_referral(referral, actor=clerk)
    review_penalty_referral(referral, actor=chief)


def test_other_counties_and_inspectors_do_not_see_referrals(
        client, unqualified, clerk, higher_lab, outsider, inspector):  # noqa: F811
    upheld(unqualified, clerk, higher_lab)
    url = reverse("labs:referral_detail", args=[PenaltyReferral.objects.get().pk])
    assert login(client, outsider).get(url).status_code == 404
    client.logout()
    assert login(client, inspector).get(url).status_code == 404
    client.logout()
    assert login(client, clerk).post(url, {"action": "review"}).status_code == 403
