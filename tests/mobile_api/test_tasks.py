"""GET /tasks: the offline download, its query budget, serial blocks and the task change feed."""

import datetime

import pytest
from django.utils import timezone

from inspections import services as inspections
from seedreg.documents.models import SerialBlock
from tests.mobile_api.conftest import Phone, login


def make_tasks(clerk, businesses, pair, *, planned_in_days=0):
    today = timezone.localdate()
    return [inspections.create_task(actor=clerk, business=b, kind="ad_hoc", due_on=today + datetime.timedelta(days=20),
                                    planned_on=today + datetime.timedelta(days=planned_in_days), inspectors=pair)
            for b in businesses]


@pytest.fixture
def my_tasks(clerk, shops, directory, inspector, inspector2):
    return make_tasks(clerk, shops[:3], [inspector, inspector2])


def test_the_download_has_each_task_with_its_business_and_the_reference_data(phone, my_tasks, licensed):
    body = phone.get("/tasks").json()
    assert [t["id"] for t in body["tasks"]] == [t.pk for t in my_tasks]
    first = body["tasks"][0]
    assert first["business"]["name"] == "建平县第1种子门市部" and first["business"]["latitude"] == 41.403
    assert {p["name"] for p in first["inspectors"]} == {"张执法", "刘执法"}
    assert first["checklist_codes"] and body["checklist_items"] and body["sampling_rules"]
    assert {b["doc_type"] for b in body["serial_blocks"]} == {"visit_record", "sampling_form", "rectification_order"}
    assert all(len(b["free_numbers"]) == 20 for b in body["serial_blocks"])


def test_tasks_planned_beyond_the_window_wait(phone, clerk, shops, directory, inspector, inspector2):
    make_tasks(clerk, shops[:1], [inspector, inspector2], planned_in_days=10)
    assert phone.get("/tasks", {"days": 3}).json()["tasks"] == []
    assert len(phone.get("/tasks", {"days": 10}).json()["tasks"]) == 1


def test_another_pairs_tasks_are_not_mine(clerk, shops, directory, inspector, inspector2, inspector3):
    make_tasks(clerk, shops[:2], [inspector2, inspector3])
    assert Phone(login(inspector)).get("/tasks").json()["tasks"] == []


def test_the_query_count_does_not_grow_with_the_number_of_tasks(phone, clerk, shops, directory, inspector,
                                                                 inspector2, settings):
    settings.MOBILE_DOWNLOAD_CACHE_SECONDS = 0  # measure the computed download, not the cached one
    make_tasks(clerk, shops[:1], [inspector, inspector2])
    phone.get("/tasks")  # reserves the pair's serial blocks
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        phone.get("/tasks")
    make_tasks(clerk, shops[1:], [inspector, inspector2])
    with CaptureQueriesContext(connection) as five:
        assert len(phone.get("/tasks").json()["tasks"]) == 5
    assert len(five.captured_queries) == len(one.captured_queries)


def test_each_phone_gets_a_block_per_on_site_document_topped_up_only_when_low(phone, my_tasks, inspector,
                                                                            inspector2):
    first = phone.get("/tasks").json()["serial_blocks"]
    assert SerialBlock.objects.count() == 3
    phone.get("/tasks")
    assert SerialBlock.objects.count() == 3  # still 20 free numbers each: nothing reserved
    partner = Phone(login(inspector2)).get("/tasks").json()["serial_blocks"]
    assert SerialBlock.objects.count() == 6
    numbers = {(b["doc_type"], n) for b in first for n in b["free_numbers"]}
    assert not numbers & {(b["doc_type"], n) for b in partner for n in b["free_numbers"]}
    assert {b["holder"] for b in first} == {f"inspector:{inspector.pk}:phone-1"}
    # The same inspector's second phone: blocks of its own, so the two never issue one number.
    tablet = Phone(login(inspector, device_id="tablet-2")).get("/tasks").json()["serial_blocks"]
    assert SerialBlock.objects.count() == 9
    assert {b["holder"] for b in tablet} == {f"inspector:{inspector.pk}:tablet-2"}
    assert not numbers & {(b["doc_type"], n) for b in tablet for n in b["free_numbers"]}


def test_a_reassigned_task_is_dropped_from_the_old_phone_and_sent_to_the_new(phone, my_tasks, clerk, inspector,
                                                                             inspector2, inspector3):
    cursor = phone.get("/tasks").json()["cursor"]
    newcomer = Phone(login(inspector3))
    new_cursor = newcomer.get("/changes").json()["cursor"]
    inspections.reassign_task(my_tasks[0], actor=clerk, inspectors=[inspector2, inspector3], reason="张执法回避")
    mine = phone.get("/changes", {"since": cursor}).json()["changes"]
    assert [(c["kind"], c["id"], c["op"]) for c in mine] == [("task", str(my_tasks[0].pk), "delete")]
    theirs = newcomer.get("/changes", {"since": new_cursor}).json()["changes"]
    assert [(c["kind"], c["id"], c["op"]) for c in theirs] == [("task", str(my_tasks[0].pk), "upsert")]


def test_the_download_carries_the_county_settings_the_phone_checks_offline(phone, my_tasks, chief):
    from seedreg.regions.models import Station

    assert phone.get("/tasks").json()["county_settings"] == {
        "county_code": "211322", "geofence_radius_m": 300, "max_accuracy_m": 100, "small_package_kg": 5.0,
        "rectification_days": 15, "resample_exclusion_months": 6}
    station = Station.objects.get(region_id="211322")
    station.settings = {**(station.settings or {}), "inspection_geofence_radius_m": 500, "rectification_days": 10}
    station.save()  # as the station admin's settings page does: the next download shows it
    settings = phone.get("/tasks").json()["county_settings"]
    assert (settings["geofence_radius_m"], settings["rectification_days"]) == (500, 10)
