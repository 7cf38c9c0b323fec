"""Ledgers: lots, entry kinds, dealer-to-dealer links, reversals, back-dating and the stock
invariant (the balance row always equals the sum of the entries, never below zero)."""

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.db.models import Sum

from licensing import selectors, services
from licensing.models import DealerTransfer, EntryKind, LedgerEntry, LotDerivation, SeedLot, StockBalance
from seedreg.audit.models import AppendOnlyError, AuditEntry
from seedreg.audit.testing import assert_audited
from seedreg.errors import Conflict, InvalidInput, PermissionDenied, RuleViolation
from seedreg.regions.models import Station
from tests.licensing.conftest import days_ago

pytestmark = pytest.mark.django_db


def purchase(actor, business, lot, kg, *, on=None, **extra):
    return services.record_purchase(actor=actor, business=business, lot=lot, quantity_kg=kg,
                                    occurred_on=on or days_ago(5), **extra)


def sell(actor, business, lot, kg, *, on=None, **extra):
    if "buyer_business" not in extra:
        extra.setdefault("farmer_name", "赵大山")
    return services.record_sale(actor=actor, business=business, lot=lot, quantity_kg=kg, occurred_on=on or days_ago(1),
                                **extra)


def assert_balance_matches_entries(business, lot):
    balance = StockBalance.objects.get(business=business, lot=lot)
    total = LedgerEntry.objects.filter(business=business, lot=lot).aggregate(s=Sum("quantity_kg"))["s"]
    packages = LedgerEntry.objects.filter(business=business, lot=lot).aggregate(s=Sum("packages"))["s"]
    assert balance.quantity_kg == total
    assert balance.packages == packages
    return balance.quantity_kg


# --- lots ------------------------------------------------------------------------------------------
def test_a_lot_is_one_row_however_many_dealers_hold_it(clerk, shop_dealer, wholesaler_dealer, shop, wholesaler, lot,
                                                       varieties, seed_producer):
    again = services.register_seed_lot(actor=shop_dealer, variety=varieties["郑单958"], lot_number=" ZD2026-001 ",
                                       producer_outside=seed_producer, unit_codes=["0001170315123456789"])
    assert again.pk == lot.pk
    purchase(shop_dealer, shop, again, "100", supplier_outside=seed_producer)
    purchase(wholesaler_dealer, wholesaler, lot, "400", supplier_outside=seed_producer)
    assert SeedLot.objects.count() == 1
    assert list(lot.unit_codes.values_list("code", flat=True)) == ["0001170315123456789"]
    assert set(selectors.lots_held_by(shop)) == {lot}


def test_a_lot_needs_exactly_one_producer_and_sane_label_values(clerk, varieties, seed_producer):
    with pytest.raises(InvalidInput, match="二选一"):
        services.register_seed_lot(actor=clerk, variety=varieties["郑单958"], lot_number="X1")
    with pytest.raises(InvalidInput, match="0 到 100"):
        services.register_seed_lot(actor=clerk, variety=varieties["郑单958"], lot_number="X1",
                                   producer_outside=seed_producer, germination="185")
    with pytest.raises(InvalidInput, match="检疫证明编号"):
        services.register_seed_lot(actor=clerk, variety=varieties["郑单958"], lot_number="X1",
                                   producer_outside=seed_producer, quarantine_cert_number="12345")


# --- entry kinds -----------------------------------------------------------------------------------
def test_purchase_and_farmer_sale_move_stock(shop_dealer, shop, lot, seed_producer):
    purchase(shop_dealer, shop, lot, "200", packages=10, supplier_outside=seed_producer, document_number="FP-001")
    sale = sell(shop_dealer, shop, lot, "40", packages=2, farmer_name="赵大山", farmer_phone="13812345678",
                farmer_village="建平镇东村")
    assert sale.quantity_kg == Decimal("-40.000") and sale.packages == -2 and sale.is_farmer_sale
    assert selectors.stock_of(shop, lot) == Decimal("160")
    assert selectors.stock_of(shop, lot, on=days_ago(3)) == Decimal("200")
    assert assert_balance_matches_entries(shop, lot) == Decimal("160")
    assert AuditEntry.objects.filter(action="licensing.ledger.sale", object_id=str(sale.pk)).exists()


