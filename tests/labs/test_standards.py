"""The standards tables as data: loaded by the migration, versioned, revised by station staff."""

import datetime
from decimal import Decimal as D

import pytest
from django.urls import reverse

from labs import selectors, services
from labs.judgement import LotFacts, select_standard
from labs.models import QualityStandard, ToleranceRow, ToleranceTable
from seedreg.audit.models import AuditEntry
from seedreg.errors import InvalidInput, PermissionDenied, RuleViolation

from .conftest import login

D2026 = datetime.date(2026, 3, 1)


def maize_single_cross():
    return QualityStandard.objects.get(crop_code="maize", seed_type_label="单交种", effective_until__isnull=True)


def test_the_migration_loads_every_row_with_its_status(standards):
    assert QualityStandard.objects.count() == 43
    assert QualityStandard.objects.filter(status="confirmed").count() == 27
    assert QualityStandard.objects.get(crop_code="soybean", seed_class="原种").status == "unconfirmed"
    assert ToleranceRow.objects.filter(table=ToleranceTable.GERMINATION_REPLICATES).count() == 16
    assert ToleranceRow.objects.get(table=ToleranceTable.GERMINATION_REPLICATES, low=87).status == "confirmed"
    assert not ToleranceRow.objects.filter(table=ToleranceTable.COMPARISON).exists()


def test_a_revision_is_a_new_version_and_the_old_one_still_answers_for_its_days(standards, province_chief):
    old = maize_single_cross()
    new = services.revise_quality_standard(old, actor=province_chief, effective_from=D2026, germination_min="90",
                                           status="unconfirmed", source="省农业农村厅 2026 年通知（测试）",
                                           reason="地方标准提高")
    old.refresh_from_db()
    assert old.effective_until == datetime.date(2026, 2, 28)
    assert (new.germination_min, new.purity_min, new.replaces) == (D("90"), D("96.0"), old)
    lot = LotFacts(crop_code="maize", seed_type="single_cross", seed_class="大田用种")
    assert select_standard(selectors.standard_rows(datetime.date(2026, 2, 28)), lot).germination_min == D(85)
    assert select_standard(selectors.standard_rows(D2026), lot).germination_min == D(90)
    entry = AuditEntry.objects.get(action="labs.standard.revised")
    assert entry.before["germination_min"] == "85.0" and entry.reason == "地方标准提高"


def test_a_revision_needs_a_source_and_a_later_date(standards, province_chief):
    row = maize_single_cross()
    with pytest.raises(InvalidInput):
        services.revise_quality_standard(row, actor=province_chief, effective_from=D2026, status="confirmed", source=" ")
    with pytest.raises(RuleViolation):
        services.revise_quality_standard(row, actor=province_chief, effective_from=datetime.date(2008, 1, 1),
                                         status="confirmed", source="x")
    with pytest.raises(InvalidInput):
        services.revise_quality_standard(row, actor=province_chief, effective_from=D2026, status="confirmed", source="x",
                                         germination_min="101")
    assert QualityStandard.objects.count() == 43


@pytest.mark.parametrize("who", ["lab_tech", "chief", "clerk"])
def test_county_staff_cannot_edit_the_standards(standards, who, request):
    lab_tech = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        services.revise_quality_standard(maize_single_cross(), actor=lab_tech, effective_from=D2026,
                                         status="confirmed", source="x")


def test_a_tolerance_revision_and_a_comparison_band(standards, province_chief):
    row = ToleranceRow.objects.get(table=ToleranceTable.GERMINATION_REPLICATES, low=84)
    new = services.revise_tolerance(row, actor=province_chief, effective_from=D2026, limit="14", status="confirmed",
                                    source="GB/T 3543.4-1995 表 5（核对原文）")
    assert new.status == "confirmed" and new.low == D(84)
    assert [b.limit for b in selectors.replicate_bands(D2026) if b.low == 84] == [D(14)]
    band = services.add_comparison_tolerance(actor=province_chief, index="germination", low="80", high="90", n_low=400,
                                             n_high=400, limit="5", standard="GB/T 3543.4", source="测试",
                                             effective_from=D2026)
    assert selectors.comparison_bands(D2026)[0].row_id == band.pk
    assert selectors.comparison_bands(datetime.date(2026, 1, 1)) == []


def test_the_standards_page_shows_each_rows_status_and_source(client, standards, province_chief):
    login(client, province_chief)
    page = client.get(reverse("labs:standards")).content.decode()
    assert "GB 4404.1-2008" in page and "未核实" in page and "已核实" in page and "二项分布" in page
    assert reverse("labs:standard_revise", args=[maize_single_cross().pk]) in page


def test_the_revise_form_applies_through_the_service_and_shows_errors(client, standards, province_chief):
    login(client, province_chief)
    row = maize_single_cross()
    url = reverse("labs:standard_revise", args=[row.pk])
    data = {"effective_from": "2026-03-01", "standard": "GB 4404.1-2008", "purity_min": "96.0",
            "cleanliness_min": "99.0", "germination_min": "86", "moisture_max": "13.0", "moisture_max_north": "16.0",
            "status": "confirmed", "source": "原文核对"}
    bad = client.post(url, {**data, "effective_from": "2000-01-01"})
    assert bad.status_code == 422 and "须晚于" in bad.content.decode()
    assert client.post(url, data).status_code == 302
    assert maize_single_cross().germination_min == D(86)


@pytest.mark.parametrize("who", ["lab_tech", "dealer", "anonymous", "outsider", "chief", "clerk", "province_chief"])
def test_who_may_open_the_standards_pages(client, standards, who, request):
    row = maize_single_cross()
    tol = ToleranceRow.objects.first()
    user = request.getfixturevalue(who) if who != "anonymous" else None
    if user:
        login(client, user)
    listing = client.get(reverse("labs:standards"))
    revise = client.get(reverse("labs:standard_revise", args=[row.pk]))
    revise_tol = client.get(reverse("labs:tolerance_revise", args=[tol.pk]))
    if who == "anonymous":
        assert all(r.status_code == 302 for r in (listing, revise, revise_tol))
    elif who == "dealer":
        assert all(r.status_code == 404 for r in (listing, revise, revise_tol))
    elif who == "lab_tech":  # reads the tables, does not edit them
        assert listing.status_code == 200 and "修订</a>" not in listing.content.decode()
        assert revise.status_code == 403 and revise_tol.status_code == 403
    elif who == "province_chief":  # the provincial station keeps the national and provincial tables
        assert listing.status_code == 200 and revise.status_code == 200 and revise_tol.status_code == 200
    else:  # a county's staff (this county's or another's) read the tables, never edit them
        assert listing.status_code == 200 and "修订</a>" not in listing.content.decode()
        assert revise.status_code == 403 and revise_tol.status_code == 403
