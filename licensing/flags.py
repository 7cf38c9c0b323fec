"""Ledger-quality flags the station sees on a dealer's ledger: signs that the book is not the
traceable record Seed Law art. 36 asks for. Each threshold is a per-county setting."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from seedreg.regions.station_settings import county_setting

from .models import CountObservation, DealerTransfer, EntryKind, LedgerEntry, SeedLot, StockBalance


@dataclass(frozen=True)
class Flag:
    code: str
    message: str
    lot_id: int | None = None


def _season_months(region_code) -> set[int]:
    raw = str(county_setting(region_code, "ledger_season_months"))
    return {int(p) for p in raw.replace("，", ",").split(",") if p.strip().isdigit() and 1 <= int(p) <= 12}


def _gaps(business, today) -> list[Flag]:
    """Gaps longer than N days without any entry inside the sales-season months of the last year
    (up to today), for a dealer that keeps a ledger at all."""
    months = _season_months(business.region_code)
    limit = county_setting(business.region_code, "ledger_gap_days")
    first = LedgerEntry.objects.filter(business=business).order_by("occurred_on").values_list("occurred_on",
                                                                                          flat=True).first()
    if first is None:
        return []  # keeps no ledger at all: a different problem than gaps
    # Before the dealer's first entry there is no book to have gaps in.
    season_days = [d for d in (today - datetime.timedelta(days=i) for i in range(364, -1, -1))
                   if d.month in months and d >= first]
    if not season_days:
        return []
    dates = set(LedgerEntry.objects.filter(business=business, occurred_on__gte=season_days[0],
                                           occurred_on__lte=season_days[-1]).values_list("occurred_on", flat=True))
    flags, run = [], []

    def close_run():
        if len(run) > limit:
            flags.append(Flag("gap", _("销售季内 %(start)s 至 %(end)s 连续 %(days)d 天无台账记录") % {
                "start": f"{run[0]:%Y-%m-%d}", "end": f"{run[-1]:%Y-%m-%d}", "days": len(run)}))
        run.clear()

    for day in season_days:
        if run and (day - run[-1]).days > 1:
            close_run()  # the season ended in between: a new season starts a new count
        if day in dates:
            close_run()
        else:
            run.append(day)
    close_run()
    return flags


def ledger_flags(business, *, today: datetime.date | None = None) -> list[Flag]:
    today = today or timezone.localdate()
    flags: list[Flag] = []
    entries = LedgerEntry.objects.filter(business=business)
    # Sales of lots whose every inbound entry lacks a supplier: the source is not recorded.
    sold = set(entries.filter(kind=EntryKind.SALE, reverses__isnull=True).values_list("lot_id", flat=True))
    sourced = set(entries.filter(kind__in=[EntryKind.PRODUCED, EntryKind.REPACK_IN]).values_list("lot_id", flat=True))
    sourced |= set(entries.filter(kind=EntryKind.PURCHASE).filter(
        Q(counterparty_business__isnull=False) | Q(counterparty_outside__isnull=False) | ~Q(counterparty_name=""))
        .values_list("lot_id", flat=True))
    # Two index reads rather than one OR across a join with the balances, which PostgreSQL can
    # only answer by scanning every lot and balance of the province (0.5 s at 100,000 lots).
    held = set(StockBalance.objects.filter(business=business, quantity_kg__gt=0).values_list("lot_id", flat=True))
    involved = SeedLot.objects.filter(pk__in=sold | held)
    for lot in involved.select_related("variety__crop").order_by("pk"):
        if lot.pk in sold and lot.pk not in sourced:
            flags.append(Flag("no_source", _("%(lot)s：有销售记录，但没有记录进货来源") % {"lot": lot}, lot.pk))
        for problem in lot.variety.problems_in(business.region_code):
            flags.append(Flag("variety", f"{lot}：{problem}", lot.pk))
        for missing in lot.missing_documents:
            flags.append(Flag("documents", f"{lot}：{missing}", lot.pk))
    seen = set()
    for count in CountObservation.objects.filter(business=business).select_related("lot__variety"):
        if count.lot_id in seen:
            continue  # the latest count of each lot (newest first) is what matters
        seen.add(count.lot_id)
        if count.is_flagged:
            message = _("%(lot)s：%(on)s 清点 %(counted)s 千克，台账 %(ledger)s 千克（差 %(difference)s）") % {
                "lot": count.lot, "on": f"{count.observed_on:%Y-%m-%d}", "counted": f"{count.counted_kg.normalize():f}",
                "ledger": f"{count.ledger_kg.normalize():f}", "difference": f"{count.difference_kg.normalize():f}"}
            flags.append(Flag("count", message, count.lot_id))
    for transfer in DealerTransfer.objects.filter(Q(buyer=business) | Q(seller=business),
                                                  status=DealerTransfer.Status.DISPUTED).select_related("sale__lot"):
        flags.append(Flag("disputed", _("%(lot)s：%(seller)s → %(buyer)s 的调拨有异议：%(reason)s") % {
            "lot": transfer.sale.lot, "seller": transfer.seller, "buyer": transfer.buyer,
            "reason": transfer.dispute_reason}, transfer.sale.lot_id))
    flags.extend(_gaps(business, today))
    return flags


__all__ = ["Flag", "ledger_flags"]
