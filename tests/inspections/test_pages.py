"""The station's inspection pages through the test client: every URL for the county's staff,
another county, a dealer and anonymous visitors; forms answer bad input with a 422."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from inspections import services
from inspections.models import Complaint, Task
from inspections.urls import urlpatterns
from tests.factories import PASSWORD
from tests.licensing.conftest import make_dealer

from .conftest import make_sample_pair


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def world(chief, clerk, directory, inspector, inspector2, shops, campaign, crops):
    draw = services.run_draw(campaign, actor=chief, ratio="1", seed="pages")
    services.create_draw_tasks(draw, actor=chief)
    complaint = services.record_complaint(actor=clerk, channel="hotline", business=shops[0],
                                          complainant_name="李老汉", complainant_phone="13904219876",
                                          description="出苗差")
    task = Task.objects.filter(draw=draw, inspectors=inspector).first()  # only its pair may check in
    visit = services.start_visit(actor=inspector, task=task)
    record = make_sample_pair([inspector, inspector2], shops[1], crops["maize"])
    return {"campaign": campaign, "draw": draw, "complaint": complaint, "task": task, "visit": visit,
            "plan": campaign.plan, "profile": directory[inspector.pk], "business": shops[0], "record": record,
            "inspector": inspector}


def station_urls(w):
    return {
        "campaign_list": ("get", reverse("inspections:campaign_list")),
        "plan_create": ("get", reverse("inspections:plan_create")),
        "campaign_create": ("get", reverse("inspections:campaign_create", args=[w["plan"].pk])),
        "campaign_detail": ("get", reverse("inspections:campaign_detail", args=[w["campaign"].pk])),
        "draw_run": ("post", reverse("inspections:draw_run", args=[w["campaign"].pk])),
        "draw_verify": ("post", reverse("inspections:draw_verify", args=[w["draw"].pk])),
        "draw_publish": ("post", reverse("inspections:draw_publish", args=[w["draw"].pk])),
        "inspector_list": ("get", reverse("inspections:inspector_list")),
        "inspector_edit": ("get", reverse("inspections:inspector_edit", args=[w["inspector"].pk])),
        "conflict_create": ("get", reverse("inspections:conflict_create", args=[w["profile"].pk])),
        "complaint_list": ("get", reverse("inspections:complaint_list")),
        "complaint_create": ("get", reverse("inspections:complaint_create")),
        "complaint_detail": ("get", reverse("inspections:complaint_detail", args=[w["complaint"].pk])),
        "task_list": ("get", reverse("inspections:task_list")),
        "task_reassign": ("get", reverse("inspections:task_reassign", args=[w["task"].pk])),
        "my_tasks": ("get", reverse("inspections:my_tasks")),
        "rectification_list": ("get", reverse("inspections:rectification_list")),
        "business_timeline": ("get", reverse("inspections:business_timeline", args=[w["business"].pk])),
        "visit_detail": ("get", reverse("inspections:visit_detail", args=[w["visit"].pk])),
    }


PUBLIC = {"public_index", "public_draw"}
# The forms for doing a visit: tested in test_visit_forms.py, test_visit_join_and_count.py and
# tests/test_permission_matrix.py.
VISIT_FORMS = {"visit_start", "task_visit_start", "peddler_visit", "visit_checklist", "finding_create",
               "sampling_create", "visit_close", "rectification_conclude", "visit_join", "stock_count"}


def test_every_url_has_a_permission_row(world):
    names = {p.name for p in urlpatterns}
    assert names == set(station_urls(world)) | PUBLIC | VISIT_FORMS


def test_the_county_chief_opens_every_page(client, world, chief):
    login(client, chief)
    for name, (method, url) in station_urls(world).items():
        if name == "draw_run":
            continue  # the campaign is drawn already: a second draw is refused (tested below)
        response = getattr(client, method)(url)
        assert response.status_code in (200, 302), (name, response.status_code)


@pytest.mark.parametrize("who", ["outsider", "dealer", "anonymous"])
def test_nobody_else_sees_the_county_inspections(client, who, outsider, clerk, world):
    if who == "outsider":
        login(client, outsider)
    elif who == "dealer":
        login(client, make_dealer(clerk, world["business"], "13904210077"))
    for name, (method, url) in station_urls(world).items():
        response = getattr(client, method)(url)
        if who == "anonymous":
            assert response.status_code == 302 and "/accounts/login/" in response["Location"], name
        elif who == "dealer" or name not in ("campaign_list", "plan_create", "complaint_list", "complaint_create",
                                             "task_list", "my_tasks", "rectification_list", "inspector_list"):
            assert response.status_code == 404, (name, response.status_code)
        else:  # another county's chief opens their own (empty) lists
            assert response.status_code == 200, name
            body = response.content.decode()
            assert world["business"].name not in body and world["campaign"].name not in body, name


def test_inspectors_and_clerks_are_refused_what_is_the_chiefs(client, clerk, inspector, world):
    login(client, clerk)
    assert client.post(reverse("inspections:draw_publish", args=[world["draw"].pk])).status_code == 403
    login(client, inspector)
    for name in ("plan_create", "complaint_list", "inspector_edit"):
        method, url = station_urls(world)[name]
        assert getattr(client, method)(url).status_code == 403, name


def test_complainant_details_are_shown_only_to_county_staff(client, clerk, supervisor, world):
    login(client, clerk)
    url = reverse("inspections:complaint_detail", args=[world["complaint"].pk])
    assert "13904219876" in client.get(url).content.decode()
    login(client, supervisor)
    response = client.get(url)
    assert response.status_code in (403, 404) and "13904219876" not in response.content.decode()


def test_a_second_draw_is_refused_on_the_form(client, chief, world):
    login(client, chief)
    response = client.post(reverse("inspections:draw_run", args=[world["campaign"].pk]), {"count": "1",
                                                                                          "inspectors_per_task": "2"})
    assert response.status_code == 422 and "已经抽取过" in response.content.decode()


def test_a_complaint_with_a_photo_through_the_form(client, clerk, shops):
    login(client, clerk)
    photo = io.BytesIO()
    Image.new("RGB", (64, 48), (10, 120, 10)).save(photo, "JPEG")
    photo.seek(0)
    photo.name = "evidence.jpg"
    response = client.post(reverse("inspections:complaint_create"), {
        "channel": "visit", "anonymous": "on", "business": shops[2].pk, "description": "标签不全", "photos": photo})
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.photos.count() == 1
    bad = client.post(reverse("inspections:complaint_create"), {"channel": "visit", "description": "x"})
    assert bad.status_code == 422 and "请选择被投诉的经营主体" in bad.content.decode()


def test_campaign_page_lists_tasks_within_a_query_budget(client, chief, world, django_assert_max_num_queries):
    login(client, chief)
    url = reverse("inspections:campaign_detail", args=[world["campaign"].pk])
    # session + user, campaign, draw, verifications, progress (5 aggregates + regions), tasks with
    # businesses, their inspectors, crop names, task count, nav: a fixed number whatever the task count.
    with django_assert_max_num_queries(20):
        response = client.get(url)
    assert response.status_code == 200 and world["business"].name in response.content.decode()


def test_the_day_route_page(client, clerk, inspector, world, shops):
    day = timezone.localdate() + datetime.timedelta(days=2)
    for task in Task.objects.filter(draw=world["draw"])[:3]:
        services.plan_task_day(task, actor=clerk, day=day)
    login(client, inspector)
    page = client.get(reverse("inspections:my_tasks") + f"?day={day.isoformat()}").content.decode()
    assert "千米" in page and "自种子站出发" in page


def test_a_drawn_tasks_reasons_and_blocked_crops_read_in_chinese(client, chief, clerk, directory, inspector, shops,
                                                                 campaign, crops):
    """The draw keeps its rule codes (open_complaint, maize); the campaign page and the phone's
    download showed them as such (found by tests/test_regulatory_loop.py)."""
    from tests.mobile_api.conftest import Phone
    from tests.mobile_api.conftest import login as phone_login

    services.record_complaint(actor=clerk, channel="hotline", business=shops[0], anonymous=True, description="出苗差")
    make_sample_pair([inspector], shops[0], crops["maize"], sampled_at=timezone.now() - datetime.timedelta(days=30))
    draw = services.run_draw(campaign, actor=chief, ratio="1", seed="labels")
    services.create_draw_tasks(draw, actor=chief)
    page = login(client, chief).get(reverse("inspections:campaign_detail", args=[campaign.pk])).content.decode()
    assert "有未办结的投诉举报（不得抽样：玉米）" in page and "随机抽取" in page
    assert "open_complaint" not in page and "maize" not in page
    tasks = Phone(phone_login(inspector)).get("/tasks").json()["tasks"]
    assert tasks and {r for task in tasks for r in task["reasons"]} <= {"有未办结的投诉举报", "随机抽取"}


def _add_tasks(campaign, shops, inspectors, n):
    """n more open tasks of the campaign (bulk: the pages read them, how they came is not at issue)."""
    from seedreg.regulated import service_context
    due = timezone.localdate() + datetime.timedelta(days=5)
    with service_context():
        tasks = Task.objects.bulk_create([Task(region_code=shops[i % len(shops)].region_code, kind="drawn",
                                               campaign=campaign, business=shops[i % len(shops)], due_on=due)
                                          for i in range(n)])
        Task.inspectors.through.objects.bulk_create([Task.inspectors.through(task_id=t.pk, user_id=u.pk)
                                                     for t in tasks for u in inspectors])


@pytest.mark.parametrize("name", ["task_list", "campaign_detail"])
def test_task_pages_show_50_a_page_with_the_same_queries_for_few_and_many(
        client, chief, world, shops, inspector, inspector2, name):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    login(client, chief)
    url = station_urls(world)[name][1]
    client.get(url)  # warm the session
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _add_tasks(world["campaign"], shops, [inspector, inspector2], 120)
    with CaptureQueriesContext(connection) as many:
        first = client.get(url).content.decode()
    assert len(many) == len(few)
    assert first.count('<td data-label="检查对象">') == 50 and "第 1 / 3 页" in first
    last = client.get(url + "?page=3").content.decode()
    assert "第 3 / 3 页" in last and "上一页" in last
