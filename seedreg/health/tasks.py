from celery import shared_task

from .heartbeat import record_success

WORKER_JOB = "platform.worker_heartbeat"


@shared_task(name="seedreg.health.tasks.worker_heartbeat", ignore_result=True)
def worker_heartbeat():
    """Scheduled every few minutes by beat: proves that beat, the broker and a worker all work.
    /healthz reports "degraded" when it has not run for a while."""
    record_success(WORKER_JOB, "后台任务心跳")
