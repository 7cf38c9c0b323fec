"""What anyone may see without logging in (public verification): a licence's validity, class,
scope, expiry and issuing authority, and a shop's filings — never ID numbers, phone numbers,
people's names or addresses. These selectors build plain dicts so a template cannot reach a
personal field by accident."""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from seedreg.lib.choices import choice_label
from seedreg.lib.lru import LRU

from .models import Business, Filing, LicenceStatus, SeedLicence
from .search import business_ids_for_name, classify_query, normalize_name

MAX_RESULTS = 20


def licence_facts(licence: SeedLicence, on=None) -> dict:
    on = on or timezone.localdate()
    status = licence.status_on(on)
    term = licence.current_term(on)
    return {
        "number": licence.number, "token": licence.public_token, "class": choice_label(licence, "licence_class"),
        "status": status, "status_label": LicenceStatus(status).label, "is_valid": status == LicenceStatus.VALID,
        "crops": "、".join(c.name for c in licence.crops.all()),
        "varieties": "、".join(v.name for v in licence.varieties.all()),
        "scope": licence.scope_text, "valid_region": licence.valid_region,
        "issued_on": term.issued_on if term else None, "expires_on": term.expires_on if term else None,
        "issuing_organ": licence.issuing_organ or licence.issuing_authority,
        "holder": licence.business.name, "holder_kind": choice_label(licence.business, "kind"),
    }


def _filing_facts(filing: Filing) -> dict:
    return {"type": filing.get_filing_type_display(), "principal": filing.principal_name,
            "principal_licence_number": filing.principal_licence_number, "filed_on": filing.filed_on,
            "varieties": "、".join(i.variety.name for i in filing.items.all())}


def public_search(query: str) -> tuple[str, list[dict]]:
    """(what the query was taken as, results). A constant number of queries per search."""
    kind, value = classify_query(query)
    businesses = Business.objects.exclude(status=Business.Status.CLOSED)
    if kind == "credit_code":
        businesses = businesses.filter(credit_code=value)
    elif kind == "licence_number":
        businesses = businesses.filter(seed_licences__number_normalized=value)
    else:
        wanted = normalize_name(value)
        if len(wanted) < 2:
            return kind, []
        # Check the whole fragment on (id, name) pairs before loading anything else, so the
        # prefetches below only ever load the page's own businesses.
        candidates = Business.objects.filter(pk__in=business_ids_for_name(value, limit=MAX_RESULTS)).order_by(
            "name", "id").values_list("id", "name")
        ids = [pk for pk, name in candidates if wanted in normalize_name(name)][:MAX_RESULTS]
        businesses = businesses.filter(pk__in=ids)
    licences = SeedLicence.objects.prefetch_related("terms", "status_changes", "crops", "varieties")
    filings = Filing.objects.filter(status=Filing.Status.ACTIVE).select_related(
        "principal_business", "principal_outside").prefetch_related("items__variety")
    rows = list(businesses.only("id", "name", "kind", "status").order_by("name", "id")
                .prefetch_related(Prefetch("seed_licences", queryset=licences),
                                  Prefetch("filings", queryset=filings))[:MAX_RESULTS])
    results = []
    for business in rows:
        for licence in business.seed_licences.all():
            licence.business = business
        results.append({
            "name": business.name, "kind": business.get_kind_display(), "status": business.get_status_display(),
            "is_active": business.status == Business.Status.ACTIVE,
            "licences": [licence_facts(lic) for lic in business.seed_licences.all()],
            "filings": [_filing_facts(f) for f in business.filings.all()],
        })
    return kind, results


def licence_by_token(token: str) -> SeedLicence | None:
    return (SeedLicence.objects.select_related("business")
            .prefetch_related("terms", "status_changes", "crops", "varieties")
            .filter(public_token=token).first())


# --- caching ------------------------------------------------------------------------------------
# A search's answer depends only on the directory's data, the date (status is computed for a
# day), the language and the query. It is cached under (date, language, query) together with
# the directory version it was computed from; any committed change to the directory bumps the
# version, and an answer from another version is recomputed. Never stale, mostly cached.
#
# Each process also keeps the answers it served last (``_near``, bounded), checked against the
# version read for this request: a repeated search then reads only the small version from the
# shared cache (in the same round trip as the page's rate-limit counter, see
# ``search_cache_keys``) instead of pulling a 10 KB page through it every time.
VERSION_KEY = "licensing:public-directory-version"
_near = LRU(maxsize=1000)  # at most ~10 MB per process


