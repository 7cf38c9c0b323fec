"""``insert_new``: many new rows at once (COPY on PostgreSQL, bulk_create elsewhere), each
object given the id its row has, the table's sequence left past them."""

import datetime

import pytest

from seedreg.audit.models import AuditEntry
from seedreg.audit.services import log_action, log_actions
from seedreg.lib.copyinsert import insert_new
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
