"""The ledger import: a dealer's (or a clerk's typed-in paper) purchase-and-sale ledger from
.xlsx or CSV, all rows or none.

``import_ledger`` reads the file once, as a stream, a block of rows at a time: the names a block
adds (varieties, producers, lots, counterparties) are resolved in a few queries, not per row;
then each row is checked in file order with the same rules and messages as the ledger services
(a refused row does not count towards later rows' stock, as when each row went through a
service in its own savepoint) and the entries are written in batches.
``apply_ledger_row`` is that row-by-row path through the services themselves, kept as the
reference the batched import is tested against."""

from __future__ import annotations

import bisect
from collections import Counter, defaultdict
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from seedreg.accounts.permissions import require
from seedreg.audit.services import log_action, log_new_rows
from seedreg.errors import DomainError, InvalidInput
from seedreg.lib.copyinsert import insert_values
from seedreg.regions.station_settings import county_setting
from seedreg.sync.versions import bump_download_version

from ..models import (
    Business,
    EntryKind,
    ImportJob,
    LedgerEntry,
    OutsideParty,
    SeedLot,
    StockBalance,
    Variety,
    sign_of,
)
from ._common import required
from .importing import IMPORTERS, Importer, describe_error, missing_required, parse_choice, parse_date, text
from .ledger import (
    BACKDATE_SETTING,
    PHONE,
    _counterparty,
    check_entry_date,
    lock_balances_of,
    open_transfer,
    parse_packages,
    parse_quantity,
    record_loss,
    record_purchase,
    record_return,
    record_sale,
    refuse_if_negative,
    refuse_if_short_of_packages,
    refuse_if_stopped,
)
from .lots import find_lot, register_seed_lot

CHUNK = 500  # names per IN (...) query: well under SQLite's variable limit
WRITE_BATCH = 2000  # entries per bulk insert: memory stays flat however long the file
BLOCK = 2000  # rows read, resolved and checked together

KIND_CHOICES = {"购进": "purchase", "进货": "purchase", "销售": "sale", "售出": "sale", "退货（购买方退回）": "return_in",
                "退回": "return_in", "退货（退回供货方）": "return_out", "退供货方": "return_out", "损耗": "loss",
                "销毁": "loss"}


class _Kinds:
    """The row types the template offers, in the shape ``parse_choice`` reads."""

    values = ["purchase", "sale", "return_in", "return_out", "loss"]
    choices = [("purchase", "购进"), ("sale", "销售"), ("return_in", "退货（购买方退回）"),
               ("return_out", "退货（退回供货方）"), ("loss", "损耗/销毁")]


LEDGER_COLUMNS = {
    "occurred_on": ("日期", "发生日期", "购销日期"),
    "kind": ("类型", "购销类型", "业务类型"),
    "crop": ("作物", "作物种类"),
    "variety": ("品种", "品种名称"),
    "lot_number": ("批号", "生产批号", "种子批号"),
    "producer": ("生产经营者", "生产商", "生产企业"),
    "quantity_kg": ("数量（千克）", "数量(千克)", "数量", "重量（千克）"),
    "packages": ("件数", "袋数", "件数（袋）"),
    "counterparty": ("对方", "供货方/购买人", "供货单位", "购买人"),
    "phone": ("电话", "购买人电话", "联系电话"),
    "village": ("村组", "住址"),
    "document_number": ("票据号", "单据号", "凭证号"),
    "note": ("说明", "备注", "原因"),
}
LEDGER_NOTES = {
    "occurred_on": "如 2026-03-15；只能补录本县规定天数内的记录",
    "kind": "购进、销售、退货（购买方退回）、退货（退回供货方）、损耗/销毁",
    "variety": "品种名称，须为品种目录中的品种",
    "producer": "种子标签上的生产经营者名称（本县主体或已登记的外地主体）",
    "counterparty": "购进：供货方名称；销售：购买人姓名（农户）或本县经营者名称",
    "phone": "销售给农户时填写，不会公开",
    "note": "损耗/销毁须说明原因",
}
LEDGER_EXAMPLE = {
    "occurred_on": "2026-03-15", "kind": "销售", "crop": "玉米", "variety": "郑单958", "lot_number": "ZD2026-001",
    "producer": "北京德农种业有限公司", "quantity_kg": "40", "packages": "2", "counterparty": "赵大山",
    "phone": "13812345678", "village": "建平镇东村", "document_number": "XS-0001",
}


