"""Files stored by a service are removed when its transaction rolls back.

A service writes a file (a signature, a photo, a PDF) before it has finished its checks; the
row that names the file is rolled back when a later check fails, but the storage is no
database: the file stayed behind, an orphan nobody can reach and nobody deletes. Services save
through ``save_file``, which remembers what it stored; ``removed_on_rollback`` (entered by every
service, see ``seedreg.regulated.service_context``) deletes those files when its block exits
with an exception, i.e. when its atomic block was rolled back. A block that succeeds hands its
files to the enclosing one, whose own failure removes them too.

A transaction rolled back without an exception (``set_rollback``) around a service that
succeeded is not seen: no service does that."""

from __future__ import annotations

import logging
from contextlib import contextmanager
from contextvars import ContextVar

logger = logging.getLogger(__name__)

_stored: ContextVar[list | None] = ContextVar("seedreg_stored_files", default=None)


def save_file(field_file, name: str, content) -> str:
    """Save ``content`` into ``field_file`` (the row itself is saved by the caller) and remove
    the file again if the enclosing service fails. Returns the stored name."""
    field_file.save(name, content, save=False)
    stored = _stored.get()
    if stored is not None:
        stored.append((field_file.storage, field_file.name))
    return field_file.name


@contextmanager
def removed_on_rollback():
    """Delete the files ``save_file`` stored inside the block if the block raises."""
    outer = _stored.get()
    mine: list = []
    token = _stored.set(mine)
    try:
        yield
    except BaseException:
        _stored.reset(token)
        for storage, name in mine:
            try:
                storage.delete(name)
            except OSError:  # the rollback's error is what the caller must see, not this one
                logger.exception("could not remove %s stored by a failed service", name)
        raise
    _stored.reset(token)
    if outer is not None:
        outer.extend(mine)
