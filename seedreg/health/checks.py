"""Health checks. The platform checks the database, the broker and the outbox backlog; apps
register their own (a scheduled job's last run) with ``register`` or ``register_job``.

Each check returns (status, detail) with status "ok", "degraded" or "down". Only a down
database makes /healthz answer 503: a node that still serves pages must stay in the pool."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

OK, DEGRADED, DOWN = "ok", "degraded", "down"


@dataclass(frozen=True)
class Check:
    name: str
    func: Callable[[], tuple[str, dict]]
    critical: bool = False  # a down critical check means 503


_CHECKS: dict[str, Check] = {}
_JOBS: dict[str, dict] = {}


def register(name, func, *, critical=False):
    _CHECKS[name] = Check(name, func, critical)


def register_job(name: str, label: str, max_age: datetime.timedelta):
    """A scheduled job that must succeed at least every ``max_age``; it reports through
    ``seedreg.health.heartbeat.record_success``."""
    _JOBS[name] = {"label": label, "max_age": max_age}
    register(f"job:{name}", lambda: _job_status(name))


def registered_jobs():
    return dict(_JOBS)


def ensure_job_rows(**kwargs):
    """post_migrate: start the clock for every registered job that has no record yet."""
    from .models import JobHeartbeat

    for name, spec in _JOBS.items():
        with translation.override(settings.LANGUAGE_CODE):  # the stored label is Chinese, whatever is active
            label = str(spec["label"])
        JobHeartbeat.objects.get_or_create(name=name, defaults={"label": label})


def _job_status(name):
    from .models import JobHeartbeat

    spec = _JOBS[name]
    beat = JobHeartbeat.objects.filter(name=name).first()
    last = beat.last_success_at if beat else None
    detail = {"label": str(spec["label"]), "last_success_at": last.isoformat() if last else None,
              "max_age_hours": spec["max_age"].total_seconds() / 3600}
    since = last or (beat.expected_since if beat else None)
    if since is None:
        detail["note"] = "尚未运行"
        return OK, detail
    if timezone.now() - since > spec["max_age"]:
        detail["problem"] = "该定时任务超过规定时间未成功运行"
        return DEGRADED, detail
    return OK, detail


def database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return OK, {"vendor": connection.vendor}


def broker():
    from seedreg.celery import app

    url = settings.CELERY_BROKER_URL
    transport = url.split(":", 1)[0]
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            # Kombu's Redis transport connects lazily: ask the server itself.
            client = getattr(conn.default_channel, "client", None)
            if client is not None and hasattr(client, "ping"):
                client.ping()
    except Exception as exc:
        return DEGRADED, {"transport": transport, "error": f"{type(exc).__name__}"}
    return OK, {"transport": transport}


def outbox():
    from seedreg.outbox.services import backlog

    pending, age = backlog()
    status = DEGRADED if age > settings.OUTBOX_BACKLOG_DEGRADED_SECONDS else OK
    return status, {"pending": pending, "oldest_seconds": int(age)}


def register_platform_checks():
    register("database", database, critical=True)
    register("broker", broker)
    register("outbox", outbox)
    register_job("platform.worker_heartbeat", _("后台任务心跳（beat → 消息队列 → worker）"),
                 datetime.timedelta(minutes=15))


def run_all() -> tuple[str, int, dict]:
    """Run every check. Returns (overall status, HTTP status, per-check results)."""
    results, overall, http = {}, OK, 200
    for name, check in _CHECKS.items():
        try:
            status, detail = check.func()
        except Exception as exc:
            status, detail = (DOWN if check.critical else DEGRADED), {"error": type(exc).__name__}
        results[name] = {"status": status, **detail}
        if status != OK:
            if check.critical:
                overall, http = DOWN, 503
                # Nothing else can be read without a database: stop here.
                break
            if overall == OK:
                overall = DEGRADED
    return overall, http, results
