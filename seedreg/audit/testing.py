"""Test helper: prove that a service call wrote its audit entry."""

from contextlib import contextmanager

from django.contrib.contenttypes.models import ContentType

from .models import AuditEntry


@contextmanager
def assert_audited(action: str, obj=None, *, count: int | None = None, actor=None, reason_required=False):
    """Fail unless the block writes an audit entry with ``action`` (about ``obj`` if given).

        with assert_audited("licensing.licence.revoked", licence, actor=chief):
            revoke_licence(licence, actor=chief, reason="...")
    """
    last = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    yield
    entries = AuditEntry.objects.filter(id__gt=last, action=action)
    if obj is not None:
        entries = entries.filter(object_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
                                 object_id=str(obj.pk))
    if actor is not None:
        entries = entries.filter(actor=actor)
    found = list(entries)
    assert found, f"expected an audit entry {action!r}" + (f" on {obj!r}" if obj is not None else "") + \
        f"; written: {list(AuditEntry.objects.filter(id__gt=last).values_list('action', flat=True))}"
    if count is not None:
        assert len(found) == count, f"expected {count} audit entries {action!r}, found {len(found)}"
    if reason_required:
        assert all(e.reason for e in found), f"audit entry {action!r} has no reason"
