import rules

from seedreg.accounts.rules import (
    in_jurisdiction,
    is_dealer,
    is_lab,
    is_lab_reviewer,
    is_lab_technician,
    is_station_staff,
)

# Standards are national data read by every county; the station's staff keep them.
rules.add_perm("labs.edit_standards", is_station_staff)
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
