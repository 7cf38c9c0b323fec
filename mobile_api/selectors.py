"""Reads the phone downloads, built as plain dicts with a fixed number of queries (prefetching),
so a list of 40 businesses costs what a list of 4 does."""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils import timezone

from licensing.models import Business, Filing, SeedLicence
from licensing.public import licence_facts
from seedreg.lib.choices import choice_label
from seedreg.lib.geo import approx_distance_m, bounding_box, distance_m

MAX_CANDIDATES = 5000


def with_card_details(queryset):
    """Prefetch what ``business_card`` reads: licences with terms, status changes, crops and
    varieties; active filings with their items. Seven queries whatever the number of rows."""
    licences = SeedLicence.objects.prefetch_related("terms", "status_changes", "crops", "varieties")
    filings = Filing.objects.active().select_related("principal_business", "principal_outside").prefetch_related(
        "items__variety")
    return queryset.prefetch_related(Prefetch("seed_licences", queryset=licences),
                                     Prefetch("filings", queryset=filings, to_attr="active_filings"))


def business_card(business: Business, on=None) -> dict:
    on = on or timezone.localdate()
    licences = []
    for licence in business.seed_licences.all():
        licence.business = business
        facts = licence_facts(licence, on)
        facts["licence_class"] = str(facts["class"])
        facts["status_label"] = str(facts["status_label"])
        licences.append({k: facts[k] for k in ("number", "licence_class", "status", "status_label", "is_valid", "crops",
                                               "varieties", "valid_region", "issued_on", "expires_on", "issuing_organ")})
    filings = [{"id": f.pk, "type": choice_label(f, "filing_type"), "principal": f.principal_name,
                "principal_licence_number": f.principal_licence_number, "sale_location": f.sale_location,
                "filed_on": f.filed_on, "is_late": f.is_late,
                "varieties": "、".join(i.variety.name for i in f.items.all())}
               for f in getattr(business, "active_filings", [])]
    return {
        "id": business.pk, "name": business.name, "kind": business.kind, "kind_label": choice_label(business, "kind"),
        "status": business.status, "credit_code": business.credit_code or "", "address": business.address,
        "legal_representative": business.legal_representative, "contact_name": business.contact_name,
        "contact_phone": business.contact_phone, "region_code": business.region_code,
        "latitude": float(business.latitude) if business.latitude is not None else None,
        "longitude": float(business.longitude) if business.longitude is not None else None,
        "licences": licences, "filings": filings,
    }


def nearby_businesses(user, lat: float, lng: float, radius_m: float, *, limit: int) -> list[tuple[Business, float]]:
    """Businesses the user may see within ``radius_m`` of (lat, lng), nearest first, with the
    geodesic distance in metres. The indexed latitude/longitude columns prefilter a box; the
    exact distance is computed only for what is inside it."""
    south, north, west, east = bounding_box(lat, lng, radius_m)
    candidates = (Business.objects.visible_to(user).exclude(status=Business.Status.CLOSED)
                  .filter(latitude__gte=south, latitude__lte=north, longitude__gte=west, longitude__lte=east)
                  .only("id", "name", "kind", "status", "address", "region_code", "latitude", "longitude")
                  [:MAX_CANDIDATES])
    # Rank by a cheap approximate distance and compute the exact geodesic only for a shortlist:
    # the nearest ``limit`` and every other within 3 % of the last of them (the approximation
    # is within 1 %, so no closer one is missed). The answer is the exact one; the number of
    # geodesic computations no longer follows the number of businesses in the box.
    here = (lat, lng)
    ranked = sorted((approx_distance_m(here, (b.latitude, b.longitude)), b.pk, b) for b in candidates)
    ranked = [row for row in ranked if row[0] <= radius_m * 1.02]
    if len(ranked) > limit:
        cutoff = ranked[limit - 1][0] * 1.03
        ranked = [row for row in ranked if row[0] <= cutoff]
    found = []
    for _approx, _pk, business in ranked:
        metres = distance_m(here, (business.latitude, business.longitude))
        if metres <= radius_m:
            found.append((business, metres))
    found.sort(key=lambda pair: (pair[1], pair[0].pk))
    return found[:limit]


def my_open_tasks(user, *, until):
    """The user's open tasks planned up to ``until`` (or not yet planned), with everything the
    download shows prefetched: a constant number of queries whatever the number of tasks."""
    from django.db.models import F, Q

    from inspections.models import Task

    businesses = with_card_details(Business.objects.all())
    return (Task.objects.visible_to(user).filter(inspectors=user, status=Task.Status.OPEN)
            .filter(Q(planned_on__isnull=True) | Q(planned_on__lte=until))
            .select_related("campaign")
            .prefetch_related("inspectors", Prefetch("business", queryset=businesses))
            .order_by(F("planned_on").asc(nulls_last=True), "due_on", "id"))


