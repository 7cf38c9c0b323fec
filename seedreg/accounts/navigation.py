"""The main menu: apps register their entries (label, URL name, roles) in AppConfig.ready();
the base template shows the ones the current user's role may open."""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset
    order: int = 100


_ITEMS: list[NavItem] = []


def register(label, url_name, roles, order=100):
    item = NavItem(label=label, url_name=url_name, roles=frozenset(roles), order=order)
    if item not in _ITEMS:
        _ITEMS.append(item)
    return item


def items_for(user):
    if not getattr(user, "is_authenticated", False):
        return []
    out = []
    for item in sorted(_ITEMS, key=lambda i: (i.order, str(i.label))):
        if user.is_superuser or user.role in item.roles:
            try:
                out.append({"label": item.label, "url": reverse(item.url_name)})
            except NoReverseMatch:
                continue
    return out
