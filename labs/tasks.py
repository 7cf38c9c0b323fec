"""Celery tasks of the lab: thin wrappers around services."""

from celery import shared_task

from seedreg.health.heartbeat import record_success

WATCH_JOB = "labs.watch_deadlines"


@shared_task(name="labs.tasks.watch_deadlines", ignore_result=True, acks_late=True)
def watch_deadlines():
    """Daily (beat). Idempotent: each reminder is keyed and goes out once."""
    from .services.watch import send_lab_reminders

    sent = send_lab_reminders()
    record_success(WATCH_JOB, "检验期限提醒")
    return sent
