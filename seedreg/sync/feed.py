"""Writing to and reading from the change feed (see models.py)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from seedreg.regions.scoping import jurisdiction_of

from .models import SyncChange, SyncClock


def _tick() -> int:
    """The next seq, under the clock's row lock (held until the caller's transaction ends)."""
    SyncClock.objects.get_or_create(pk=1)
    clock = SyncClock.objects.select_for_update().get(pk=1)
    clock.value += 1
    clock.save(update_fields=["value"])
    return clock.value


def record_change(kind: str, object_id, *, region_code: str, op: str = SyncChange.Op.UPSERT,
                  audience=None) -> None:
    """Tell phones that ``kind:object_id`` changed (``op="delete"``: drop it).

    Call it from the service that made the change, inside its transaction: the entry commits
    or rolls back with the change. ``audience`` is a user (or user id) when only that person
    downloads the object (an assigned task); ``None`` means everyone whose jurisdiction covers
    ``region_code`` ("" = nationwide)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_change must run inside the changing service's transaction")
    audience_id = getattr(audience, "pk", audience) or SyncChange.EVERYONE
    seq = _tick()
    SyncChange.objects.update_or_create(
        kind=kind, object_id=str(object_id), region_code=region_code or "", audience=audience_id,
        defaults={"seq": seq, "op": op, "changed_at": timezone.now()})


def current_cursor() -> int:
    """The cursor a full download starts from: read it *before* reading the data, so a change
    committed during the download is fetched again rather than missed."""
    return SyncClock.objects.filter(pk=1).values_list("value", flat=True).first() or 0


@dataclass
class Page:
    changes: list[SyncChange]
    cursor: int
    has_more: bool


def changes_since(user, since: int, *, limit: int = 500) -> Page:
    """What ``user`` should reload or drop since ``since``, oldest first, at most ``limit``."""
    prefix = jurisdiction_of(user)
    if prefix is None:
        return Page([], since, False)
    where = Q(seq__gt=since) & Q(audience__in=[SyncChange.EVERYONE, user.pk])
    if prefix:
        where &= Q(region_code="") | Q(region_code__startswith=prefix)
    rows = list(SyncChange.objects.filter(where).order_by("seq")[: limit + 1])
    has_more = len(rows) > limit
    rows = rows[:limit]
    return Page(rows, rows[-1].seq if rows else max(since, 0), has_more)
