"""Purchase-and-sale ledgers: every entry is appended here, in one transaction with its stock
balance and its audit entry.

Stock never goes below zero, on the entry's date or on any later date. Two clerks selling the last
bags at the same moment are serialised by locking the one ``StockBalance`` row of the dealer and
lot before reading the stock (``select_for_update`` on PostgreSQL; on SQLite every transaction
takes the write lock when it starts, ``transaction_mode: IMMEDIATE``). Locking the existing
entries instead would not stop a concurrent insert. Several balances are locked in (business,
lot) order so that two repackings cannot deadlock."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from seedreg.accounts.permissions import require
from seedreg.audit.services import audited, log_action
from seedreg.errors import Conflict, InvalidInput, RuleViolation
from seedreg.regions.station_settings import county_setting
from seedreg.regulated import service

from ..models import (
    LICENSED_KINDS,
    DealerTransfer,
    EntryKind,
    LedgerEntry,
    LotDerivation,
    StockBalance,
    sign_of,
)
from ..selectors import stop_sale_order_for
from ._common import required

MAX_KG = Decimal("100000000")  # 100,000 t: anything larger is a typing error
KG = Decimal("0.001")
PHONE = re.compile(r"^1\d{10}$|^0\d{2,3}-?\d{7,8}$")
BACKDATE_SETTING = "ledger_backdate_days"


def parse_quantity(value, field="quantity_kg") -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, AttributeError, TypeError) as exc:
        raise InvalidInput(_("数量须为数字（千克）。"), code="quantity_invalid", fields={field: [_("须为数字")]}) from exc
    if not number.is_finite() or number <= 0:
        raise InvalidInput(_("数量须大于零。"), code="quantity_invalid", fields={field: [_("须大于零")]})
    if number > MAX_KG:
        raise InvalidInput(_("数量过大，请检查单位（千克）。"), code="quantity_invalid", fields={field: [_("数量过大")]})
    if number != number.quantize(KG):
        raise InvalidInput(_("数量最多保留三位小数（克）。"), code="quantity_invalid", fields={field: [_("小数位过多")]})
    return number.quantize(KG)


def parse_packages(value, field="packages") -> int:
    if value in (None, ""):
        return 0
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError) as exc:
        raise InvalidInput(_("件数须为整数。"), code="packages_invalid", fields={field: [_("须为整数")]}) from exc
    if not 0 <= number <= 10_000_000:
        raise InvalidInput(_("件数须为不小于零的整数。"), code="packages_invalid", fields={field: [_("超出范围")]})
    return number


def check_entry_date(occurred_on, region_code: str, *, field="occurred_on", window: int | None = None,
                     today: datetime.date | None = None) -> datetime.date:
    """An entry's date: not in the future, and back-dated at most the county's window (``window``
    and ``today``: the county's setting and the local date, already read, for callers checking
    many dates)."""
    if not isinstance(occurred_on, datetime.date):
        raise InvalidInput(_("请填写发生日期。"), code="date_required", fields={field: [_("必填")]})
    today = today or timezone.localdate()
    if occurred_on > today:
        raise InvalidInput(_("发生日期不能晚于今天。"), code="date_in_future", fields={field: [_("不能晚于今天")]})
    if window is None:
        window = county_setting(region_code, BACKDATE_SETTING)
    if occurred_on < today - datetime.timedelta(days=window):
        raise RuleViolation(_("只能补录 %(days)s 天内发生的记录（%(earliest)s 及以后）；更早的记录请联系种子管理站。"),
                            code="backdate_window", fields={field: [_("超出补录期限")]}, days=window,
                            earliest=f"{today - datetime.timedelta(days=window):%Y-%m-%d}")
    return occurred_on


def lock_balances(pairs) -> dict[tuple[int, int], StockBalance]:
    """Lock the stock row of each (business, lot), creating missing rows first; always in
    (business id, lot id) order so that concurrent writers cannot deadlock."""
    keys = sorted({(b.pk, lot.pk): (b, lot) for b, lot in pairs}.items())
    StockBalance.objects.bulk_create(
        [StockBalance(business=b, lot=lot, region_code=b.region_code) for _key, (b, lot) in keys],
        ignore_conflicts=True)
    locked = {}
    for (business_id, lot_id), _pair in keys:
        locked[(business_id, lot_id)] = StockBalance.objects.select_for_update().get(business_id=business_id,
                                                                                      lot_id=lot_id)
    return locked


def lock_balances_of(business, lot_ids) -> dict[int, StockBalance]:
    """``lock_balances`` for one business and many lots (a ledger import): the missing rows are
    created, then all are locked in one statement in lot id order (PostgreSQL locks the rows of
    SELECT ... ORDER BY ... FOR UPDATE in that order), so concurrent writers cannot deadlock."""
    lot_ids = sorted(set(lot_ids))
    StockBalance.objects.bulk_create(
        [StockBalance(business=business, lot_id=lot_id, region_code=business.region_code) for lot_id in lot_ids],
        ignore_conflicts=True)
    locked = {}
    for start in range(0, len(lot_ids), 500):
        chunk = lot_ids[start:start + 500]
        for balance in (StockBalance.objects.select_for_update().filter(business=business, lot_id__in=chunk)
                        .order_by("lot_id")):
            locked[balance.lot_id] = balance
    return locked


def refuse_if_negative(*, lot, occurred_on, quantity_kg: Decimal, delta: Decimal, on_day: Decimal, lowest: Decimal,
                       lowest_on) -> None:
    """The never-negative rule, given the stock on the entry's date and the lowest stock on it or
    any later date (before the entry): shared by ``_append`` and the ledger import."""
    if on_day + delta < 0:
        raise RuleViolation(_("库存不足：%(lot)s 在 %(day)s 的库存为 %(stock)s 千克，不能减少 %(qty)s 千克。"),
                            code="stock_insufficient", fields={"quantity_kg": [_("超过库存")]}, lot=str(lot),
                            day=f"{occurred_on:%Y-%m-%d}", stock=f"{on_day.normalize():f}",
                            qty=f"{quantity_kg.normalize():f}")
    if lowest + delta < 0:
        raise RuleViolation(_("补录这条记录会使 %(lot)s 在 %(day)s 的库存变为负数（当日库存 %(stock)s 千克）。"),
                            code="stock_negative_later", fields={"occurred_on": [_("会使之后的库存为负")]},
                            lot=str(lot), day=f"{lowest_on:%Y-%m-%d}", stock=f"{lowest.normalize():f}")


def refuse_if_short_of_packages(*, lot, occurred_on, packages: int, on_day: int, lowest: int, lowest_on) -> None:
    """The never-negative rule for bags (``packages`` taken out), where the count is known (see
    ``_append``): the same two refusals as ``refuse_if_negative``."""
    if on_day - packages < 0:
        raise RuleViolation(_("库存不足：%(lot)s 在 %(day)s 的库存为 %(stock)s 袋，不能减少 %(qty)s 袋。"),
                            code="packages_insufficient", fields={"packages": [_("超过库存件数")]}, lot=str(lot),
                            day=f"{occurred_on:%Y-%m-%d}", stock=on_day, qty=packages)
    if lowest - packages < 0:
        raise RuleViolation(_("补录这条记录会使 %(lot)s 在 %(day)s 的库存件数变为负数（当日库存 %(stock)s 袋）。"),
                            code="packages_negative_later", fields={"occurred_on": [_("会使之后的库存件数为负")]},
                            lot=str(lot), day=f"{lowest_on:%Y-%m-%d}", stock=lowest)


class _Lows(NamedTuple):
    """A pair's stock on a day and its lowest on that day or any later date, in kg and in bags."""

    kg_on_day: Decimal
    kg_lowest: Decimal
    kg_lowest_on: datetime.date
    packages_on_day: int
    packages_lowest: int
    packages_lowest_on: datetime.date


