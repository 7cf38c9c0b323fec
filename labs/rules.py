import rules

from seedreg.accounts.rules import (
    in_jurisdiction,
    is_dealer,
    is_lab,
    is_lab_reviewer,
    is_lab_technician,
    is_station_chief,
    is_station_staff,
)


@rules.predicate
def is_province_chief(user):
    """The chief of a provincial station (a station chief bound to a province-level region)."""
    return bool(is_station_chief(user) and len(user.region_id or "") == 2)


# Standards and tolerance tables are national (GB) or provincial data read by every county: a
# county's staff read them, the provincial station keeps them (docs/architecture.md, issue 6).
rules.add_perm("labs.edit_standards", is_province_chief)
rules.add_perm("labs.view_standards", is_station_staff | is_lab)
rules.add_perm("labs.receive_sample", is_lab_technician & in_jurisdiction)
rules.add_perm("labs.enter_results", is_lab_technician & in_jurisdiction)
rules.add_perm("labs.review_results", is_lab_reviewer & in_jurisdiction)
rules.add_perm("labs.view_samples", (is_lab | is_station_staff) & in_jurisdiction)


@rules.predicate
def dealer_of_report(user, report):
    """A dealer user of the business the reported sample was drawn at."""
    membership = getattr(user, "dealer_membership", None)
    if report is None or membership is None or not user.is_authenticated or user.role != "dealer":
        return False
    return report.sample.sample.sampling.business_id == membership.business_id


rules.add_perm("labs.request_retest", is_dealer & dealer_of_report)
rules.add_perm("labs.escalate_retest", is_station_staff & in_jurisdiction)
rules.add_perm("labs.dispatch_backup", is_station_staff & in_jurisdiction)

# The results package is a publication of the station (监督抽查办法第三十三条): the chief issues it.
rules.add_perm("labs.publish_results", is_station_chief & in_jurisdiction)
# Withdrawing a published report (its document is invalidated) is the chief's (documents.invalidate).
rules.add_perm("labs.withdraw_report", is_station_chief & in_jurisdiction)
# Drafting a referral: the station, or the lab reviewer whose re-test conclusion upholds a result.
rules.add_perm("labs.draft_referral", (is_station_staff | is_lab_reviewer) & in_jurisdiction)
