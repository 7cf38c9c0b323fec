"""What inspectors and the lab learn about a lot: counts at a visit and quality verdicts.
The inspection and lab apps call these; the ledger flags and the draw read them."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from seedreg.accounts.permissions import require
from seedreg.audit.services import log_action
from seedreg.errors import InvalidInput
from seedreg.regions.station_settings import county_setting
from seedreg.regulated import service

from ..models import CountObservation, LotQualityRecord, LotVerdict
from ..selectors import stock_of
from .ledger import parse_packages

COUNT_TOLERANCE_SETTING = "ledger_count_tolerance_kg"


def _day(value, field):
    if not isinstance(value, datetime.date):
        raise InvalidInput(_("请填写日期。"), code="date_required", fields={field: [_("必填")]})
    if value > timezone.localdate():
        raise InvalidInput(_("日期不能晚于今天。"), code="date_in_future", fields={field: [_("不能晚于今天")]})
    return value


@service
def record_count_observation(*, actor, business, lot, counted_kg, counted_packages=None, observed_on,
                             source="") -> CountObservation:
    """An inspector's count of a lot at a dealer; compared with the ledger's stock at the end of
    that day. A difference beyond the county's tolerance becomes a ledger-quality flag."""
    require(actor, "licensing.record_count", business)
    try:
        counted = Decimal(str(counted_kg)).quantize(Decimal("0.001"))
    except ArithmeticError as exc:
        raise InvalidInput(_("清点数量须为数字（千克）。"), code="count_invalid", fields={"counted_kg": [_("须为数字")]}) from exc
    if counted < 0:
        raise InvalidInput(_("清点数量不能为负数。"), code="count_invalid", fields={"counted_kg": [_("不能为负数")]})
    observed_on = _day(observed_on, "observed_on")
    ledger_kg = stock_of(business, lot, on=observed_on)
    difference = counted - ledger_kg
    tolerance = Decimal(str(county_setting(business.region_code, COUNT_TOLERANCE_SETTING)))
    observation = CountObservation.objects.create(
        business=business, lot=lot, observed_on=observed_on, counted_kg=counted,
        counted_packages=None if counted_packages in (None, "") else parse_packages(counted_packages, "counted_packages"),
        ledger_kg=ledger_kg, difference_kg=difference, is_flagged=abs(difference) > tolerance,
        source=(source or "")[:200], region_code=business.region_code, recorded_by=actor)
    log_action(observation, "licensing.count.recorded", actor=actor, parent=business)
    return observation


@service
def record_lot_verdict(*, actor, lot, business=None, verdict, decided_on, source="",
                       details=None) -> LotQualityRecord:
    """A quality verdict on a lot (the lab's conclusion). ``business`` is where the sample was
    taken (the business found selling it); unqualified and fake verdicts make the lot and that
    business priority targets of the next draw."""
    require(actor, "licensing.record_lot_verdict", business)
    if verdict not in LotVerdict.values:
        raise InvalidInput(_("结论无效。"), code="verdict_invalid", fields={"verdict": [_("无效")]})
    decided_on = _day(decided_on, "decided_on")
    region_code = business.region_code if business is not None else (actor.region_id or "")
    record = LotQualityRecord.objects.create(lot=lot, business=business, verdict=verdict, decided_on=decided_on,
                                             source=(source or "")[:200], details=details or {},
                                             region_code=region_code, recorded_by=actor)
    log_action(record, "licensing.lot.verdict_recorded", actor=actor, parent=business or lot)
    return record
