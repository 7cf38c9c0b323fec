"""The lab's pages through the test client and, for the bench worksheet, headless chromium."""

import pytest
from django.urls import reverse

from labs.models import LabSample, LabTest
from tests.conftest import login_browser
from tests.factories import make_user

from .conftest import GOOD_RAW, build_lab_sample, login


@pytest.fixture
def sample(standards, crops, lab_tech):
    return build_lab_sample(lab_tech)


def germination(sample):
    return LabTest.objects.current().get(sample=sample, index="germination")


def test_intake_page_receives_a_sample_by_its_code(client, standards, crops, lab_tech, clerk, inspector):
    from seedreg.regulated import service_context
    from tests.inspections.conftest import make_sample_pair
    from tests.licensing.conftest import make_business

    from .conftest import MAIZE_LABEL

    record = make_sample_pair([inspector], make_business(clerk, "门市", serial=91), crops["maize"], number=3)
    with service_context():
        record.label = {**MAIZE_LABEL, "seed_type": "single_cross"}
        record.save()
    code = record.samples.get(role="test").code
    login(client, lab_tech)
    data = {"code": code, "seal_numbers": "F3T", "seals_intact": "on", "quantity_g": "990",
            "storage_location": "A-1", "seed_class": "大田用种"}
    bad = client.post(reverse("labs:intake"), {**data, "storage_location": ""})
    assert bad.status_code == 422 and not LabSample.objects.exists()
    response = client.post(reverse("labs:intake"), data)
    lab_sample = LabSample.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("labs:sample_detail", args=[lab_sample.pk])
    detail = client.get(response["Location"]).content.decode()
    assert code in detail and "发芽率" in detail and "陈检验" in detail


def test_worksheet_page_saves_and_shows_inline_errors(client, sample, lab_tech):
    login(client, lab_tech)
    url = reverse("labs:worksheet", args=[germination(sample).pk])
    raw = {**GOOD_RAW["germination"], "r3_dead": "5"}
    bad = client.post(url, {**raw, "action": "save"})
    assert bad.status_code == 422
    assert "第3次重复：各类合计 96 粒，应为 100 粒" in bad.content.decode()
    ok = client.post(url, {**GOOD_RAW["germination"], "action": "submit"})
    assert ok.status_code == 302
    assert germination(sample).status == "submitted"


def test_review_from_the_page_refuses_the_tester_and_accepts_the_reviewer(client, sample, lab_tech, lab_reviewer):
    from labs.services import enter_test_data, submit_test

    t = submit_test(enter_test_data(germination(sample), actor=lab_tech, raw=GOOD_RAW["germination"]), actor=lab_tech)
    login(client, lab_tech)
    page = client.get(reverse("labs:worksheet", args=[t.pk])).content.decode()
    assert "批准</button>" not in page
    client.post(reverse("labs:test_review", args=[t.pk]), {"decision": "approve"})
    assert germination(sample).status == "submitted"
    client.logout()
    login(client, lab_reviewer)
    client.post(reverse("labs:test_review", args=[t.pk]), {"decision": "approve"})
    assert germination(sample).status == "approved"


def test_the_queue_costs_the_same_queries_whatever_its_length(client, standards, crops, lab_tech,
                                                              django_assert_max_num_queries):
    for n in range(1, 4):
        build_lab_sample(lab_tech, number=n)
    login(client, lab_tech)
    # session + user, count, the page's lab samples, their field samples with the business, navigation
    with django_assert_max_num_queries(8):
        response = client.get(reverse("labs:queue"))
    assert response.content.decode().count("/labs/samples/") == 3
    for n in range(4, 10):
        build_lab_sample(lab_tech, number=n)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("labs:queue")).content.decode().count("/labs/samples/") == 9


@pytest.fixture
def judged(sample, lab_tech, lab_reviewer, chief):
    """The sample tested, judged and escalated for a re-test by the chief."""
    from labs.services import judge_sample, request_retest

    from .test_retests import run_tests

    run_tests(sample, lab_tech, lab_reviewer, GOOD_RAW)
    report = judge_sample(sample, actor=lab_reviewer)
    request_retest(report, actor=chief, reason="站里提请复检", escalate=True)
    return sample


def lab_urls(sample):
    t = germination(sample)
    report, retest = sample.report, sample.report.retest
    return [("get", reverse("labs:queue")), ("get", reverse("labs:intake")),
            ("get", reverse("labs:sample_detail", args=[sample.pk])), ("post", reverse("labs:judge", args=[sample.pk])),
            ("get", reverse("labs:worksheet", args=[t.pk])), ("post", reverse("labs:test_review", args=[t.pk])),
            ("get", reverse("labs:test_retract", args=[t.pk])), ("get", reverse("labs:test_repeat", args=[t.pk])),
            ("post", reverse("labs:retest_request", args=[sample.pk])),
            ("post", reverse("labs:retest_dispatch", args=[retest.pk])),
            ("get", reverse("labs:retest_receive", args=[retest.pk])),
            ("post", reverse("labs:retest_conclude", args=[retest.pk])),
            ("get", reverse("labs:my_reports")), ("get", reverse("labs:my_report", args=[report.pk]))]