def test_it_refuses_a_sale_larger_than_stock(shop_dealer, shop, lot, seed_producer):
    purchase(shop_dealer, shop, lot, "50", supplier_outside=seed_producer)
    with pytest.raises(RuleViolation, match="库存不足") as refused:
        sell(shop_dealer, shop, lot, "50.001")
    assert refused.value.code == "stock_insufficient"
    assert LedgerEntry.objects.filter(kind=EntryKind.SALE).count() == 0
    assert assert_balance_matches_entries(shop, lot) == Decimal("50")


def test_a_farmer_sale_needs_the_buyer_and_a_valid_quantity(shop_dealer, shop, lot, seed_producer):
    purchase(shop_dealer, shop, lot, "50", supplier_outside=seed_producer)
    with pytest.raises(InvalidInput, match="购买人姓名"):
        sell(shop_dealer, shop, lot, "5", farmer_name="")
    for bad in ("0", "-3", "abc", "1.0001", "1e12"):
        with pytest.raises(InvalidInput):
            sell(shop_dealer, shop, lot, bad)


def test_sale_to_a_registered_dealer_waits_for_the_buyer_then_links_both_sides(
        wholesaler_dealer, shop_dealer, wholesaler, shop, lot, seed_producer):
    purchase(wholesaler_dealer, wholesaler, lot, "1000", supplier_outside=seed_producer)
    sale = sell(wholesaler_dealer, wholesaler, lot, "300", buyer_business=shop, document_number="CK-77", on=days_ago(2))
    transfer = DealerTransfer.objects.get(sale=sale)
    assert transfer.status == DealerTransfer.Status.PENDING
    assert selectors.stock_of(shop, lot) == 0  # nothing in the buyer's books until they confirm
    assert shop_dealer.notifications.filter(key=f"transfer:{transfer.pk}").exists()
    with pytest.raises(PermissionDenied):
        services.confirm_transfer(actor=wholesaler_dealer, transfer=transfer)  # only the buyer confirms
    bought = services.confirm_transfer(actor=shop_dealer, transfer=transfer)
    assert bought.kind == EntryKind.PURCHASE and bought.linked_sale == sale and sale.linked_purchase == bought
    assert bought.occurred_on == days_ago(2) and bought.counterparty_business == wholesaler
    assert bought.document_number == "CK-77" and bought.quantity_kg == Decimal("300")
    assert selectors.stock_of(shop, lot) == Decimal("300")
    with pytest.raises(Conflict):
        services.confirm_transfer(actor=shop_dealer, transfer=transfer)


def test_a_buyer_disputes_a_sale_and_the_seller_is_told(wholesaler_dealer, shop_dealer, wholesaler, shop, lot,
                                                        seed_producer):
    purchase(wholesaler_dealer, wholesaler, lot, "1000", supplier_outside=seed_producer)
    sale = sell(wholesaler_dealer, wholesaler, lot, "300", buyer_business=shop)
    transfer = services.dispute_transfer(actor=shop_dealer, transfer=sale.transfer, reason="只收到200千克")
    assert transfer.status == DealerTransfer.Status.DISPUTED
    assert wholesaler_dealer.notifications.filter(key=f"transfer-disputed:{transfer.pk}").exists()
    # The seller corrects the sale: the pending purchase is cancelled, the buyer told.
    services.reverse_entry(actor=wholesaler_dealer, entry=sale, reason="数量录错")
    transfer.refresh_from_db()
    assert transfer.status == DealerTransfer.Status.CANCELLED
    assert selectors.stock_of(wholesaler, lot) == Decimal("1000")


def test_returns_and_losses(shop_dealer, shop, lot, seed_producer):
    purchase(shop_dealer, shop, lot, "100", supplier_outside=seed_producer)
    sell(shop_dealer, shop, lot, "30")
    services.record_return(actor=shop_dealer, business=shop, lot=lot, quantity_kg="10", occurred_on=days_ago(1),
                           direction="in", counterparty_name="赵大山", reason="多买了")
    services.record_return(actor=shop_dealer, business=shop, lot=lot, quantity_kg="20", occurred_on=days_ago(1),
                           direction="out", counterparty_outside=seed_producer)
    services.record_loss(actor=shop_dealer, business=shop, lot=lot, quantity_kg="5", occurred_on=days_ago(0),
                         reason="鼠害")
    with pytest.raises(InvalidInput, match="原因"):
        services.record_loss(actor=shop_dealer, business=shop, lot=lot, quantity_kg="1", occurred_on=days_ago(0),
                             reason=" ")
    assert assert_balance_matches_entries(shop, lot) == Decimal("55")


