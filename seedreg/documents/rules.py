import rules

from seedreg.accounts.rules import can_inspect, in_jurisdiction, is_station_chief, is_station_staff

rules.add_perm("documents.review", is_station_chief & in_jurisdiction)
rules.add_perm("documents.issue", is_station_chief & in_jurisdiction)
rules.add_perm("documents.issue_on_site", can_inspect & in_jurisdiction)
rules.add_perm("documents.record_service", (is_station_staff | can_inspect) & in_jurisdiction)
rules.add_perm("documents.invalidate", is_station_chief & in_jurisdiction)
rules.add_perm("documents.reserve_serials", (is_station_staff | can_inspect) & in_jurisdiction)
