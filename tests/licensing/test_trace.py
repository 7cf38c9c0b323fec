"""Traceability on a small hand-built network with known answers, and the region-wide reads the
draw and first-batch sampling use.

    北京德农 (outside producer) ──1000──> 惠农 wholesaler (建平)
        惠农 ──300──> 丰收 shop (建平镇) ──> farmers 赵大山 50, 李四 30
        惠农 ──200──> 黑水 shop (黑水镇)
        惠农 ──100──> 波罗赤 (朝阳县, another county) ──> farmer 王五 40
        惠农 repacks 100 into its own lot HN-FZ-01 ──> farmer 钱六 20
"""

from decimal import Decimal

import pytest

from licensing import selectors, services
from licensing.models import EntryKind, LedgerEntry, LotDerivation, LotVerdict
from seedreg.errors import NotFound, PermissionDenied
from tests.licensing.conftest import days_ago, make_dealer

pytestmark = pytest.mark.django_db


@pytest.fixture
def network(clerk, outsider, wholesaler, shop, shop_b, far_shop, wholesaler_dealer, shop_dealer, shop_b_dealer, lot,
            varieties, seed_producer):
    far_dealer = make_dealer(outsider, far_shop, "13904219001")
    services.record_purchase(actor=wholesaler_dealer, business=wholesaler, lot=lot, quantity_kg="1000",
                             occurred_on=days_ago(20), supplier_outside=seed_producer, document_number="DN-2026-01")
    for buyer, dealer, kg in ((shop, shop_dealer, "300"), (shop_b, shop_b_dealer, "200"), (far_shop, far_dealer, "100")):
        sale = services.record_sale(actor=wholesaler_dealer, business=wholesaler, lot=lot, quantity_kg=kg,
                                    occurred_on=days_ago(15), buyer_business=buyer)
        services.confirm_transfer(actor=dealer, transfer=sale.transfer)
    services.record_sale(actor=shop_dealer, business=shop, lot=lot, quantity_kg="50", occurred_on=days_ago(5),
                         farmer_name="赵大山", farmer_phone="13812345678", farmer_village="建平镇东村")
    services.record_sale(actor=shop_dealer, business=shop, lot=lot, quantity_kg="30", occurred_on=days_ago(4),
                         farmer_name="李四", farmer_phone="13812340000", farmer_village="建平镇西村")
    services.record_sale(actor=far_dealer, business=far_shop, lot=lot, quantity_kg="40", occurred_on=days_ago(4),
                         farmer_name="王五", farmer_phone="13912345678", farmer_village="波罗赤村")
    output = services.register_seed_lot(actor=wholesaler_dealer, variety=varieties["郑单958"], lot_number="HN-FZ-01",
                                        producer=wholesaler, certificate_number="HG-HN-01")
    services.record_repacking(actor=wholesaler_dealer, business=wholesaler, inputs=[(lot, "100")], output_lot=output,
                              output_kg="100", output_packages=50, occurred_on=days_ago(10))
    services.record_sale(actor=wholesaler_dealer, business=wholesaler, lot=output, quantity_kg="20",
                         occurred_on=days_ago(3), farmer_name="钱六", farmer_phone="13700001111")
    return {"lot": lot, "output": output, "far_dealer": far_dealer}


def holder(trace, name, lot):
    [row] = [h for h in trace.holders if h.name == name and h.lot_id == lot.pk]
    return row


def test_forward_trace_reaches_every_holder_and_passes_through_repacking(network, clerk, wholesaler, shop, shop_b,
                                                                        django_assert_max_num_queries):
    lot, output = network["lot"], network["output"]
    # Expect: derivations (2), lots, flows, farmer counts, dealer sales, stock, names, counties, edges.
    with django_assert_max_num_queries(11):
        trace = selectors.trace_forward(lot, viewer=clerk)
    assert trace.lot_ids == sorted([lot.pk, output.pk])
    hub = holder(trace, wholesaler.name, lot)
    assert (hub.received_kg, hub.sold_to_dealers_kg, hub.other_out_kg, hub.stock_kg) == (1000, 600, 100, 300)
    here = holder(trace, shop.name, lot)
    assert (here.received_kg, here.sold_to_farmers_kg, here.stock_kg, here.farmer_sale_count) == (300, 80, 220, 2)
    assert holder(trace, shop_b.name, lot).stock_kg == 200
    repacked = holder(trace, wholesaler.name, output)
    assert (repacked.received_kg, repacked.sold_to_farmers_kg, repacked.stock_kg) == (100, 20, 80)
    # The other county's dealer: that county's name and quantities only.
    [away] = [h for h in trace.holders if h.is_other_county]
    assert away.name == "朝阳县（外县经营者）" and away.county_name == "朝阳县"
    assert (away.received_kg, away.sold_to_farmers_kg, away.stock_kg) == (100, 40, 60)
    assert "波罗赤" not in str([t["buyer"] for t in trace.transfers])
    # Farmers: the county's station staff see names and phones of this county's sales only.
    farmers = {r["counterparty_name"]: r for r in trace.farmer_sale_rows()}
    assert set(farmers) == {"赵大山", "李四", "钱六"}
    assert farmers["赵大山"]["farmer_phone"] == "13812345678" and farmers["赵大山"]["quantity_kg"] == 50
    assert trace.total_stock_kg == Decimal("300") + 220 + 200 + 60 + 80


