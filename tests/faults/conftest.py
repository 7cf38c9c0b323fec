import pytest
from django.conf import settings

from tests.licensing.conftest import crops, varieties  # noqa: F401  (fixtures reused here)

from .workers import WorkerProcess


def require_redis():
    if not settings.CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
        pytest.skip("killing a worker needs a broker that re-delivers unacknowledged tasks: set "
                    "CELERY_BROKER_URL=redis://… (the embedded filesystem broker never re-delivers)")


@pytest.fixture
def gates(tmp_path):
    folder = tmp_path / "gates"
    folder.mkdir()
    return folder


@pytest.fixture
def sms_folder(tmp_path):
    return tmp_path / "sms-provider"


@pytest.fixture
def workers(transactional_db, tmp_path, gates, sms_folder):
    """Start worker processes on demand; every one still running at the end is stopped."""
    require_redis()
    started: list[WorkerProcess] = []

    def start():
        worker = WorkerProcess(tmp_path, SEEDREG_FAULT_GATES_DIR=str(gates),
                               SMS_BACKEND="seedreg.notifications.sms.FileSmsBackend",
                               SMS_FILE_PATH=str(sms_folder)).start()
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()


