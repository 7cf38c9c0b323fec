import rules

from seedreg.accounts.rules import (
    in_jurisdiction,
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
