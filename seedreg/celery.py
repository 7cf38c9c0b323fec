"""The Celery application. Tasks are started through the outbox (seedreg.outbox), never
directly from a request, so that a broker outage cannot turn a committed change into an error."""

import os

from celery import Celery
from celery.signals import task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "seedreg.settings")

app = Celery("seedreg")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_prerun.connect
def _bind_request_id(task_id=None, **_):
    # Audit entries written by a task carry the task id where a request would carry its id.
    from seedreg.audit.context import set_request_id

    set_request_id(f"task-{task_id}")
