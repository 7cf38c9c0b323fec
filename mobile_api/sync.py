"""The batch sync engine: each object a phone sends is applied once, whatever is resent.

Per object (each in its own transactions, so one bad object never undoes the others):

1. **Claim** the revision: insert its ``SyncRevision`` as ``processing`` and commit. The
   revision id is unique, so a resend (or a concurrent request carrying the same revision)
   finds the row instead: same content and applied → "already had it" with the stored answer;
   other content → conflict; still processing → "in progress, retry" (unless the claim is so
   old that its worker must have died, then it is taken over).
2. **Apply** it in one transaction: lock the object's ``SyncedObject`` (its head revision),
   refuse a revision that does not build on the head (conflict, with the server's state), call
   the owning app's services through the type's handler, move the head, store the answer.
   A DomainError rolls the work back and stores the refusal; a missing file leaves nothing
   stored, so the same revision is applied once the file has been uploaded.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from seedreg.errors import Conflict, DomainError
from seedreg.lib.batch_reads import batch_reads
from seedreg.regulated import service_context

from .models import SyncedObject, SyncRevision

logger = logging.getLogger(__name__)

# A claim older than this belongs to a request that died (a request is bounded far below it).
STALE_CLAIM = datetime.timedelta(minutes=2)


class Status:
    CREATED = "created"
    APPLIED = "applied"
    ALREADY_HAD = "already_had"
    REJECTED = "rejected"
    CONFLICT = "conflict"
    IN_PROGRESS = "in_progress"
    WAITING_FILES = "waiting_files"


class WaitingForFiles(Exception):
    def __init__(self, missing):
        super().__init__("files missing")
        self.missing = [str(m) for m in missing]


class DependsOnPending(Exception):
    """The object refers to one that is not on the server yet (its visit still being applied
    by another request, or later in the phone's queue): retry, nothing is stored."""

    def __init__(self, message, *, code):
        super().__init__(str(message))
        self.message, self.code = str(message), code


class ServerConflict(Conflict):
    """The phone's change meets a server state it did not know (a task reassigned while
    offline, a visit closed by someone else): answered with that state, never overwritten."""

    def __init__(self, message, *, code, state, **kwargs):
        super().__init__(message, code=code, **kwargs)
        self.state = state


@dataclass
class Incoming:
    type: str
    uuid: Any
    revision: Any
    base_revision: Any
    recorded_at: datetime.datetime | None
    data: Any  # the type's pydantic schema instance
    raw: dict = field(default_factory=dict)  # the JSON the phone sent for this object
    # What the type's ``prefetch`` loaded for the whole batch (businesses, tasks, partners...),
    # shared by the batch's objects: {name: {key: row}}.
    batch: dict = field(default_factory=dict)

    def content_hash(self) -> str:
        payload = {"type": self.type, "uuid": str(self.uuid), "base": str(self.base_revision or ""),
                   "recorded_at": self.recorded_at.isoformat() if self.recorded_at else "", "data": self.raw}
        return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


@dataclass
class Applied:
    server_id: int | None
    region_code: str = ""
    missing_files: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)


# type -> (apply(actor, item, head) -> Applied, state(actor, head) -> dict)
HANDLERS: dict[str, tuple] = {}
# type -> prefetch(actor, items, memo): loads in a few queries what the batch's objects of that
# type refer to, into ``memo`` (shared as each item's ``batch``).
PREFETCH: dict[str, Any] = {}


def register(object_type: str, *, apply, state, prefetch=None):
    HANDLERS[object_type] = (apply, state)
    if prefetch is not None:
        PREFETCH[object_type] = prefetch


def _answer(item: Incoming, status: str, **extra) -> dict:
    out = {"type": item.type, "uuid": str(item.uuid), "revision": str(item.revision), "status": status,
           "code": "", "message": "", "fields": {}, "server_id": None, "server_revision": None,
           "server_state": None, "missing_files": [], "flags": []}
    out.update(extra)
    return out


def _error_answer(item, status, exc: DomainError, **extra):
    return _answer(item, status, code=exc.code, message=str(exc), fields=exc.fields, **extra)


_UNKNOWN = object()