EXPECTED = {
    # who: queue, intake, sample, judge, worksheet, review, retract, repeat,
    #      retest request, dispatch, receive backup, conclude, my reports, my report
    "lab_tech": (200, 200, 200, 403, 200, 403, 200, 403, 403, 403, 200, 403, 404, 404),
    "lab_reviewer": (200, 403, 200, 302, 200, 302, 403, 200, 403, 403, 403, 302, 404, 404),
    "chief": (200, 403, 200, 403, 200, 403, 403, 403, 302, 302, 403, 403, 404, 404),
    "higher_lab": (200, 200, 200, 302, 200, 302, 200, 200, 403, 403, 200, 302, 404, 404),
    "outsider": (200, 403, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404),
    "other_lab": (200, 200, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404),
    "dealer": (404,) * 12 + (200, 404),  # a dealer of another business
    "anonymous": (302,) * 14,
}


@pytest.mark.parametrize("who", sorted(EXPECTED))
def test_permissions_of_every_lab_url(client, judged, who, request):
    sample = judged
    if who == "other_lab":
        login(client, make_user("lab_technician", "211321", full_name="外县检验"))
    elif who != "anonymous":
        login(client, request.getfixturevalue(who))
    urls = lab_urls(sample)
    assert len(urls) == len(EXPECTED[who])
    for (method, url), expected in zip(urls, EXPECTED[who], strict=True):
        response = getattr(client, method)(url)
        assert response.status_code == expected, (who, url, response.status_code)
        if expected == 404:
            assert sample.code not in response.content.decode()
    if who in ("outsider", "other_lab"):
        assert sample.code not in client.get(reverse("labs:queue")).content.decode()
    # Nothing changed: the POSTs without a valid form or permission wrote nothing.
    assert LabTest.objects.filter(sample=sample).count() == 4
    assert sample.report.retest.status == "requested"


def test_every_lab_url_has_a_permission_row():
    """The pages of the first lab release are tried here role by role; every lab page, the later
    ones too (results, report withdrawal, referrals), has its row in the site-wide matrix."""
    from labs.urls import urlpatterns
    from tests.test_permission_matrix import MATRIX

    named = {p.name for p in urlpatterns}
    assert {name for name in named if f"labs:{name}" not in MATRIX} == set()
    first_release = named - {"standards", "standard_revise", "tolerance_revise",  # test_standards
                             "report_withdraw", "campaign_results", "referral_draft", "referral_detail"}
    assert len(first_release) == len(EXPECTED["lab_tech"])


def test_the_dealer_sees_their_report_acknowledges_it_and_applies_for_a_retest(
        client, standards, crops, lab_tech, lab_reviewer, dealer):
    from labs.models import RetestRequest
    from labs.services import judge_sample

    from .test_retests import germ, run_tests

    sample = build_lab_sample(lab_tech, business=dealer.dealer_membership.business)
    run_tests(sample, lab_tech, lab_reviewer, {**GOOD_RAW, "germination": germ(81, 79, 80, 80)})
    report = judge_sample(sample, actor=lab_reviewer)
    login(client, dealer)
    assert report.document.serial in client.get(reverse("labs:my_reports")).content.decode()
    url = reverse("labs:my_report", args=[report.pk])
    page = client.get(url).content.decode()
    assert "不合格" in page and "确认收到报告" in page and "提交复检申请" not in page
    client.post(url, {"action": "acknowledge"})
    page = client.get(url).content.decode()
    assert "异议期限" in page and "提交复检申请" in page
    assert client.post(url, {"action": "retest", "reason": ""}).status_code == 422
    assert client.post(url, {"action": "retest", "reason": "留样发芽正常"}).status_code == 302
    assert RetestRequest.objects.get().requested_by == dealer


def test_a_technician_enters_germination_at_the_bench(page, live_server, sample, lab_tech):
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    login_browser(page, live_server, lab_tech.username)
    page.goto(f"{live_server.url}{reverse('labs:worksheet', args=[germination(sample).pk])}")
    # Keyboard order: type each value and press Enter to move on.
    page.focus("#id_r1_normal")
    values = {"r1_normal": "95", "r1_dead": "5", "r2_normal": "81", "r2_dead": "19", "r3_normal": "88",
              "r3_dead": "12", "r4_normal": "84", "r4_dead": "16"}
    for i in range(1, 5):
        for k in ("normal", "abnormal", "fresh", "hard", "dead"):
            page.keyboard.type(values.get(f"r{i}_{k}", "0"))
            page.keyboard.press("Enter")
    assert not errors, errors
    assert page.locator("#computed").inner_text() == "发芽率 87%，重复间最大差距 14，容许差 13"
    assert "须重新试验" in page.locator("#warning").inner_text()
    page.fill("#id_r1_normal", "94")
    page.fill("#id_r1_dead", "6")
    assert page.locator("#warning").is_hidden()
    assert "重复间最大差距 13" in page.locator("#computed").inner_text()
    page.fill("#id_r2_dead", "10")
    assert "应为 100 粒" in page.locator('[data-for="r2_normal"]').inner_text()
    page.fill("#id_r2_dead", "19")
    page.click("button[value=save]")
    page.wait_for_load_state()
    t = germination(sample)
    assert (t.value, t.repeat_required, t.raw["r1_normal"]) == (87, False, "94")
    assert "结果：87.0%" in page.locator("#computed").inner_text() or "87%" in page.locator("#computed").inner_text()
