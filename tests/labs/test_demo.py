"""The demo county shows a live laboratory: samples at every stage, an unqualified maize lot
with its issued stop-sale order, and a re-test open at the higher-level lab."""

from django.core.management import call_command

from inspections import selectors
from labs.models import LabReport, LabSample, LabTest, RetestRequest
from seedreg.accounts.models import User


def test_the_demo_county_has_samples_at_every_stage(db):
    call_command("load_demo")
    lab = User.objects.get(username="jianyan")
    assert selectors.samples_awaiting_intake(lab).count() == 1  # waiting
    first = LabSample.objects.filter(purpose="first")
    assert first.count() == 4
    statuses = sorted(first.values_list("status", flat=True))
    assert statuses == ["reported", "reported", "testing", "testing"] or statuses.count("reported") == 2
    assert LabTest.objects.filter(status="draft").exclude(raw={}).exists()  # in test
    assert LabTest.objects.filter(status="submitted").count() >= 4  # in review
    outcomes = sorted(LabReport.objects.filter(sample__purpose="first").values_list("outcome", flat=True))
    assert outcomes == ["qualified", "unqualified"]
    bad = LabReport.objects.get(outcome="unqualified")
    assert bad.sample.crop_code == "maize" and bad.stop_sale_order.status == "issued"
    retest = RetestRequest.objects.get()
    assert (retest.report, retest.status, retest.assigned_lab) == (bad, "testing", "higher")
    assert retest.retest_sample.at_higher_lab
    call_command("load_demo")  # idempotent
    assert LabSample.objects.count() == 5
