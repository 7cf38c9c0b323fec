"""Celery tasks of the licensing app: thin wrappers around services."""

from celery import shared_task

from seedreg.health.heartbeat import record_success

EXPIRY_JOB = "licensing.expiry_reminders"


@shared_task(name="licensing.tasks.send_expiry_reminders", ignore_result=True, acks_late=True)
def send_expiry_reminders():
    """Daily (beat). Idempotent: each (licence term, threshold) reminder goes out once."""
    from .services import send_expiry_reminders as send

    sent = send()
    record_success(EXPIRY_JOB, "许可证到期提醒")
    return sent


@shared_task(name="licensing.tasks.run_import", ignore_result=True, acks_late=True)
def run_import(job_id: int):
    from .services import run_import as run

    run(job_id)
