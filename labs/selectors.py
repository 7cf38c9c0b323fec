"""Reads of the lab's data, reused by pages, services and tasks."""

from __future__ import annotations

import datetime

from django.db.models import Prefetch

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
    """The lab's samples the viewer may see, newest first, with what the queue shows fetched
    alongside (two queries per page, whatever its size).

    The sampled business comes in a second query for the page's rows only: joined into the
    page's query, PostgreSQL joined every sample of the region (and hashed the province's
    samples) before sorting and cutting out one page, so the page cost grew with the data."""
    from inspections.models import Sample

    from .models import LabSample

    samples = (LabSample.objects.visible_to(viewer).select_related("received_by")
               .prefetch_related(Prefetch("sample", queryset=Sample.objects.select_related("sampling__business"))))
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
