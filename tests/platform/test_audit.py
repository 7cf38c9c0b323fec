import pytest
from django.db import DatabaseError, connection, transaction

from seedreg.audit.models import AppendOnlyError, AuditEntry
from seedreg.audit.services import audited, log_action
from seedreg.audit.testing import assert_audited
from seedreg.regions.models import Station
from seedreg.regulated import service_context

pytestmark = pytest.mark.django_db


@pytest.fixture
def station(geo):
    return Station.objects.get(region_id="211322")


def test_a_change_is_recorded_with_actor_before_after_and_reason(station, chief):
    with service_context(), audited(station, "regions.station.renamed", actor=chief, reason="机构更名"):
        station.name = "建平县农业发展服务中心"
        station.save()
    entry = AuditEntry.objects.get(action="regions.station.renamed")
    assert entry.actor == chief
    assert entry.reason == "机构更名"
    assert entry.region_code == "211322"
    assert ("name", "建平县种子管理站", "建平县农业发展服务中心") in entry.changes()


def test_log_action_refuses_to_run_outside_a_transaction(station, chief):
    with pytest.raises(RuntimeError):
        log_action(station, "regions.station.touched", actor=chief)


def test_entries_carry_the_request_id(station, chief, client):
    from seedreg.audit.context import reset_request_id, set_request_id

    token = set_request_id("req-1234567890")
    try:
        with service_context():
            entry = log_action(station, "regions.station.touched", actor=chief)
    finally:
        reset_request_id(token)
    assert entry.request_id == "req-1234567890"


def test_entries_cannot_be_changed_or_deleted_through_the_orm(station, chief):
    with service_context():
        entry = log_action(station, "regions.station.touched", actor=chief)
    entry.reason = "tampered"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(reason="tampered")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).delete()


def test_the_database_refuses_an_update_even_in_raw_sql(station, chief):
    with service_context():
        entry = log_action(station, "regions.station.touched", actor=chief)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET reason = 'tampered' WHERE id = %s", [entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).reason == ""


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row DELETE triggers: PostgreSQL (see seedreg.lib.appendonly)")
def test_postgresql_refuses_a_raw_delete(station, chief):
    with service_context():
        entry = log_action(station, "regions.station.touched", actor=chief)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [entry.pk])


def test_assert_audited_fails_when_nothing_was_logged(station, chief):
    with pytest.raises(AssertionError), assert_audited("regions.station.renamed", station):
        pass


def test_the_timeline_page_shows_a_records_changes_to_its_station_staff(station, chief, client):
    with service_context(), audited(station, "regions.station.renamed", actor=chief, reason="机构更名"):
        station.name = "新名称"
        station.save()
    client.force_login(chief)
    response = client.get(f"/audit/regions/station/{station.pk}/")
    assert response.status_code == 200
    assert "机构更名" in response.content.decode()


def test_the_timeline_is_not_found_for_another_county_or_a_lab(station, chief, outsider, lab_tech, client):
    with service_context():
        log_action(station, "regions.station.touched", actor=chief)
    for user in (outsider, lab_tech):
        client.force_login(user)
        assert client.get(f"/audit/regions/station/{station.pk}/").status_code in (403, 404)
    client.force_login(outsider)
    assert client.get(f"/audit/regions/station/{station.pk}/").status_code == 404
    assert client.get("/audit/regions/station/999999/").status_code == 404
    assert client.get("/audit/nosuch/model/1/").status_code == 404
