"""Reads of the ledgers, lots and stop-sale orders that pages, the mobile API, tasks and later
apps (the draw, the lab) share. Scoped to the viewer where a viewer is given; the region-keyed
reads (``*_since(region_code, ...)``) are for services and tasks that already checked who asks.

Traces follow the lot, never scan the table: every query is keyed on the lot ids (index
``ledger_lot_trace_idx``, which on PostgreSQL also carries every column the forward trace reads,
so it never visits the table's pages), so their cost grows with the lot's holders and sales, not
with the province's ledger."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Min, Q, Sum
from django.utils.translation import gettext as _

from seedreg.errors import NotFound, PermissionDenied
from seedreg.regions.models import Region
from seedreg.regions.scoping import jurisdiction_of

from .models import (
    BAD_VERDICTS,
    ENTERING_KINDS,
    Business,
    CountObservation,
    EntryKind,
    LedgerEntry,
    LotDerivation,
    LotQualityRecord,
    SeedLot,
    StockBalance,
    StopSaleHolder,
    StopSaleOrder,
)

ZERO = Decimal("0")


# --- stock -------------------------------------------------------------------------------------

def stock_of(business, lot, on: datetime.date | None = None) -> Decimal:
    """The dealer's stock of the lot in kg: now (the balance row), or at the end of ``on`` (the
    sum of the entries that occurred up to that date)."""
    if on is None:
        value = StockBalance.objects.filter(business=business, lot=lot).values_list("quantity_kg", flat=True).first()
        return value if value is not None else ZERO
    total = LedgerEntry.objects.filter(business=business, lot=lot, occurred_on__lte=on).aggregate(s=Sum("quantity_kg"))
    return total["s"] or ZERO


def stock_by_lot(business):
    """The dealer's stock rows with stock left (``StockBalance`` with lot, variety and crop)."""
    return (StockBalance.objects.filter(business=business, quantity_kg__gt=0)
            .select_related("lot__variety__crop", "lot__producer", "lot__producer_outside")
            .order_by("lot__variety__crop__sort_order", "lot__variety__name", "lot__lot_number"))


def lots_held_by(business):
    """The lots the dealer holds now (stock above zero)."""
    return SeedLot.objects.filter(stock_balances__business=business, stock_balances__quantity_kg__gt=0)


def counts_recorded(business, *, source: str):
    """The stock counts recorded at the dealer from one source (e.g. an inspection visit), with
    the ledger's stock they were compared with, in the order made."""
    return (CountObservation.objects.filter(business=business, source=source).select_related("lot__variety")
            .order_by("recorded_at", "id"))


def ledger_of(business, *, viewer):
    """The dealer's ledger entries as the viewer may see them (a dealer: only their own; staff:
    in their jurisdiction), newest first. Personal data is masked by ``entry_row``."""
    if not viewer.has_perm("licensing.view_ledger", business):
        raise NotFound()
    return (LedgerEntry.objects.filter(business=business)
            .select_related("lot__variety__crop", "counterparty_business", "counterparty_outside", "recorded_by")
            .order_by("-occurred_on", "-id"))


def mask_name(name: str) -> str:
    return (name[:1] + "*" * max(1, len(name) - 1)) if name else ""


def mask_phone(phone: str) -> str:
    return f"{phone[:3]}****{phone[-4:]}" if len(phone) >= 11 else ("****" if phone else "")


def can_see_farmers(viewer, region_code: str) -> bool:
    """Farmers' names and phones: station staff of the county where the sale was recorded, and
    the dealer who recorded it (it is their own book)."""
    if viewer.is_dealer:
        membership = getattr(viewer, "dealer_membership", None)
        return membership is not None and region_code == membership.business.region_code
    return viewer.can_see_personal_data(region_code)


# --- traceability ------------------------------------------------------------------------------

def lots_downstream(lot) -> list[int]:
    """The lot and every lot repacked from it, however many repackings deep (reversed repackings
    are not followed: the seed never went into their output)."""
    seen, frontier = {lot.pk}, [lot.pk]
    while frontier:
        outputs = set(LotDerivation.objects.in_force().filter(input_lot_id__in=frontier)
                      .values_list("output_lot_id", flat=True))
        frontier = list(outputs - seen)
        seen.update(frontier)
    return sorted(seen)