def _lowest_stock_from(business, lot, day) -> _Lows:
    """The stock on ``day`` and the lowest on ``day`` or any later date (and when), kg and bags."""
    entries = LedgerEntry.objects.filter(business=business, lot=lot)
    totals = entries.filter(occurred_on__lte=day).aggregate(s=Sum("quantity_kg"), p=Sum("packages"))
    on_day, packages_on_day = totals["s"] or Decimal("0"), totals["p"] or 0
    running, lowest, lowest_on = on_day, on_day, day
    bags, bags_lowest, bags_lowest_on = packages_on_day, packages_on_day, day
    later = (entries.filter(occurred_on__gt=day).values("occurred_on")
             .annotate(s=Sum("quantity_kg"), p=Sum("packages")).order_by("occurred_on"))
    for row in later:
        running += row["s"]
        bags += row["p"]
        if running < lowest:
            lowest, lowest_on = running, row["occurred_on"]
        if bags < bags_lowest:
            bags_lowest, bags_lowest_on = bags, row["occurred_on"]
    return _Lows(on_day, lowest, lowest_on, packages_on_day, bags_lowest, bags_lowest_on)


def _append(*, actor, balance: StockBalance, business, lot, kind, quantity_kg: Decimal, packages: int,
            occurred_on, sign: int | None = None, action=None, **fields) -> LedgerEntry:
    """Append one entry to a locked balance: refuse it if stock would go negative on its date or
    any later date (a back-dated sale must not make a later sale impossible in hindsight).

    Bags are held to the same rule as kilograms where their count is known: a package count of
    0 on an entry means "not counted" (the forms and the import leave it blank), so the pair's
    bag count is known only while every one of its entries carried one
    (``StockBalance.packages_known``). Then an outbound entry with more bags than the stock on
    its date, or than the lowest stock on any later date, is refused; once any entry of the
    pair came without a count, bags are recorded but no longer checked (kilograms always are)."""
    sign = sign_of(kind) if sign is None else sign
    delta = quantity_kg * sign
    if delta < 0:
        latest = (LedgerEntry.objects.filter(business=business, lot=lot).order_by("-occurred_on")
                  .values_list("occurred_on", flat=True).first())
        if latest is None or occurred_on >= latest:
            # Nothing recorded after this date: the locked balance is the stock on it and after.
            lows = _Lows(balance.quantity_kg, balance.quantity_kg, occurred_on, balance.packages, balance.packages,
                         occurred_on)
        else:
            lows = _lowest_stock_from(business, lot, occurred_on)
        refuse_if_negative(lot=lot, occurred_on=occurred_on, quantity_kg=quantity_kg, delta=delta,
                           on_day=lows.kg_on_day, lowest=lows.kg_lowest, lowest_on=lows.kg_lowest_on)
        if packages and balance.packages_known:
            refuse_if_short_of_packages(lot=lot, occurred_on=occurred_on, packages=packages,
                                        on_day=lows.packages_on_day, lowest=lows.packages_lowest,
                                        lowest_on=lows.packages_lowest_on)
    entry = LedgerEntry.objects.create(business=business, lot=lot, kind=kind, quantity_kg=delta,
                                       packages=packages * sign, occurred_on=occurred_on, region_code=business.region_code,
                                       recorded_by=actor if getattr(actor, "pk", None) else None, **fields)
    balance.quantity_kg += delta
    balance.packages += packages * sign
    balance.packages_known = balance.packages_known and packages != 0
    balance.save(update_fields=["quantity_kg", "packages", "packages_known", "updated_at"])
    log_action(entry, action or f"licensing.ledger.{kind}", actor=actor, parent=business)
    return entry