def test_inspectors_and_supervisors_see_the_trace_without_farmers_personal_data(network, inspector, supervisor):
    rows = {r["counterparty_name"]: r for r in selectors.trace_forward(network["lot"], viewer=inspector).farmer_sale_rows()}
    assert set(rows) == {"赵**", "李*", "钱*"}
    assert rows["赵**"]["farmer_phone"] == "138****5678" and rows["赵**"]["farmer_village"] == "建平镇东村"
    city = selectors.trace_forward(network["lot"], viewer=supervisor)
    assert not any(h.is_other_county for h in city.holders)  # 朝阳市 covers both counties
    assert {r["counterparty_name"] for r in city.farmer_sale_rows()} == {"赵**", "李*", "钱*", "王*"}


def test_the_other_county_sees_its_own_dealer_in_full_and_ours_as_our_county(network, outsider, far_shop):
    trace = selectors.trace_forward(network["lot"], viewer=outsider)
    assert holder(trace, far_shop.name, network["lot"]).stock_kg == 60
    ours = [h for h in trace.holders if h.is_other_county]
    assert {h.name for h in ours} == {"建平县（外县经营者）"}
    assert sum(h.stock_kg for h in ours if h.lot_id == network["lot"].pk) == 300 + 220 + 200
    assert [r["counterparty_name"] for r in trace.farmer_sale_rows()] == ["王五"]


def test_dealers_and_anonymous_users_get_no_forward_trace(network, shop_dealer):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        selectors.trace_forward(network["lot"], viewer=shop_dealer)
    with pytest.raises(NotFound):
        selectors.trace_forward(network["lot"], viewer=AnonymousUser())


def test_the_laboratory_gets_no_trace_of_who_holds_a_lot(network, shop, lab_tech, lab_reviewer, higher_lab):
    """The lab may not read ledgers (``licensing.view_ledger``): the trace, which is ledger data
    (holders, stock, suppliers' invoices), is refused too."""
    for viewer in (lab_tech, lab_reviewer, higher_lab):
        with pytest.raises(NotFound):
            selectors.trace_forward(network["lot"], viewer=viewer)
        with pytest.raises(NotFound):
            selectors.trace_backward(shop, network["lot"], viewer=viewer)


def test_backward_trace_goes_to_suppliers_and_the_producer(network, clerk, shop, wholesaler, seed_producer):
    steps = selectors.trace_backward(shop, network["lot"], viewer=clerk)
    chain = [(s.depth, s.holder, s.source, s.source_kind, s.kg) for s in steps]
    assert chain == [
        (0, shop.name, wholesaler.name, "business", 300),
        (1, wholesaler.name, seed_producer.name, "outside", 1000),
        (-1, "", seed_producer.name, "producer", 0),
    ]
    assert steps[1].documents == ["DN-2026-01"]


def test_backward_trace_passes_through_repacking_to_the_input_lot(network, clerk, wholesaler, seed_producer):
    steps = selectors.trace_backward(wholesaler, network["output"], viewer=clerk)
    kinds = [(s.lot_id, s.source_kind, s.source) for s in steps]
    assert (network["output"].pk, "repacking", f"分装投料：{network['lot']}") in kinds
    assert (network["lot"].pk, "outside", seed_producer.name) in kinds
    producers = {(s.lot_id, s.source) for s in steps if s.depth == -1}
    assert producers == {(network["output"].pk, wholesaler.name), (network["lot"].pk, seed_producer.name)}


def test_a_reversed_repacking_ends_the_link_trace_followed(network, clerk, wholesaler, wholesaler_dealer):
    lot, output = network["lot"], network["output"]
    assert selectors.trace_forward(lot, viewer=clerk).lot_ids == sorted([lot.pk, output.pk])
    # The output's one sale is a mistake, and so was the repacking: both are reversed.
    sale = LedgerEntry.objects.get(lot=output, kind=EntryKind.SALE)
    services.reverse_entry(actor=wholesaler_dealer, entry=sale, reason="录错批次")
    made = LedgerEntry.objects.get(lot=output, kind=EntryKind.REPACK_IN)
    services.reverse_entry(actor=wholesaler_dealer, entry=made, reason="未实际分装")

    [link] = LotDerivation.objects.all()  # kept for the record, marked with the output's reversal
    assert link.reversed_by == LedgerEntry.objects.get(reverses=made)
    trace = selectors.trace_forward(lot, viewer=clerk)
    assert trace.lot_ids == [lot.pk]
    assert {h.lot_id for h in trace.holders} == {lot.pk}
    assert holder(trace, wholesaler.name, lot).stock_kg == 400  # the 100 kg came back
    assert [(b.pk, x.pk) for b, x, _kg, _n in services.holders_of(lot) if x.pk == output.pk] == []
    backward = selectors.trace_backward(wholesaler, output, viewer=clerk)
    assert [s.source_kind for s in backward] == ["producer"]  # the output lot's own producer, no input lot
    assert lot.pk not in {s.lot_id for s in backward}