@dataclass
class HolderRow:
    """A dealer that holds or held the lot; for another county's dealers, one row per county and
    lot with that county's name and quantities only."""

    lot_id: int
    lot_label: str
    region_code: str
    county_name: str
    name: str
    business_id: int | None = None
    received_kg: Decimal = ZERO
    sold_to_dealers_kg: Decimal = ZERO
    sold_to_farmers_kg: Decimal = ZERO
    other_out_kg: Decimal = ZERO
    stock_kg: Decimal = ZERO
    farmer_sale_count: int = 0
    holders: int = 1

    @property
    def is_other_county(self):
        return self.business_id is None


@dataclass
class ForwardTrace:
    lot: SeedLot
    lot_ids: list[int]
    lots: dict[int, SeedLot]
    holders: list[HolderRow]
    transfers: list[dict]
    viewer: object = field(repr=False, default=None)
    _prefix: str = ""

    @property
    def total_stock_kg(self):
        return sum((h.stock_kg for h in self.holders), ZERO)

    @property
    def total_farmer_sales_kg(self):
        return sum((h.sold_to_farmers_kg for h in self.holders), ZERO)

    @property
    def farmer_sale_count(self):
        """How many farmer sales ``farmer_sales`` holds, from the holders' tallies (no second pass
        over the lot's entries): the holders in the viewer's jurisdiction, net of reversals."""
        return sum(h.farmer_sale_count for h in self.holders if not h.is_other_county)

    def farmer_sales(self):
        """Farmer sales recorded in the viewer's jurisdiction, as a lazy queryset of values."""
        return (LedgerEntry.objects.filter(lot_id__in=self.lot_ids, kind=EntryKind.SALE,
                                           counterparty_business__isnull=True, reverses__isnull=True,
                                           region_code__startswith=self._prefix)
                .exclude(reversals__isnull=False)
                .values("id", "business_id", "business__name", "lot_id", "occurred_on", "quantity_kg", "packages",
                        "counterparty_name", "farmer_phone", "farmer_village", "region_code")
                .order_by("occurred_on", "id"))

    def farmer_sale_rows(self, limit: int | None = None):
        """Farmer sales with names and phones masked unless the viewer is the county's station staff."""
        rows = self.farmer_sales()
        if limit is not None:
            rows = rows[:limit]
        allowed = {}
        for row in rows.iterator(chunk_size=2000) if limit is None else rows:
            code = row["region_code"]
            if code not in allowed:
                allowed[code] = can_see_farmers(self.viewer, code)
            if not allowed[code]:
                row["counterparty_name"] = mask_name(row["counterparty_name"])
                row["farmer_phone"] = mask_phone(row["farmer_phone"])
            row["quantity_kg"] = -row["quantity_kg"]
            row["packages"] = -row["packages"]
            yield row


def _viewer_prefix(viewer) -> str:
    if getattr(viewer, "is_dealer", False):
        raise PermissionDenied()
    prefix = jurisdiction_of(viewer)
    if prefix is None:
        raise NotFound()
    return prefix


def _county_names(codes) -> dict[str, str]:
    counties = {c[:6] for c in codes}
    return dict(Region.objects.filter(code__in=counties).values_list("code", "name"))


