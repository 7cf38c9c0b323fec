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


def crop_names() -> dict[str, str]:
    """Crop code → Chinese name (one query over a small table): draws keep codes, pages show names."""
    from licensing.models import Crop

    return dict(Crop.objects.values_list("code", "name"))


def inspectors_of(county: str):
    """Users in the county's inspector directory who may inspect (for pair pickers)."""
    from seedreg.accounts.models import User

    return (User.objects.filter(inspector_profile__region_code=county, inspector_profile__active=True,
                                inspector_profile__may_inspect=True, is_active=True)
            .exclude(enforcement_id__isnull=True).exclude(enforcement_id="").order_by("full_name", "pk"))


def campaign_progress(campaign, *, today=None) -> dict:
    """Tasks done/overdue/open by township and by inspector, samples taken and findings by type.
    A fixed number of aggregate queries whatever the campaign's size."""
    from django.db.models import Count, Q
    from django.utils import timezone

    from seedreg.regions.models import Region

    from .models import Finding, SamplingRecord, Task

    today = today or timezone.localdate()
    tasks = Task.objects.filter(campaign=campaign)
    counts = {"done": Count("id", filter=Q(status=Task.Status.DONE)),
              "overdue": Count("id", filter=Q(status=Task.Status.OPEN, due_on__lt=today)),
              "open": Count("id", filter=Q(status=Task.Status.OPEN)), "total": Count("id")}
    by_region = {}
    for row in tasks.values("region_code").annotate(**counts):
        key = row["region_code"][:9]
        slot = by_region.setdefault(key, {"done": 0, "overdue": 0, "open": 0, "total": 0})
        for k in slot:
            slot[k] += row[k]
    names = dict(Region.objects.filter(code__in=by_region).values_list("code", "name"))
    by_inspector = list(tasks.values("inspectors__pk", "inspectors__full_name").annotate(**counts)
                        .order_by("inspectors__full_name"))
    findings = list(Finding.objects.filter(visit__task__campaign=campaign).values("finding_type__label")
                    .annotate(n=Count("id")).order_by("-n"))
    total = tasks.aggregate(**counts)
    return {"totals": total,
            "by_township": [{"name": names.get(k, k), **v} for k, v in sorted(by_region.items())],
            "by_inspector": by_inspector,
            "samples": SamplingRecord.objects.filter(visit__task__campaign=campaign).count(),
            "findings": findings}


def overdue_rectifications(viewer, *, today=None):
    from django.utils import timezone

    from .models import RectificationOrder

    today = today or timezone.localdate()
    return (RectificationOrder.objects.visible_to(viewer)
            .filter(status=RectificationOrder.Status.OPEN, deadline_on__lt=today)
            .select_related("business", "document").order_by("deadline_on"))


def at_start_of(day):
    import datetime

    from django.utils import timezone

    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def business_timeline(business, *, viewer) -> list[dict]:
    """Every visit, finding, sample, rectification order and complaint about a business, newest
    first. Six queries."""
    from .models import Complaint, Finding, RectificationOrder, SamplingRecord, Visit

    events = []
    for v in Visit.objects.visible_to(viewer).filter(business=business).select_related("record_document"):
        events.append({"at": v.checked_in_at, "kind": "现场检查", "text": v.get_outcome_display() or "检查中",
                       "document": v.record_document, "visit": v})
    for f in Finding.objects.visible_to(viewer).filter(visit__business=business).select_related("finding_type"):
        events.append({"at": f.recorded_at, "kind": "检查发现", "text": f"{f.finding_type.label}：{f.description}"})
    for s in (SamplingRecord.objects.visible_to(viewer).filter(business=business)
              .select_related("crop", "document")):
        events.append({"at": s.sampled_at, "kind": "抽样", "text": f"{s.crop.name} {s.variety_name} 批号{s.lot_number}",
                       "document": s.document})
    for o in RectificationOrder.objects.visible_to(viewer).filter(business=business).select_related("document"):
        events.append({"at": at_start_of(o.issued_on), "kind": "责令整改",
                       "text": f"期限{o.deadline_on:%Y-%m-%d}（{o.get_status_display()}）", "document": o.document})
    for c in Complaint.objects.visible_to(viewer).filter(business=business):
        events.append({"at": c.received_at, "kind": "投诉举报", "text": c.get_status_display()})
    return sorted(events, key=lambda e: e["at"], reverse=True)
