"""The demo county gets a spring campaign with a published draw, tasks for the coming days,
visits with findings and photos, and samples waiting for the lab."""

from django.core.management import call_command

from inspections import selectors
from inspections.models import Draw, Photo, RectificationOrder, Sample, Task, Visit
from seedreg.accounts.models import User


def test_the_demo_county_has_inspections_to_look_at(db):
    call_command("load_demo")
    draw = Draw.objects.get()
    assert draw.published_at and draw.document and "春季" in draw.campaign.name
    assert Task.objects.filter(draw=draw, status="open", planned_on__isnull=False).exists()
    # Two visits of its own (the labs demo then samples four more shops of the campaign).
    assert Visit.objects.filter(status="closed").exclude(samplings__samples__lab_sample__isnull=False).count() == 2
    assert RectificationOrder.objects.count() == 1 and Photo.objects.filter(finding__isnull=False).count() == 2
    lab = User.objects.get(username="jianyan")
    waiting = selectors.samples_awaiting_intake(lab)
    assert waiting.count() == 1 and Sample.objects.exclude(sampling__samples__lab_sample__isnull=False).count() == 2
    call_command("load_demo")  # idempotent
    assert Draw.objects.count() == 1
