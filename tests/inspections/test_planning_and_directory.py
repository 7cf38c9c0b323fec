"""Plans, campaigns and the inspector directory through their services."""

import datetime

import pytest
from django.utils import timezone

from inspections import services
from inspections.models import Campaign, ChecklistItem, FindingType, PrimarySampleRule, SamplingRule
from seedreg.audit.models import AuditEntry
from seedreg.errors import InvalidInput, NotFound, PermissionDenied, RuleViolation


def test_reference_data_is_loaded_with_its_status_and_source(crops):
    maize = SamplingRule.objects.get(crop__code="maize")
    assert (maize.max_lot_kg, maize.submitted_sample_g, maize.status) == (40000, 1000, "unconfirmed")
    assert "GB/T 3543.2" in maize.source
    assert PrimarySampleRule.objects.get(containers_from=60).primary_samples == 30
    item = ChecklistItem.objects.get(code="no_stop_sale_lot")
    assert item.finding_type.code == "selling_stopped_lot" and item.legal_basis.startswith("种子法")
    assert ChecklistItem.objects.count() == 14
    assert FindingType.objects.get(code="refused_inspection").suggested_articles == ["种子法第86条"]


def test_a_joint_campaign_names_its_agencies(clerk, plan, crops):
    today = timezone.localdate()
    kwargs = dict(name="联合检查", mode="joint", season="spring_pre_sale", starts_on=today,
                  ends_on=today + datetime.timedelta(days=10), crops=["maize", "rice"])
    with pytest.raises(InvalidInput) as exc:
        services.create_campaign(plan, actor=clerk, **kwargs)
    assert exc.value.code == "joint_agencies_required"
    campaign = services.create_campaign(plan, actor=clerk, joint_agencies=["县市场监督管理局", " "], **kwargs)
    assert campaign.joint_agencies == ["县市场监督管理局"]
    assert sorted(campaign.crops.values_list("code", flat=True)) == ["maize", "rice"]
    assert AuditEntry.objects.filter(action="inspections.campaign.created").count() == 1


def test_a_campaign_area_is_townships_of_the_county(clerk, plan):
    today = timezone.localdate()
    with pytest.raises(InvalidInput) as exc:
        services.create_campaign(plan, actor=clerk, name="跨县", mode="sweep", season="spring_in_sale",
                                 starts_on=today, ends_on=today, townships=["211321001"])
    assert exc.value.code == "township_outside"
    with pytest.raises(InvalidInput):
        services.create_campaign(plan, actor=clerk, name="日期", mode="sweep", season="spring_in_sale",
                                 starts_on=today, ends_on=today - datetime.timedelta(days=1))
    assert not Campaign.objects.exists()


def test_campaign_covers_only_its_townships(campaign):
    assert campaign.covers("211322102") and campaign.covers("211322103")
    assert not campaign.covers("211322101") and not campaign.covers("211321102")


def test_only_station_staff_of_the_county_plan(inspector, outsider):
    with pytest.raises(PermissionDenied):
        services.create_plan(actor=inspector, year=2026, title="x")
    plan = services.create_plan(actor=outsider, year=2026, title="朝阳县计划")
    assert plan.region_code == "211321"


def test_outsider_cannot_add_to_our_plan(outsider, plan):
    today = timezone.localdate()
    with pytest.raises(NotFound):
        services.create_campaign(plan, actor=outsider, name="x", mode="sweep", season="spring_in_sale",
                                 starts_on=today, ends_on=today)


def test_inspector_directory_keeps_enforcement_id_on_the_user(chief, inspector):
    profile = services.save_inspector_profile(inspector, actor=chief, enforcement_id="辽农执211322999",
                                              unit="建平县农业综合行政执法队", may_sample=False)
    inspector.refresh_from_db()
    assert inspector.enforcement_id == "辽农执211322999" and inspector.unit == "建平县农业综合行政执法队"
    assert profile.may_inspect and not profile.may_sample
    assert AuditEntry.objects.filter(action="inspections.inspector.created").exists()


def test_an_enforcement_id_belongs_to_one_person(chief, inspector, inspector2):
    from seedreg.errors import Conflict

    with pytest.raises(Conflict):
        services.save_inspector_profile(inspector2, actor=chief, enforcement_id=inspector.enforcement_id)


def test_outsider_cannot_put_our_inspector_in_their_directory(outsider, inspector):
    with pytest.raises(NotFound):
        services.save_inspector_profile(inspector, actor=outsider)


def test_absence_makes_an_inspector_unavailable(chief, inspector):
    today = timezone.localdate()
    profile = services.save_inspector_profile(inspector, actor=chief, absent_from=today,
                                              absent_until=today + datetime.timedelta(days=3), absence_note="培训")
    assert not profile.is_available_on(today)
    assert profile.is_available_on(today + datetime.timedelta(days=4))


class TestInspectorPairs:
    def test_two_different_people_are_required(self, directory, inspector, inspector2, shops):
        with pytest.raises(RuleViolation) as exc:
            services.check_pair(shops[0], [inspector])
        assert exc.value.code == "two_inspectors_required"
        with pytest.raises(RuleViolation) as exc:
            services.check_pair(shops[0], [inspector, inspector])
        assert exc.value.code == "inspector_repeated"
        assert services.check_pair(shops[0], [inspector, inspector2]) == [inspector, inspector2]

    def test_a_declared_conflict_means_recusal(self, chief, directory, inspector, inspector2, inspector3, shops):
        services.declare_conflict(directory[inspector.pk], actor=chief, business=shops[0], reason="亲属经营")
        with pytest.raises(RuleViolation) as exc:
            services.check_pair(shops[0], [inspector, inspector2])
        assert exc.value.code == "inspector_conflict"
        assert services.check_pair(shops[1], [inspector, inspector2])
        assert services.check_pair(shops[0], [inspector2, inspector3])

    def test_people_outside_the_directory_cannot_inspect(self, directory, inspector, outside_inspector, shops):
        with pytest.raises(RuleViolation) as exc:
            services.check_pair(shops[0], [inspector, outside_inspector])
        assert exc.value.code == "inspector_not_in_directory"
