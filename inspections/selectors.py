"""Read queries of the inspections app, scoped to the caller's jurisdiction. Other apps (labs,
portal, mobile_api) read inspections through these."""

from __future__ import annotations

from seedreg.errors import NotFound

from .models import Sample


def sample_by_code(code: str, *, viewer) -> Sample:
    """The sample whose seal label carries ``code``, if ``viewer`` may see it; else NotFound."""
    code = (code or "").strip().upper()
    if not code or len(code) > 40:
        raise NotFound()
    try:
        return Sample.objects.visible_to(viewer).select_related(
            "sampling__crop", "sampling__business", "sampling__document", "holder_user").get(code=code)
    except Sample.DoesNotExist as exc:
        raise NotFound() from exc


def samples_awaiting_intake(viewer):
    """Test samples sealed in the field and not yet received by a lab."""
    return (Sample.objects.visible_to(viewer)
            .filter(role=Sample.Role.TEST, status__in=[Sample.Status.SEALED, Sample.Status.IN_TRANSIT])
            .select_related("sampling__crop", "sampling__business", "holder_user")
            .order_by("sampling__sampled_at"))


def custody_chain(sample: Sample):
    return sample.custody.select_related("from_user", "to_user", "recorded_by").order_by("at", "id")
