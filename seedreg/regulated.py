"""The guard that keeps regulated rows changing only through services.

Every state change is a service function (``licensing.services.issue_licence`` ...) decorated
with ``@service``: it runs in one transaction and marks the current context as "inside a
service". Models that hold regulated state inherit ``RegulatedModel``: saving, deleting or
bulk-updating one outside a service raises ``RegulatedWriteError``. A view, admin action, API
handler or task that tried to ``.save()`` or ``queryset.update()`` a licence behind the
services' back fails loudly in tests instead of silently skipping the rules and the audit.
"""

from __future__ import annotations

import functools
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import models, transaction

from seedreg.lib.files import removed_on_rollback

_depth: ContextVar[int] = ContextVar("seedreg_service_depth", default=0)


class RegulatedWriteError(RuntimeError):
    """A regulated row was written outside a service (a programming error, not user input)."""


def in_service() -> bool:
    return _depth.get() > 0


@contextmanager
def service_context():
    """Mark a block as a service (one transaction; files it stored with
    ``seedreg.lib.files.save_file`` are removed if it fails). For service bodies that are not
    functions, and for test factories that build rows the way a service would."""
    token = _depth.set(_depth.get() + 1)
    try:
        # Outside the atomic block: files are removed once its rollback is done.
        with removed_on_rollback(), transaction.atomic():
            yield
    finally:
        _depth.reset(token)


def service(func):
    """Decorate a service: one transaction, and regulated writes allowed inside it."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with service_context():
            return func(*args, **kwargs)

    wrapper.is_service = True
    return wrapper


def _require_service(model, operation):
    if not in_service():
        raise RegulatedWriteError(
            f"{operation} on {model._meta.label} outside a service: regulated state changes only "
            f"through the app's services module"
        )


class RegulatedQuerySet(models.QuerySet):
    def update(self, **kwargs):
        _require_service(self.model, "queryset.update()")
        return super().update(**kwargs)

    def delete(self):
        _require_service(self.model, "queryset.delete()")
        return super().delete()

    def bulk_create(self, objs, *args, **kwargs):
        _require_service(self.model, "bulk_create()")
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, *args, **kwargs):
        _require_service(self.model, "bulk_update()")
        return super().bulk_update(objs, *args, **kwargs)


class RegulatedModel(models.Model):
    """Abstract base for rows whose changes must go through a service."""

    objects = RegulatedQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        _require_service(type(self), "save()")
        return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        _require_service(type(self), "delete()")
        return super().delete(*args, **kwargs)
