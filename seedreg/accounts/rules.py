"""Role predicates shared by every app's rules.py."""

import rules

from seedreg.regions.scoping import user_can_see_region

from .roles import FIELD_ROLES, LAB_ROLES, STATION_STAFF, Role


@rules.predicate
def is_station_chief(user):
    return user.is_authenticated and user.role == Role.STATION_CHIEF


@rules.predicate
def is_station_clerk(user):
    return user.is_authenticated and user.role == Role.STATION_CLERK


@rules.predicate
def is_station_staff(user):
    return user.is_authenticated and user.role in STATION_STAFF


@rules.predicate
def is_inspector(user):
    return user.is_authenticated and user.role == Role.INSPECTOR


@rules.predicate
def can_inspect(user):
    return user.is_authenticated and user.role in FIELD_ROLES and bool(user.enforcement_id)


@rules.predicate
def is_lab_technician(user):
    return user.is_authenticated and user.role in {Role.LAB_TECHNICIAN, Role.HIGHER_LAB}


@rules.predicate
def is_lab_reviewer(user):
    return user.is_authenticated and user.role in {Role.LAB_REVIEWER, Role.HIGHER_LAB}


@rules.predicate
def is_lab(user):
    return user.is_authenticated and user.role in LAB_ROLES


@rules.predicate
def is_higher_lab(user):
    return user.is_authenticated and user.role == Role.HIGHER_LAB


@rules.predicate
def is_supervisor(user):
    return user.is_authenticated and user.role == Role.SUPERVISOR


@rules.predicate
def is_dealer(user):
    return user.is_authenticated and user.role == Role.DEALER


@rules.predicate
def in_jurisdiction(user, obj):
    """The object lies in the user's region (objects expose ``region_code``)."""
    if obj is None:
        return True
    return user_can_see_region(user, getattr(obj, "region_code", ""))


@rules.predicate
def county_staff_of(user, obj):
    """Station staff of the very county the object belongs to."""
    if obj is None:
        return user.is_authenticated and user.role in STATION_STAFF
    return user.is_authenticated and user.can_see_personal_data(getattr(obj, "region_code", ""))


# Platform permissions.
rules.add_perm("audit.view_timeline", is_station_staff & in_jurisdiction)
rules.add_perm("accounts.manage_users", is_station_chief & in_jurisdiction)
rules.add_perm("regions.edit_station", is_station_chief & in_jurisdiction)
rules.add_perm("workcalendar.edit_calendar", is_station_staff)
