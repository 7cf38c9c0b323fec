import pytest

from seedreg.audit.models import AuditEntry
from seedreg.audit.services import log_action
from seedreg.errors import NotFound
from seedreg.regions.models import Region
from seedreg.regions.scoping import scope, user_can_see_region
from seedreg.regulated import service_context

pytestmark = pytest.mark.django_db


def _entry_in(region_code, label):
    """An audit entry about a region: a real jurisdiction-owned row to scope."""
    with service_context():
        region = Region.objects.get(code=region_code)
        return log_action(region, f"test.scoping.{label}")


def test_a_county_user_lists_only_their_county(chief, outsider):
    ours = _entry_in("211322", "ours")
    theirs = _entry_in("211321", "theirs")
    assert list(AuditEntry.objects.visible_to(chief)) == [ours]
    assert list(AuditEntry.objects.visible_to(outsider)) == [theirs]


def test_a_county_user_cannot_read_another_countys_record(chief):
    theirs = _entry_in("211321", "theirs")
    with pytest.raises(NotFound):
        AuditEntry.objects.get_visible(chief, pk=theirs.pk)


def test_a_city_user_sees_every_county_of_the_city(geo):
    from seedreg.accounts.roles import Role
    from tests.factories import make_user

    city_chief = make_user(Role.STATION_CHIEF, "2113")
    a, b = _entry_in("211322", "a"), _entry_in("211321", "b")
    elsewhere = _entry_in("210112", "c")
    visible = set(AuditEntry.objects.visible_to(city_chief))
    assert {a, b} <= visible
    assert elsewhere not in visible


def test_roles_not_allowed_for_a_kind_of_record_see_nothing(lab_tech):
    _entry_in("211322", "ours")
    # Audit trails are for station staff only.
    assert not AuditEntry.objects.visible_to(lab_tech).exists()


def test_anonymous_and_inactive_users_see_nothing(chief):
    from django.contrib.auth.models import AnonymousUser

    _entry_in("211322", "ours")
    assert not scope(AuditEntry.objects.all(), AnonymousUser()).exists()
    chief.is_active = False
    assert not AuditEntry.objects.visible_to(chief).exists()


def test_prefix_match_does_not_leak_to_a_sibling_code(chief):
    # 211322 must not see 2113221... of another tree: codes are prefixes only of their descendants.
    assert user_can_see_region(chief, "211322001")
    assert not user_can_see_region(chief, "211321001")
    assert not user_can_see_region(chief, "")
