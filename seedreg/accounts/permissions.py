"""Role checks for services: ``require(actor, "licensing.issue_stop_sale", obj)``.

Permissions are declared with ``rules`` in each app's ``rules.py``; services call ``require``
so the web, the API and tasks share one check."""

from django.utils.translation import gettext_lazy as _

from seedreg.errors import NotFound, PermissionDenied
from seedreg.regions.scoping import user_can_see_region


def require(actor, perm: str, obj=None, *, message=None):
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("请先登录。"), code="not_authenticated", status=401)
    if obj is not None and hasattr(obj, "region_code") and not actor.is_superuser:
        # Outside the jurisdiction: not found, never forbidden (no existence leak).
        if not actor.is_dealer and not user_can_see_region(actor, obj.region_code):
            raise NotFound()
    if not actor.has_perm(perm, obj):
        raise PermissionDenied(message)
