"""The transactional outbox: ``enqueue`` inside a service's transaction; the relay sends.

After the transaction commits we try to publish at once (the fast path); if the broker is
down the row stays pending and the relay (``manage.py outbox_relay``, started with the worker)
retries with back-off. Tasks must therefore be idempotent: a crash between publishing and
marking the row sent publishes it again."""

from __future__ import annotations

import datetime
import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from seedreg.regulated import in_service

from .models import OutboxMessage

log = logging.getLogger(__name__)

MAX_BACKOFF_SECONDS = 300


def enqueue(task_name: str, *args, dedup_key: str | None = None, countdown: int = 0, **kwargs) -> OutboxMessage | None:
    """Record that ``task_name(*args, **kwargs)`` must run once this transaction commits."""
    if not in_service():
        raise RuntimeError("enqueue must run inside the service (transaction) of the change that needs the task")
    if dedup_key and OutboxMessage.objects.filter(dedup_key=dedup_key, sent_at__isnull=True).exists():
        return None
    if dedup_key:
        # A sent row with the same key is history: free the key for this new one.
        OutboxMessage.objects.filter(dedup_key=dedup_key, sent_at__isnull=False).update(dedup_key=None)
    try:
        with transaction.atomic():
            msg = OutboxMessage.objects.create(task_name=task_name, args=list(args), kwargs=kwargs,
                                               dedup_key=dedup_key, countdown=countdown)
    except IntegrityError:
        return None
    transaction.on_commit(lambda: relay_one(msg.pk, fast_path=True))
    return msg


def _publish(msg: OutboxMessage):
    from seedreg.celery import app

    # No retries here: a down broker must fail fast and leave the row to the relay. A fresh
    # connection per publish reads the current broker URL and never reuses a dead pooled one.
    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=app.conf.broker_connection_timeout)
        app.send_task(msg.task_name, args=msg.args, kwargs=msg.kwargs, countdown=msg.countdown or None,
                      retry=False, connection=conn, headers={"outbox_id": msg.pk})


_BROKER_DOWN_KEY = "outbox:broker-down"


def relay_one(pk: int, *, fast_path: bool = False) -> bool:
    """Publish one pending message; True when it was sent (now or before).

    On the fast path (right after a request's commit) a broker that failed in the last seconds
    is not tried again, so a broker outage does not slow every page that saves something."""
    from django.core.cache import cache

    if fast_path and cache.get(_BROKER_DOWN_KEY):
        return False
    with transaction.atomic():
        msg = OutboxMessage.objects.select_for_update().filter(pk=pk, sent_at__isnull=True).first()
        if msg is None:
            return True
        try:
            _publish(msg)
        except Exception as exc:  # broker down or unreachable: keep it for the relay
            msg.attempts += 1
            msg.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            backoff = min(MAX_BACKOFF_SECONDS, 2 ** min(msg.attempts, 8))
            msg.next_attempt_at = timezone.now() + datetime.timedelta(seconds=backoff)
            msg.save(update_fields=["attempts", "last_error", "next_attempt_at"])
            cache.set(_BROKER_DOWN_KEY, True, timeout=10)
            log.warning("outbox publish failed id=%s task=%s error=%s", msg.pk, msg.task_name, msg.last_error)
            return False
        msg.sent_at = timezone.now()
        msg.attempts += 1
        msg.save(update_fields=["sent_at", "attempts"])
        return True


def relay_pending(limit: int = 200, *, ignore_backoff: bool = False) -> tuple[int, int]:
    """Publish pending messages whose back-off has passed. Returns (sent, failed)."""
    qs = OutboxMessage.objects.filter(sent_at__isnull=True)
    if not ignore_backoff:
        qs = qs.filter(next_attempt_at__lte=timezone.now())
    sent = failed = 0
    for pk in qs.order_by("id").values_list("pk", flat=True)[:limit]:
        if relay_one(pk):
            sent += 1
        else:
            failed += 1
            break  # the broker is down: stop hammering it, the next round retries
    return sent, failed


def backlog():
    """(pending count, age in seconds of the oldest pending message)."""
    pending = OutboxMessage.objects.filter(sent_at__isnull=True)
    oldest = pending.order_by("created_at").values_list("created_at", flat=True).first()
    age = (timezone.now() - oldest).total_seconds() if oldest else 0
    return pending.count(), age
