"""Tasks: one pair per task, reassignment audited."""

import datetime

import pytest
from django.utils import timezone

from inspections import services
from seedreg.audit.models import AuditEntry
from seedreg.errors import InvalidInput, NotFound, PermissionDenied, RuleViolation


@pytest.fixture
def task(clerk, directory, inspector, inspector2, shops):
    return services.create_task(actor=clerk, business=shops[0], kind="ad_hoc",
                                due_on=timezone.localdate() + datetime.timedelta(days=7),
                                inspectors=[inspector, inspector2])


def test_reassignment_is_audited_with_both_pairs_and_the_reason(clerk, task, inspector, inspector2, inspector3):
    services.reassign_task(task, actor=clerk, inspectors=[inspector2, inspector3], reason="张执法出差")
    assert set(task.inspectors.all()) == {inspector2, inspector3}
    entry = AuditEntry.objects.get(action="inspections.task.reassigned")
    assert entry.before == {"inspectors": sorted([inspector.pk, inspector2.pk])}
    assert entry.after == {"inspectors": sorted([inspector2.pk, inspector3.pk])} and entry.reason == "张执法出差"


def test_reassignment_needs_a_reason_and_a_valid_pair(clerk, chief, task, directory, inspector, inspector3, shops):
    with pytest.raises(InvalidInput):
        services.reassign_task(task, actor=clerk, inspectors=[inspector, inspector3], reason=" ")
    services.declare_conflict(directory[inspector3.pk], actor=chief, business=shops[0], reason="亲属")
    with pytest.raises(RuleViolation):
        services.reassign_task(task, actor=clerk, inspectors=[inspector, inspector3], reason="调整")


def test_inspectors_and_other_counties_cannot_assign(task, inspector, inspector3, outsider):
    with pytest.raises(PermissionDenied):
        services.reassign_task(task, actor=inspector, inspectors=[inspector, inspector3], reason="x")
    with pytest.raises(NotFound):
        services.reassign_task(task, actor=outsider, inspectors=[inspector, inspector3], reason="x")