def refuse_if_stopped(business, lot) -> None:
    """Sales of a lot under an issued, unlifted stop-sale order are refused, naming the order."""
    order = stop_sale_order_for(business, lot)
    if order is not None:
        raise RuleViolation(_("该批种子（%(lot)s）已被停止销售（%(serial)s），不能销售或分装。"),
                            code="lot_stop_sale", lot=str(lot), serial=order.serial)


def _counterparty(business, *, counterparty_business=None, counterparty_outside=None, counterparty_name=""):
    if counterparty_business is not None and counterparty_business.pk == business.pk:
        raise InvalidInput(_("对方不能是本主体自己。"), code="counterparty_self",
                           fields={"counterparty_business": [_("无效")]})
    return {"counterparty_business": counterparty_business, "counterparty_outside": counterparty_outside,
            "counterparty_name": (counterparty_name or "").strip()[:100]}


@service
def record_purchase(*, actor, business, lot, quantity_kg, occurred_on, packages=0, supplier_business=None,
                    supplier_outside=None, supplier_name="", document_number="") -> LedgerEntry:
    """A purchase (购进) from a registered business, an outside party or a named supplier."""
    require(actor, "licensing.keep_ledger", business)
    quantity_kg, packages = parse_quantity(quantity_kg), parse_packages(packages)
    check_entry_date(occurred_on, business.region_code)
    parties = _counterparty(business, counterparty_business=supplier_business, counterparty_outside=supplier_outside,
                            counterparty_name=supplier_name)
    balance = lock_balances([(business, lot)])[(business.pk, lot.pk)]
    return _append(actor=actor, balance=balance, business=business, lot=lot, kind=EntryKind.PURCHASE,
                   quantity_kg=quantity_kg, packages=packages, occurred_on=occurred_on,
                   document_number=(document_number or "").strip()[:60], **parties)