def test_repacking_turns_input_lots_into_an_output_lot_and_keeps_the_link(
        clerk, wholesaler_dealer, wholesaler, lot, varieties, seed_producer):
    other = services.register_seed_lot(actor=clerk, variety=varieties["郑单958"], lot_number="ZD2026-002",
                                       producer_outside=seed_producer)
    output = services.register_seed_lot(actor=wholesaler_dealer, variety=varieties["郑单958"], lot_number="HN-FZ-01",
                                        producer=wholesaler)
    purchase(wholesaler_dealer, wholesaler, lot, "500", supplier_outside=seed_producer)
    purchase(wholesaler_dealer, wholesaler, other, "300", supplier_outside=seed_producer)
    services.record_repacking(actor=wholesaler_dealer, business=wholesaler, inputs=[(lot, "400"), (other, "100")],
                              output_lot=output, output_kg="500", output_packages=250, occurred_on=days_ago(1))
    assert selectors.stock_of(wholesaler, lot) == 100 and selectors.stock_of(wholesaler, other) == 200
    assert selectors.stock_of(wholesaler, output) == 500
    assert set(LotDerivation.objects.values_list("input_lot_id", flat=True)) == {lot.pk, other.pk}
    assert selectors.lots_downstream(lot) == sorted([lot.pk, output.pk])
    with pytest.raises(RuleViolation, match="库存不足"):
        services.record_repacking(actor=wholesaler_dealer, business=wholesaler, inputs=[(lot, "101")],
                                  output_lot=output, output_kg="101", occurred_on=days_ago(0))


def test_only_a_licence_holder_repacks(shop_dealer, shop, lot, varieties, seed_producer):
    purchase(shop_dealer, shop, lot, "100", supplier_outside=seed_producer)
    with pytest.raises(RuleViolation, match="许可证"):
        services.record_repacking(actor=shop_dealer, business=shop, inputs=[(lot, "10")], output_lot=lot,
                                  output_kg="10", occurred_on=days_ago(0))


# --- reversal and immutability ---------------------------------------------------------------------
def test_a_mistake_is_corrected_by_a_reversal_that_points_at_it(shop_dealer, shop, lot, seed_producer):
    wrong = purchase(shop_dealer, shop, lot, "100", packages=5, supplier_outside=seed_producer)
    with pytest.raises(InvalidInput, match="冲正理由"):
        services.reverse_entry(actor=shop_dealer, entry=wrong, reason="")
    reversal = services.reverse_entry(actor=shop_dealer, entry=wrong, reason="数量录错，应为80")
    assert reversal.reverses == wrong and reversal.kind == EntryKind.PURCHASE
    assert reversal.quantity_kg == Decimal("-100") and reversal.packages == -5
    assert reversal.occurred_on == wrong.occurred_on and reversal.reason == "数量录错，应为80"
    assert assert_balance_matches_entries(shop, lot) == 0
    with pytest.raises(Conflict):
        services.reverse_entry(actor=shop_dealer, entry=wrong, reason="再来一次")
    with pytest.raises(Conflict):
        services.reverse_entry(actor=shop_dealer, entry=reversal, reason="冲正的冲正")
    assert LedgerEntry.objects.count() == 2  # nothing edited, nothing deleted


def test_reversing_a_purchase_whose_seed_was_sold_is_refused(shop_dealer, shop, lot, seed_producer):
    bought = purchase(shop_dealer, shop, lot, "100", supplier_outside=seed_producer)
    sell(shop_dealer, shop, lot, "60")
    with pytest.raises(RuleViolation):
        services.reverse_entry(actor=shop_dealer, entry=bought, reason="录错")
    assert assert_balance_matches_entries(shop, lot) == Decimal("40")


def test_a_confirmed_sale_is_reversed_only_after_the_buyer_reverses_the_purchase(
        wholesaler_dealer, shop_dealer, wholesaler, shop, lot, seed_producer):
    purchase(wholesaler_dealer, wholesaler, lot, "100", supplier_outside=seed_producer)
    sale = sell(wholesaler_dealer, wholesaler, lot, "30", buyer_business=shop)
    bought = services.confirm_transfer(actor=shop_dealer, transfer=sale.transfer)
    with pytest.raises(RuleViolation, match="购买方"):
        services.reverse_entry(actor=wholesaler_dealer, entry=sale, reason="录错")
    services.reverse_entry(actor=shop_dealer, entry=bought, reason="退单")
    services.reverse_entry(actor=wholesaler_dealer, entry=sale, reason="退单")
    assert selectors.stock_of(wholesaler, lot) == 100 and selectors.stock_of(shop, lot) == 0


