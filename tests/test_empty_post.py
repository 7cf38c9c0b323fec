"""An empty post (every field left blank, nothing sent) is a form with errors: a 4xx that says
which fields are required, on the pages of every app. ``request.POST or None`` used to read an
empty post as no post: the form stayed unbound and the page answered 422 with no message."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.licensing.conftest import shop, shop_dealer  # noqa: F401  (fixtures)

REQUIRED = "这个字段是必填项。"


@pytest.mark.parametrize("persona,page", [
    ("clerk", "inspections:plan_create"),
    ("clerk", "inspections:complaint_create"),  # a form with files
    ("clerk", "licensing:variety_create"),
    ("clerk", "licensing:business_create"),
    ("clerk", "licensing:import_create"),
    ("lab_tech", "labs:intake"),
    ("shop_dealer", "portal:dealer_purchase"),
])
def test_an_empty_post_is_answered_with_the_required_fields(request, persona, page):
    client = Client()
    client.force_login(request.getfixturevalue(persona))
    response = client.post(reverse(page), {})
    body = response.content.decode()
    assert response.status_code == 422, page
    assert REQUIRED in body and 'role="alert"' in body, page


def test_an_empty_post_to_a_complaint_closes_nothing_and_says_why(client, clerk):
    from inspections import services

    complaint = services.record_complaint(actor=clerk, channel="hotline", anonymous=True, description="发芽率低",
                                          lot_text="郑单958")
    client.force_login(clerk)
    response = client.post(reverse("inspections:complaint_detail", args=[complaint.pk]), {})
    assert response.status_code == 422 and REQUIRED in response.content.decode()
    complaint.refresh_from_db()
    assert complaint.status == "open"
