"""Licence status is computed from terms and dated orders, for any day asked about."""

import datetime

import pytest
from django.utils import timezone

from licensing import services
from licensing.models import LicenceStatus, SeedLicence
from seedreg.audit.models import AuditEntry
from seedreg.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from seedreg.regulated import service_context

from .conftest import make_business

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def test_status_follows_the_dates(licensed):
    term = licensed.terms.get()
    assert licensed.status_on(term.issued_on - DAY) == LicenceStatus.NOT_YET_VALID
    assert licensed.status_on(term.issued_on) == LicenceStatus.VALID
    assert licensed.status_on(term.expires_on) == LicenceStatus.VALID  # valid through its last day
    assert licensed.status_on(term.expires_on + DAY) == LicenceStatus.EXPIRED
    assert licensed.days_to_expiry() == 100


def test_renewal_keeps_the_number_and_adds_a_term(licensed, clerk):
    old_expiry = licensed.expires_on
    with service_context():
        services.renew_seed_licence(licensed, actor=clerk, issued_on=old_expiry - 10 * DAY,
                                    expires_on=old_expiry + 5 * 365 * DAY)
    licence = SeedLicence.objects.get(pk=licensed.pk)
    assert licence.number == "B(辽朝)农种许字(2019)第0012号"
    assert licence.terms.count() == 2
    assert licence.status_on(old_expiry + 30 * DAY) == LicenceStatus.VALID
    with pytest.raises(InvalidInput) as info, service_context():
        services.renew_seed_licence(licence, actor=clerk, issued_on=TODAY, expires_on=old_expiry)
    assert info.value.code == "renewal_not_later"


def test_suspension_and_reinstatement_are_dated_audited_orders(licensed, chief, clerk):
    with service_context():
        services.change_licence_status(licensed, actor=chief, kind="suspended", effective_on=TODAY - 10 * DAY,
                                       reason="抽检不合格，暂停经营", decision_number="建农罚〔2026〕1号")
    assert licensed.status_on(TODAY - 11 * DAY) == LicenceStatus.VALID  # history is kept
    assert licensed.status_on(TODAY) == LicenceStatus.SUSPENDED
    # A clerk cannot reinstate; nobody can without a reason.
    with pytest.raises(PermissionDenied), service_context():
        services.change_licence_status(licensed, actor=clerk, kind="reinstated", reason="整改完成")
    with pytest.raises(InvalidInput), service_context():
        services.change_licence_status(licensed, actor=chief, kind="reinstated", reason="  ")
    with service_context():
        services.change_licence_status(licensed, actor=chief, kind="reinstated", reason="整改完成，恢复经营")
    assert SeedLicence.objects.get(pk=licensed.pk).status == LicenceStatus.VALID
    entries = AuditEntry.objects.filter(action__startswith="licensing.licence.").values_list("action", "reason")
    assert ("licensing.licence.reinstated", "整改完成，恢复经营") in list(entries)
    # A valid licence has nothing to reinstate.
    with pytest.raises(Conflict), service_context():
        services.change_licence_status(licensed, actor=chief, kind="reinstated", reason="再次恢复")


def test_revoked_licence_cannot_be_renewed(licensed, chief, clerk):
    with service_context():
        services.change_licence_status(licensed, actor=chief, kind="revoked", reason="以假充真")
    with pytest.raises(Conflict), service_context():
        services.renew_seed_licence(licensed, actor=clerk, issued_on=TODAY, expires_on=TODAY + 1000 * DAY)


def test_expiry_must_follow_issue_and_numbers_are_unique(clerk, crops, licensed):
    shop = make_business(clerk, "建平县北方农资有限公司", serial=9)
    with pytest.raises(InvalidInput) as info, service_context():
        services.issue_seed_licence(shop, actor=clerk, number="C(辽朝)农种许字(2020)第0021号", issued_on=TODAY,
                                    expires_on=TODAY - DAY, crops=[crops["maize"]])
    assert info.value.code == "term_dates"
    with pytest.raises(Conflict), service_context():
        services.issue_seed_licence(shop, actor=clerk, number="B（辽朝）农种许字（2019）第0012号", issued_on=TODAY,
                                    expires_on=TODAY + 100 * DAY, crops=[crops["maize"]])
    with pytest.raises(InvalidInput) as info, service_context():
        services.issue_seed_licence(shop, actor=clerk, number="D(辽朝)农种许字(2020)第0021号", issued_on=TODAY,
                                    expires_on=TODAY + 100 * DAY, crops=[crops["maize"]])
    assert info.value.code == "licence_scope_class"
    assert not SeedLicence.objects.filter(business=shop).exists()


def test_other_county_cannot_touch_the_licence(licensed, outsider):
    with pytest.raises(NotFound), service_context():
        services.change_licence_status(licensed, actor=outsider, kind="revoked", reason="越权")


def test_credit_code_is_unique_among_active_businesses(clerk, shop):
    with pytest.raises(Conflict) as info, service_context():
        services.register_business(actor=clerk, name="另一家", kind="packaged_seller", region_code="211322",
                                   credit_code=shop.credit_code)
    assert info.value.code == "credit_code_taken"
    with service_context():
        services.set_business_status(shop, actor=clerk, status="closed", reason="歇业")
        again = services.register_business(actor=clerk, name="重新开业", kind="packaged_seller", region_code="211322",
                                           credit_code=shop.credit_code)
    assert again.pk != shop.pk


def test_gcj02_location_is_stored_as_wgs84(clerk):
    business = make_business(clerk, "定位测试", serial=11, latitude="41.403", longitude="119.649",
                             coordinate_system="gcj02")
    # GCJ-02 is offset a few hundred metres from WGS-84 in Liaoning.
    assert business.coordinate_source == "gcj02"
    assert 0.0005 < abs(float(business.longitude) - 119.649) < 0.01
    assert 0.0005 < abs(float(business.latitude) - 41.403) < 0.01


def test_withdrawn_or_unapproved_varieties_are_flagged(clerk, varieties):
    assert varieties["吉单27"].problems_in("211322") == ["品种未审定在本区域种植"]
    assert varieties["东单6531"].problems_in("211322") == []
    assert varieties["郑单958"].approved_for("211322")  # national approval
    with service_context():
        services.withdraw_variety(varieties["郑单958"], actor=clerk, withdrawn_on=TODAY - DAY, note="公告退出")
    assert varieties["郑单958"].problems_in("211322")[0].startswith("品种已退出")