class _Lookups:
    """Per-job caches: a 100,000-row file names a few dozen varieties and producers."""

    def __init__(self, job):
        self.job = job
        self.business = Business.objects.get(pk=job.business_id)
        self.varieties, self.producers, self.parties, self.lots = {}, {}, {}, {}

    def variety(self, crop, name):
        key = (crop, name)
        if key not in self.varieties:
            found = Variety.objects.filter(name=name)
            if crop:
                found = found.filter(crop__name=crop)
            found = list(found[:2])
            if len(found) != 1:
                raise InvalidInput(_("品种“%(name)s”%(why)s。"), code="variety_unknown", name=name,
                                   why="不在品种目录中" if not found else "在多个作物中重名，请填写作物")
            self.varieties[key] = found[0]
        return self.varieties[key]

    def producer(self, name):
        if name not in self.producers:
            local = Business.objects.filter(name=name, kind__in=["producer", "wholesaler"]).first()
            outside = None if local else OutsideParty.objects.filter(name=name).first()
            if local is None and outside is None:
                raise InvalidInput(_("生产经营者“%(name)s”尚未登记，请联系种子管理站登记外地主体后再导入。"),
                                   code="producer_unknown", name=name)
            self.producers[name] = (local, outside)
        return self.producers[name]

    def party(self, name):
        """A counterparty name: a business of the county, an outside party, or just a name."""
        if name not in self.parties:
            business = (Business.objects.active().filter(name=name, region_code__startswith=self.business.county_code)
                        .exclude(pk=self.business.pk).first())
            outside = None if business else OutsideParty.objects.filter(name=name).first()
            self.parties[name] = (business, outside)
        return self.parties[name]

    def lot(self, v):
        variety = self.variety(text(v.get("crop")), text(v.get("variety")))
        producer, outside = self.producer(text(v.get("producer")))
        key = (variety.pk, getattr(producer, "pk", None), getattr(outside, "pk", None), text(v.get("lot_number")))
        if key in self.lots:
            return self.lots[key]
        lot = find_lot(variety=variety, lot_number=key[3], producer=producer, producer_outside=outside)
        if lot is not None:
            # Only lots that exist outside this row are cached: a lot registered by a row that
            # fails is rolled back with the row's savepoint.
            self.lots[key] = lot
            return lot
        return register_seed_lot(actor=self.job.created_by, variety=variety, lot_number=key[3], producer=producer,
                                 producer_outside=outside)


def apply_ledger_row(job, v) -> None:
    # The runner hands every row the same job object: the lookups live on it for the run.
    lookups = getattr(job, "_ledger_lookups", None)
    if lookups is None:
        lookups = job._ledger_lookups = _Lookups(job)
    business, actor = lookups.business, job.created_by
    kind = parse_choice(v.get("kind"), _Kinds, KIND_CHOICES, "类型")
    common = {"actor": actor, "business": business, "lot": lookups.lot(v), "quantity_kg": text(v.get("quantity_kg")),
              "packages": text(v.get("packages")), "occurred_on": parse_date(v.get("occurred_on"), "日期")}
    name = text(v.get("counterparty"))
    party, outside = lookups.party(name) if name else (None, None)
    if kind == "purchase":
        record_purchase(**common, supplier_business=party, supplier_outside=outside,
                        supplier_name="" if party or outside else name, document_number=text(v.get("document_number")))
    elif kind == "sale":
        if party is not None:
            record_sale(**common, buyer_business=party, document_number=text(v.get("document_number")))
        else:
            record_sale(**common, farmer_name=name, farmer_phone=text(v.get("phone")),
                        farmer_village=text(v.get("village")), document_number=text(v.get("document_number")))
    elif kind in ("return_in", "return_out"):
        record_return(**common, direction=kind[len("return_"):], counterparty_business=party,
                      counterparty_outside=outside, counterparty_name="" if party or outside else name,
                      reason=text(v.get("note")))
    else:
        record_loss(**common, reason=text(v.get("note")))


