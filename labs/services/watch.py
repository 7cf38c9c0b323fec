"""Deadlines the lab must not miss, watched daily by Celery beat (labs.tasks.watch_deadlines).

Each reminder goes to the responsible people once: ``notify`` keys make a repeated run (or a
run after the job was down) a no-op for what was already said."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from licensing.models import DealerMembership
from seedreg.accounts.models import User
from seedreg.accounts.roles import LAB_ROLES
from seedreg.notifications.services import notify
from seedreg.regions.station_settings import county_setting
from seedreg.regulated import service

from ..models import LabReport, LabSample, RetestRequest
from .intake import station_staff
from .retests import objection_deadline

TEST_DAYS_SETTING = "lab_test_days"
RECEIPT_DAYS_SETTING = "lab_report_receipt_days"
RETEST_DAYS_SETTING = "lab_retest_days"
OBJECTION_WARNING_DAYS = 3


def _lab_users(region_code):
    return list(User.objects.filter(region_id=region_code[:6], role__in=LAB_ROLES, is_active=True))


@service
def send_lab_reminders(today: datetime.date | None = None) -> int:
    """Samples not tested in time, reports not yet received, objection windows about to close and
    re-tests overdue. Returns how many notifications were written."""
    today = today or timezone.localdate()
    sent = 0
    for sample in LabSample.objects.filter(status__in=[LabSample.Status.RECEIVED, LabSample.Status.TESTING]):
        days = int(county_setting(sample.region_code, TEST_DAYS_SETTING))
        if timezone.localdate(sample.received_at) + datetime.timedelta(days=days) < today:
            sent += len(notify(_lab_users(sample.region_code), key=f"labs-sample-overdue:{sample.pk}",
                               title=f"样品 {sample.code} 已超过 {days} 天未完成检验",
                               link=reverse("labs:sample_detail", args=[sample.pk]), category="labs",
                               channels=("inbox",)))
    for report in LabReport.objects.filter(document__isnull=False).select_related("document", "sample"):
        due = objection_deadline(report)
        if due is None:
            days = int(county_setting(report.region_code, RECEIPT_DAYS_SETTING))
            if timezone.localdate(report.document.issued_at) + datetime.timedelta(days=days) < today:
                sent += len(notify(station_staff(report.region_code), key=f"labs-report-unserved:{report.pk}",
                                   title=f"检验报告 {report.document.serial} 签发 {days} 天仍未送达",
                                   link=reverse("labs:sample_detail", args=[report.sample_id]), category="labs",
                                   channels=("inbox",)))
        elif (report.sample.purpose == LabSample.Purpose.FIRST_TEST and report.outcome != "qualified"
              and not RetestRequest.objects.filter(report=report).exists()
              and 0 <= (due.due - today).days <= OBJECTION_WARNING_DAYS):
            dealers = [m.user for m in DealerMembership.objects.filter(
                business_id=report.sample.sample.sampling.business_id).select_related("user")]
            sent += len(notify(dealers, key=f"labs-objection-closing:{report.pk}",
                               title=f"检验报告 {report.document.serial} 的复检申请期限将于 {due.due:%Y-%m-%d} 届满",
                               link=reverse("labs:my_report", args=[report.pk]), category="labs",
                               channels=("inbox", "sms")))
    for retest in RetestRequest.objects.filter(status__in=[RetestRequest.Status.DISPATCHED,
                                                          RetestRequest.Status.TESTING]):
        days = int(county_setting(retest.region_code, RETEST_DAYS_SETTING))
        if timezone.localdate(retest.requested_at) + datetime.timedelta(days=days) < today:
            sent += len(notify(station_staff(retest.region_code), key=f"labs-retest-overdue:{retest.pk}",
                               title=f"样品 {retest.report.sample.code} 的复检已超过 {days} 天未出结论",
                               link=reverse("labs:sample_detail", args=[retest.report.sample_id]), category="labs",
                               channels=("inbox",)))
    return sent
