"""What inspections read from and write to the ledgers kept by licensing: mandatory draw
inclusions, first-batch sampling items, stock counts at a visit, lot picking, stop-sale lots."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from inspections import services
from inspections.models import Finding
from licensing import services as licensing
from seedreg.errors import InvalidInput
from seedreg.regions.models import Station
from tests.licensing.conftest import days_ago

from .test_sampling import sample


def buy(clerk, business, lot, kg, producer, on=None):
    return licensing.record_purchase(actor=clerk, business=business, lot=lot, quantity_kg=kg,
                                     occurred_on=on or days_ago(20), supplier_outside=producer)


@pytest.fixture
def visit(clerk, directory, inspector, inspector2, shops):
    task = services.create_task(actor=clerk, business=shops[0], kind="ad_hoc",
                                due_on=timezone.localdate() + datetime.timedelta(days=7),
                                inspectors=[inspector, inspector2])
    return services.start_visit(actor=inspector, task=task)


def test_large_volume_sellers_are_always_drawn(chief, clerk, directory, shops, campaign, lot, seed_producer):
    buy(clerk, shops[1], lot, "20000", seed_producer)
    licensing.record_sale(actor=clerk, business=shops[1], lot=lot, quantity_kg="12000", occurred_on=days_ago(3),
                          farmer_name="赵大山")
    buy(clerk, shops[2], lot, "5000", seed_producer)
    licensing.record_sale(actor=clerk, business=shops[2], lot=lot, quantity_kg="3000", occurred_on=days_ago(3),
                          farmer_name="钱二")
    draw = services.run_draw(campaign, actor=chief, count=0, seed="volume")
    assert [(t["business"], t["reasons"]) for t in draw.outputs["tasks"]] == [(shops[1].pk, ["large_volume"])]


def test_the_draw_reads_the_ledgers_in_the_same_queries_for_one_sale_and_for_many(
        chief, clerk, directory, shops, campaign, lot, seed_producer, django_assert_max_num_queries):
    """At province scale the region's ledgers hold millions of entries: the draw's inputs come
    from aggregates, never a query per business, sale or lot."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from seedreg.regulated import service_context

    with service_context():
        campaign.take_first_batch = True
        campaign.save()
    buy(clerk, shops[0], lot, "500", seed_producer)
    licensing.record_sale(actor=clerk, business=shops[0], lot=lot, quantity_kg="5", occurred_on=days_ago(3),
                          farmer_name="赵大山")
    with CaptureQueriesContext(connection) as few:
        services.collect_draw_inputs(campaign, as_of=timezone.now())
    for shop in shops:
        buy(clerk, shop, lot, "20000", seed_producer)
        for n in range(3):
            licensing.record_sale(actor=clerk, business=shop, lot=lot, quantity_kg="4000", occurred_on=days_ago(n + 1),
                                  farmer_name=f"农户{n}")
    with django_assert_max_num_queries(len(few)):
        inputs = services.collect_draw_inputs(campaign, as_of=timezone.now())
    assert {int(pk) for pk, reasons in inputs["mandatory"].items() if "large_volume" in reasons} == {
        shop.pk for shop in shops}


def test_businesses_unqualified_in_the_last_months_are_always_drawn(chief, clerk, directory, shops, campaign, lot):
    licensing.record_lot_verdict(actor=clerk, lot=lot, business=shops[2], verdict="unqualified",
                                 decided_on=days_ago(60), source="2026春季抽检")
    draw = services.run_draw(campaign, actor=chief, count=0, seed="bad")
    assert [(t["business"], t["reasons"]) for t in draw.outputs["tasks"]] == [(shops[2].pk, ["unqualified_recent"])]


def test_the_unqualified_window_is_a_county_setting(chief, clerk, directory, shops, campaign, lot):
    Station.objects.filter(region_id="211322").update(settings={"draw_unqualified_months": 1})
    licensing.record_lot_verdict(actor=clerk, lot=lot, business=shops[2], verdict="fake", decided_on=days_ago(60))
    draw = services.run_draw(campaign, actor=chief, count=0, seed="bad")
    assert draw.outputs["tasks"] == [] and draw.rules["unqualified_months"] == 1


def test_a_lot_new_to_the_county_is_due_for_first_batch_sampling_until_sampled(
        chief, clerk, directory, inspector, shops, campaign, lot, seed_producer, crops):
    buy(clerk, shops[0], lot, "1200", seed_producer)
    county = "211322"
    assert services.first_batch_due(county) == [(lot.pk, shops[0].pk, days_ago(20))]
    from seedreg.regulated import service_context

    with service_context():
        campaign.take_first_batch = True
        campaign.save()
    draw = services.run_draw(campaign, actor=chief, count=0, seed="first")
    assert [(t["business"], t["reasons"]) for t in draw.outputs["tasks"]] == [(shops[0].pk, ["first_batch_due"])]
    services.create_draw_tasks(draw, actor=chief)
    task = draw.tasks.get()
    drawn = task.inspectors.order_by("pk").first()  # only the drawn pair may check in
    visit = services.start_visit(actor=drawn, task=task)
    record = sample(visit, drawn, crops, lot=lot, crop=None, variety_name="", lot_number="", label=None,
                    lot_size_kg="1200", packages=60)
    assert record.lot == lot and record.variety_name == "郑单958" and record.lot_number == "ZD2026-001"
    assert record.label["germination"] == "85.00" and record.producer_name == seed_producer.name
    assert services.first_batch_due(county) == []


def test_a_lot_not_in_the_dealers_stock_cannot_be_picked(visit, inspector, crops, lot):
    with pytest.raises(InvalidInput) as exc:
        sample(visit, inspector, crops, lot=lot)
    assert exc.value.code == "lot_not_held"


def test_an_unknown_lot_is_recorded_from_its_label_through_licensing(visit, inspector, crops, varieties,
                                                                    seed_producer):
    record = sample(visit, inspector, crops, crop=None, variety_name="", lot_number="", label=None, new_lot={
        "variety": varieties["东单6531"], "lot_number": "DD-2026-09", "producer_outside": seed_producer,
        "germination": "90", "purity": "97"})
    assert record.lot.lot_number == "DD-2026-09" and record.lot.registered_by == inspector
    assert record.label["germination"] == "90.00" and record.variety_name == "东单6531"


def test_a_stock_count_at_the_visit_goes_to_the_ledger_and_a_difference_is_a_finding(
        clerk, visit, inspector, shops, lot, seed_producer):
    buy(clerk, shops[0], lot, "500", seed_producer)
    same = services.record_stock_count(visit, actor=inspector, lot=lot, counted_kg="500")
    assert not same.is_flagged and same.source == f"现场检查#{visit.pk}"
    off = services.record_stock_count(visit, actor=inspector, lot=lot, counted_kg="380", counted_packages=19)
    assert off.is_flagged and off.difference_kg == Decimal("-120.000")
    finding = Finding.objects.get(visit=visit)
    assert finding.finding_type.code == "stock_mismatch" and "台账500" in finding.description


def test_lots_under_stop_sale_are_shown_on_the_checklist(chief, clerk, visit, shops, lot, seed_producer):
    buy(clerk, shops[0], lot, "500", seed_producer)
    order = licensing.draft_stop_sale_order(actor=clerk, lot=lot, reason="抽检不合格", legal_basis="种子法第48条")
    licensing.review_stop_sale_order(actor=chief, order=order)
    licensing.issue_stop_sale_order(actor=chief, order=order)
    hints = services.checklist_hints(visit)
    assert hints["no_stop_sale_lot"] == [lot] and hints["not_past_guarantee"] == []