def trace_forward(lot, *, viewer) -> ForwardTrace:
    """From a lot forward: every dealer that holds or held it or a lot repacked from it, with
    quantities and current stock, the dealer-to-dealer sales, and (``farmer_sale_rows``) every
    farmer sale. Dealers outside the viewer's jurisdiction are shown as their county's name and
    totals; farmers' names and phones only to the county's station staff. The laboratory has no
    trace (``licensing.view_trace``): who holds what is ledger data, which it may not read either."""
    prefix = _viewer_prefix(viewer)
    if not viewer.has_perm("licensing.view_trace"):
        raise NotFound()
    lot_ids = lots_downstream(lot)
    lots = {x.pk: x for x in SeedLot.objects.filter(pk__in=lot_ids).select_related("variety")}
    # One pass over the lot's entries: per dealer, lot and kind, the kilograms, the kilograms sold
    # to registered dealers, and the farmer sales net of their reversals (a reversal keeps the
    # kind and the counterparty of its original).
    to_farmer = Q(kind=EntryKind.SALE, counterparty_business__isnull=True)
    flows = (LedgerEntry.objects.filter(lot_id__in=lot_ids)
             .values("business_id", "lot_id", "kind", "region_code")
             .annotate(kg=Sum("quantity_kg"),
                       to_dealers=Sum("quantity_kg", filter=Q(kind=EntryKind.SALE, counterparty_business__isnull=False)),
                       farmer_sales=Count("id", filter=to_farmer & Q(reverses__isnull=True)),
                       farmer_reversals=Count("id", filter=to_farmer & Q(reverses__isnull=False))))
    stock = {(b, lt): q for b, lt, q in StockBalance.objects.filter(lot_id__in=lot_ids)
             .values_list("business_id", "lot_id", "quantity_kg")}
    per_pair: dict[tuple[int, int], dict] = {}
    for r in flows:
        pair = (r["business_id"], r["lot_id"])
        slot = per_pair.setdefault(pair, {"region_code": r["region_code"], "in": ZERO, "sale": ZERO, "other": ZERO,
                                          "to_dealers": ZERO, "farmer_sales": 0})
        if r["kind"] in (EntryKind.PRODUCED, EntryKind.PURCHASE, EntryKind.RETURN_IN, EntryKind.REPACK_IN):
            slot["in"] += r["kg"]
        elif r["kind"] == EntryKind.SALE:
            slot["sale"] += -r["kg"]
            slot["to_dealers"] += -(r["to_dealers"] or ZERO)
            slot["farmer_sales"] += r["farmer_sales"] - r["farmer_reversals"]
        else:
            slot["other"] += -r["kg"]
    inside = [b for (b, _lt), s in per_pair.items() if s["region_code"].startswith(prefix)]
    names = dict(Business.objects.filter(pk__in=set(inside)).values_list("pk", "name"))
    counties = _county_names(s["region_code"] for s in per_pair.values())
    holders: dict[tuple, HolderRow] = {}
    for (business_id, lot_id), s in per_pair.items():
        visible = s["region_code"].startswith(prefix)
        key = (business_id, lot_id) if visible else ("county", s["region_code"][:6], lot_id)
        row = holders.get(key)
        if row is None:
            county = s["region_code"][:6]
            row = holders[key] = HolderRow(
                lot_id=lot_id, lot_label=str(lots[lot_id]), region_code=s["region_code"] if visible else county,
                county_name=counties.get(county, county), name=names.get(business_id, "") if visible else
                _("%(county)s（外县经营者）") % {"county": counties.get(county, county)}, business_id=business_id if visible else None,
                holders=0)
        to_dealers = s["to_dealers"]
        row.holders += 1
        row.received_kg += s["in"]
        row.sold_to_dealers_kg += to_dealers
        row.sold_to_farmers_kg += s["sale"] - to_dealers
        row.other_out_kg += s["other"]
        row.stock_kg += stock.get((business_id, lot_id), ZERO)
        row.farmer_sale_count += s["farmer_sales"]
    ordered = sorted(holders.values(), key=lambda h: (h.lot_id != lot.pk, h.business_id is None, -h.received_kg,
                                                      h.name))
    transfers = []
    edge_rows = (LedgerEntry.objects.filter(lot_id__in=lot_ids, kind=EntryKind.SALE, counterparty_business__isnull=False)
                 .values("business_id", "region_code", "counterparty_business_id", "counterparty_business__region_code",
                         "counterparty_business__name", "business__name", "lot_id")
                 .annotate(kg=Sum("quantity_kg"), first=Min("occurred_on")))
    edge_rows = list(edge_rows)
    counties.update(_county_names([e["counterparty_business__region_code"] for e in edge_rows
                                   if e["counterparty_business__region_code"][:6] not in counties]))
    for e in edge_rows:
        if e["kg"] == 0:
            continue  # reversed in full
        seller_in = e["region_code"].startswith(prefix)
        buyer_in = e["counterparty_business__region_code"].startswith(prefix)
        seller_county = counties.get(e["region_code"][:6], e["region_code"][:6])
        buyer_code = e["counterparty_business__region_code"][:6]
        transfers.append({
            "lot_id": e["lot_id"], "kg": -e["kg"], "first_on": e["first"],
            "seller": e["business__name"] if seller_in else _("%(county)s（外县经营者）") % {"county": seller_county},
            "seller_id": e["business_id"] if seller_in else None,
            "buyer": e["counterparty_business__name"] if buyer_in else
            _("%(county)s（外县经营者）") % {"county": counties.get(buyer_code, buyer_code)},
            "buyer_id": e["counterparty_business_id"] if buyer_in else None,
        })
    return ForwardTrace(lot=lot, lot_ids=lot_ids, lots=lots, holders=ordered, transfers=transfers, viewer=viewer,
                        _prefix=prefix)


