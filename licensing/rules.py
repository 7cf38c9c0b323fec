import rules

from seedreg.accounts.rules import (
    can_inspect,
    in_jurisdiction,
    is_dealer,
    is_inspector,
    is_lab,
    is_lab_reviewer,
    is_station_chief,
    is_station_staff,
    is_supervisor,
)


@rules.predicate
def owns_business(user, obj):
    """A dealer user acting for the business the object belongs to."""
    if obj is None or not user.is_authenticated or user.role != "dealer":
        return False
    business = getattr(obj, "business", obj)
    membership = getattr(user, "dealer_membership", None)
    return membership is not None and membership.business_id == getattr(business, "pk", None)


staff_here = is_station_staff & in_jurisdiction

rules.add_perm("licensing.edit_directory", staff_here)
rules.add_perm("licensing.issue_licence", staff_here)
rules.add_perm("licensing.change_licence_status", is_station_chief & in_jurisdiction)
rules.add_perm("licensing.record_filing", staff_here)
rules.add_perm("licensing.edit_catalogue", is_station_staff)
rules.add_perm("licensing.edit_outside_party", is_station_staff)
rules.add_perm("licensing.record_document_check", (is_station_staff | can_inspect) & in_jurisdiction)
rules.add_perm("licensing.manage_dealer_accounts", staff_here)
rules.add_perm("licensing.import_directory", is_station_staff)
rules.add_perm("licensing.view_own_business", is_dealer & owns_business)

# Ledgers: a dealer keeps their own; the station's clerks may keep one for a dealer without a
# computer (paper ledgers typed in); staff, inspectors and supervisors read them in jurisdiction.
rules.add_perm("licensing.keep_ledger", (is_dealer & owns_business) | staff_here)
rules.add_perm("licensing.view_ledger", (is_dealer & owns_business) | ((is_station_staff | is_inspector | is_supervisor)
                                                                        & in_jurisdiction))
# Inspectors record a lot from its label when they sample one that no ledger here names yet.
rules.add_perm("licensing.register_lot", is_dealer | is_station_staff | can_inspect)
rules.add_perm("licensing.record_count", (is_station_staff | can_inspect) & in_jurisdiction)
rules.add_perm("licensing.record_lot_verdict", (is_lab | is_station_staff) & in_jurisdiction)
# The county lab's reviewer drafts the order when a verdict is unqualified (labs.judge_sample);
# only the chief reviews and issues it.
rules.add_perm("licensing.draft_stop_sale", staff_here | (is_lab_reviewer & in_jurisdiction))
rules.add_perm("licensing.lift_stop_sale", is_station_chief & in_jurisdiction)
# The issuing county's staff and inspectors print an issued order's notices and serve them.
rules.add_perm("licensing.serve_stop_sale", (is_station_staff | can_inspect) & in_jurisdiction)
rules.add_perm("licensing.view_trace", (is_station_staff | is_inspector | is_supervisor) & in_jurisdiction)
