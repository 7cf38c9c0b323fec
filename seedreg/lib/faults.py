"""Named pause points, so that fault tests can stop a real worker process at a chosen instant
(for example between an SMS provider accepting a message and the database recording it) and
kill it there.

``checkpoint(name)`` returns at once unless ``settings.FAULT_GATES_DIR`` is set, which
production refuses (see settings). A test that starts a worker process with
``SEEDREG_FAULT_GATES_DIR=<dir>`` arms a point by creating ``<dir>/<name>.armed``; the process
that reaches it creates ``<name>.reached`` and waits until ``<name>.release`` exists (or the
test kills it there). Unarmed points cost one settings lookup."""

from __future__ import annotations

import time
from pathlib import Path

from django.conf import settings

WAIT_SECONDS = 120


def checkpoint(name: str) -> None:
    folder = getattr(settings, "FAULT_GATES_DIR", "")
    if not folder:
        return
    gates = Path(folder)
    if not (gates / f"{name}.armed").exists():
        return
    (gates / f"{name}.reached").touch()
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline and not (gates / f"{name}.release").exists():
        time.sleep(0.05)


def arm(folder: Path, name: str) -> None:
    (folder / f"{name}.armed").touch()


def disarm(folder: Path, name: str) -> None:
    (folder / f"{name}.armed").unlink(missing_ok=True)


def reached(folder: Path, name: str) -> bool:
    return (folder / f"{name}.reached").exists()
