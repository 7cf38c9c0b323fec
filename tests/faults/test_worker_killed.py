"""A worker killed with SIGKILL in the middle of a task: Redis re-delivers the task (late
acknowledgement, a short visibility timeout) to the next worker, and nothing is sent or applied
twice. The worker is a real ``celery worker`` process; the "middle" is a named checkpoint
(seedreg.lib.faults) at the worst instant: after the outside world has the SMS, or after the
import has applied a row, and before the database records it."""

import email
import json

import pytest

from licensing.models import Business, Filing, ImportJob, SeedLicence
from seedreg.lib import faults
from seedreg.notifications.models import OutgoingMessage
from seedreg.notifications.services import notify
from seedreg.outbox.models import OutboxMessage
from seedreg.regulated import service_context
from tests.factories import make_user
from tests.helpers import wait_for
from tests.licensing.test_import import GOOD, fix_codes, upload, xlsx

pytestmark = pytest.mark.celery_worker


def sent_sms(folder):
    return [json.loads(p.read_text()) for p in folder.glob("*.json")] if folder.exists() else []


def test_an_sms_whose_worker_died_after_the_provider_took_it_is_sent_once(workers, gates, sms_folder, geo):
    point = "notifications.deliver.sent"
    faults.arm(gates, point)
    first = workers()
    user = make_user(phone="13800000021")
    with service_context():
        notify([user], key="stop-sale:7", title="停止销售通知书已送达", channels=("inbox", "sms"))
    assert wait_for(lambda: faults.reached(gates, point), 60), first.log()
    assert len(sent_sms(sms_folder)) == 1  # the provider has it ...
    first.kill()  # ... and the worker dies before recording that
    assert OutgoingMessage.objects.get().status == OutgoingMessage.Status.PENDING

    faults.disarm(gates, point)
    second = workers()
    assert wait_for(lambda: OutgoingMessage.objects.get().status == OutgoingMessage.Status.SENT, 60), second.log()
    message = OutgoingMessage.objects.get()
    assert message.attempts == 1  # the killed attempt's transaction was rolled back
    assert [s["phone"] for s in sent_sms(sms_folder)] == ["13800000021"]
    assert sent_sms(sms_folder)[0]["idempotency_key"] == message.idempotency_key


def test_an_email_whose_worker_died_after_the_server_took_it_goes_again_as_the_same_message(workers, gates, geo, tmp_path):
    """SMTP has no idempotency key: the re-run sends again, with the first attempt's Message-ID,
    so the recipient's mail system keeps one message (the worker's mail folder is the 'server')."""
    point = "notifications.deliver.sent"
    faults.arm(gates, point)
    first = workers()
    user = make_user(email="dealer@example.cn")
    with service_context():
        notify([user], key="report:12", title="检验报告已出具", channels=("inbox", "email"))
    assert wait_for(lambda: faults.reached(gates, point), 60), first.log()
    first.kill()
    faults.disarm(gates, point)
    second = workers()
    assert wait_for(lambda: OutgoingMessage.objects.get().status == OutgoingMessage.Status.SENT, 60), second.log()
    mails = [email.message_from_bytes(p.read_bytes()) for p in (tmp_path / "var" / "mail").glob("*.log")]
    assert len(mails) == 2 and {m["To"] for m in mails} == {"dealer@example.cn"}
    assert len({m["Message-ID"] for m in mails}) == 1, [m["Message-ID"] for m in mails]


def test_an_import_whose_worker_died_half_way_is_applied_once(workers, gates, client, clerk, varieties):
    point = "licensing.import.row_applied"
    faults.arm(gates, point)
    first = workers()
    upload(client, clerk, xlsx(fix_codes([r[:] for r in GOOD])))
    job = ImportJob.objects.get()
    assert wait_for(lambda: faults.reached(gates, point), 60), first.log()
    first.kill()  # one row applied inside the import's transaction, which dies with the worker
    assert not Business.objects.exists()
    job.refresh_from_db()
    assert not job.finished

    faults.disarm(gates, point)
    second = workers()
    assert wait_for(lambda: ImportJob.objects.get().finished, 60), second.log()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.SUCCEEDED, job.message
    assert Business.objects.count() == 2 and SeedLicence.objects.count() == 1 and Filing.objects.count() == 1
    assert OutboxMessage.objects.get(task_name="licensing.tasks.run_import").sent_at is not None
