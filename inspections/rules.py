"""Who may do what in inspections (declared with ``rules``; services call ``require``)."""

import rules

from seedreg.accounts.rules import (
    can_inspect,
    in_jurisdiction,
    is_lab,
    is_station_chief,
    is_station_staff,
)


@rules.predicate
def may_sample(user):
    profile = getattr(user, "inspector_profile", None)
    return profile is not None and profile.active and profile.may_sample


staff_here = is_station_staff & in_jurisdiction
field_here = (can_inspect | is_station_staff) & in_jurisdiction

rules.add_perm("inspections.plan", staff_here)
rules.add_perm("inspections.manage_inspectors", staff_here)
rules.add_perm("inspections.handle_complaint", staff_here)
rules.add_perm("inspections.run_draw", is_station_chief & in_jurisdiction)
rules.add_perm("inspections.publish_draw", is_station_chief & in_jurisdiction)
rules.add_perm("inspections.verify_draw", staff_here)
rules.add_perm("inspections.assign_task", staff_here)
rules.add_perm("inspections.visit", can_inspect & in_jurisdiction)
rules.add_perm("inspections.sample", can_inspect & may_sample & in_jurisdiction)
rules.add_perm("inspections.review_rectification", staff_here)
# Custody moves between the samplers, the station and the lab (labs call it at intake).
rules.add_perm("inspections.custody", (field_here | is_lab) & in_jurisdiction)