@service
def record_production(*, actor, business, lot, quantity_kg, occurred_on, packages=0, document_number="") -> LedgerEntry:
    """A producer takes its own lot into stock (生产入库)."""
    require(actor, "licensing.keep_ledger", business)
    if lot.producer_id != business.pk:
        raise InvalidInput(_("只有该批种子的生产经营者可以登记生产入库。"), code="not_the_producer")
    quantity_kg, packages = parse_quantity(quantity_kg), parse_packages(packages)
    check_entry_date(occurred_on, business.region_code)
    balance = lock_balances([(business, lot)])[(business.pk, lot.pk)]
    return _append(actor=actor, balance=balance, business=business, lot=lot, kind=EntryKind.PRODUCED,
                   quantity_kg=quantity_kg, packages=packages, occurred_on=occurred_on,
                   document_number=(document_number or "").strip()[:60])


@service
def record_sale(*, actor, business, lot, quantity_kg, occurred_on, packages=0, buyer_business=None, farmer_name="",
                farmer_phone="", farmer_village="", document_number="") -> LedgerEntry:
    """A sale (销售) to a farmer (name, phone, village) or to another registered dealer, whose
    matching purchase then waits for them to confirm or dispute it."""
    require(actor, "licensing.keep_ledger", business)
    quantity_kg, packages = parse_quantity(quantity_kg), parse_packages(packages)
    check_entry_date(occurred_on, business.region_code)
    refuse_if_stopped(business, lot)
    if buyer_business is None:
        farmer_name = required(farmer_name, "farmer_name", _("购买人姓名"))[:100]
        farmer_phone = (farmer_phone or "").strip()
        if farmer_phone and not PHONE.match(farmer_phone):
            raise InvalidInput(_("购买人电话格式不正确。"), code="phone_invalid", fields={"farmer_phone": [_("格式不正确")]})
        parties = {"counterparty_name": farmer_name, "farmer_phone": farmer_phone,
                   "farmer_village": (farmer_village or "").strip()[:100]}
    else:
        parties = _counterparty(business, counterparty_business=buyer_business)
    balance = lock_balances([(business, lot)])[(business.pk, lot.pk)]
    entry = _append(actor=actor, balance=balance, business=business, lot=lot, kind=EntryKind.SALE,
                    quantity_kg=quantity_kg, packages=packages, occurred_on=occurred_on,
                    document_number=(document_number or "").strip()[:60], **parties)
    if buyer_business is not None:
        open_transfer(actor=actor, sale=entry, business=business, buyer_business=buyer_business, lot=lot,
                      quantity_kg=quantity_kg)
    return entry


def open_transfer(*, actor, sale, business, buyer_business, lot, quantity_kg) -> DealerTransfer:
    """A sale to a registered dealer waits for the buyer to confirm or dispute it; they are told."""
    transfer = DealerTransfer.objects.create(sale=sale, seller=business, buyer=buyer_business,
                                             region_code=buyer_business.region_code)
    log_action(transfer, "licensing.transfer.created", actor=actor, parent=buyer_business)
    _tell_dealers(buyer_business, key=f"transfer:{transfer.pk}", title="待确认的购进记录",
                  body=f"{business.name} 登记向您销售 {lot} {quantity_kg.normalize():f} 千克，请在台账中确认或提出异议。")
    return transfer