def _chunks(values):
    values = list(values)
    for start in range(0, len(values), CHUNK):
        yield values[start:start + CHUNK]


class _Stock:
    """One lot's stock at the dealer by date (existing entries plus the rows accepted so far)."""

    def __init__(self, balance: StockBalance, totals: dict):
        self.balance = balance
        self.totals = totals
        self.dates = sorted(totals)

    def lowest_from(self, day):
        """(stock on ``day``, lowest stock on it or any later date, the date of that low), as
        ``ledger._append`` computes it."""
        if not self.dates or day >= self.dates[-1]:
            return self.balance.quantity_kg, self.balance.quantity_kg, day
        split = bisect.bisect_right(self.dates, day)
        on_day = sum((self.totals[d] for d in self.dates[:split]), Decimal("0"))
        running, lowest, lowest_on = on_day, on_day, day
        for d in self.dates[split:]:
            running += self.totals[d]
            if running < lowest:
                lowest, lowest_on = running, d
        return on_day, lowest, lowest_on

    def add(self, day, delta: Decimal, packages: int):
        if day not in self.totals:
            bisect.insort(self.dates, day)
            self.totals[day] = Decimal("0")
        self.totals[day] += delta
        self.balance.quantity_kg += delta
        self.balance.packages += packages
        self.balance.packages_known = self.balance.packages_known and packages != 0  # as ``ledger._append``


