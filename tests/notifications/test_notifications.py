import time

import pytest

from seedreg.errors import InvalidInput
from seedreg.notifications.models import Notification, OutgoingMessage, SmsLog
from seedreg.notifications.services import notify, send_sms
from seedreg.notifications.tasks import deliver
from seedreg.outbox.models import OutboxMessage
from seedreg.regulated import service_context


@pytest.fixture
def dealer_phone_user(clerk):
    clerk.phone = "13800000001"
    clerk.email = "clerk@example.cn"
    clerk.save()
    return clerk


@pytest.mark.django_db
def test_notifying_twice_with_the_same_key_tells_once(dealer_phone_user):
    for _ in range(2):
        with service_context():
            notify([dealer_phone_user], key="licence-expiry:7:42", title="许可证将于7天后到期", body="请及时办理延续。")
    assert Notification.objects.filter(user=dealer_phone_user).count() == 1
    assert OutgoingMessage.objects.filter(channel="sms").count() == 1
    assert OutgoingMessage.objects.filter(channel="email").count() == 1
    # Each outgoing message waits in the outbox for the sending task.
    assert OutboxMessage.objects.filter(task_name="seedreg.notifications.tasks.deliver").count() == 2


@pytest.mark.django_db
def test_the_sending_task_run_twice_sends_once(dealer_phone_user, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with service_context():
        notify([dealer_phone_user], key="k1", title="检验结果已出", body="请登录查看。")
    for message in OutgoingMessage.objects.all():
        deliver.run(message.pk)
        deliver.run(message.pk)
    assert SmsLog.objects.count() == 1
    assert SmsLog.objects.get().body.startswith("【种子管理站】检验结果已出")
    from django.core import mail

    assert len(mail.outbox) == 1 and mail.outbox[0].extra_headers["X-Idempotency-Key"].startswith("k1:email")
    assert set(OutgoingMessage.objects.values_list("status", flat=True)) == {"sent"}


@pytest.mark.django_db
def test_the_sms_backend_refuses_a_second_send_of_the_same_key():
    from seedreg.notifications.sms import LoggingSmsBackend

    backend = LoggingSmsBackend()
    backend.send("13800000002", "一", idempotency_key="same")
    backend.send("13800000002", "一", idempotency_key="same")
    assert SmsLog.objects.count() == 1


@pytest.mark.django_db
def test_people_without_an_account_get_sms_and_bad_numbers_are_refused():
    with service_context():
        send_sms("13900000003", key="complaint-7-closed", body="您的投诉已办结。")
    assert OutgoingMessage.objects.get().recipient == "13900000003"
    with pytest.raises(InvalidInput), service_context():
        send_sms("12345", key="x", body="y")


@pytest.mark.celery_worker
def test_a_real_worker_delivers_an_sms_started_through_the_outbox(celery_worker, geo):
    from tests.factories import make_user

    user = make_user(phone="13800000009")
    with service_context():
        notify([user], key="worker-test", title="停止销售通知", channels=("inbox", "sms"))
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not SmsLog.objects.exists():
        time.sleep(0.2)
    assert SmsLog.objects.get().phone == "13800000009"
    assert OutgoingMessage.objects.get().status == "sent"


@pytest.mark.django_db
def test_the_inbox_shows_only_the_users_own_notifications(client, clerk, chief):
    with service_context():
        notify([clerk], key="a", title="给科员的通知", channels=("inbox",))
        notify([chief], key="b", title="给站长的通知", channels=("inbox",))
    client.force_login(clerk)
    page = client.get("/notifications/").content.decode()
    assert "给科员的通知" in page and "给站长的通知" not in page
    chiefs = Notification.objects.get(user=chief)
    client.post(f"/notifications/{chiefs.pk}/read")
    chiefs.refresh_from_db()
    assert chiefs.read_at is None  # someone else's notification is untouched
    own = Notification.objects.get(user=clerk)
    client.post(f"/notifications/{own.pk}/read")
    own.refresh_from_db()
    assert own.read_at is not None
