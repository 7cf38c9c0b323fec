"""Joining a visit and counting stock at it, from the visit's page (the station's web pages):
the service's refusals (task assignment, conflicts of interest, a closed visit, a peddler
without a ledger) come back as form errors, never a 500."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from inspections import services
from inspections.models import Finding, Visit
from licensing.models import CountObservation

from .test_ledger_wiring import buy
from .test_visit_forms import login


@pytest.fixture
def alone(directory, inspector, shops):
    """An ad hoc visit the inspector started alone at the first shop (the colleague joins later)."""
    return services.start_visit(actor=inspector, business=shops[0])


@pytest.fixture
def paired(clerk, directory, inspector, inspector2, shops):
    task = services.create_task(actor=clerk, business=shops[0], kind="ad_hoc",
                                due_on=timezone.localdate() + datetime.timedelta(days=7),
                                inspectors=[inspector, inspector2])
    return services.start_visit(actor=inspector, task=task)


def detail(client, visit):
    return client.get(reverse("inspections:visit_detail", args=[visit.pk])).content.decode()


def join(client, visit, user):
    return client.post(reverse("inspections:visit_join", args=[visit.pk]), {"inspector": user.pk})


# --- joining ---------------------------------------------------------------------------------------

def test_an_inspector_not_on_the_visit_joins_it_from_its_page(client, inspector, inspector3, alone):
    login(client, inspector3)
    page = detail(client, alone)
    assert 'id="visit-join"' in page and "加入检查" in page and 'id="visit-colleague"' not in page
    response = join(client, alone, inspector3)
    assert response.status_code == 302 and response["Location"] == reverse("inspections:visit_detail", args=[alone.pk])
    assert set(alone.inspectors.all()) == {inspector, inspector3}
    # On the visit now: no join button, the colleague picker instead.
    page = detail(client, alone)
    assert 'id="visit-join"' not in page and 'id="visit-colleague"' in page


def test_someone_on_the_visit_adds_a_colleague_but_not_one_who_must_recuse(client, chief, directory, inspector,
                                                                         inspector2, inspector3, alone, shops):
    services.declare_conflict(directory[inspector3.pk], actor=chief, business=shops[0], reason="亲属经营")
    login(client, inspector)
    page = detail(client, alone)
    assert 'id="visit-colleague"' in page and "赵执法" in page and "刘执法" in page  # the directory, as the service
    refused = join(client, alone, inspector3)
    assert refused.status_code == 422 and "应当回避" in refused.content.decode()
    assert 'role="alert"' in refused.content.decode()
    assert list(alone.inspectors.all()) == [inspector]
    assert join(client, alone, inspector2).status_code == 302
    assert set(alone.inspectors.all()) == {inspector, inspector2}
    repeated = join(client, alone, inspector2)
    assert repeated.status_code == 422 and "选择一个有效的选项" in repeated.content.decode()  # no longer offered


def test_a_task_visit_takes_only_the_tasks_inspectors(client, inspector3, paired):
    login(client, inspector3)
    response = join(client, paired, inspector3)
    assert response.status_code == 422 and "已改派给其他执法人员" in response.content.decode()
    assert inspector3 not in paired.inspectors.all()


def test_only_someone_on_the_visit_adds_a_colleague(client, chief, inspector, inspector3, alone):
    login(client, chief)  # may inspect, but is not on this visit: may join, not bring others
    response = join(client, alone, inspector3)
    assert response.status_code == 422 and "只有检查组的执法人员可以添加同行执法人员" in response.content.decode()
    outside_directory = join(client, alone, chief)
    assert outside_directory.status_code == 422 and "不在本县执法检查人员名录中" in outside_directory.content.decode()
    services.save_inspector_profile(chief, actor=chief)
    assert join(client, alone, chief).status_code == 302
    assert set(alone.inspectors.all()) == {inspector, chief}


def test_a_closed_visit_offers_no_forms_and_refuses_a_join(client, inspector, inspector3, paired):
    services.close_visit(paired, actor=inspector, outcome="compliant", ack_refused=True, ack_note="拒签")
    login(client, inspector3)
    page = detail(client, paired)
    assert 'id="visit-join"' not in page and 'id="stock-count"' not in page
    response = join(client, paired, inspector3)
    assert response.status_code == 422 and "该次检查已结束" in response.content.decode()


# --- counting stock ----------------------------------------------------------------------------------

def count(client, visit, **data):
    return client.post(reverse("inspections:stock_count", args=[visit.pk]), data)


def test_a_stock_count_from_the_visit_page_shows_ledger_count_and_flag(client, clerk, inspector, paired, shops,
                                                                        lot, seed_producer):
    buy(clerk, shops[0], lot, "500", seed_producer)
    login(client, inspector)
    page = detail(client, paired)
    assert 'id="stock-count"' in page and "ZD2026-001（台账 500 千克）" in page
    assert page.count('id="stock-count"') == page.count('id="stock-counts"') == 1  # once, in the page's body
    assert "<" not in page.split("<title>")[1].split("</title>")[0]  # the title is text only
    assert count(client, paired, lot=lot.pk, counted_kg="500").status_code == 302
    response = count(client, paired, lot=lot.pk, counted_kg="380", counted_packages="19")
    assert response.status_code == 302
    observations = list(CountObservation.objects.order_by("pk"))
    assert [(o.counted_kg, o.ledger_kg, o.is_flagged) for o in observations] == [(500, 500, False), (380, 500, True)]
    table = detail(client, paired).split('id="stock-counts"')[1].split("</table>")[0]
    rows = table.split("<tr>")[2:]
    assert "相符" in rows[0] and "差异超出允许范围" not in rows[0]
    assert all(figure in rows[1] for figure in ("500", "380", "19", "-120", "差异超出允许范围"))
    assert Finding.objects.get(visit=paired).finding_type.code == "stock_mismatch"


@pytest.mark.parametrize("data,message", [
    ({"counted_kg": "-1"}, "大于或等于"),
    ({"counted_kg": "很多"}, "输入一个数字"),
    ({"counted_kg": ""}, "这个字段是必填项"),
    ({"counted_packages": "-3"}, "大于或等于"),
])
def test_stock_count_errors_are_form_errors_and_write_nothing(client, clerk, inspector, paired, shops, lot,
                                                              seed_producer, data, message):
    buy(clerk, shops[0], lot, "500", seed_producer)
    login(client, inspector)
    response = count(client, paired, **{"lot": lot.pk, "counted_kg": "500", **data})
    assert response.status_code == 422 and message in response.content.decode()
    assert not CountObservation.objects.exists()


def test_only_lots_the_dealer_holds_can_be_counted(client, clerk, inspector, paired, shops, lot, seed_producer):
    buy(clerk, shops[1], lot, "500", seed_producer)  # another shop's stock
    login(client, inspector)
    assert "ZD2026-001" not in detail(client, paired)
    response = count(client, paired, lot=lot.pk, counted_kg="500")
    assert response.status_code == 422 and "选择一个有效的选项" in response.content.decode()
    assert not CountObservation.objects.exists()


def test_a_peddler_has_no_ledger_to_count(client, inspector, inspector2, directory, lot):
    peddler = services.start_visit(actor=inspector, inspectors=[inspector, inspector2], region_code="211322102",
                                   peddler_location="建平镇大集东头", peddler_description="骑三轮车的中年男子")
    login(client, inspector)
    assert 'id="stock-count"' not in detail(client, peddler)
    response = count(client, peddler, lot=lot.pk, counted_kg="5")
    assert response.status_code == 422
    assert not CountObservation.objects.exists()


def test_a_count_on_a_closed_visit_is_refused_on_the_form(client, clerk, inspector, paired, shops, lot,
                                                          seed_producer):
    buy(clerk, shops[0], lot, "500", seed_producer)
    services.close_visit(paired, actor=inspector, outcome="compliant", ack_refused=True, ack_note="拒签")
    login(client, inspector)
    response = count(client, paired, lot=lot.pk, counted_kg="500")
    assert response.status_code == 422 and "该次检查已结束" in response.content.decode()
    assert not CountObservation.objects.exists()


# --- who may ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("persona", ["outsider", "outside_inspector"])
def test_another_countys_people_get_404(client, request, persona, inspector, paired, shops, lot):
    login(client, request.getfixturevalue(persona))
    for name, data in (("visit_join", {"inspector": inspector.pk}), ("stock_count", {"lot": lot.pk, "counted_kg": "1"})):
        url = reverse(f"inspections:{name}", args=[paired.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, data).status_code == 404
    assert paired.inspectors.count() == 2 and not CountObservation.objects.exists()
    assert Visit.objects.get().status == Visit.Status.OPEN


def test_a_clerk_without_an_enforcement_id_neither_joins_nor_counts(client, clerk, paired):
    login(client, clerk)
    assert client.post(reverse("inspections:visit_join", args=[paired.pk]), {"inspector": clerk.pk}).status_code == 403
    assert client.get(reverse("inspections:stock_count", args=[paired.pk])).status_code == 403
    page = detail(client, paired)
    assert 'id="visit-join"' not in page and 'id="stock-count"' not in page
