"""The station chief runs, verifies and publishes a draw in headless Chromium."""

import pytest

from inspections.models import Draw, Task
from tests.conftest import login_browser


@pytest.mark.browser
def test_the_chief_runs_a_draw_and_publishes_it(page, live_server, chief, directory, shops, campaign):
    login_browser(page, live_server, chief.username)
    page.goto(f"{live_server.url}/inspections/campaigns/{campaign.pk}/")
    page.fill("input[name=ratio_percent]", "40")
    page.fill("input[name=seed]", "2026-spring")
    page.click("button:has-text('抽取')")
    page.wait_for_selector("#draw-summary")
    assert "2026-spring" in page.inner_text("#draw-summary")
    draw = Draw.objects.get()
    assert draw.ran_by == chief and draw.subject_count == 2  # 40% of 5 shops, rounded up
    rows = page.locator("#tasks tbody tr")
    assert rows.count() == Task.objects.filter(draw=draw).count() == 2
    page.click("button:has-text('复核抽取')")
    page.wait_for_selector("text=复核一致")
    page.click("button:has-text('出具记录并公示')")
    page.wait_for_selector("text=已公示抽取结果")
    page.click("#draw-summary a:has-text('公示页')")
    page.wait_for_selector("h1:has-text('双随机抽查结果公示')")
    content = page.content()
    for task in draw.outputs["tasks"]:
        assert draw.labels[str(task["business"])]["name"] in content
    assert "张执法" not in content and "刘执法" not in content
