"""The public page (双随机、一公开): plans and published draws, without personal data."""

from django.urls import reverse

from inspections import services


def test_anyone_sees_plans_and_published_draws_but_no_people(client, chief, clerk, directory, shops, campaign,
                                                              peddler, inspector, django_assert_max_num_queries):
    draw = services.run_draw(campaign, actor=chief, ratio="1", seed="public")
    index = client.get(reverse("inspections:public_index")).content.decode()
    assert campaign.name in index and "未公示" in index
    assert client.get(reverse("inspections:public_draw", args=[draw.pk])).status_code == 404

    services.publish_draw(draw, actor=chief)
    # Expect: plans, campaigns, crops, draws, region names (+ session-less request overhead).
    with django_assert_max_num_queries(8):
        index = client.get(reverse("inspections:public_index")).content.decode()
    assert "公示（" in index
    page = client.get(reverse("inspections:public_draw", args=[draw.pk])).content.decode()
    assert shops[0].name in page and "public" in page and draw.document.serial in page
    for person in (inspector.full_name, inspector.enforcement_id, chief.full_name, peddler.name):
        assert person not in page
    assert "个体经营者" in page  # the peddler in 黑水镇 was drawn, under a neutral label
