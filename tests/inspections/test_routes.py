"""Day routes: nearest neighbour improved by 2-opt, on a hand-checked example."""

import datetime
import itertools

import pytest
from django.utils import timezone

from inspections import selectors, services
from inspections.routing import _matrix, length, order_route

LAT0, LON0 = 41.40, 119.64
KM_LAT = 1 / 111.04  # degrees of latitude per km here
KM_LON = 1 / 83.53  # degrees of longitude per km at 41.4°N


def at(east_km, north_km):
    return (LAT0 + north_km * KM_LAT, LON0 + east_km * KM_LON)


def test_two_opt_undoes_the_zigzag_of_nearest_neighbour():
    """Station at 0; shops 1 km east (E1), 4.5 km east (E4) and 2 km west, 1 km north (W2).
    Nearest neighbour goes E1 first, then W2 (3.16 km) rather than E4 (3.5 km), and zigzags:
    0→E1→W2→E4→0 = 1 + 3.16 + 6.58 + 4.5 = 15.24 km. By hand, the three round trips are that one,
    0→W2→E1→E4→0 = 2.24 + 3.16 + 3.5 + 4.5 = 13.40 km and 0→E1→E4→W2→0 = 1 + 3.5 + 6.58 + 2.24 =
    13.31 km, the best (either direction)."""
    stops = [("E1", at(1, 0)), ("W2", at(-2, 1)), ("E4", at(4.5, 0))]
    naive = order_route(at(0, 0), stops, improve=False)
    assert naive.order == ["E1", "W2", "E4"] and naive.total_m == pytest.approx(15_238, rel=0.005)
    route = order_route(at(0, 0), stops)
    assert route.order in (["E1", "E4", "W2"], ["W2", "E4", "E1"])
    assert route.total_m == pytest.approx(13_312, rel=0.005)
    assert sum(route.legs_m) + route.return_m == pytest.approx(route.total_m)


def test_the_route_matches_the_best_tour_on_a_small_county_map():
    stops = [(name, at(e, n)) for name, e, n in [("a", 3, 1), ("b", -2, 4), ("c", 5, -3), ("d", -4, -2),
                                                    ("e", 1, 6), ("f", -1, -5), ("g", 6, 4)]]
    route = order_route(at(0, 0), stops)
    points = [at(0, 0)] + [p for _k, p in stops]
    d = _matrix(points)
    best = min(length([0, *perm], d) for perm in itertools.permutations(range(1, len(points))))
    assert route.total_m == pytest.approx(best, rel=0.02)


def test_no_stops_is_an_empty_route():
    assert order_route(at(0, 0), []).order == []


def test_the_day_plan_groups_tasks_by_pair_and_orders_them_from_the_station(
        clerk, chief, directory, inspector, inspector2, inspector3, shops):
    day = timezone.localdate() + datetime.timedelta(days=1)
    due = day + datetime.timedelta(days=5)
    for shop in shops[:4]:
        services.create_task(actor=clerk, business=shop, kind="ad_hoc", due_on=due, inspectors=[inspector, inspector2],
                             planned_on=day)
    services.create_task(actor=clerk, business=shops[4], kind="ad_hoc", due_on=due,
                         inspectors=[inspector2, inspector3], planned_on=day)
    plans = selectors.day_plans(clerk, day)
    assert len(plans) == 2
    mine = selectors.day_plans(clerk, day, inspector=inspector)
    assert len(mine) == 1 and len(mine[0]["stops"]) == 4 and mine[0]["from_station"]
    # The station (41.403, 119.643) is on shop 1's doorstep: it is the first stop.
    assert mine[0]["stops"][0]["task"].business == shops[0]
    assert mine[0]["stops"][0]["leg_km"] < 0.1
    assert mine[0]["total_km"] == pytest.approx(sum(s["leg_km"] for s in mine[0]["stops"]), abs=12)