def test_entries_cannot_be_edited_or_deleted_by_model_queryset_or_sql(shop_dealer, shop, lot, seed_producer):
    entry = purchase(shop_dealer, shop, lot, "100", supplier_outside=seed_producer)
    entry.quantity_kg = Decimal("1000")
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        LedgerEntry.objects.filter(pk=entry.pk).update(quantity_kg=1)
    with pytest.raises(AppendOnlyError):
        LedgerEntry.objects.filter(pk=entry.pk).delete()
    from django.db import DatabaseError, transaction

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE licensing_ledgerentry SET quantity_kg = 1 WHERE id = %s", [entry.pk])
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM licensing_ledgerentry WHERE id = %s", [entry.pk])
    assert LedgerEntry.objects.get(pk=entry.pk).quantity_kg == Decimal("100")


# --- back-dating ---------------------------------------------------------------------------------
def test_back_dating_is_limited_to_the_county_window(shop_dealer, shop, lot, seed_producer, chief):
    with pytest.raises(RuleViolation, match="30 天内") as refused:
        purchase(shop_dealer, shop, lot, "10", on=days_ago(31), supplier_outside=seed_producer)
    assert refused.value.code == "backdate_window"
    purchase(shop_dealer, shop, lot, "10", on=days_ago(30), supplier_outside=seed_producer)
    with pytest.raises(InvalidInput, match="晚于今天"):
        purchase(shop_dealer, shop, lot, "10", on=days_ago(-1), supplier_outside=seed_producer)
    station = Station.objects.get(region_id="211322")
    station.settings = {**(station.settings or {}), "ledger_backdate_days": "60"}
    station.save()
    purchase(shop_dealer, shop, lot, "10", on=days_ago(59), supplier_outside=seed_producer)


def test_a_back_dated_sale_is_refused_if_stock_goes_negative_on_a_later_date(shop_dealer, shop, lot, seed_producer):
    purchase(shop_dealer, shop, lot, "100", on=days_ago(10), supplier_outside=seed_producer)
    sell(shop_dealer, shop, lot, "80", on=days_ago(2))
    # On day -6 the stock is 100, enough for 50 that day, but day -2's sale would leave -30.
    with pytest.raises(RuleViolation, match="负数") as refused:
        sell(shop_dealer, shop, lot, "50", on=days_ago(6))
    assert refused.value.code == "stock_negative_later"
    sell(shop_dealer, shop, lot, "20", on=days_ago(6))
    # A back-dated sale before the purchase is refused on its own date.
    with pytest.raises(RuleViolation, match="库存不足"):
        sell(shop_dealer, shop, lot, "1", on=days_ago(12))
    assert assert_balance_matches_entries(shop, lot) == 0


# --- bags (packages) --------------------------------------------------------------------------------
def test_it_refuses_a_sale_or_loss_of_more_bags_than_in_stock(shop_dealer, shop, lot, seed_producer):
    purchase(shop_dealer, shop, lot, "40", packages=2, supplier_outside=seed_producer)
    with pytest.raises(RuleViolation, match="库存为 2 袋，不能减少 3 袋") as refused:
        sell(shop_dealer, shop, lot, "10", packages=3)
    assert refused.value.code == "packages_insufficient" and "packages" in refused.value.fields
    sell(shop_dealer, shop, lot, "20", packages=1)
    with pytest.raises(RuleViolation, match="库存为 1 袋"):
        services.record_loss(actor=shop_dealer, business=shop, lot=lot, quantity_kg="5", packages=2,
                             occurred_on=days_ago(0), reason="鼠咬")
    balance = StockBalance.objects.get(business=shop, lot=lot)
    assert (balance.quantity_kg, balance.packages, balance.packages_known) == (20, 1, True)
    assert_balance_matches_entries(shop, lot)


