"""Licence expiry reminders: 90, 30 and 7 days before expiry (per-county setting) and on the
day a licence lapses; once per licence term and threshold, however often the job runs."""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from seedreg.accounts.models import User
from seedreg.accounts.roles import STATION_STAFF
from seedreg.notifications.services import notify
from seedreg.regions.station_settings import county_setting
from seedreg.regulated import service

from ..models import ExpiryReminder, LicenceStatus, LicenceTerm

CATCH_UP_DAYS = 7  # a lapse missed while the job was down is still reported within a week


def thresholds_for(region_code) -> list[int]:
    raw = county_setting(region_code, "licence_reminder_days")
    days = sorted({int(x) for x in str(raw).replace("，", ",").split(",") if x.strip().isdigit()}, reverse=True)
    return days or [90, 30, 7]


def due_threshold(days_left: int, thresholds: list[int]) -> int | None:
    """The tightest threshold reached (0 = lapsed), or None. Only the tightest one is sent: a
    job that was down for weeks does not send 90 after 30."""
    if days_left < 0:
        return 0 if days_left >= -CATCH_UP_DAYS else None
    reached = [t for t in thresholds if days_left <= t]
    return min(reached) if reached else None


def _message(licence, threshold, expires_on):
    if threshold == 0:
        return (f"种子生产经营许可证已到期失效：{licence.number}",
                f"{licence.business.name}的许可证 {licence.number} 已于 {expires_on:%Y年%m月%d日} 到期，"
                f"自今日起不得凭该证生产经营，请尽快办理延续。")
    return (f"种子生产经营许可证将于{threshold}天内到期：{licence.number}",
            f"{licence.business.name}的许可证 {licence.number} 有效期至 {expires_on:%Y年%m月%d日}，请及时办理延续手续。")


@service
def send_expiry_reminders(today: datetime.date | None = None) -> int:
    """Send the reminders due today. Returns how many (licence, threshold) reminders went out."""
    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=366)
    terms = (LicenceTerm.objects.filter(expires_on__gte=today - datetime.timedelta(days=CATCH_UP_DAYS),
                                        expires_on__lte=horizon)
             .select_related("licence__business")
             .prefetch_related("licence__terms", "licence__status_changes", "reminders"))
    staff_by_county: dict[str, list] = {}
    sent = 0
    for term in terms:
        licence = term.licence
        if licence.current_term(today) != term and term.expires_on >= today:
            continue  # superseded by a renewal
        if any(t.issued_on > term.issued_on for t in licence.terms.all()):
            continue  # renewed: the newer term gets its own reminders
        status = licence.status_on(min(today, term.expires_on))
        if status in (LicenceStatus.REVOKED, LicenceStatus.SURRENDERED):
            continue
        region = licence.business.region_code
        threshold = due_threshold((term.expires_on - today).days, thresholds_for(region))
        if threshold is None or any(r.threshold_days <= threshold for r in term.reminders.all()):
            continue
        try:
            with transaction.atomic():
                ExpiryReminder.objects.create(term=term, threshold_days=threshold)
        except IntegrityError:
            continue  # a concurrent run sent it
        county = region[:6]
        if county not in staff_by_county:
            staff_by_county[county] = list(User.objects.filter(region_id=county, role__in=STATION_STAFF, is_active=True))
        dealers = list(User.objects.filter(dealer_membership__business=licence.business, is_active=True))
        title, body = _message(licence, threshold, term.expires_on)
        notify(dealers, key=f"licence-expiry:{term.pk}:{threshold}", title=title, body=body,
               link=reverse("portal:dealer_home"), category="licence_expiry")
        notify(staff_by_county[county], key=f"licence-expiry:{term.pk}:{threshold}", title=title, body=body,
               link=reverse("licensing:business_detail", args=[licence.business_id]), category="licence_expiry",
               channels=("inbox",))
        sent += 1
    return sent
