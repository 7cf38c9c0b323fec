"""Read queries of the inspections app, scoped to the caller's jurisdiction. Other apps (labs,
portal, mobile_api) read inspections through these."""

from __future__ import annotations

from seedreg.errors import NotFound

from .models import Sample


def sample_by_code(code: str, *, viewer) -> Sample:
    """The sample whose seal label carries ``code``, if ``viewer`` may see it; else NotFound."""
    code = (code or "").strip().upper()
    if not code or len(code) > 40:
        raise NotFound()
    try:
        return Sample.objects.visible_to(viewer).select_related(
            "sampling__crop", "sampling__business", "sampling__document", "holder_user").get(code=code)
    except Sample.DoesNotExist as exc:
        raise NotFound() from exc


def samples_awaiting_intake(viewer):
    """Test samples sealed in the field and not yet received by a lab."""
    return (Sample.objects.visible_to(viewer)
            .filter(role=Sample.Role.TEST, status__in=[Sample.Status.SEALED, Sample.Status.IN_TRANSIT])
            .select_related("sampling__crop", "sampling__business", "holder_user")
            .order_by("sampling__sampled_at"))


def custody_chain(sample: Sample):
    return sample.custody.select_related("from_user", "to_user", "recorded_by").order_by("at", "id")


def day_plans(viewer, day, *, inspector=None) -> list[dict]:
    """The day's tasks grouped by inspector pair, each pair's shops ordered as a round trip from
    the station. Tasks of shops without a location are listed apart. Three queries."""
    from seedreg.regions.models import Station

    from .models import Task
    from .routing import order_route

    tasks = (Task.objects.visible_to(viewer).filter(planned_on=day, status=Task.Status.OPEN)
             .select_related("business").prefetch_related("inspectors").order_by("id"))
    if inspector is not None:
        tasks = tasks.filter(inspectors=inspector)
    groups: dict[tuple, list] = {}
    for task in tasks:
        pair = tuple(sorted(task.inspectors.all(), key=lambda u: u.pk))
        groups.setdefault(pair, []).append(task)
    county = getattr(viewer, "county_code", None)
    station = Station.objects.filter(region_id=county).first() if county else None
    plans = []
    for pair, pair_tasks in groups.items():
        located = [(t, t.business.location) for t in pair_tasks if t.business.location]
        unlocated = [t for t in pair_tasks if not t.business.location]
        start = ((station.latitude, station.longitude) if station and station.latitude is not None
                 else (located[0][1] if located else None))
        stops = []
        total = 0.0
        if located:
            route = order_route(start, [(t, loc) for t, loc in located])
            stops = [{"task": t, "leg_km": round(leg / 1000, 2)} for t, leg in zip(route.order, route.legs_m,
                                                                                   strict=True)]
            total = route.total_m
        plans.append({"inspectors": list(pair), "stops": stops, "unlocated": unlocated,
                      "total_km": round(total / 1000, 2), "from_station": bool(station and station.latitude)})
    return plans