def test_backward_trace_from_another_county_stops_at_our_border(network, outsider, far_shop, clerk):
    steps = selectors.trace_backward(far_shop, network["lot"], viewer=outsider)
    assert [s.source for s in steps if s.depth == 0] == ["建平县（外县经营者）"]
    with pytest.raises(NotFound):
        selectors.trace_backward(far_shop, network["lot"], viewer=clerk)


def test_a_dealer_traces_back_only_their_own_direct_sources(network, shop, shop_dealer, shop_b, wholesaler):
    steps = selectors.trace_backward(shop, network["lot"], viewer=shop_dealer)
    assert [(s.depth, s.source) for s in steps if s.depth >= 0] == [(0, wholesaler.name)]
    with pytest.raises(NotFound):
        selectors.trace_backward(shop_b, network["lot"], viewer=shop_dealer)


def test_region_reads_for_sampling_and_the_draw(network, wholesaler, shop, shop_b, far_shop, lab_reviewer):
    entered = {lot_id: (business_id, day) for lot_id, business_id, day in selectors.lots_entered_region("211322")}
    assert entered == {network["lot"].pk: (wholesaler.pk, days_ago(20)), network["output"].pk: (wholesaler.pk, days_ago(10))}
    assert [(b, d) for _lot, b, d in selectors.lots_entered_region("211321")] == [(far_shop.pk, days_ago(15))]
    volumes = selectors.sales_volume_by_business("211322", days_ago(30), days_ago(0))
    assert volumes == {wholesaler.pk: Decimal("620"), shop.pk: Decimal("80")}
    assert selectors.sales_volume_by_business("211322", days_ago(4), days_ago(0)) == {
        wholesaler.pk: Decimal("20"), shop.pk: Decimal("30")}

    assert selectors.unqualified_business_ids_since("211322", days_ago(365)) == set()
    services.record_lot_verdict(actor=lab_reviewer, lot=network["lot"], business=shop, verdict=LotVerdict.UNQUALIFIED,
                                decided_on=days_ago(1), source="建检〔2026〕第0001号")
    assert selectors.unqualified_lot_ids_since("211322", days_ago(30)) == {network["lot"].pk}
    assert selectors.unqualified_lot_ids_since("211321", days_ago(30)) == {network["lot"].pk}  # held there too
    assert selectors.unqualified_business_ids_since("211322", days_ago(30)) == {shop.pk, shop_b.pk, wholesaler.pk}
    assert selectors.unqualified_business_ids_since("211321", days_ago(30)) == {far_shop.pk}
    assert selectors.unqualified_lot_ids_since("211322", days_ago(0)) == set()


def test_a_count_that_differs_from_the_ledger_is_flagged(network, inspector, shop, outside_inspector):
    counted = services.record_count_observation(actor=inspector, business=shop, lot=network["lot"], counted_kg="200",
                                                counted_packages=10, observed_on=days_ago(0), source="检查记录")
    assert (counted.ledger_kg, counted.difference_kg, counted.is_flagged) == (220, -20, True)
    earlier = services.record_count_observation(actor=inspector, business=shop, lot=network["lot"], counted_kg="250",
                                                observed_on=days_ago(5))
    assert (earlier.ledger_kg, earlier.is_flagged) == (250, False)  # the stock at the end of that day
    with pytest.raises(NotFound):
        services.record_count_observation(actor=outside_inspector, business=shop, lot=network["lot"], counted_kg="1",
                                          observed_on=days_ago(0))


def test_the_farmer_sale_count_is_the_holders_tally_net_of_reversals(network, clerk, shop_dealer):
    """The lot page's "共 N 笔" comes from the holders' tallies (no second pass over the entries):
    it must be what the farmer-sale list itself holds, before and after a reversal, and without
    the other county's sales."""
    lot = network["lot"]
    trace = selectors.trace_forward(lot, viewer=clerk)
    assert trace.farmer_sale_count == trace.farmer_sales().count() == 3  # 赵大山, 李四, 钱六; not 王五
    from licensing.models import LedgerEntry
    sale = LedgerEntry.objects.get(counterparty_name="李四")
    services.reverse_entry(actor=shop_dealer, entry=sale, reason="录错")
    trace = selectors.trace_forward(lot, viewer=clerk)
    assert trace.farmer_sale_count == trace.farmer_sales().count() == 2