def _tell_dealers(business, *, key, title, body, link=""):
    from django.contrib.auth import get_user_model

    from seedreg.notifications.services import notify

    users = get_user_model().objects.filter(dealer_membership__business=business, is_active=True)
    notify(list(users), key=key, title=title, body=body, link=link, channels=("inbox",), category="ledger")


@service
def record_return(*, actor, business, lot, quantity_kg, occurred_on, direction, packages=0,
                  counterparty_business=None, counterparty_outside=None, counterparty_name="",
                  reason="") -> LedgerEntry:
    """A return: ``direction`` "in" (a buyer brings seed back) or "out" (sent back to the supplier)."""
    require(actor, "licensing.keep_ledger", business)
    kinds = {"in": EntryKind.RETURN_IN, "out": EntryKind.RETURN_OUT}
    if direction not in kinds:
        raise InvalidInput(_("请选择退货方向。"), code="return_direction", fields={"direction": [_("必填")]})
    quantity_kg, packages = parse_quantity(quantity_kg), parse_packages(packages)
    check_entry_date(occurred_on, business.region_code)
    parties = _counterparty(business, counterparty_business=counterparty_business,
                            counterparty_outside=counterparty_outside, counterparty_name=counterparty_name)
    balance = lock_balances([(business, lot)])[(business.pk, lot.pk)]
    return _append(actor=actor, balance=balance, business=business, lot=lot, kind=kinds[direction],
                   quantity_kg=quantity_kg, packages=packages, occurred_on=occurred_on,
                   reason=(reason or "").strip()[:200], **parties)


@service
def record_loss(*, actor, business, lot, quantity_kg, occurred_on, reason, packages=0) -> LedgerEntry:
    """Loss or destruction (损耗/销毁), with its reason. Allowed under a stop-sale order:
    destroying the seed is one way to comply with it."""
    require(actor, "licensing.keep_ledger", business)
    reason = required(reason, "reason", _("损耗/销毁原因"))
    quantity_kg, packages = parse_quantity(quantity_kg), parse_packages(packages)
    check_entry_date(occurred_on, business.region_code)
    balance = lock_balances([(business, lot)])[(business.pk, lot.pk)]
    return _append(actor=actor, balance=balance, business=business, lot=lot, kind=EntryKind.LOSS,
                   quantity_kg=quantity_kg, packages=packages, occurred_on=occurred_on, reason=reason[:200])


@service
def record_repacking(*, actor, business, inputs, output_lot, output_kg, occurred_on, output_packages=0) -> LedgerEntry:
    """Repacking (分装): a licence holder turns input lots (``[(lot, kg), ...]``) into a new
    output lot. Each input is taken out of stock and linked to the output, so a trace passes
    through the repacking in both directions."""
    require(actor, "licensing.keep_ledger", business)
    if business.kind not in LICENSED_KINDS:
        raise RuleViolation(_("只有持有种子生产经营许可证的主体可以分装种子。"), code="repack_unlicensed")
    parsed = [(lot, parse_quantity(kg, "inputs")) for lot, kg in inputs]
    if not parsed:
        raise InvalidInput(_("请填写投料批次。"), code="repack_inputs", fields={"inputs": [_("必填")]})
    if any(lot.pk == output_lot.pk for lot, _kg in parsed) or len({lot.pk for lot, _kg in parsed}) != len(parsed):
        raise InvalidInput(_("投料批次不能重复，也不能是产出批次。"), code="repack_inputs", fields={"inputs": [_("重复")]})
    output_kg, output_packages = parse_quantity(output_kg, "output_kg"), parse_packages(output_packages)
    check_entry_date(occurred_on, business.region_code)
    for lot, _kg in parsed:
        refuse_if_stopped(business, lot)
    balances = lock_balances([(business, lot) for lot, _kg in parsed] + [(business, output_lot)])
    outputs = _append(actor=actor, balance=balances[(business.pk, output_lot.pk)], business=business, lot=output_lot,
                      kind=EntryKind.REPACK_IN, quantity_kg=output_kg, packages=output_packages,
                      occurred_on=occurred_on, reason="分装产出")
    for lot, kg in parsed:
        taken = _append(actor=actor, balance=balances[(business.pk, lot.pk)], business=business, lot=lot,
                        kind=EntryKind.REPACK_OUT, quantity_kg=kg, packages=0, occurred_on=occurred_on,
                        reason=f"分装为 {output_lot}"[:200])
        LotDerivation.objects.create(business=business, input_lot=lot, output_lot=output_lot, quantity_kg=kg,
                                     input_entry=taken, output_entry=outputs)
    return outputs


