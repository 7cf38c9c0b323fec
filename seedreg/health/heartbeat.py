"""Recording a scheduled job's runs (see checks.register_job)."""

from django.utils import timezone

from .models import JobHeartbeat


def record_success(name: str, label: str = ""):
    JobHeartbeat.objects.update_or_create(name=name, defaults={"last_success_at": timezone.now(),
                                                               **({"label": label} if label else {})})


def record_failure(name: str, error: str):
    JobHeartbeat.objects.update_or_create(name=name, defaults={"last_failure_at": timezone.now(),
                                                               "last_error": error[:2000]})


def stale_jobs():
    """Registered jobs that have not succeeded within their allowed age: [(name, label, last)]."""
    from .checks import DEGRADED, _job_status, registered_jobs

    out = []
    for name, spec in registered_jobs().items():
        status, detail = _job_status(name)
        if status == DEGRADED:
            out.append((name, spec["label"], detail["last_success_at"]))
    return out
