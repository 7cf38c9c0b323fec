"""``insert_new`` / ``insert_values``: many new rows at once (COPY on PostgreSQL, bulk_create elsewhere), each
object given the id its row has, the table's sequence left past them."""

import datetime

import pytest

from seedreg.audit.models import AuditEntry
from seedreg.audit.services import log_action, log_actions, log_new_rows
from seedreg.lib.copyinsert import insert_new, insert_values
from seedreg.regions.models import Station
from seedreg.regulated import RegulatedWriteError, service_context

pytestmark = pytest.mark.django_db


def test_rows_read_back_as_written_with_the_ids_the_objects_were_given(geo, chief):
    station = Station.objects.get(region_id="211322")
    with service_context():
        written = log_actions([(station, "regions.station.counted", {"n": i, "kg": "2.500", "note": "东村\t\"一组\"\n"})
                               for i in range(5)], actor=chief, parent=station)
        after = log_action(station, "regions.station.touched", actor=chief)
    ids = [entry.pk for entry in written]
    assert None not in ids and len(set(ids)) == 5
    assert after.pk > max(ids)  # the sequence moved past the copied rows
    rows = {row.pk: row for row in AuditEntry.objects.filter(pk__in=ids)}
    for i, entry in enumerate(written):
        row = rows[entry.pk]
        assert not entry._state.adding
        assert (row.action, row.actor_id, row.object_id, row.parent_id, row.region_code) == (
            "regions.station.counted", chief.pk, str(station.pk), str(station.pk), "211322")
        assert row.data == {"n": i, "kg": "2.500", "note": "东村\t\"一组\"\n"}  # JSON, tabs and quotes intact
        assert row.created_at == entry.created_at and row.created_at.tzinfo is not None
        assert row.after["name"] == station.name


def test_regulated_rows_only_inside_a_service():
    from licensing.models import LedgerEntry

    entry = LedgerEntry(business_id=1, lot_id=1, kind="purchase", quantity_kg=1, occurred_on=datetime.date(2026, 3, 1),
                        region_code="211322102")
    with pytest.raises(RegulatedWriteError):
        insert_new(LedgerEntry, [entry])
    assert not LedgerEntry.objects.exists()


def test_rows_from_values_read_back_as_written_with_the_ids_returned(geo, chief):
    """``log_new_rows`` (through ``insert_values``): no model objects, the ids returned in
    order, every field as ``log_action`` would set it, the sequence left past them."""
    station = Station.objects.get(region_id="211322")
    with service_context():
        log_new_rows(Station, [(f"{station.pk}-{i}", "regions.station.counted", f"标签{i}", "" if i else "211322001",
                                {"row": i, "note": "东村\t\"一组\"\n"}) for i in range(3)],
                     actor=chief, parent=station)
        after = log_action(station, "regions.station.touched", actor=chief)
    rows = list(AuditEntry.objects.filter(action="regions.station.counted").order_by("pk"))
    assert [row.object_id for row in rows] == [f"{station.pk}-{i}" for i in range(3)]
    assert after.pk > rows[-1].pk
    for i, row in enumerate(rows):
        assert (row.actor_id, row.actor_label, row.parent_id, row.object_label) == (
            chief.pk, after.actor_label, str(station.pk), f"标签{i}")
        assert row.object_type_id == row.parent_type_id == after.object_type_id  # both Station
        assert row.region_code == ("211322001" if i == 0 else "211322")  # the row's own, else the parent's
        assert row.data == {"row": i, "note": "东村\t\"一组\"\n"} and row.after is None and row.reason == ""
        assert row.created_at.tzinfo is not None


def test_values_of_regulated_rows_only_inside_a_service():
    from licensing.models import LedgerEntry

    with pytest.raises(RegulatedWriteError):
        insert_values(LedgerEntry, [{"business_id": 1, "lot_id": 1, "kind": "purchase", "quantity_kg": 1,
                                     "occurred_on": datetime.date(2026, 3, 1), "region_code": "211322102"}])
    assert not LedgerEntry.objects.exists()
