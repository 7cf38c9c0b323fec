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


def lab_queue(viewer, *, status: str | None = None):
    """The lab's samples the viewer may see, newest first, with what the queue shows joined in
    (one query per page, whatever its size)."""
    from .models import LabSample

    samples = LabSample.objects.visible_to(viewer).select_related("sample__sampling__business", "received_by")
    if status:
        samples = samples.filter(status=status)
    return samples.order_by("-received_at", "-pk")


def reports_of_dealer(user):
    """First-test and re-test reports on samples drawn at the dealer's business."""
    from .models import LabReport

    membership = getattr(user, "dealer_membership", None)
    if membership is None:
        return LabReport.objects.none()
    return (LabReport.objects.filter(sample__sample__sampling__business_id=membership.business_id)
            .select_related("sample", "document").order_by("-judged_at"))