def directory_version() -> int:
    # A version created afresh (first start, or evicted from the cache) starts at the clock in
    # milliseconds, not at 1, so it never equals a version that answers still in the caches
    # were computed from.
    return cache.get_or_set(VERSION_KEY, lambda: int(time.time() * 1000), None)


def bump_directory_version(**kwargs) -> None:
    def bump():
        try:
            cache.incr(VERSION_KEY)
        except ValueError:  # no version yet: the next read creates a new one
            directory_version()

    transaction.on_commit(bump)


def _answer_key(query: str, render: bool) -> str:
    digest = hashlib.sha1(f"{render}:{get_language()}:{query.strip()}".encode()).hexdigest()
    return f"licensing:public-search:{timezone.localdate():%Y%m%d}:{digest}"


def search_cache_keys() -> list[str]:
    """The shared-cache entries a cached search reads first, for a caller that reads them itself
    (in one round trip with its own entries) and passes their values as ``cached``. Empty when
    answers are not cached."""
    return [VERSION_KEY] if settings.PUBLIC_SEARCH_CACHE_SECONDS else []


def cached_public_search(query: str, render=None, *, cached=None):
    """(kind, answer) for ``query``: the results, or ``render(kind, results)`` (e.g. the whole
    page's HTML, so a repeated search costs no template work). ``cached``: the values of
    ``search_cache_keys()`` if the caller has read them."""
    seconds = settings.PUBLIC_SEARCH_CACHE_SECONDS

    def compute():
        kind, results = public_search(query)
        return kind, (render(kind, results) if render else results)

    if not seconds:
        return compute()
    version = cached[0] if cached else cache.get(VERSION_KEY)
    if version is None:
        version = directory_version()
    key = _answer_key(query, bool(render))
    entry = _near.get(key)
    if entry is None or entry[0] != version:
        entry = cache.get(key)
        if entry is None or entry[0] != version:
            entry = (version, *compute())
            cache.set(key, entry, seconds)
        _near.put(key, entry)
    return entry[1], entry[2]


# --- seed lots ----------------------------------------------------------------------------------
# The lot-status page (the QR on a sales receipt) shows the label facts and whether the lot is
# under a stop-sale order now; never who holds it or who bought it.

def lot_by_token(token: str):
    from .models import SeedLot

    return (SeedLot.objects.select_related("variety__crop", "producer", "producer_outside")
            .filter(public_token=token).first())


def lot_public_facts(lot) -> dict:
    from .models import StopSaleOrder

    orders = list(StopSaleOrder.objects.in_force().filter(lot=lot).select_related("document"))
    return {
        "crop": lot.variety.crop.name, "variety": lot.variety.name, "lot_number": lot.lot_number,
        "approval": lot.variety.approval_or_registration, "producer": lot.producer_name,
        "seed_class": lot.get_seed_class_display(), "production_date": lot.production_date,
        "test_date": lot.test_date, "guarantee_months": lot.guarantee_months,
        "purity": lot.purity, "cleanliness": lot.cleanliness, "germination": lot.germination, "moisture": lot.moisture,
        "stopped": bool(orders),
        "orders": [{"serial": o.serial, "issued_at": o.issued_at, "reason": o.reason} for o in orders],
    }


def lot_public_status(document) -> list[tuple[str, str]]:
    """Live facts on a stop-sale order's public verification page, or on one holder's notice's."""
    order = document.source
    order = getattr(order, "order", order)  # a holder's notice (送达回证) shows its order's state
    if order is None:
        return []
    if order.lifted_at:
        return [(_("执行状态"), _("已于 %(day)s 解除") % {"day": f"{timezone.localtime(order.lifted_at):%Y-%m-%d}"})]
    return [(_("执行状态"), _("执行中：该批种子停止销售") if order.is_in_force else order.get_status_display())]