def test_a_back_dated_loss_is_refused_if_bags_go_negative_on_a_later_date(shop_dealer, shop, lot, seed_producer):
    purchase(shop_dealer, shop, lot, "100", packages=10, on=days_ago(10), supplier_outside=seed_producer)
    sell(shop_dealer, shop, lot, "50", packages=8, on=days_ago(2))
    # On day -5 there are 10 bags, enough for 3, but day -2's sale would then leave -1 (kg stay positive).
    with pytest.raises(RuleViolation, match="件数变为负数") as refused:
        services.record_loss(actor=shop_dealer, business=shop, lot=lot, quantity_kg="10", packages=3,
                             occurred_on=days_ago(5), reason="受潮")
    assert refused.value.code == "packages_negative_later"
    assert f"{days_ago(2):%Y-%m-%d}" in str(refused.value)
    services.record_loss(actor=shop_dealer, business=shop, lot=lot, quantity_kg="10", packages=2,
                         occurred_on=days_ago(5), reason="受潮")
    assert assert_balance_matches_entries(shop, lot) == 40


def test_bags_are_checked_only_while_every_entry_carried_a_count(shop_dealer, shop, lot, seed_producer):
    purchase(shop_dealer, shop, lot, "100", packages=5, supplier_outside=seed_producer)
    purchase(shop_dealer, shop, lot, "20", supplier_outside=seed_producer)  # bags not counted
    assert StockBalance.objects.get(business=shop, lot=lot).packages_known is False
    sell(shop_dealer, shop, lot, "60", packages=6)  # the bag count is unknown: only kilograms are checked
    with pytest.raises(RuleViolation, match="千克"):
        sell(shop_dealer, shop, lot, "61", packages=1)
    assert assert_balance_matches_entries(shop, lot) == 60


def test_the_migration_recomputes_bags_and_whether_they_are_known(shop_dealer, shop, shop_b, lot, seed_producer,
                                                                    shop_b_dealer):
    import importlib

    from django.apps import apps

    from seedreg.regulated import service_context

    purchase(shop_dealer, shop, lot, "40", packages=4, supplier_outside=seed_producer)
    sell(shop_dealer, shop, lot, "10", packages=1)
    purchase(shop_b_dealer, shop_b, lot, "40", supplier_outside=seed_producer)
    backfill = importlib.import_module("licensing.migrations.0006_stockbalance_packages_known").backfill
    with service_context():  # the real models refuse writes outside a service; a migration's do not
        StockBalance.objects.update(packages=0, packages_known=True)
        backfill(apps, None)
    balances = {b.business_id: (b.packages, b.packages_known) for b in StockBalance.objects.all()}
    assert balances == {shop.pk: (3, True), shop_b.pk: (0, False)}


# --- permissions -----------------------------------------------------------------------------------
def test_a_dealer_keeps_only_their_own_ledger(shop_dealer, wholesaler, lot, seed_producer, outsider, inspector):
    for actor in (shop_dealer, inspector):
        with pytest.raises(PermissionDenied):
            purchase(actor, wholesaler, lot, "1", supplier_outside=seed_producer)
    from seedreg.errors import NotFound

    with pytest.raises(NotFound):
        purchase(outsider, wholesaler, lot, "1", supplier_outside=seed_producer)


# --- concurrency ---------------------------------------------------------------------------------
def at_once(actors, sale):
    """Run ``sale(actor)`` for every actor in its own thread and connection, released together by
    a barrier; each outcome is "sold" or the refusal's code."""
    barrier = threading.Barrier(len(actors))
    outcomes = []

    def run(actor):
        try:
            barrier.wait()
            sale(actor)
            outcomes.append("sold")
        except RuleViolation as exc:
            outcomes.append(exc.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(actor,)) for actor in actors]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks across connections: PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_clerks_selling_the_last_bags_at_once_only_one_succeeds(shop_dealer, clerk, shop, lot, seed_producer):
    purchase(shop_dealer, shop, lot, "40", supplier_outside=seed_producer)
    outcomes = at_once([shop_dealer, clerk], lambda actor: sell(actor, shop, lot, "40"))
    assert sorted(outcomes) == ["sold", "stock_insufficient"]
    assert assert_balance_matches_entries(shop, lot) == 0
    assert LedgerEntry.objects.filter(kind=EntryKind.SALE).count() == 1


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks across connections: PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_clerks_selling_the_last_bags_by_count_at_once_only_one_succeeds(shop_dealer, clerk, shop, lot,
                                                                             seed_producer):
    # 40 kg in 2 bags: each clerk sells 20 kg as 2 bags; the kilograms would allow both, the bags one.
    purchase(shop_dealer, shop, lot, "40", packages=2, supplier_outside=seed_producer)
    outcomes = at_once([shop_dealer, clerk], lambda actor: sell(actor, shop, lot, "20", packages=2))
    assert sorted(outcomes) == ["packages_insufficient", "sold"]
    assert assert_balance_matches_entries(shop, lot) == 20
    assert StockBalance.objects.get(business=shop, lot=lot).packages == 0