@service
def reverse_entry(*, actor, entry: LedgerEntry, reason: str) -> LedgerEntry:
    """Correct a mistake by a reversal (冲正): an entry of the same kind and date with the opposite
    quantity, pointing at the original, with a reason. Nothing is edited or deleted. An entry of
    a repacking reverses the whole repacking (``_reverse_repacking``)."""
    require(actor, "licensing.keep_ledger", entry.business)
    reason = required(reason, "reason", _("冲正理由"))
    if entry.is_reversal:
        raise Conflict(_("冲正记录不能再冲正，请重新录入正确的记录。"), code="reverse_reversal")
    if LedgerEntry.objects.filter(reverses=entry).exists():
        raise Conflict(_("该记录已冲正。"), code="already_reversed")
    if entry.kind in (EntryKind.REPACK_IN, EntryKind.REPACK_OUT):
        return _reverse_repacking(actor=actor, entry=entry, reason=reason)
    transfer = DealerTransfer.objects.select_for_update().filter(sale=entry).first()
    if transfer is not None and transfer.status == DealerTransfer.Status.CONFIRMED and \
            not LedgerEntry.objects.filter(reverses_id=transfer.purchase_id).exists():
        raise RuleViolation(_("购买方 %(buyer)s 已确认这笔购进，请先由购买方冲正其购进记录。"),
                            code="reverse_confirmed_sale", buyer=transfer.buyer.name)
    balance = lock_balances([(entry.business, entry.lot)])[(entry.business_id, entry.lot_id)]
    reversal = _append(actor=actor, balance=balance, business=entry.business, lot=entry.lot, kind=entry.kind,
                       sign=-sign_of(entry.kind), quantity_kg=abs(entry.quantity_kg), packages=abs(entry.packages),
                       occurred_on=entry.occurred_on, reverses=entry, reason=reason[:200],
                       counterparty_business=entry.counterparty_business,
                       counterparty_outside=entry.counterparty_outside, action="licensing.ledger.reversed")
    if transfer is not None and transfer.status in (DealerTransfer.Status.PENDING, DealerTransfer.Status.DISPUTED):
        with audited(transfer, "licensing.transfer.cancelled", actor=actor, reason=reason, parent=transfer.buyer):
            transfer.status = DealerTransfer.Status.CANCELLED
            transfer.decided_at = timezone.now()
            transfer.save()
        _tell_dealers(transfer.buyer, key=f"transfer-cancelled:{transfer.pk}", title="购进记录已撤销",
                      body=f"{transfer.seller.name} 已冲正向您销售 {entry.lot} 的记录：{reason}")
    return reversal


