"""Expiry reminders: 90/30/7 days before and on the day of lapse, once each, however often the
job runs; a job that stops running is visible on /healthz and the station's home page."""

import datetime

from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from licensing import services, tasks
from licensing.models import ExpiryReminder
from seedreg.health.models import JobHeartbeat
from seedreg.notifications.models import Notification, OutgoingMessage
from seedreg.regulated import service_context
from tests.factories import PASSWORD

DAY = datetime.timedelta(days=1)


def run(today):
    with service_context():
        return services.send_expiry_reminders(today)


def test_each_threshold_once_and_lapse_on_the_day(licensed, chief, clerk):
    with service_context():
        dealer, _ = services.create_dealer_user(licensed.business, actor=clerk, phone="13900000001",
                                                full_name="张丰禾", delivery="slip")
    expires = licensed.expires_on
    assert run(expires - 91 * DAY) == 0
    assert run(expires - 90 * DAY) == 1
    assert run(expires - 90 * DAY) == 0  # the job ran twice that day
    assert run(expires - 60 * DAY) == 0
    assert run(expires - 30 * DAY) == 1
    assert run(expires - 7 * DAY) == 1
    assert run(expires - 6 * DAY) == 0
    assert run(expires) == 0  # still valid on its last day
    assert run(expires + DAY) == 1  # lapsed
    assert run(expires + 2 * DAY) == 0
    assert sorted(ExpiryReminder.objects.values_list("threshold_days", flat=True)) == [0, 7, 30, 90]
    titles = list(Notification.objects.filter(user=dealer).order_by("created_at").values_list("title", flat=True))
    assert len(titles) == 4 and "已到期失效" in titles[-1]
    assert Notification.objects.filter(user=chief, category="licence_expiry").count() == 4
    # The dealer also gets an SMS for each; station staff only the inbox.
    assert OutgoingMessage.objects.filter(channel="sms", recipient=dealer.phone).count() == 4


def test_a_job_down_for_weeks_sends_only_the_tightest_threshold(licensed):
    assert run(licensed.expires_on - 5 * DAY) == 1
    assert list(ExpiryReminder.objects.values_list("threshold_days", flat=True)) == [7]


def test_renewed_licence_is_not_reminded_for_the_old_term(licensed, clerk):
    with service_context():
        services.renew_seed_licence(licensed, actor=clerk, issued_on=licensed.expires_on - 20 * DAY,
                                    expires_on=licensed.expires_on + 5 * 365 * DAY)
    assert run(licensed.terms.order_by("issued_on").first().expires_on - 7 * DAY) == 0


def test_revoked_licence_is_not_reminded(licensed, chief):
    with service_context():
        services.change_licence_status(licensed, actor=chief, kind="revoked", reason="吊销")
    assert run(licensed.expires_on - 7 * DAY) == 0


def test_task_records_its_run_and_a_stale_job_is_shown(licensed, client, chief):
    tasks.send_expiry_reminders()
    beat = JobHeartbeat.objects.get(name=tasks.EXPIRY_JOB)
    assert beat.last_success_at is not None
    client.login(username=chief.username, password=PASSWORD)
    assert "许可证到期提醒" not in client.get(reverse("home")).content.decode()

    JobHeartbeat.objects.filter(name=tasks.EXPIRY_JOB).update(last_success_at=timezone.now() - datetime.timedelta(hours=27))
    cache.clear()
    health = client.get("/healthz").json()
    assert health["status"] != "ok"
    assert tasks.EXPIRY_JOB in str(health)
    page = client.get(reverse("home")).content.decode()
    assert "定时任务未按时运行" in page and "许可证到期提醒" in page
