"""Nearby businesses, business cards, the variety catalogue and the changes-since feed."""

import datetime

import pytest
from django.utils import timezone

from licensing import services
from seedreg.regulated import service_context
from tests.licensing.conftest import make_business
from tests.mobile_api.conftest import Phone, login

# 建平镇 market square; points at known distances east of it along the parallel.
HERE = (41.4030, 119.6430)


def east_of(metres):
    import math

    return HERE[0], round(HERE[1] + metres / (111_320 * math.cos(math.radians(HERE[0]))), 6)


@pytest.fixture
def shops(clerk, outsider):
    made = {}
    for serial, (name, metres) in enumerate([("远处门市", 4000), ("近处门市", 300), ("中间门市", 1500)], start=10):
        lat, lng = east_of(metres)
        made[name] = make_business(clerk, name, serial=serial, latitude=lat, longitude=lng)
    lat, lng = east_of(100)
    made["外县门市"] = make_business(outsider, "外县门市", serial=20, region="211321102", latitude=lat, longitude=lng)
    return made


def test_nearby_lists_businesses_in_the_radius_nearest_first_with_distance(phone, shops, django_assert_max_num_queries):
    # Expect 2 queries: the token (with its user), the bounding box (touching the token is
    # skipped within five minutes of its last use).
    with django_assert_max_num_queries(2):
        response = phone.get("/businesses/nearby", {"lat": HERE[0], "lng": HERE[1], "radius_m": 2000})
    assert response.status_code == 200
    rows = response.json()
    assert [r["name"] for r in rows] == ["近处门市", "中间门市"]  # 4 km is outside; the other county is not ours
    assert rows[0]["distance_m"] == pytest.approx(300, abs=3)
    assert rows[1]["distance_m"] == pytest.approx(1500, abs=10)


def test_nearby_refuses_positions_off_the_globe(phone):
    response = phone.get("/businesses/nearby", {"lat": 91, "lng": 0})
    assert response.status_code == 422 and "lat" in response.json()["fields"]
    assert phone.get("/businesses/nearby", {"lat": 0, "lng": 0, "radius_m": 10**9}).status_code == 422


def test_a_business_card_shows_licences_with_their_computed_status(phone, licensed, outside_inspector):
    response = phone.get(f"/businesses/{licensed.business_id}")
    assert response.status_code == 200
    card = response.json()
    assert card["licences"][0]["number"] == "B(辽朝)农种许字(2019)第0012号"
    assert card["licences"][0]["status"] == "valid" and card["licences"][0]["crops"] == "玉米"
    other = Phone(login(outside_inspector))
    assert other.get(f"/businesses/{licensed.business_id}").status_code == 404


def test_the_catalogue_downloads_page_by_page_with_approval_for_this_county(phone, varieties, clerk):
    with service_context():
        services.withdraw_variety(varieties["东单6531"], actor=clerk, withdrawn_on=timezone.localdate(), note="退出")
    first = phone.get("/varieties", {"limit": 2}).json()
    assert len(first["items"]) == 2 and first["next_after"]
    second = phone.get("/varieties", {"limit": 2, "after": first["next_after"]}).json()
    assert second["next_after"] is None
    by_name = {v["name"]: v for v in first["items"] + second["items"]}
    assert by_name["郑单958"]["approved_here"] is True  # national approval
    assert by_name["吉单27"]["approved_here"] is False  # approved for 吉林 only
    assert by_name["东单6531"]["approved_here"] is False and by_name["东单6531"]["withdrawn_on"]


def test_changes_since_returns_each_changed_object_once_in_order(phone, shops, clerk, varieties):
    start = phone.get("/changes").json()
    everything = {(c["kind"], c["id"]) for c in start["changes"]}
    assert ("business", str(shops["近处门市"].pk)) in everything
    assert ("business", str(shops["外县门市"].pk)) not in everything  # another county's
    assert ("variety", str(varieties["郑单958"].pk)) in everything
    cursor = start["cursor"]
    assert phone.get("/changes", {"since": cursor}).json()["changes"] == []

    with service_context():
        services.update_business(shops["中间门市"], actor=clerk, contact_phone="13900000001")
        services.update_business(shops["中间门市"], actor=clerk, contact_phone="13900000002")
        services.withdraw_variety(varieties["吉单27"], actor=clerk, withdrawn_on=datetime.date(2025, 1, 1))
    later = phone.get("/changes", {"since": cursor}).json()
    assert [(c["kind"], c["id"]) for c in later["changes"]] == [
        ("business", str(shops["中间门市"].pk)), ("variety", str(varieties["吉单27"].pk))]
    assert [c["seq"] for c in later["changes"]] == sorted(c["seq"] for c in later["changes"])
    assert later["cursor"] == later["changes"][-1]["seq"]


def test_changes_come_in_bounded_pages(phone, shops, varieties):
    first = phone.get("/changes", {"limit": 2}).json()
    assert len(first["changes"]) == 2 and first["has_more"] is True
    rest = phone.get("/changes", {"since": first["cursor"], "limit": 500}).json()
    assert rest["has_more"] is False
    seen = [c["seq"] for c in first["changes"] + rest["changes"]]
    assert seen == sorted(set(seen))
    assert phone.get("/changes", {"limit": 501}).status_code == 422


def test_a_change_rolled_back_with_its_service_never_reaches_the_feed(phone, shops, clerk):
    cursor = phone.get("/changes").json()["cursor"]
    with pytest.raises(RuntimeError), service_context():
        services.update_business(shops["近处门市"], actor=clerk, contact_phone="13900000003")
        raise RuntimeError("the service failed after the change")
    assert phone.get("/changes", {"since": cursor}).json()["changes"] == []
