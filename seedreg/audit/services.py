"""Writing the audit trail. Services call ``log_action`` (or use ``audited``) inside their
transaction, so the change and its audit entry commit together or not at all."""

from __future__ import annotations

import datetime
import decimal
import uuid
from contextlib import contextmanager

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from seedreg.lib.copyinsert import insert_new, insert_values
from seedreg.regulated import in_service

from .context import get_request_id
from .models import AuditEntry


def _json_value(value):
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, FieldFile):
        return value.name or None
    if isinstance(value, dict):
        return {str(k): _json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_json_value(v) for v in value]
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    return str(value)


def snapshot(obj, exclude=()) -> dict:
    """The concrete field values of ``obj`` as JSON-safe data (foreign keys as their ids)."""
    if obj is None:
        return None
    skip = set(exclude) | set(getattr(obj, "audit_exclude", ()))
    data = {}
    for field in obj._meta.concrete_fields:
        if field.name in skip or field.attname in skip:
            continue
        data[field.attname] = _json_value(getattr(obj, field.attname))
    return data


def _region_code(obj, parent):
    for candidate in (obj, parent):
        code = getattr(candidate, "region_code", None)
        if code:
            return code
    return ""


def log_action(obj, action: str, *, actor=None, before=None, after=..., reason: str = "", data=None,
               parent=None) -> AuditEntry:
    """Record that ``actor`` did ``action`` (a dotted code: "licensing.licence.revoked") on
    ``obj``. ``after`` defaults to a snapshot of ``obj`` now; ``parent`` groups the entry
    into a bigger record's timeline (a licence's entries show on its business)."""
    if not in_service():
        raise RuntimeError("log_action must run inside a service (its transaction)")
    entry = _entry(obj, action, actor=actor, before=before, after=after, reason=reason, data=data, parent=parent)
    entry.save()
    return entry


def log_actions(records, *, actor=None, parent=None, snapshots=True, label=str, batch_size=2000) -> list[AuditEntry]:
    """``log_action`` for many objects written together (an import's batch of ledger entries):
    ``records`` is (obj, action, data) for each; one audit row each, as ``log_action`` would
    write it, inserted together (``insert_new``: COPY on PostgreSQL), not one query per object.
    ``snapshots=False`` leaves ``after`` empty, for append-only rows that are their own record of
    what was written; ``label`` names each object (``str`` unless the caller has a cheaper way)."""
    if not in_service():
        raise RuntimeError("log_actions must run inside a service (its transaction)")
    types, parent_type = {}, _content_type(parent)
    entries = []
    for obj, action, data in records:
        model = type(obj)
        if model not in types:
            types[model] = _content_type(obj)
        entries.append(_entry(obj, action, actor=actor, after=... if snapshots else None, data=data, parent=parent,
                              object_type=types[model], parent_type=parent_type, label=label(obj)))
    insert_new(AuditEntry, entries, batch_size=batch_size)
    return entries


def log_new_rows(model, records, *, actor=None, parent=None, batch_size=2000) -> None:
    """``log_actions(..., snapshots=False)`` for rows of ``model`` inserted without model objects
    (``insert_values``): ``records`` is (id, action, label, region code, data) for each; one audit
    row each, with the fields ``log_action`` gives it, and no AuditEntry object built either."""
    if not in_service():
        raise RuntimeError("log_new_rows must run inside a service (its transaction)")
    object_type, parent_type = ContentType.objects.get_for_model(model, for_concrete_model=False), _content_type(parent)
    common = {
        "actor_id": actor.pk if getattr(actor, "pk", None) else None,
        "actor_label": (getattr(actor, "display_name", None) or str(actor))[:100] if actor is not None else "系统",
        "request_id": get_request_id()[:80],
        "object_type_id": object_type.pk,
        "parent_type_id": parent_type.pk if parent_type is not None else None,
        "parent_id": str(parent.pk) if parent is not None else "",
        "created_at": timezone.now(),
    }
    parent_region = getattr(parent, "region_code", None) or ""
    insert_values(AuditEntry, [{**common, "object_id": str(pk), "action": action, "object_label": label[:200],
                                "region_code": region_code or parent_region, "data": _json_value(data or {})}
                               for pk, action, label, region_code, data in records], batch_size=batch_size)


def _content_type(obj):
    return ContentType.objects.get_for_model(obj, for_concrete_model=False) if obj is not None else None


def _entry(obj, action, *, actor=None, before=None, after=..., reason="", data=None, parent=None, object_type=None,
           parent_type=None, label=None) -> AuditEntry:
    if after is ...:
        after = snapshot(obj) if isinstance(obj, models.Model) else None
    return AuditEntry(
        action=action,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=(getattr(actor, "display_name", None) or str(actor))[:100] if actor is not None else "系统",
        request_id=get_request_id()[:80],
        object_type=object_type or _content_type(obj),
        object_id=str(obj.pk),
        object_label=(str(obj) if label is None else label)[:200],
        parent_type=parent_type or _content_type(parent),
        parent_id=str(parent.pk) if parent is not None else "",
        region_code=_region_code(obj, parent),
        before=_json_value(before),
        after=_json_value(after),
        reason=reason or "",
        data=_json_value(data or {}),
    )


@contextmanager
def audited(obj, action: str, *, actor=None, reason: str = "", data=None, parent=None):
    """Snapshot ``obj`` before the block and log the change after it:

        with audited(licence, "licensing.licence.suspended", actor=actor, reason=reason):
            licence.status = Licence.Status.SUSPENDED
            licence.save()
    """
    before = snapshot(obj)
    yield obj
    log_action(obj, action, actor=actor, before=before, reason=reason, data=data, parent=parent)