@dataclass
class BackwardStep:
    depth: int
    holder: str
    holder_id: int | None
    lot_id: int
    lot_label: str
    source: str
    source_kind: str  # "business" | "outside" | "named" | "producer" | "repacking" | "unknown"
    source_id: int | None = None
    kg: Decimal = ZERO
    first_on: datetime.date | None = None
    last_on: datetime.date | None = None
    documents: list[str] = field(default_factory=list)


def trace_backward(business, lot, *, viewer) -> list[BackwardStep]:
    """From a dealer's stock of a lot back to its suppliers, their suppliers, through repackings
    to the input lots, and to the producer (outside parties included). Businesses outside the
    viewer's jurisdiction are named by their county only and not followed further."""
    if viewer.is_dealer:
        if not viewer.has_perm("licensing.view_ledger", business):
            raise NotFound()
        # A dealer sees their own direct sources (whom they bought from), not their suppliers' books.
        prefix, follow = "", False
    else:
        prefix, follow = _viewer_prefix(viewer), True
        if not business.region_code.startswith(prefix) or not viewer.has_perm("licensing.view_trace", business):
            raise NotFound()
    steps: list[BackwardStep] = []
    seen = set()
    queue = [(business.pk, business.name, business.region_code, lot, 0)]
    lots = {lot.pk: lot}
    while queue:
        holder_id, holder_name, holder_region, current, depth = queue.pop(0)
        if (holder_id, current.pk) in seen:
            continue
        seen.add((holder_id, current.pk))
        inbound = (LedgerEntry.objects.filter(business_id=holder_id, lot=current,
                                              kind__in=[EntryKind.PURCHASE, EntryKind.PRODUCED])
                   .values("kind", "counterparty_business_id", "counterparty_business__name",
                           "counterparty_business__region_code", "counterparty_outside_id",
                           "counterparty_outside__name", "counterparty_name")
                   .annotate(kg=Sum("quantity_kg"), first=Min("occurred_on")))
        docs = defaultdict(list)
        for d in (LedgerEntry.objects.filter(business_id=holder_id, lot=current, kind=EntryKind.PURCHASE)
                  .exclude(document_number="").values("counterparty_business_id", "counterparty_outside_id",
                                                      "counterparty_name", "document_number")):
            docs[(d["counterparty_business_id"], d["counterparty_outside_id"], d["counterparty_name"])].append(
                d["document_number"])
        for r in inbound:
            if r["kg"] <= 0:
                continue  # reversed in full
            step = BackwardStep(depth=depth, holder=holder_name, holder_id=holder_id, lot_id=current.pk,
                                lot_label=str(current), source="", source_kind="unknown", kg=r["kg"],
                                first_on=r["first"],
                                documents=docs.get((r["counterparty_business_id"], r["counterparty_outside_id"],
                                                    r["counterparty_name"]), []))
            if r["kind"] == EntryKind.PRODUCED:
                step.source, step.source_kind = _("本主体生产"), "producer"
            elif r["counterparty_business_id"]:
                code = r["counterparty_business__region_code"]
                if code.startswith(prefix):
                    step.source, step.source_id = r["counterparty_business__name"], r["counterparty_business_id"]
                    step.source_kind = "business"
                    if follow:
                        queue.append((r["counterparty_business_id"], r["counterparty_business__name"], code, current,
                                      depth + 1))
                else:
                    county = _county_names([code]).get(code[:6], code[:6])
                    step.source, step.source_kind = _("%(county)s（外县经营者）") % {"county": county}, "business"
            elif r["counterparty_outside_id"]:
                step.source, step.source_kind = r["counterparty_outside__name"], "outside"
                step.source_id = r["counterparty_outside_id"]
            elif r["counterparty_name"]:
                step.source, step.source_kind = r["counterparty_name"], "named"
            else:
                step.source = _("未记录来源")
            steps.append(step)
        for d in (LotDerivation.objects.in_force().filter(business_id=holder_id, output_lot=current)
                  .select_related("input_lot__variety")):
            lots[d.input_lot_id] = d.input_lot
            steps.append(BackwardStep(depth=depth, holder=holder_name, holder_id=holder_id, lot_id=current.pk,
                                      lot_label=str(current), source=_("分装投料：%(lot)s") % {"lot": d.input_lot}, source_kind="repacking",
                                      source_id=d.input_lot_id, kg=d.quantity_kg))
            queue.append((holder_id, holder_name, holder_region, d.input_lot, depth + 1))
    for lot_id in sorted({s.lot_id for s in steps} | {lot.pk}):
        the_lot = lots[lot_id]
        producer = the_lot.producer or the_lot.producer_outside
        steps.append(BackwardStep(depth=-1, holder="", holder_id=None, lot_id=lot_id, lot_label=str(the_lot),
                                  source=producer.name, source_kind="producer",
                                  source_id=producer.pk))
    return steps