class _LedgerRun:
    """One import of one dealer's ledger file; see the module docstring."""

    def __init__(self, job):
        self.job, self.actor = job, job.created_by
        self.business = Business.objects.get(pk=job.business_id)
        self.importer = IMPORTERS[ImportJob.Kind.LEDGER]
        try:
            require(self.actor, "licensing.keep_ledger", self.business)
            self.permission_error = None
        except DomainError as exc:
            self.permission_error = exc
        self.window = county_setting(self.business.region_code, BACKDATE_SETTING)
        self.today = timezone.localdate()
        self.kind_labels = {kind: str(label) for kind, label in EntryKind.choices}
        # Resolved names: varieties, producers and lots as found (or the error to give), the
        # counterparties only when found (most are farmers: memory follows the registry, not
        # the file). Each block of rows resolves the names it adds, in a few queries.
        self.varieties, self.producers, self.parties, self.lots = {}, {}, {}, {}
        self.stopped, self.stock = {}, {}
        self.failed = False
        self.pending, self.transfers, self.counts = [], [], Counter()

    # --- each block: the names it adds, resolved in bulk --------------------------------------

    def resolve(self, block):
        variety_keys, producer_names, party_names, lot_keys = set(), set(), set(), set()
        for _index, v in block:
            crop, variety, producer = text(v.get("crop")), text(v.get("variety")), text(v.get("producer"))
            variety_keys.add((crop, variety))
            producer_names.add(producer)
            lot_keys.add((crop, variety, producer, text(v.get("lot_number"))))
            party_names.add(text(v.get("counterparty")))
        self._resolve_varieties(variety_keys - self.varieties.keys())
        new_producers = producer_names - self.producers.keys()
        self.producers.update(dict.fromkeys(new_producers, (None, None)))
        self.producers.update(self._first_by_name(new_producers, Business.objects.filter(
            kind__in=["producer", "wholesaler"])))
        party_names.discard("")
        self.parties.update(self._first_by_name(party_names - self.parties.keys(), Business.objects.active().filter(
            region_code__startswith=self.business.county_code).exclude(pk=self.business.pk)))
        self._resolve_lots(lot_keys - self.lots.keys())

    def _resolve_varieties(self, keys):
        by_name = defaultdict(list)
        for chunk in _chunks({name for _crop, name in keys}):
            for variety in Variety.objects.filter(name__in=chunk).select_related("crop").order_by("pk"):
                by_name[variety.name].append(variety)
        for crop, name in keys:
            found = [v for v in by_name[name] if not crop or v.crop.name == crop]
            if len(found) == 1:
                self.varieties[(crop, name)] = found[0]
            else:
                self.varieties[(crop, name)] = InvalidInput(
                    _("品种“%(name)s”%(why)s。"), code="variety_unknown", name=name,
                    why="不在品种目录中" if not found else "在多个作物中重名，请填写作物")

    @staticmethod
    def _first_by_name(names, businesses) -> dict[str, tuple]:
        """name → (business, outside party) for the names found: the first business of that
        name, else the first registered outside party."""
        found = {}
        for chunk in _chunks(names):
            for business in businesses.filter(name__in=chunk).order_by("-pk"):
                found[business.name] = (business, None)
        rest = [name for name in names if name not in found]
        for chunk in _chunks(rest):
            for party in OutsideParty.objects.filter(name__in=chunk).order_by("-pk"):
                found[party.name] = (None, party)
        return found

    def _resolve_lots(self, keys):
        wanted = {}
        for key in keys:
            crop, variety_name, producer_name, number = key
            variety = self.varieties[(crop, variety_name)]
            local, outside = self.producers[producer_name]
            if isinstance(variety, Variety) and (local or outside):
                wanted[key] = (variety, local, outside, number)
        known = {}
        for chunk in _chunks({number for *_rest, number in wanted.values()}):
            for lot in (SeedLot.objects.filter(lot_number__in=chunk,
                                               variety_id__in={v.pk for v, *_rest in wanted.values()})
                        .select_related("variety").order_by("-pk")):
                known[(lot.variety_id, lot.producer_id, lot.producer_outside_id, lot.lot_number)] = lot
        for key, (variety, local, outside, number) in wanted.items():
            lot = known.get((variety.pk, getattr(local, "pk", None), getattr(outside, "pk", None), number))
            if lot is None:
                try:
                    with transaction.atomic():
                        lot = register_seed_lot(actor=self.actor, variety=variety, lot_number=number, producer=local,
                                                producer_outside=outside)
                except DomainError as exc:
                    lot = exc
            self.lots[key] = lot
        # The stock of each lot new to this import: its balance locked (lot id order within the
        # block) and its existing entries' daily totals, for the never-negative rule.
        lot_ids = [lot.pk for lot in self.lots.values() if isinstance(lot, SeedLot) and lot.pk not in self.stock]
        balances = lock_balances_of(self.business, lot_ids)
        totals = defaultdict(dict)
        for chunk in _chunks(lot_ids):
            for row in (LedgerEntry.objects.filter(business=self.business, lot_id__in=chunk)
                        .values("lot_id", "occurred_on").annotate(s=Sum("quantity_kg")).order_by()):
                totals[row["lot_id"]][row["occurred_on"]] = row["s"]
        for lot_id in lot_ids:
            self.stock[lot_id] = _Stock(balances[lot_id], totals[lot_id])

    # --- every row checked in file order, written in batches ---------------------------------

    def apply_block(self, block, errors, progress):
        self.resolve(block)
        for index, values in block:
            progress(index)
            try:
                self.apply(values, index)
            except DomainError as exc:
                errors[index] = describe_error(exc)
                self.failed = True

    def apply(self, v, index):
        """Check one row (the file's ``index``-th) as the services would and keep its entry;
        raises DomainError."""
        missing = missing_required(self.importer, v)
        if missing is not None:
            raise missing
        kind = parse_choice(v.get("kind"), _Kinds, KIND_CHOICES, "类型")
        crop, variety_name, producer_name = text(v.get("crop")), text(v.get("variety")), text(v.get("producer"))
        if isinstance(self.varieties[(crop, variety_name)], DomainError):
            raise self.varieties[(crop, variety_name)]
        if self.producers[producer_name] == (None, None):
            raise InvalidInput(_("生产经营者“%(name)s”尚未登记，请联系种子管理站登记外地主体后再导入。"),
                               code="producer_unknown", name=producer_name)
        lot = self.lots[(crop, variety_name, producer_name, text(v.get("lot_number")))]
        if isinstance(lot, DomainError):
            raise lot
        occurred_on = parse_date(v.get("occurred_on"), "日期")
        name = text(v.get("counterparty"))
        party, outside = self.parties.get(name, (None, None))
        if self.permission_error is not None:
            raise self.permission_error
        fields = self._check(kind, lot, v, name, party, outside, occurred_on)
        quantity_kg, packages = fields.pop("quantity_kg"), fields.pop("packages")
        self._take(kind, lot, quantity_kg, packages, occurred_on, fields, buyer=party if kind == "sale" else None,
                   index=index)

    def _check(self, kind, lot, v, name, party, outside, occurred_on) -> dict:
        """The checks of record_purchase / record_sale / record_return / record_loss, in their
        order; the entry's fields."""
        reason = required(text(v.get("note")), "reason", _("损耗/销毁原因")) if kind == "loss" else text(v.get("note"))
        fields = {"quantity_kg": parse_quantity(text(v.get("quantity_kg"))),
                  "packages": parse_packages(text(v.get("packages")))}
        check_entry_date(occurred_on, self.business.region_code, window=self.window, today=self.today)
        document = text(v.get("document_number"))[:60]
        if kind == "sale":
            if lot.pk not in self.stopped:
                try:
                    refuse_if_stopped(self.business, lot)
                    self.stopped[lot.pk] = None
                except DomainError as exc:
                    self.stopped[lot.pk] = exc
            if self.stopped[lot.pk] is not None:
                raise self.stopped[lot.pk]
            if party is None:
                farmer = required(name, "farmer_name", _("购买人姓名"))[:100]
                phone = text(v.get("phone"))
                if phone and not PHONE.match(phone):
                    raise InvalidInput(_("购买人电话格式不正确。"), code="phone_invalid",
                                       fields={"farmer_phone": [_("格式不正确")]})
                fields.update(counterparty_name=farmer, farmer_phone=phone, farmer_village=text(v.get("village"))[:100])
            else:
                fields.update(_counterparty(self.business, counterparty_business=party))
            return {**fields, "document_number": document}
        parties = _counterparty(self.business, counterparty_business=party, counterparty_outside=outside,
                                counterparty_name="" if party or outside else name)
        if kind == "purchase":
            return {**fields, **parties, "document_number": document}
        if kind in ("return_in", "return_out"):
            return {**fields, **parties, "reason": reason[:200]}
        return {**fields, "reason": reason[:200]}

    def _take(self, kind, lot, quantity_kg, packages, occurred_on, fields, *, buyer, index):
        sign = sign_of(kind)
        delta = quantity_kg * sign
        stock = self.stock[lot.pk]
        if delta < 0:
            on_day, lowest, lowest_on = stock.lowest_from(occurred_on)
            refuse_if_negative(lot=lot, occurred_on=occurred_on, quantity_kg=quantity_kg, delta=delta, on_day=on_day,
                               lowest=lowest, lowest_on=lowest_on)
            if packages and stock.balance.packages_known:
                # Bags against the stock after the rows so far (not by date, unlike kilograms).
                bags = stock.balance.packages
                refuse_if_short_of_packages(lot=lot, occurred_on=occurred_on, packages=packages, on_day=bags,
                                            lowest=bags, lowest_on=occurred_on)
        stock.add(occurred_on, delta, packages * sign)
        self.counts[kind] += 1
        if self.failed:
            return  # nothing will be written: only the later rows' checks still matter
        # The entry as its column values, not a model object: building ~20,000 objects (and
        # their audit rows') cost more than reading the file (``insert_values`` takes dicts).
        party, outside = fields.pop("counterparty_business", None), fields.pop("counterparty_outside", None)
        row = {"business_id": self.business.pk, "lot_id": lot.pk, "kind": kind, "quantity_kg": delta,
               "packages": packages * sign, "occurred_on": occurred_on, "region_code": self.business.region_code,
               "recorded_by_id": self.actor.pk, "counterparty_business_id": getattr(party, "pk", None),
               "counterparty_outside_id": getattr(outside, "pk", None), **fields}
        self.pending.append((row, index))
        if buyer is not None:
            self.transfers.append((len(self.pending) - 1, buyer, lot, quantity_kg))
        if len(self.pending) >= WRITE_BATCH:
            self._write()

    def _write(self):
        rows = [row for row, _index in self.pending]
        ids = insert_values(LedgerEntry, rows, batch_size=WRITE_BATCH)
        # Each entry's audit row (action, actor, business, time, as ``ledger._append`` writes it),
        # naming the import and the row. Without the snapshot: the entry is append-only, its row
        # is the record of what was written (a snapshot would repeat it in every audit row).
        log_new_rows(LedgerEntry, ((pk, f"licensing.ledger.{row['kind']}",
                                    f"{self.kind_labels[row['kind']]} {row['quantity_kg']}kg {row['occurred_on']}",
                                    row["region_code"], {"import_job": self.job.pk, "row": index + 1})
                                   for pk, (row, index) in zip(ids, self.pending, strict=True)),
                     actor=self.actor, parent=self.business, batch_size=WRITE_BATCH)
        if self.transfers:
            sales = LedgerEntry.objects.in_bulk([ids[position] for position, *_rest in self.transfers])
            for position, buyer, lot, quantity_kg in self.transfers:
                open_transfer(actor=self.actor, sale=sales[ids[position]], business=self.business,
                              buyer_business=buyer, lot=lot, quantity_kg=quantity_kg)
        self.pending, self.transfers = [], []

    def finish(self):
        """Write what is left, each stock balance once, and the import's audit entry with the
        counts (each entry has its own too)."""
        self._write()
        now = timezone.now()
        balances = [stock.balance for stock in self.stock.values()]
        for balance in balances:
            balance.updated_at = now
        StockBalance.objects.bulk_update(balances, ["quantity_kg", "packages", "packages_known", "updated_at"], batch_size=WRITE_BATCH)
        bump_download_version()  # no signals from bulk_update: phones' cached downloads show stock
        log_action(self.job, "licensing.ledger.imported", actor=self.actor, parent=self.business, after=None,
                   data={"rows": sum(self.counts.values()), **self.counts})


def import_ledger(job, rows, progress) -> dict[int, str]:
    """Apply a ledger file (``rows()``: (index, values), streamed) in the runner's transaction,
    reading it once, a block of rows at a time: returns {row index: error}; when it is not
    empty, the caller rolls back."""
    run = _LedgerRun(job)
    errors = {}
    block = []
    for item in rows():
        block.append(item)
        if len(block) == BLOCK:
            run.apply_block(block, errors, progress)
            block = []
    run.apply_block(block, errors, progress)
    if not errors:
        run.finish()
    return errors


IMPORTERS[ImportJob.Kind.LEDGER] = Importer(
    kind=ImportJob.Kind.LEDGER, columns=LEDGER_COLUMNS,
    required=("occurred_on", "kind", "variety", "lot_number", "producer", "quantity_kg"),
    notes=LEDGER_NOTES, example=LEDGER_EXAMPLE, apply_row=apply_ledger_row, apply_all=import_ledger)
