"""Reads the phone downloads, built as plain dicts with a fixed number of queries (prefetching),
so a list of 40 businesses costs what a list of 4 does."""

from __future__ import annotations

import math

from django.db.models import Prefetch
from django.utils import timezone
from geopy.distance import geodesic

from licensing.models import Business, Filing, SeedLicence
from licensing.public import licence_facts

# Metres per degree of latitude (and of longitude at the equator), for the bounding box only;
# the distance itself is geodesic (WGS-84 ellipsoid).
METRES_PER_DEGREE = 111_320
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
    filings = [{"id": f.pk, "type": str(f.get_filing_type_display()), "principal": f.principal_name,
                "principal_licence_number": f.principal_licence_number, "sale_location": f.sale_location,
                "filed_on": f.filed_on, "is_late": f.is_late,
                "varieties": "、".join(i.variety.name for i in f.items.all())}
               for f in getattr(business, "active_filings", [])]
    return {
        "id": business.pk, "name": business.name, "kind": business.kind, "kind_label": str(business.get_kind_display()),
        "status": business.status, "credit_code": business.credit_code or "", "address": business.address,
        "legal_representative": business.legal_representative, "contact_name": business.contact_name,
        "contact_phone": business.contact_phone, "region_code": business.region_code,
        "latitude": float(business.latitude) if business.latitude is not None else None,
        "longitude": float(business.longitude) if business.longitude is not None else None,
        "licences": licences, "filings": filings,
    }


def bounding_box(lat: float, lng: float, radius_m: float):
    dlat = radius_m / METRES_PER_DEGREE
    # Near the poles a degree of longitude shrinks to nothing: cap the box at the whole circle.
    cos = math.cos(math.radians(min(abs(lat), 89.9)))
    dlng = min(180.0, radius_m / (METRES_PER_DEGREE * cos))
    return lat - dlat, lat + dlat, lng - dlng, lng + dlng


def nearby_businesses(user, lat: float, lng: float, radius_m: float, *, limit: int) -> list[tuple[Business, float]]:
    """Businesses the user may see within ``radius_m`` of (lat, lng), nearest first, with the
    geodesic distance in metres. The indexed latitude/longitude columns prefilter a box; the
    exact distance is computed only for what is inside it."""
    south, north, west, east = bounding_box(lat, lng, radius_m)
    candidates = (Business.objects.visible_to(user).exclude(status=Business.Status.CLOSED)
                  .filter(latitude__gte=south, latitude__lte=north, longitude__gte=west, longitude__lte=east)
                  .only("id", "name", "kind", "status", "address", "region_code", "latitude", "longitude")
                  [:MAX_CANDIDATES])
    found = []
    for business in candidates:
        metres = geodesic((lat, lng), (float(business.latitude), float(business.longitude))).meters
        if metres <= radius_m:
            found.append((business, metres))
    found.sort(key=lambda pair: (pair[1], pair[0].pk))
    return found[:limit]