def _claim(actor, item: Incoming, digest: str, device_id: str, app_version: str, known=_UNKNOWN):
    """(revision row, None) when this request now owns the revision; (None, answer) otherwise.
    ``known``: the stored row of this revision (or None), read for the whole batch at once."""
    now = timezone.now()
    row = known
    if known is None or known is _UNKNOWN:
        try:
            with transaction.atomic():
                row = SyncRevision.objects.create(
                    revision=item.revision, object_uuid=item.uuid, object_type=item.type,
                    base_revision=item.base_revision, content_hash=digest, status=SyncRevision.Status.PROCESSING,
                    user=actor, device_id=device_id[:64], app_version=app_version[:40],
                    client_recorded_at=item.recorded_at, received_at=now, claimed_at=now)
            return row, None
        except IntegrityError:
            row = SyncRevision.objects.filter(revision=item.revision).first()
    if row is None:  # the other claim rolled back meanwhile
        return None, _answer(item, Status.IN_PROGRESS, code="retry", message=_("请稍后重试。"))
    if row.content_hash != digest or row.object_uuid != item.uuid or row.user_id != actor.pk:
        return None, _answer(item, Status.CONFLICT, code="revision_reused",
                             message=_("同一修订编号的内容与已收到的不同：修改须使用新的修订编号。"))
    if row.status == SyncRevision.Status.PROCESSING:
        if now - row.claimed_at < STALE_CLAIM:
            return None, _answer(item, Status.IN_PROGRESS, code="in_progress",
                                 message=_("该修订正在处理中，请稍后重试。"))
        # Take over a claim whose request died; only one taker wins the update.
        with transaction.atomic():
            taken = SyncRevision.objects.filter(pk=row.pk, status=SyncRevision.Status.PROCESSING,
                                                claimed_at=row.claimed_at).update(claimed_at=now)
        if not taken:
            return None, _answer(item, Status.IN_PROGRESS, code="in_progress", message=_("该修订正在处理中，请稍后重试。"))
        row.claimed_at = now
        return row, None
    stored = dict(row.answer)
    if row.status == SyncRevision.Status.APPLIED:
        stored["status"] = Status.ALREADY_HAD
    return None, stored


def _finish(row: SyncRevision, status: str, answer: dict):
    row.status, row.answer, row.finished_at = status, answer, timezone.now()
    row.save(update_fields=["status", "answer", "finished_at"])


def apply_batch(actor, items: list[Incoming], *, device_id: str = "", app_version: str = "") -> list[dict]:
    """Apply a batch in order, one object at a time (as ``apply_one``), after reading in one
    query each what the batch already has on the server (its revisions, its objects' heads)
    and letting each type prefetch what its objects refer to: a resent batch costs a few
    queries whatever its size, and a new one only what each object's services write."""
    with batch_reads():  # what no object of the batch changes is read once (seedreg.lib.batch_reads)
        return _apply_batch(actor, items, device_id, app_version)


def _apply_batch(actor, items, device_id, app_version):
    revisions = {r.revision: r for r in SyncRevision.objects.filter(revision__in=[i.revision for i in items])}
    heads = set(SyncedObject.objects.filter(uuid__in=[i.uuid for i in items]).values_list("uuid", flat=True))
    new = [i for i in items if i.revision not in revisions and i.type in HANDLERS]
    memo: dict = {}
    for object_type, prefetch in PREFETCH.items():
        mine = [i for i in new if i.type == object_type]
        if mine:
            prefetch(actor, mine, memo)
    claimed = _claim_all(actor, new, device_id, app_version)
    out = []
    try:
        for item in items:
            item.batch = memo
            out.append(apply_one(actor, item, device_id=device_id, app_version=app_version,
                                 known=revisions.get(item.revision), has_head=item.uuid in heads,
                                 claimed=claimed.pop(item.revision, None)))
            if out[-1]["status"] == Status.CREATED:  # a later revision of it in this batch finds its head
                heads.add(item.uuid)
    finally:
        # A crash leaves no claim behind for the objects not reached: the phone may resend at once.
        if claimed:
            SyncRevision.objects.filter(pk__in=[r.pk for r in claimed.values()],
                                        status=SyncRevision.Status.PROCESSING).delete()
    return out


def _claim_all(actor, items: list[Incoming], device_id: str, app_version: str) -> dict:
    """Claim the batch's new revisions with one insert, committed before any is applied (as
    ``_claim`` does one by one). If another request claimed one of them meanwhile, nothing is
    claimed here ({}) and each object is claimed alone. Returns {revision: row}."""
    if not items:
        return {}
    now = timezone.now()
    rows = [SyncRevision(revision=i.revision, object_uuid=i.uuid, object_type=i.type, base_revision=i.base_revision,
                         content_hash=i.content_hash(), status=SyncRevision.Status.PROCESSING, user=actor,
                         device_id=device_id[:64], app_version=app_version[:40], client_recorded_at=i.recorded_at,
                         received_at=now, claimed_at=now) for i in items]
    try:
        with transaction.atomic():
            rows = SyncRevision.objects.bulk_create(rows)
    except IntegrityError:
        return {}
    if any(r.pk is None for r in rows):  # a backend that returns no ids from a bulk insert
        rows = SyncRevision.objects.filter(revision__in=[i.revision for i in items], user=actor, claimed_at=now)
    return {r.revision: r for r in rows}


