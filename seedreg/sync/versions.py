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
``bump_download_version()`` themselves."""

from __future__ import annotations

import time

from django.core.cache import cache
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


def bump_download_version(**kwargs) -> None:
    bump_version(VERSION_KEY)


def _relevant(sender) -> bool:
    meta = getattr(sender, "_meta", None)
    return meta is not None and meta.app_label in APPS and meta.label_lower not in EXCLUDED


def _on_write(sender, **kwargs):
    if _relevant(sender):
        bump_download_version()


def _on_m2m(sender, action, **kwargs):
    if action in ("post_add", "post_remove", "post_clear") and _relevant(sender):
        bump_download_version()


def connect() -> None:
    """Bump on every save/delete/m2m change of a relevant model (one receiver for all senders)."""
    from django.db.models.signals import m2m_changed, post_delete, post_save

    post_save.connect(_on_write, dispatch_uid="sync-download-version-save")
    post_delete.connect(_on_write, dispatch_uid="sync-download-version-delete")
    m2m_changed.connect(_on_m2m, dispatch_uid="sync-download-version-m2m")
