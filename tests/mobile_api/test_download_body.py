"""The task download renders its tasks as built, without passing them through the schema: the
bytes must be those the schema would give, for a download with every part filled in."""

import json

import pytest
from django.utils import timezone, translation

from inspections.models import Task
from licensing import services
from mobile_api.endpoints.tasks import render_download, tasks_download
from seedreg.lib.choices import choice_label
from seedreg.regulated import service_context
from tests.licensing.test_filings import dongya  # noqa: F401  (fixture)
from tests.mobile_api.test_follow_ups import complaint, complaint_task, order  # noqa: F401  (fixtures)
from tests.mobile_api.test_lots import stocked, stop_sale  # noqa: F401  (fixture)
from tests.mobile_api.test_tasks import make_tasks


@pytest.fixture
def full_day(clerk, chief, shop, stocked, licensed, dongya, varieties, complaint_task, order,  # noqa: F811
             inspector, inspector2):
    """Tasks with a complaint, a rectification order, a licence, a filing, lots held and one
    under a stop-sale order."""
    with service_context():
        services.record_filing(shop, actor=clerk, filing_type="packaged_seller", principal_outside=dongya,
                               principal_licence_number=dongya.licence_number, sale_location=shop.address,
                               filed_on=timezone.localdate(), event_on=timezone.localdate(),
                               items=[(varieties["郑单958"], "2000")])
    stop_sale(clerk, chief, stocked)
    return make_tasks(clerk, [shop, licensed.business], [inspector, inspector2])


def blank_time(body: dict) -> dict:
    return {**body, "generated_at": None}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_download_is_what_the_schema_would_render(phone, full_day, inspector, language):
    served = phone.get("/tasks", {"days": 30}, headers={"Accept-Language": language})
    assert served.status_code == 200
    with translation.override(language):
        content = tasks_download(inspector, 30, "phone-1")
        fast, through_schema = render_download(content), render_download(content, validate_tasks=True)
    assert fast == through_schema
    tasks = json.loads(fast)["tasks"]
    # Every part is there, so no field went unchecked.
    assert {t["kind"] for t in tasks} == {"ad_hoc", "complaint", "follow_up"}
    assert any(t["complaint"] for t in tasks) and any(t["rectification_orders"] for t in tasks)
    assert any(t["business"]["licences"] for t in tasks) and any(t["business"]["filings"] for t in tasks)
    assert any(t["stop_sale_lots"] for t in tasks)
    # The endpoint serves the same (its serial blocks and cursor unchanged since).
    assert blank_time(served.json()) == blank_time(json.loads(through_schema))


def test_a_choice_label_is_the_display_in_each_language(full_day):
    task = Task.objects.filter(kind="complaint").select_related("complaint").get()
    for language in ("zh-hans", "en", "zh-hans"):  # labels kept for one language never serve another
        with translation.override(language):
            assert choice_label(task, "kind") == str(task.get_kind_display())
            assert choice_label(task.complaint, "channel") == str(task.complaint.get_channel_display())
    with translation.override("en"):
        assert choice_label(task, "kind") != choice_label(Task(kind="ad_hoc"), "kind")
    task.kind = "no-such-kind"
    assert choice_label(task, "kind") == "no-such-kind" == task.get_kind_display()