# --- region-wide reads for the draw, the dashboard and first-batch sampling --------------------

def unqualified_lot_ids_since(region_code: str, since: datetime.date) -> set[int]:
    """Lots with an unqualified or fake verdict decided on or after ``since`` that concern the
    region: the verdict was recorded there, or the lot is in one of its ledgers."""
    bad = LotQualityRecord.objects.filter(verdict__in=BAD_VERDICTS, decided_on__gte=since)
    here = set(bad.filter(region_code__startswith=region_code).values_list("lot_id", flat=True))
    elsewhere = set(bad.values_list("lot_id", flat=True)) - here
    if elsewhere:
        here |= set(LedgerEntry.objects.filter(lot_id__in=elsewhere, region_code__startswith=region_code)
                    .values_list("lot_id", flat=True).distinct())
    return here


def unqualified_business_ids_since(region_code: str, since: datetime.date) -> set[int]:
    """Businesses of the region where an unqualified or fake verdict was recorded since ``since``,
    or that held a lot with such a verdict (had it in stock on or after ``since``)."""
    bad = LotQualityRecord.objects.filter(verdict__in=BAD_VERDICTS, decided_on__gte=since)
    found = set(bad.filter(business__region_code__startswith=region_code).values_list("business_id", flat=True))
    lot_ids = set(bad.values_list("lot_id", flat=True))
    if lot_ids:
        found |= set(LedgerEntry.objects.filter(lot_id__in=lot_ids, region_code__startswith=region_code,
                                                occurred_on__gte=since).values_list("business_id", flat=True))
        found |= set(StockBalance.objects.filter(lot_id__in=lot_ids, region_code__startswith=region_code,
                                                 quantity_kg__gt=0).values_list("business_id", flat=True))
    found.discard(None)
    return found


def sales_volume_by_business(region_code: str, since: datetime.date, until: datetime.date) -> dict[int, Decimal]:
    """Kilograms sold per business of the region between the dates (inclusive), net of reversals."""
    rows = (LedgerEntry.objects.filter(region_code__startswith=region_code, kind=EntryKind.SALE,
                                       occurred_on__gte=since, occurred_on__lte=until)
            .values("business_id").annotate(kg=Sum("quantity_kg")))
    return {r["business_id"]: -r["kg"] for r in rows if r["kg"]}


def lots_entered_region(region_code: str) -> list[tuple[int, int, datetime.date]]:
    """(lot id, business id, date) of each lot's first entry into any ledger of the region
    (purchase, production or repacking), which first-batch sampling (首次抽检) reads."""
    rows = (LedgerEntry.objects.filter(region_code__startswith=region_code, kind__in=ENTERING_KINDS,
                                       reverses__isnull=True)
            .values("lot_id", "business_id").annotate(first=Min("occurred_on")).order_by("lot_id", "first",
                                                                                         "business_id"))
    first: dict[int, tuple[int, int, datetime.date]] = {}
    for r in rows:
        first.setdefault(r["lot_id"], (r["lot_id"], r["business_id"], r["first"]))
    return list(first.values())


def lots_under_stop_sale(where) -> set[int]:
    """Ids of lots under an issued, unlifted stop-sale order: for a ``Business``, the lots it may
    not sell; for a region code, the lots of orders issued there or frozen at its dealers."""
    orders = StopSaleOrder.objects.in_force()
    if isinstance(where, Business):
        held = set(StockBalance.objects.filter(business=where).values_list("lot_id", flat=True))
        frozen = set(StopSaleHolder.objects.filter(order__in=orders, business=where).values_list("lot_id", flat=True))
        return frozen | set(orders.filter(lot_id__in=held).values_list("lot_id", flat=True))
    issued_here = set(orders.filter(region_code__startswith=where).values_list("lot_id", flat=True))
    frozen = set(StopSaleHolder.objects.filter(order__in=orders, region_code__startswith=where)
                 .values_list("lot_id", flat=True))
    return issued_here | frozen


def stop_sale_order_for(business, lot) -> StopSaleOrder | None:
    return (StopSaleOrder.objects.in_force().filter(Q(lot=lot) | Q(holders__business=business, holders__lot=lot))
            .select_related("document").first())
