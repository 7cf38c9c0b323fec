"""The broker down: pages still work, a saved change stays saved, its task waits in the outbox
and /healthz says degraded; when the broker is back the relay publishes the task and a real
worker runs it. (The broker is pointed at a closed port: see broker_stopped.)"""

import pytest
from django.urls import reverse

from licensing.models import Business, ImportJob
from seedreg.outbox.models import OutboxMessage
from seedreg.outbox.services import relay_pending
from tests.helpers import wait_for
from tests.licensing.test_import import GOOD, fix_codes, upload, xlsx
from tests.platform.test_health_and_outbox import broker_stopped


@pytest.mark.celery_worker
def test_an_import_uploaded_while_the_broker_is_down_runs_when_it_returns(celery_worker, client, clerk, varieties):
    with broker_stopped():
        response = upload(client, clerk, xlsx(fix_codes([r[:] for r in GOOD])))
        job = ImportJob.objects.get()
        assert response.status_code == 302  # the page answered; the upload is saved
        assert client.get(response["Location"]).status_code == 200
        assert client.get(reverse("licensing:business_list")).status_code == 200
        waiting = OutboxMessage.objects.get(task_name="licensing.tasks.run_import")
        assert waiting.sent_at is None and waiting.last_error
        health = client.get("/healthz").json()
        assert health["status"] == "degraded" and health["checks"]["broker"]["status"] == "degraded"
        # The relay keeps trying while the broker is away, and keeps the task.
        assert relay_pending(ignore_backoff=True) == (0, 1)
    job.refresh_from_db()
    assert job.status != ImportJob.Status.SUCCEEDED and not Business.objects.exists()

    assert relay_pending(ignore_backoff=True) == (1, 0)  # the broker is back
    assert wait_for(lambda: ImportJob.objects.get().finished, 60)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.SUCCEEDED and Business.objects.count() == 2
    assert client.get("/healthz").json()["checks"]["broker"]["status"] == "ok"
