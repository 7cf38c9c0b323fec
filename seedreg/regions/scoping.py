"""Jurisdiction scoping: the one function every queryset that users see goes through.

A user belongs to one region; they see records whose region code starts with theirs (a county
user their county, a city user all its counties), and only of the kinds their role allows.
Models declare where their region code lives (``jurisdiction_path``) and which roles see
them (``jurisdiction_roles``); dealer users see nothing through this path, since they are
scoped to their own business by the licensing app's querysets.

Anything outside the caller's scope is *not found* (404), never *forbidden*.
"""

from __future__ import annotations

from django.db import models

from seedreg.errors import NotFound


def region_filter(path: str, region_code: str) -> models.Q:
    return models.Q(**{f"{path}__startswith": region_code})


def jurisdiction_of(user) -> str | None:
    """The region code prefix a user may see; "" for superusers (everything); None for nobody."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if user.is_superuser:
        return ""
    return user.region_id or None


def scope(queryset, user, *, path: str | None = None, roles=None):
    """Restrict ``queryset`` to ``user``'s jurisdiction and role.

    ``path`` is the lookup to the record's region code (default: the model's
    ``jurisdiction_path``, else "region_code"); ``roles`` the roles that may see this kind of
    record at all (default: the model's ``jurisdiction_roles``, else every non-dealer role).
    """
    model = queryset.model
    path = path or getattr(model, "jurisdiction_path", "region_code")
    from seedreg.accounts.roles import STAFF_ROLES

    roles = roles if roles is not None else getattr(model, "jurisdiction_roles", STAFF_ROLES)
    prefix = jurisdiction_of(user)
    if prefix is None:
        return queryset.none()
    if user.is_superuser:
        return queryset
    if user.role not in roles:
        return queryset.none()
    return queryset.filter(region_filter(path, prefix))


class JurisdictionQuerySet(models.QuerySet):
    """QuerySet for jurisdiction-owned models: ``Model.objects.visible_to(user)``."""

    def visible_to(self, user):
        return scope(self, user)

    def within(self, region_code: str):
        path = getattr(self.model, "jurisdiction_path", "region_code")
        return self.filter(region_filter(path, region_code))

    def get_visible(self, user, **lookup):
        """The one record the user may see, or NotFound (also for records that exist elsewhere)."""
        try:
            return self.visible_to(user).get(**lookup)
        except (self.model.DoesNotExist, ValueError, TypeError) as exc:
            raise NotFound() from exc


def user_can_see_region(user, region_code: str) -> bool:
    prefix = jurisdiction_of(user)
    return prefix is not None and (region_code or "").startswith(prefix)
