"""Reads of the lab's data, reused by pages, services and tasks."""

from __future__ import annotations

import datetime

from .models import QualityStandard, ToleranceRow, ToleranceTable


def standard_rows(on: datetime.date | None = None):
    """The standards rows in force on ``on``, as pure-judgement snapshots."""
    return [r.as_row() for r in QualityStandard.objects.in_force(on)]


def replicate_bands(on: datetime.date | None = None):
    rows = ToleranceRow.objects.in_force(on).filter(table=ToleranceTable.GERMINATION_REPLICATES)
    return [r.as_band() for r in rows]


def two_tests_bands(index: str, on: datetime.date | None = None):
    rows = ToleranceRow.objects.in_force(on).filter(table=ToleranceTable.GERMINATION_TWO_TESTS, index=index)
    return [r.as_band() for r in rows]


def comparison_bands(on: datetime.date | None = None):
    rows = ToleranceRow.objects.in_force(on).filter(table=ToleranceTable.COMPARISON)
    return [r.as_comparison_band() for r in rows]