def _keep_claim(row) -> bool:
    """A claim made for the whole batch, about to be applied: refresh it if it is getting old
    (so no other request takes it over as dead); False if another request took it over."""
    now = timezone.now()
    if now - row.claimed_at < STALE_CLAIM / 2:
        return True
    with transaction.atomic():
        kept = SyncRevision.objects.filter(pk=row.pk, status=SyncRevision.Status.PROCESSING,
                                           claimed_at=row.claimed_at).update(claimed_at=now)
    row.claimed_at = now
    return bool(kept)


def apply_one(actor, item: Incoming, *, device_id: str = "", app_version: str = "", known=_UNKNOWN,
              has_head: bool = True, claimed=None) -> dict:
    """``known``/``has_head``/``claimed``: what ``apply_batch`` read and claimed for the batch
    (the stored revision row or None; whether the object has a head; this request's claim). A
    head created meanwhile by a concurrent request still meets the unique uuid: that object is
    answered "retry"."""
    if item.type not in HANDLERS:
        return _answer(item, Status.REJECTED, code="unknown_type", message=_("不支持的对象类型。"))
    apply, state = HANDLERS[item.type]
    if claimed is not None:
        row = claimed
        if not _keep_claim(row):
            return _answer(item, Status.IN_PROGRESS, code="in_progress", message=_("该修订正在处理中，请稍后重试。"))
    else:
        row, answer = _claim(actor, item, item.content_hash(), device_id, app_version, known)
        if row is None:
            return answer
    try:
        with service_context():
            head = None
            if has_head or item.base_revision is not None:
                head = SyncedObject.objects.select_for_update().filter(uuid=item.uuid).first()
            if head is not None and (head.object_type != item.type or head.user_id != actor.pk
                                     and not _same_county(head, actor)):
                raise Conflict(_("该编号已被其他对象使用。"), code="uuid_taken")
            if head is None and item.base_revision is not None:
                raise ServerConflict(_("服务器上没有该对象的基础修订，请先同步其第一版。"), code="base_unknown",
                                     state=None)
            if head is not None and str(item.base_revision or "") != str(head.head_revision):
                raise ServerConflict(_("服务器上的记录已有更新的修订，请先下载后再修改。"), code="stale_revision",
                                     state={"head_revision": str(head.head_revision), **state(actor, head)})
            result: Applied = apply(actor, item, head)
            if head is None:
                head = SyncedObject.objects.create(uuid=item.uuid, object_type=item.type, head_revision=item.revision,
                                                   server_id=result.server_id, user=actor,
                                                   region_code=result.region_code)
                status = Status.CREATED
            else:
                head.head_revision, head.server_id, head.updated_at = item.revision, result.server_id, timezone.now()
                head.save(update_fields=["head_revision", "server_id", "updated_at"])
                status = Status.APPLIED
            answer = _answer(item, status, server_id=result.server_id, server_revision=str(item.revision),
                             missing_files=result.missing_files, flags=result.flags)
            _finish(row, SyncRevision.Status.APPLIED, answer)
        return answer
    except WaitingForFiles as exc:
        # Nothing stored: the same revision is applied once the files are there.
        SyncRevision.objects.filter(pk=row.pk, status=SyncRevision.Status.PROCESSING).delete()
        return _answer(item, Status.WAITING_FILES, code="files_missing", missing_files=exc.missing,
                       message=_("服务器尚未收到这些文件，请先上传后再同步。"))
    except DependsOnPending as exc:
        SyncRevision.objects.filter(pk=row.pk, status=SyncRevision.Status.PROCESSING).delete()
        return _answer(item, Status.IN_PROGRESS, code=exc.code, message=exc.message)
    except IntegrityError:
        # Two different first revisions of one new object raced: the loser retries and then
        # meets the winner's head (a conflict it can resolve).
        SyncRevision.objects.filter(pk=row.pk, status=SyncRevision.Status.PROCESSING).delete()
        return _answer(item, Status.IN_PROGRESS, code="retry", message=_("请稍后重试。"))
    except ServerConflict as exc:
        answer = _error_answer(item, Status.CONFLICT, exc, server_state=exc.state)
        _finish(row, SyncRevision.Status.CONFLICT, answer)
        return answer
    except DomainError as exc:
        status = Status.CONFLICT if isinstance(exc, Conflict) else Status.REJECTED
        answer = _error_answer(item, status, exc)
        _finish(row, SyncRevision.Status.CONFLICT if status == Status.CONFLICT else SyncRevision.Status.REJECTED,
                answer)
        return answer
    except Exception:
        # Never leave a claim behind a crash: the phone may resend at once.
        SyncRevision.objects.filter(pk=row.pk, status=SyncRevision.Status.PROCESSING).delete()
        raise


def _same_county(head, actor) -> bool:
    return bool(head.region_code) and head.region_code[:6] == (actor.region_id or "")[:6]
