"""Deadlines watched by beat: reminders go to the responsible people, once each."""

import datetime

from django.utils import timezone

from labs.services import judge_sample, objection_deadline
from labs.services.watch import send_lab_reminders
from seedreg.documents.services import acknowledge_in_portal
from seedreg.notifications.models import Notification
from seedreg.regulated import service_context

from .conftest import GOOD_RAW, build_lab_sample
from .test_retests import germ, run_tests


def test_a_sample_not_tested_in_20_days_reminds_the_lab_once(standards, crops, lab_tech, lab_reviewer):
    sample = build_lab_sample(lab_tech)
    today = timezone.localdate()
    assert send_lab_reminders(today + datetime.timedelta(days=20)) == 0
    assert send_lab_reminders(today + datetime.timedelta(days=21)) == 2  # the technician and the reviewer
    assert send_lab_reminders(today + datetime.timedelta(days=22)) == 0
    assert Notification.objects.get(user=lab_reviewer).title == f"样品 {sample.code} 已超过 20 天未完成检验"


def test_unserved_reports_and_closing_objection_windows(standards, crops, lab_tech, lab_reviewer, dealer, chief):
    sample = build_lab_sample(lab_tech, business=dealer.dealer_membership.business)
    run_tests(sample, lab_tech, lab_reviewer, {**GOOD_RAW, "germination": germ(81, 79, 80, 80)})
    report = judge_sample(sample, actor=lab_reviewer)
    today = timezone.localdate()
    send_lab_reminders(today + datetime.timedelta(days=8))
    assert Notification.objects.filter(user=chief, key=f"labs-report-unserved:{report.pk}").exists()
    with service_context():
        acknowledge_in_portal(report.document, user=dealer)
    last_day = objection_deadline(report).due
    send_lab_reminders(last_day - datetime.timedelta(days=4))
    closing = Notification.objects.filter(user=dealer, key=f"labs-objection-closing:{report.pk}")
    assert not closing.exists()
    send_lab_reminders(last_day - datetime.timedelta(days=3))
    send_lab_reminders(last_day)
    assert closing.count() == 1 and last_day.strftime("%Y-%m-%d") in closing.get().title
