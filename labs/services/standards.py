"""Keeping the standards and tolerance tables (station staff).

A revision is a new row: the old row ends the day before the new one takes effect. Nothing is
edited in place, so the table as it stood on any day can be read back and the audit trail shows
who changed which number, from what, with which source."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext_lazy as _

from seedreg.accounts.permissions import require
from seedreg.audit.services import log_action
from seedreg.errors import InvalidInput, RuleViolation
from seedreg.regulated import service

from ..models import Confirmation, QualityStandard, ToleranceRow

STANDARD_VALUES = ("purity_min", "cleanliness_min", "germination_min", "moisture_max", "moisture_max_north",
                   "moisture_max_japonica")
TOLERANCE_VALUES = ("low", "high", "n_low", "n_high", "limit")


def _percent(value, field):
    if value in (None, ""):
        return None
    try:
        result = Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise InvalidInput(_("请输入数字。"), fields={field: [_("不是有效数字")]}) from exc
    if not result.is_finite() or not 0 <= result <= 100:
        raise InvalidInput(_("百分数应在 0 到 100 之间。"), fields={field: [_("应在 0–100 之间")]})
    return result


def _check_common(*, effective_from, status, source):
    if not isinstance(effective_from, datetime.date):
        raise InvalidInput(_("请填写生效日期。"), fields={"effective_from": [_("必填")]})
    if status not in Confirmation.values:
        raise InvalidInput(_("核实状态无效。"), fields={"status": [_("无效")]})
    if not (source or "").strip():
        raise InvalidInput(_("请写明来源（标准文本、公告或文件）。"), code="source_required",
                           fields={"source": [_("必填")]})


def _end_before(row, effective_from):
    if effective_from <= row.effective_from:
        raise RuleViolation(_("新版本的生效日期须晚于现行版本的生效日期（%(day)s）。"), code="effective_from_too_early",
                            fields={"effective_from": [_("须晚于现行版本")]}, day=row.effective_from.isoformat())
    if row.effective_until is not None:
        raise RuleViolation(_("该行已被新版本取代，请修订现行版本。"), code="row_superseded")
    row.effective_until = effective_from - datetime.timedelta(days=1)
    row.save(update_fields=["effective_until"])


@service
def revise_quality_standard(row: QualityStandard, *, actor, effective_from: datetime.date, source: str,
                            status: str, reason: str = "", **values) -> QualityStandard:
    """A new version of a standard row from ``effective_from`` (values, status, source)."""
    require(actor, "labs.edit_standards")
    row = QualityStandard.objects.select_for_update().get(pk=row.pk)
    _check_common(effective_from=effective_from, status=status, source=source)
    new = QualityStandard(
        standard=values.get("standard") or row.standard, crop_code=row.crop_code, crop_name=row.crop_name,
        seed_type_label=row.seed_type_label, seed_types=row.seed_types, seed_form=row.seed_form,
        seed_class=row.seed_class, status=status, source=source.strip()[:300], note=(values.get("note") or row.note),
        effective_from=effective_from, replaces=row,
        **{k: (_percent(values[k], k) if k in values else getattr(row, k)) for k in STANDARD_VALUES},
    )
    _end_before(row, effective_from)
    new.save()
    log_action(new, "labs.standard.revised", actor=actor, before={k: str(getattr(row, k)) for k in
                                                                      (*STANDARD_VALUES, "status", "source")},
               reason=reason, data={"replaces": row.pk})
    return new


@service
def revise_tolerance(row: ToleranceRow, *, actor, effective_from: datetime.date, source: str, status: str,
                     reason: str = "", **values) -> ToleranceRow:
    """A new version of a tolerance band from ``effective_from``."""
    require(actor, "labs.edit_standards")
    row = ToleranceRow.objects.select_for_update().get(pk=row.pk)
    _check_common(effective_from=effective_from, status=status, source=source)
    new = ToleranceRow(table=row.table, index=row.index, standard=values.get("standard") or row.standard,
                       status=status, source=source.strip()[:300], effective_from=effective_from, replaces=row,
                       **{k: (values[k] if k in values else getattr(row, k)) for k in TOLERANCE_VALUES})
    _validate_band(new)
    _end_before(row, effective_from)
    new.save()
    log_action(new, "labs.tolerance.revised", actor=actor,
               before={k: str(getattr(row, k)) for k in (*TOLERANCE_VALUES, "status", "source")}, reason=reason,
               data={"replaces": row.pk})
    return new


@service
def add_comparison_tolerance(*, actor, index: str, low, high, n_low: int, n_high: int, limit, standard: str,
                             source: str, status: str = Confirmation.UNCONFIRMED,
                             effective_from: datetime.date) -> ToleranceRow:
    """Load a band of the table for comparing a result with a specified value. Until a band
    covers a value, verdicts use the one-sided binomial formula and say so."""
    require(actor, "labs.edit_standards")
    from ..judgement import INDEXES

    if index not in INDEXES:
        raise InvalidInput(_("检验项目无效。"), fields={"index": [_("无效")]})
    _check_common(effective_from=effective_from, status=status, source=source)
    row = ToleranceRow(table="comparison", index=index, standard=(standard or "").strip()[:40] or "未定",
                       low=_percent(low, "low"), high=_percent(high, "high"), n_low=n_low, n_high=n_high,
                       limit=_percent(limit, "limit"), status=status, source=source.strip()[:300],
                       effective_from=effective_from)
    _validate_band(row)
    row.save()
    log_action(row, "labs.tolerance.added", actor=actor)
    return row


def _validate_band(row):
    for k in ("low", "high", "limit"):
        if getattr(row, k) is None:
            raise InvalidInput(_("请填写容许差表的数值。"), fields={k: [_("必填")]})
    if Decimal(row.low) > Decimal(row.high):
        raise InvalidInput(_("区间下限不能大于上限。"), fields={"low": [_("大于上限")]})
    if Decimal(row.limit) < 0:
        raise InvalidInput(_("容许差不能为负。"), fields={"limit": [_("不能为负")]})
    if row.n_low is not None and row.n_high is not None and row.n_low > row.n_high:
        raise InvalidInput(_("检验数下限不能大于上限。"), fields={"n_low": [_("大于上限")]})
