"""Nearby businesses in a dense market: the cheap shortlist (issue 8, province scale) gives
exactly the geodesic answer — the same businesses, in the same order, with the same distances —
whatever the number of businesses in the search box."""

import math
import random

import pytest

from licensing.models import Business
from seedreg.lib.geo import approx_distance_m, distance_m
from seedreg.regulated import service_context

HERE = (41.4030, 119.6430)


@pytest.fixture
def market():
    """300 shops around HERE, at random bearings and distances up to 6 km, and a ring of 24 at
    exactly 1,000 m on the sphere, where the ellipsoid orders them differently."""
    rng = random.Random(8)
    points = []
    for _ in range(300):
        bearing, metres = rng.uniform(0, 2 * math.pi), rng.uniform(20, 6000)
        points.append((metres * math.cos(bearing), metres * math.sin(bearing)))
    points += [(1000 * math.cos(k * math.pi / 12), 1000 * math.sin(k * math.pi / 12)) for k in range(24)]
    rows = []
    for i, (north, east) in enumerate(points):
        lat = HERE[0] + north / 111_320
        lng = HERE[1] + east / (111_320 * math.cos(math.radians(HERE[0])))
        rows.append(Business(name=f"密集市场门市{i}", kind="packaged_seller", region_code="211322102",
                             latitude=round(lat, 6), longitude=round(lng, 6)))
    with service_context():
        return Business.objects.bulk_create(rows)


def exact_answer(businesses, radius_m, limit):
    ranked = sorted((distance_m(HERE, (b.latitude, b.longitude)), b.pk) for b in businesses)
    return [pk for metres, pk in ranked if metres <= radius_m][:limit]


@pytest.mark.parametrize(("radius_m", "limit"), [(1000, 100), (1500, 20), (5000, 1), (5000, 30), (50, 5)])
def test_nearby_equals_the_geodesic_ranking(phone, market, radius_m, limit):
    response = phone.get("/businesses/nearby", {"lat": HERE[0], "lng": HERE[1], "radius_m": radius_m,
                                                "limit": limit})
    assert response.status_code == 200
    rows = response.json()
    assert [r["id"] for r in rows] == exact_answer(market, radius_m, limit)
    for r in rows:
        assert r["distance_m"] == pytest.approx(distance_m(HERE, (r["latitude"], r["longitude"])), abs=0.1)


def test_the_approximation_stays_within_one_percent():
    rng = random.Random(3)
    for _ in range(2000):
        lat, lng = rng.uniform(18, 54), rng.uniform(73, 135)  # China
        other = (lat + rng.uniform(-0.45, 0.45), lng + rng.uniform(-0.6, 0.6))  # up to ~50 km
        exact = distance_m((lat, lng), other)
        if exact > 1:
            assert abs(approx_distance_m((lat, lng), other) - exact) <= 0.01 * exact