def _reverse_repacking(*, actor, entry: LedgerEntry, reason: str) -> LedgerEntry:
    """A repacking is reversed as one unit, from any of its entries: the output taken back out of
    stock and every input put back, each reversal pointing at its original, in one transaction.
    Refused once any of the output has gone anywhere (sold, moved, lost, repacked again: any
    other entry on the output lot that is not a corrected mistake), since the inputs could then
    not all come back."""
    links = list(LotDerivation.objects.filter(
        output_entry_id=entry.pk if entry.kind == EntryKind.REPACK_IN else
        LotDerivation.objects.filter(input_entry=entry).values("output_entry_id")[:1])
        .select_related("input_entry__lot__variety", "output_entry__lot__variety", "output_entry__business"))
    if not links:
        raise RuleViolation(_("找不到这条分装记录的投料与产出，请联系种子管理站。"), code="reverse_repacking")
    output = links[0].output_entry
    originals = [output] + [link.input_entry for link in links]
    if LedgerEntry.objects.filter(reverses__in=originals).exists():
        raise Conflict(_("该分装记录已冲正。"), code="already_reversed")
    balances = lock_balances([(e.business, e.lot) for e in originals])
    moved = (LedgerEntry.objects.filter(lot=output.lot).exclude(pk=output.pk)
             .exclude(pk__in=LotDerivation.objects.filter(output_lot=output.lot).values("output_entry_id"))
             .exclude(reverses__isnull=False).exclude(reversals__isnull=False))  # corrected mistakes cancel out
    if moved.exists():
        raise RuleViolation(_("分装产出的 %(lot)s 已有销售或其他变动，不能冲正这次分装；请先冲正那些记录。"),
                            code="repacking_output_moved", lot=str(output.lot))
    reversals = []
    for original in originals:
        reversals.append(_append(
            actor=actor, balance=balances[(original.business_id, original.lot_id)], business=original.business,
            lot=original.lot, kind=original.kind, sign=-sign_of(original.kind),
            quantity_kg=abs(original.quantity_kg), packages=abs(original.packages), occurred_on=original.occurred_on,
            reverses=original, reason=reason[:200], action="licensing.ledger.reversed"))
    # The links end with the repacking: kept for the record, pointing at the output's reversal,
    # and no longer followed by trace (``LotDerivation.objects.in_force``).
    for link in links:
        link.reversed_by = reversals[0]
        link.save(update_fields=["reversed_by"])
    log_action(output, "licensing.ledger.repacking_reversed", actor=actor, parent=output.business, reason=reason,
               data={"inputs": [link.input_entry_id for link in links],
                     "reversals": [r.pk for r in reversals]})
    return reversals[0]


@service
def confirm_transfer(*, actor, transfer: DealerTransfer) -> LedgerEntry:
    """The buyer confirms a registered dealer's sale: the matching purchase is written to their
    ledger on the sale's date, linked to the sale."""
    require(actor, "licensing.keep_ledger", transfer.buyer)
    transfer = DealerTransfer.objects.select_for_update(of=("self",)).select_related("sale__lot", "buyer", "seller").get(
        pk=transfer.pk)
    if transfer.status not in (DealerTransfer.Status.PENDING, DealerTransfer.Status.DISPUTED):
        raise Conflict(_("这笔购进已是“%(status)s”状态。"), code="transfer_decided", status=transfer.get_status_display())
    sale = transfer.sale
    balance = lock_balances([(transfer.buyer, sale.lot)])[(transfer.buyer_id, sale.lot_id)]
    # The seller chose the date; the buyer's back-dating window does not apply to confirming it.
    purchase = _append(actor=actor, balance=balance, business=transfer.buyer, lot=sale.lot, kind=EntryKind.PURCHASE,
                       quantity_kg=abs(sale.quantity_kg), packages=abs(sale.packages), occurred_on=sale.occurred_on,
                       counterparty_business=transfer.seller, document_number=sale.document_number, linked_sale=sale)
    with audited(transfer, "licensing.transfer.confirmed", actor=actor, parent=transfer.buyer):
        transfer.status = DealerTransfer.Status.CONFIRMED
        transfer.purchase = purchase
        transfer.decided_by, transfer.decided_at = actor, timezone.now()
        transfer.save()
    return purchase


@service
def dispute_transfer(*, actor, transfer: DealerTransfer, reason: str) -> DealerTransfer:
    """The buyer says the sale did not happen as recorded; the seller is told and the station sees
    the dispute among the ledger-quality flags."""
    require(actor, "licensing.keep_ledger", transfer.buyer)
    reason = required(reason, "reason", _("异议理由"))
    transfer = DealerTransfer.objects.select_for_update().get(pk=transfer.pk)
    if transfer.status != DealerTransfer.Status.PENDING:
        raise Conflict(_("这笔购进已是“%(status)s”状态。"), code="transfer_decided", status=transfer.get_status_display())
    with audited(transfer, "licensing.transfer.disputed", actor=actor, reason=reason, parent=transfer.buyer):
        transfer.status = DealerTransfer.Status.DISPUTED
        transfer.dispute_reason = reason[:200]
        transfer.decided_by, transfer.decided_at = actor, timezone.now()
        transfer.save()
    _tell_dealers(transfer.seller, key=f"transfer-disputed:{transfer.pk}", title="购买方对销售记录有异议",
                  body=f"{transfer.buyer.name} 对 {transfer.sale.lot} 的购进记录提出异议：{reason}")
    return transfer
