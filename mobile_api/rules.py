import rules

from seedreg.accounts.rules import can_inspect, in_jurisdiction, is_station_chief


@rules.predicate
def owns_token(user, token):
    return token is not None and token.user_id == user.pk


# A phone token is for field work: inspector-capable users (field role + enforcement ID).
rules.add_perm("mobile_api.hold_token", can_inspect)
# The holder cuts off their own phone; the station chief cuts off any phone of the county
# (a lost phone must stop working at once, whoever notices first).
rules.add_perm("mobile_api.revoke_token", owns_token | (is_station_chief & in_jurisdiction))
rules.add_perm("mobile_api.list_tokens", is_station_chief & in_jurisdiction)