def open_rectifications_by_business(business_ids) -> dict[int, list[dict]]:
    from inspections.models import RectificationOrder

    out: dict[int, list[dict]] = {}
    for order in (RectificationOrder.objects.filter(business_id__in=business_ids,
                                                    status=RectificationOrder.Status.OPEN)
                  .select_related("document").order_by("deadline_on", "id")):
        out.setdefault(order.business_id, []).append({
            "id": order.pk, "client_uuid": str(order.client_uuid), "items": order.items, "issued_on": order.issued_on,
            "deadline_on": order.deadline_on, "serial": order.document.serial if order.document_id else ""})
    return out


def open_complaints_by_id(complaint_ids) -> dict[int, dict]:
    """The open complaints the tasks were made for, without the complainant's name and phone
    (personal data stays with the station's staff). One query."""
    from inspections.models import Complaint

    return {c.pk: {"id": c.pk, "channel": c.channel, "channel_label": choice_label(c, "channel"),
                   "description": c.description, "lot_text": c.lot_text, "received_at": c.received_at,
                   "anonymous": c.anonymous}
            for c in Complaint.objects.filter(pk__in=complaint_ids, status=Complaint.Status.OPEN)}


def applicable_checklist_codes(card: dict, items) -> list[str]:
    licence_holder = any(lic["is_valid"] for lic in card["licences"])
    filing_holder = bool(card["filings"])
    return [i.code for i in items if i.applies(registered=True, licence_holder=licence_holder,
                                               filing_holder=filing_holder)]


def reference_data() -> dict:
    """Checklist items, finding types and sampling rules: small tables, sent whole."""
    from inspections.models import ChecklistItem, FindingType, PrimarySampleRule, SamplingRule

    return {
        "checklist_items": [{"code": i.code, "text": i.text, "legal_basis": i.legal_basis, "applies_to": i.applies_to,
                             "finding_type": i.finding_type.code, "position": i.position}
                            for i in ChecklistItem.objects.filter(active=True).select_related("finding_type")],
        "finding_types": [{"code": f.code, "label": f.label} for f in FindingType.objects.all()],
        "sampling_rules": [{"crop_code": r.crop.code, "crop_name": r.crop.name, "max_lot_kg": r.max_lot_kg,
                            "submitted_sample_g": r.submitted_sample_g} for r in
                           SamplingRule.objects.select_related("crop")],
        "primary_sample_rules": [{"containers_from": r.containers_from, "containers_to": r.containers_to,
                                  "primary_samples": r.primary_samples, "per_container": r.per_container,
                                  "rule": r.rule} for r in PrimarySampleRule.objects.all()],
    }


def lots_for_businesses(business_ids) -> dict[int, list[dict]]:
    """Per business: the lots it holds with stock, each flagged when a stop-sale order in force
    covers it (issued on the lot, or frozen at that holder). Two queries for any number of
    businesses (licensing.selectors.stock_by_lot is the one-business version).

    The rows are read as values, not models: 40 shops hold some 400 lots, and building the six
    model instances of each row (balance, lot, variety, crop, two producers) was most of an
    uncached download's time."""
    from django.db.models.functions import Coalesce

    from licensing.models import StockBalance, StopSaleHolder, StopSaleOrder

    rows = list(StockBalance.objects.filter(business_id__in=business_ids, quantity_kg__gt=0)
                .order_by("business_id", "lot__variety__name", "lot__lot_number")
                .values_list("business_id", "lot_id", "lot__variety__name", "lot__variety__crop__name",
                             "lot__lot_number", Coalesce("lot__producer__name", "lot__producer_outside__name"),
                             "quantity_kg"))
    lot_ids = {row[1] for row in rows}
    orders = StopSaleOrder.objects.in_force()
    stopped_lots = set(orders.filter(lot_id__in=lot_ids).values_list("lot_id", flat=True))
    frozen = set(StopSaleHolder.objects.filter(order__in=orders, business_id__in=business_ids)
                 .values_list("business_id", "lot_id"))
    out: dict[int, list[dict]] = {}
    for business_id, lot_id, variety, crop, lot_number, producer, quantity_kg in rows:
        out.setdefault(business_id, []).append({
            "lot_id": lot_id, "variety": variety, "crop": crop, "lot_number": lot_number, "producer": producer,
            "quantity_kg": float(quantity_kg),
            "under_stop_sale": lot_id in stopped_lots or (business_id, lot_id) in frozen})
    return out


# The county settings a phone applies offline with the server's values (a check-in outside the
# geofence or with poor accuracy is flagged, a small-package lot counted by 100 kg units, an
# order's default deadline): key -> field of the download.
PHONE_COUNTY_SETTINGS = {
    "inspection_geofence_radius_m": "geofence_radius_m",
    "inspection_max_accuracy_m": "max_accuracy_m",
    "sampling_small_package_kg": "small_package_kg",
    "rectification_days": "rectification_days",
    "draw_resample_exclusion_months": "resample_exclusion_months",
}


def phone_county_settings(user) -> dict:
    """The user's county's values of PHONE_COUNTY_SETTINGS (defaults where unset): one query."""
    from seedreg.regions.models import Station
    from seedreg.regions.station_settings import get_setting

    county = (user.region_id or "")[:6]
    station = Station.objects.filter(region_id=county).first()
    return {"county_code": county,
            **{name: get_setting(station, key) for key, name in PHONE_COUNTY_SETTINGS.items()}}
