import datetime

import pytest

from seedreg.workcalendar.deadlines import Rule, deadline, is_working_day, working_days_between
from seedreg.workcalendar.models import CalendarDay

pytestmark = pytest.mark.django_db

D = datetime.date


def test_a_15_day_period_served_on_the_friday_before_national_day_ends_after_the_holiday():
    # Served Fri 2026-09-18. Day 15 is Sat 2026-10-03, inside the National Day holiday
    # (Oct 1–7, calendar data): the period ends on the next working day, Thu 2026-10-08.
    d = deadline(D(2026, 9, 18), 15)
    assert d.due == D(2026, 10, 8)
    assert d.rolled_over
    assert d.rule is Rule.CIVIL_CODE_DAYS


def test_the_starting_day_is_not_counted():
    # Served Mon 2026-03-02: day 15 is Mon 2026-03-17 (an ordinary working day).
    d = deadline(D(2026, 3, 2), 15)
    assert d.due == D(2026, 3, 17)
    assert not d.rolled_over
    assert d.is_met_by(D(2026, 3, 17))
    assert not d.is_met_by(D(2026, 3, 18))


def test_a_period_ending_on_an_ordinary_weekend_rolls_to_monday():
    # Served Thu 2026-03-05 + 15 = Fri 03-20 (working); + 16 = Sat 03-21 -> Mon 03-23.
    assert deadline(D(2026, 3, 5), 16).due == D(2026, 3, 23)


def test_a_make_up_working_saturday_is_a_working_day():
    # Sat 2026-10-10 is a make-up working day (调休上班): a period ending on it ends on it.
    assert is_working_day(D(2026, 10, 10))
    assert deadline(D(2026, 9, 25), 15).due == D(2026, 10, 10)


def test_the_calendar_is_data_an_admin_can_change():
    assert deadline(D(2026, 3, 2), 15).due == D(2026, 3, 17)
    CalendarDay.objects.create(date=D(2026, 3, 17), kind=CalendarDay.Kind.HOLIDAY, name="地方假日")
    assert deadline(D(2026, 3, 2), 15).due == D(2026, 3, 18)


def test_working_days_are_counted_over_the_spring_festival():
    # Filing rule (Art. 38): 15 working days. From Fri 2026-02-13: Sat 02-14 is a make-up
    # working day (1), 02-15..02-23 are holidays, then 02-24.. count on.
    d = deadline(D(2026, 2, 13), 15, Rule.WORKING_DAYS)
    assert d.due == D(2026, 3, 12)
    assert working_days_between(D(2026, 2, 13), d.due) == 15


def test_a_datetime_is_taken_in_local_time():
    # 2026-09-17 17:00 UTC is 2026-09-18 01:00 in Shanghai: the period starts from the 18th.
    served = datetime.datetime(2026, 9, 17, 17, 0, tzinfo=datetime.UTC)
    assert deadline(served, 15).due == D(2026, 10, 8)
