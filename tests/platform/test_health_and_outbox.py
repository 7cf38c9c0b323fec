"""The broker may be down; the database may be down. Neither may lose a saved change."""

import datetime
import time
from contextlib import contextmanager

import pytest
from django.db import connection
from django.utils import timezone

from seedreg.celery import app
from seedreg.health.models import JobHeartbeat
from seedreg.outbox.models import OutboxMessage
from seedreg.outbox.services import enqueue, relay_pending
from seedreg.regulated import service_context
from tests.helpers import wait_for

DEAD_BROKER = "redis://127.0.0.1:1/0"


@contextmanager
def broker_stopped():
    """Publishing goes to a port where nothing listens. (Celery lets the CELERY_BROKER_URL
    environment variable override broker_url, so the write URL is what we point away.)"""
    app.conf.broker_write_url = DEAD_BROKER
    try:
        yield
    finally:
        app.conf.broker_write_url = None


@pytest.fixture
def broker_down():
    with broker_stopped():
        yield


@pytest.mark.django_db
def test_healthz_is_ok_when_everything_runs(client, settings, tmp_path):
    if settings.CELERY_BROKER_URL.startswith("filesystem"):
        (tmp_path / "b").mkdir()
        app.conf.broker_transport_options = {"data_folder_in": str(tmp_path / "b"), "data_folder_out": str(tmp_path / "b")}
    from seedreg.health.heartbeat import record_success

    record_success("platform.worker_heartbeat")
    response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 200, body
    assert body["checks"]["database"]["status"] == "ok"
    assert body["checks"]["broker"]["status"] == "ok", body
    assert body["status"] == "ok", body


@pytest.mark.django_db
def test_healthz_reports_a_stopped_broker_as_degraded_with_200(client, broker_down):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["broker"]["status"] == "degraded"


@pytest.mark.django_db
def test_healthz_reports_a_job_that_stopped_running(client):
    # Freshly migrated: the jobs are expected but not yet due. (The test database was migrated
    # when the session started, which on a slow machine can be longer ago than a job's period.)
    JobHeartbeat.objects.filter(name="platform.worker_heartbeat").update(expected_since=timezone.now())
    assert client.get("/healthz").json()["checks"]["job:platform.worker_heartbeat"]["status"] == "ok"
    # The worker heartbeat was expected for an hour and never ran.
    JobHeartbeat.objects.filter(name="platform.worker_heartbeat").update(
        expected_since=timezone.now() - datetime.timedelta(hours=1))
    body = client.get("/healthz").json()
    assert body["checks"]["job:platform.worker_heartbeat"]["status"] == "degraded"
    # It ran once, then stopped.
    JobHeartbeat.objects.filter(name="platform.worker_heartbeat").update(
        last_success_at=timezone.now() - datetime.timedelta(hours=1))
    assert client.get("/healthz").json()["checks"]["job:platform.worker_heartbeat"]["status"] == "degraded"


@pytest.mark.django_db(transaction=True)
def test_healthz_answers_503_when_the_database_is_down(client, tmp_path):
    original = dict(connection.settings_dict)
    connection.close()
    if connection.vendor == "sqlite":
        connection.settings_dict["NAME"] = str(tmp_path / "no" / "such" / "dir" / "db.sqlite3")
    else:
        connection.settings_dict["PORT"] = "1"
    try:
        response = client.get("/healthz")
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(original)
    assert response.status_code == 503
    assert response.json()["status"] == "down"


@pytest.mark.celery_worker
def test_a_real_worker_runs_a_task_started_through_the_outbox(celery_worker):
    with service_context():
        enqueue("seedreg.health.tasks.worker_heartbeat")
    assert wait_for(lambda: JobHeartbeat.objects.filter(name="platform.worker_heartbeat",
                                                         last_success_at__isnull=False).exists())
    assert not OutboxMessage.objects.filter(sent_at__isnull=True).exists()


@pytest.mark.celery_worker
def test_a_change_saved_while_the_broker_is_down_runs_when_it_returns(celery_worker, settings):
    with broker_stopped():
        with service_context():
            enqueue("seedreg.health.tasks.worker_heartbeat")  # committed: the change stays saved
        pending = OutboxMessage.objects.get()
        assert pending.sent_at is None and pending.attempts == 1 and pending.last_error
    time.sleep(1)
    assert not JobHeartbeat.objects.filter(last_success_at__isnull=False).exists()  # nothing ran meanwhile
    sent, failed = relay_pending(ignore_backoff=True)
    assert (sent, failed) == (1, 0)
    assert wait_for(lambda: JobHeartbeat.objects.filter(name="platform.worker_heartbeat",
                                                        last_success_at__isnull=False).exists())


@pytest.mark.django_db
def test_enqueue_refuses_to_run_outside_a_transaction():
    with pytest.raises(RuntimeError):
        enqueue("seedreg.health.tasks.worker_heartbeat")
