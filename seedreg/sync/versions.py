"""One number that changes whenever anything a phone downloads may have changed.

Downloads for offline work (``GET /api/mobile/v1/tasks``) are cached whole, as the bytes sent,
under the version they were computed from (``mobile_api.download_cache``). Every write to a
model whose rows a download reads bumps the version, so an answer computed before the write
is never served after it: never stale, mostly cached (the public search's directory version,
``licensing.public``, works the same way).

The version lives in the shared cache; it is bumped twice per write:

- at once, so a reader inside the writing transaction (a test, or the service itself) does
  not get the answer from before its own change;
- on commit, so a reader that computed from the old rows *between* the first bump and the
  commit (its answer stored under the new version) is recomputed once the rows are visible.

Writes that bypass model signals (``bulk_create``/``bulk_update``/``QuerySet.update``) call
``bump_download_version()`` themselves.

Versions are scoped by county: a download for an inspector of county C depends on the global
version (``VERSION_KEY``: the catalogue, the reference tables, anything reaching several
counties) and on C's (``county_version_key(C)``). A write to a row of one county (its
``region_code``) bumps that county's version only, so a shop's address corrected in county A
leaves every download of county B valid; a row whose county cannot be told bumps the global
version (never stale, at worst recomputed)."""

from __future__ import annotations

import time

from django.core.cache import cache
from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction

VERSION_KEY = "sync:download-version"

# The apps whose rows downloads read; every model in them bumps the version except the
# high-volume ones whose effect reaches downloads through another row (a ledger entry through
# its stock balance) or that no download reads.
APPS = {"licensing", "inspections", "documents", "sync", "accounts", "regions"}
EXCLUDED = {
    "licensing.ledgerentry", "licensing.businesssearchtoken", "licensing.importjob", "licensing.expiryreminder",
    "licensing.documentcheck", "licensing.countobservation", "documents.servicerecord",
}


def read_version(key: str) -> int:
    # A version created afresh (first start, or evicted) starts at the clock in milliseconds,
    # so it never equals a version that answers still in the caches were computed from.
    return cache.get_or_set(key, lambda: int(time.time() * 1000), None)


class _Incr:
    def __init__(self, key):
        self.key = key

    def __call__(self):
        try:
            cache.incr(self.key)
        except ValueError:  # no version yet: the next read creates a new one
            read_version(self.key)


_incr = {}


def bump_version(key: str) -> None:
    """Bump ``key`` at once and again when the current transaction commits (see above); the
    bump on commit is registered once per transaction however many rows it writes."""
    incr = _incr.get(key) or _incr.setdefault(key, _Incr(key))
    incr()
    connection = transaction.get_connection()
    if not any(hook[1] is incr for hook in connection.run_on_commit):
        transaction.on_commit(incr)


def download_version() -> int:
    return read_version(VERSION_KEY)


def county_version_key(county: str) -> str:
    return f"{VERSION_KEY}:{county}"


def county_of(code: str | None) -> str | None:
    """The county (6-digit code) a region code lies in, or None for a province or a city (and
    their direct rows): such rows reach every county below them."""
    if not code or len(code) < 6 or code[4:6] == "00":
        return None
    return code[:6]


def download_version_keys(county: str | None) -> list[str] | None:
    """The version keys a download for a user of ``county`` depends on; None when the user has
    no county (a city or province account sees several counties: its downloads are not kept)."""
    return [VERSION_KEY, county_version_key(county)] if county else None


def bump_download_version(**kwargs) -> None:
    """Invalidate every kept download (global version)."""
    bump_version(VERSION_KEY)


def bump_county_download_version(county: str) -> None:
    bump_version(county_version_key(county))


# Rows that reach downloads of other counties than their own: a stop-sale order in force flags
# the lot in every shop holding it, wherever the order was issued; an outside party's name is
# shown as the producer of lots and the principal of filings anywhere (mobile_api.selectors).
EVERYWHERE = {"licensing.stopsaleorder", "licensing.outsideparty"}
# The change feed's own rows follow the writes that bump the versions; no download shows them
# (the download's cursor read before its rows may only be older than the newest: the phone then
# fetches a change twice, harmlessly).
NOT_SHOWN = {"sync.syncclock", "sync.syncchange"}
# Rows read again before a save: model label -> (the column of their region, their columns
# that other counties' downloads show). The county before the save is bumped too (a business
# moved out of county A must leave A's downloads); a change to a column shown elsewhere (a
# business's name, shown as the producer of a lot or the principal of a filing in another
# county's shops) bumps every county.
READ_BEFORE_SAVE = {"licensing.business": ("region_code", ("name",)), "accounts.user": ("region_id", ())}


def _relevant(sender) -> bool:
    meta = getattr(sender, "_meta", None)
    return (meta is not None and meta.app_label in APPS and meta.label_lower not in EXCLUDED
            and meta.label_lower not in NOT_SHOWN)


def counties_of(instance) -> set[str] | None:
    """The counties whose downloads may show ``instance``; None when every county's may."""
    label = instance._meta.label_lower
    if label in EVERYWHERE or instance._meta.app_label == "regions" and label != "regions.station":
        return None
    try:
        code = None
        for name in ("region_code", "county_code", "region_id"):  # a field, or a property through a relation
            code = getattr(instance, name, None)
            if code:
                break
    except ObjectDoesNotExist:  # a relation already deleted
        return None
    county = county_of(code) if isinstance(code, str) else None
    if county is None:
        return None
    before = getattr(instance, "_download_counties_before", None)
    return {county} if before is None else {county, *before} if before else None


def bump_for(instance) -> None:
    counties = counties_of(instance)
    if counties is None:
        bump_download_version()
    else:
        for county in sorted(counties):
            bump_county_download_version(county)


def _before_save(sender, instance, update_fields=None, **kwargs):
    spec = READ_BEFORE_SAVE.get(sender._meta.label_lower)
    if spec is None or instance._state.adding or instance.pk is None:
        return
    column, shown = spec
    columns = [column, *shown]
    if update_fields is not None and not ({c.removesuffix("_id") for c in columns}
                                          & {f.removesuffix("_id") for f in update_fields}):
        return
    old = sender._base_manager.filter(pk=instance.pk).values_list(*columns).first()
    if old is None:
        return
    county = county_of(old[0])
    changed_elsewhere = any(getattr(instance, name) != value for name, value in zip(shown, old[1:], strict=True))
    # An empty set: every county (the row had no single county, or what others show changed).
    instance._download_counties_before = set() if county is None or changed_elsewhere else {county}


def _on_write(sender, instance=None, **kwargs):
    if _relevant(sender):
        bump_for(instance)
        instance.__dict__.pop("_download_counties_before", None)


def _on_m2m(sender, instance=None, action="", **kwargs):
    # The through model has no county of its own: the changed row's decides.
    if action in ("post_add", "post_remove", "post_clear") and _relevant(sender):
        bump_for(instance)


def connect() -> None:
    """Bump on every save/delete/m2m change of a relevant model (one receiver for all senders)."""
    from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

    pre_save.connect(_before_save, dispatch_uid="sync-download-version-before-save")
    post_save.connect(_on_write, dispatch_uid="sync-download-version-save")
    post_delete.connect(_on_write, dispatch_uid="sync-download-version-delete")
    m2m_changed.connect(_on_m2m, dispatch_uid="sync-download-version-m2m")
