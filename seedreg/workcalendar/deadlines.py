"""Every legal deadline in SeedReg is computed here, in local dates, by a named rule.

Civil Code (民法典) art. 201: a period counted in days starts on the day after the starting
event (the starting day is not counted). Art. 203: if the last day of a period is a statutory
rest day (法定休假日), the period ends on the day after the rest ends. Weekends are rest days
unless the calendar makes them working days (调休上班); public holidays come from the
``CalendarDay`` table that the station admin keeps.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from enum import Enum

from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Rule(Enum):
    CIVIL_CODE_DAYS = "civil_code_days"
    WORKING_DAYS = "working_days"

    @property
    def label(self):
        return {
            Rule.CIVIL_CODE_DAYS: _("《民法典》第二百零一条、第二百零三条：开始当日不计入，期间最后一日为法定休假日的，顺延至休假日结束的次日"),
            Rule.WORKING_DAYS: _("按工作日计算：开始当日不计入，只计工作日（含调休上班日，不含节假日和周末）"),
        }[self]


@dataclass(frozen=True)
class Deadline:
    start: datetime.date
    days: int
    rule: Rule
    due: datetime.date
    rolled_over: bool  # the plain count ended on a rest day and was moved to the next working day

    def is_met_by(self, day: datetime.date) -> bool:
        """Whether something done on ``day`` is in time (the last day counts in full)."""
        return day <= self.due

    def days_left(self, today: datetime.date | None = None) -> int:
        return (self.due - (today or local_today())).days


def local_today() -> datetime.date:
    return timezone.localdate()


def local_date(value) -> datetime.date:
    """The local (Asia/Shanghai) calendar date of a datetime or date."""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


class WorkingCalendar:
    """Working-day arithmetic over the CalendarDay exceptions of a date range (one query)."""

    def __init__(self, first: datetime.date, last: datetime.date):
        from .models import CalendarDay

        self.first, self.last = first, last
        self.exceptions = dict(CalendarDay.objects.filter(date__range=(first, last)).values_list("date", "kind"))

    def is_working_day(self, day: datetime.date) -> bool:
        kind = self.exceptions.get(day)
        if kind == "holiday":
            return False
        if kind == "workday":
            return True
        return day.weekday() < 5

    def next_working_day(self, day: datetime.date) -> datetime.date:
        while not self.is_working_day(day):
            day += datetime.timedelta(days=1)
        return day


def _calendar_for(start, days):
    # Wide enough for the longest holiday run (Spring Festival, 9 days) plus weekends.
    span = days * 2 + 40 if days >= 0 else 40
    return WorkingCalendar(start, start + datetime.timedelta(days=span))


def deadline(start, days: int, rule: Rule = Rule.CIVIL_CODE_DAYS) -> Deadline:
    """The last day of a period of ``days`` that starts with an event on ``start`` (a date or
    an aware datetime, taken in local time)."""
    start = local_date(start)
    if days < 0:
        raise ValueError("a period cannot be negative")
    cal = _calendar_for(start, days)
    if rule is Rule.CIVIL_CODE_DAYS:
        plain = start + datetime.timedelta(days=days)
        due = cal.next_working_day(plain)
        return Deadline(start, days, rule, due, due != plain)
    if rule is Rule.WORKING_DAYS:
        day, counted = start, 0
        while counted < days:
            day += datetime.timedelta(days=1)
            if cal.is_working_day(day):
                counted += 1
        return Deadline(start, days, rule, day, False)
    raise ValueError(f"unknown rule {rule}")


def is_working_day(day: datetime.date) -> bool:
    return WorkingCalendar(day, day).is_working_day(day)


def working_days_between(first: datetime.date, last: datetime.date) -> int:
    """Working days after ``first`` up to and including ``last`` (starting day not counted)."""
    if last <= first:
        return 0
    cal = WorkingCalendar(first, last)
    return sum(1 for n in range(1, (last - first).days + 1) if cal.is_working_day(first + datetime.timedelta(days=n)))
