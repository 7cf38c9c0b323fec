"""The inspection pages in English: a station clerk or an inspector who chooses English reads the
campaign list, a campaign, the task list and a visit with English labels; Chinese stays the default."""

import pytest
from django.urls import reverse

from tests.licensing.test_english_pages import english_client

from .test_pages import login, world  # noqa: F401  (the county's campaign, draw, tasks and a visit)


@pytest.mark.django_db
def test_the_campaign_list_reads_in_english(client, clerk, world):  # noqa: F811
    html = english_client(client, clerk).get(reverse("inspections:campaign_list")).content.decode()
    for label in ["Inspection plans and campaigns", "New annual plan", "New campaign", ">Mode<", ">Season<",
                  ">Period<", "Day route", "Inspector roster"]:
        assert label in html, label
    assert "监督检查计划与专项检查" not in html and "新建年度计划" not in html and ">方式<" not in html


@pytest.mark.django_db
def test_a_campaign_and_the_task_list_read_in_english(client, chief, world):  # noqa: F811
    english = english_client(client, chief)
    campaign = english.get(reverse("inspections:campaign_detail", args=[world["campaign"].pk])).content.decode()
    assert "Double-random draw" in campaign and "businesses in all" in campaign and "Progress" in campaign
    assert f"Inspection tasks ({world['draw'].subject_count})" in campaign
    assert "随机种子" not in campaign and "按乡镇" not in campaign
    tasks = english.get(reverse("inspections:task_list")).content.decode()
    assert "Open inspection tasks" in tasks and "Planned day" in tasks and ">Reassign<" in tasks
    assert "待检查任务" not in tasks


@pytest.mark.django_db
def test_a_visit_page_reads_in_english_and_stays_chinese_by_default(client, world):  # noqa: F811
    url = reverse("inspections:visit_detail", args=[world["visit"].pk])
    chinese = login(client, world["inspector"]).get(url).content.decode()
    assert f"现场检查：{world['visit'].subject_name}" in chinese and "记录检查发现" in chinese
    html = english_client(client, world["inspector"]).get(url).content.decode()
    assert f"Visit: {world['visit'].subject_name}" in html
    for label in ["Record a finding", "Finish the visit", ">Sampling<", ">Time<", ">Position<", "Not answered",
                  "Inspecting"]:
        assert label in html, label
    assert "记录检查发现" not in html and "结束检查" not in html and "未填写" not in html