def test_the_balance_always_equals_the_sum_of_entries(shop_dealer, wholesaler_dealer, shop, wholesaler, lot,
                                                      seed_producer):
    purchase(wholesaler_dealer, wholesaler, lot, "1000", on=days_ago(20), supplier_outside=seed_producer)
    for i, kg in enumerate(("100", "250.5", "49.5")):
        sale = sell(wholesaler_dealer, wholesaler, lot, kg, buyer_business=shop, on=days_ago(15 - i))
        services.confirm_transfer(actor=shop_dealer, transfer=sale.transfer)
    for i in range(5):
        sell(shop_dealer, shop, lot, "20", on=days_ago(10 - i), farmer_name=f"农户{i}")
    services.reverse_entry(actor=shop_dealer, entry=LedgerEntry.objects.filter(business=shop, kind="sale").first(),
                           reason="录错")
    assert assert_balance_matches_entries(wholesaler, lot) == Decimal("600")
    assert assert_balance_matches_entries(shop, lot) == Decimal("320")
    assert selectors.stock_of(shop, lot, on=days_ago(21)) == 0


def test_a_repacking_is_reversed_as_one_unit_until_its_output_has_moved(
        clerk, wholesaler_dealer, wholesaler, lot, varieties, seed_producer):
    other = services.register_seed_lot(actor=clerk, variety=varieties["郑单958"], lot_number="ZD2026-002",
                                       producer_outside=seed_producer)
    output = services.register_seed_lot(actor=wholesaler_dealer, variety=varieties["郑单958"], lot_number="HN-FZ-01",
                                        producer=wholesaler)
    purchase(wholesaler_dealer, wholesaler, lot, "500", supplier_outside=seed_producer)
    purchase(wholesaler_dealer, wholesaler, other, "300", supplier_outside=seed_producer)

    def repack():
        return services.record_repacking(actor=wholesaler_dealer, business=wholesaler,
                                         inputs=[(lot, "400"), (other, "100")], output_lot=output, output_kg="500",
                                         output_packages=250, occurred_on=days_ago(1))

    made = repack()
    taken = LedgerEntry.objects.get(lot=other, kind=EntryKind.REPACK_OUT)
    # Reversing any of its entries (here an input) reverses the whole repacking.
    with assert_audited("licensing.ledger.repacking_reversed", made, actor=wholesaler_dealer):
        services.reverse_entry(actor=wholesaler_dealer, entry=taken, reason="投料批次选错")
    assert (selectors.stock_of(wholesaler, lot), selectors.stock_of(wholesaler, other),
            selectors.stock_of(wholesaler, output)) == (500, 300, 0)
    reversed_ = {e.reverses_id: e for e in LedgerEntry.objects.filter(reverses__isnull=False)}
    assert set(reversed_) == {made.pk, taken.pk, LedgerEntry.objects.get(lot=lot, kind=EntryKind.REPACK_OUT, reverses=None).pk}
    assert reversed_[made.pk].quantity_kg == Decimal("-500") and reversed_[made.pk].packages == -250
    assert reversed_[taken.pk].quantity_kg == Decimal("100") and reversed_[taken.pk].reason == "投料批次选错"
    for business_lot in (lot, other, output):
        assert_balance_matches_entries(wholesaler, business_lot)
    with pytest.raises(Conflict, match="已冲正"):
        services.reverse_entry(actor=wholesaler_dealer, entry=made, reason="再来一次")

    # Once some of the output is sold, the repacking stands (the inputs cannot all come back).
    made = repack()
    sale = sell(wholesaler_dealer, wholesaler, output, "20")
    with pytest.raises(RuleViolation, match="已有销售或其他变动"):
        services.reverse_entry(actor=wholesaler_dealer, entry=made, reason="录错")
    assert selectors.stock_of(wholesaler, output) == 480
    # A corrected mistake does not count: with the sale reversed, the repacking can be.
    services.reverse_entry(actor=wholesaler_dealer, entry=sale, reason="没有卖")
    services.reverse_entry(actor=wholesaler_dealer, entry=made, reason="录错")
    assert (selectors.stock_of(wholesaler, lot), selectors.stock_of(wholesaler, output)) == (500, 0)
