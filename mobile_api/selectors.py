"""Reads the phone downloads, built as plain dicts with a fixed number of queries (prefetching),
so a list of 40 businesses costs what a list of 4 does."""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils import timezone

from licensing.models import Business, Filing, SeedLicence
from licensing.public import licence_facts
from seedreg.lib.geo import bounding_box, distance_m

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
        metres = distance_m((lat, lng), (business.latitude, business.longitude))
        if metres <= radius_m:
            found.append((business, metres))
    found.sort(key=lambda pair: (pair[1], pair[0].pk))
    return found[:limit]
