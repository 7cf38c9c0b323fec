"""One archive holds the whole state of a station: the database, dumped with the database's own
tool (``pg_dump`` custom format, or SQLite's online backup), and every uploaded file.

``dumpdata`` is not a backup: it skips sequences, triggers (the append-only audit log) and
anything outside the ORM, and loading it back into a live schema fights the constraints. A dump
restores exactly what was there.

Layout of ``seedreg-backup-<time>.tar.gz``::

    manifest.json          what, when, which database vendor, which migrations
    database.pgdump        PostgreSQL: pg_dump --format=custom
    database.sqlite3       SQLite: a consistent copy made with the online backup API
    media/...              MEDIA_ROOT as it was
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import connection, connections
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT_VERSION = 1
PG_DUMP_NAME = "database.pgdump"
SQLITE_NAME = "database.sqlite3"


class BackupError(Exception):
    pass


def _pg_environment() -> tuple[list[str], dict]:
    s = connection.settings_dict
    args = ["--host", s["HOST"] or "127.0.0.1", "--port", str(s["PORT"] or 5432), "--username", s["USER"]]
    env = {**os.environ, "PGCONNECT_TIMEOUT": "10"}
    if s.get("PASSWORD"):
        env["PGPASSWORD"] = s["PASSWORD"]  # not on the command line, where `ps` would show it
    return args, env


def _run(command: list[str], env: dict):
    try:
        result = subprocess.run(command, env=env, capture_output=True, text=True)
    except FileNotFoundError as exc:
        raise BackupError(f"{command[0]} not found: install the PostgreSQL client (postgresql-client)") from exc
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()}")


def _dump_database(folder: Path) -> str:
    if connection.vendor == "postgresql":
        args, env = _pg_environment()
        _run(["pg_dump", *args, "--format=custom", "--no-owner", "--no-privileges",
              "--file", str(folder / PG_DUMP_NAME), connection.settings_dict["NAME"]], env)
        return PG_DUMP_NAME
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(folder / SQLITE_NAME)
        try:
            connection.connection.backup(target)  # consistent even while others write
        finally:
            target.close()
        return SQLITE_NAME
    raise BackupError(f"no backup method for {connection.vendor}")


def create_backup(destination: Path) -> Path:
    """Write the archive to ``destination`` (a file, or a folder to put a dated file in)."""
    destination = Path(destination)
    if destination.is_dir():
        destination = destination / f"seedreg-backup-{timezone.localtime():%Y%m%d-%H%M%S}.tar.gz"
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        database_file = _dump_database(folder)
        migrations = sorted(f"{app}.{name}" for app, name in MigrationRecorder(connection).applied_migrations())
        manifest = {"format": FORMAT_VERSION, "created_at": timezone.now().isoformat(), "vendor": connection.vendor,
                    "database_file": database_file, "migrations": migrations}
        (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
        partial = destination.with_name(destination.name + ".partial")
        with tarfile.open(partial, "w:gz") as tar:
            tar.add(folder / "manifest.json", arcname="manifest.json")
            tar.add(folder / database_file, arcname=database_file)
            media = Path(settings.MEDIA_ROOT)
            if media.exists():
                tar.add(media, arcname="media")
        partial.replace(destination)  # a crashed backup never looks like a finished one
    return destination


def read_manifest(archive: Path) -> dict:
    with tarfile.open(archive, "r:gz") as tar:
        return json.load(tar.extractfile("manifest.json"))


def restore_backup(archive: Path) -> dict:
    """Replace the database and MEDIA_ROOT with the archive's. Destroys what is there now."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(folder, filter="data")  # no absolute paths, links or devices
        manifest = json.loads((folder / "manifest.json").read_text())
        if manifest.get("format") != FORMAT_VERSION:
            raise BackupError(f"unknown archive format {manifest.get('format')!r}")
        if manifest["vendor"] != connection.vendor:
            raise BackupError(f"the archive holds a {manifest['vendor']} database; this site runs {connection.vendor}")
        _restore_database(folder / manifest["database_file"])
        _restore_media(folder / "media")
    return manifest


def _restore_database(dump: Path):
    connections.close_all()
    if connection.vendor == "postgresql":
        args, env = _pg_environment()
        # --clean drops each object before recreating it; one transaction, so a failed restore
        # leaves the database as it was.
        _run(["pg_restore", *args, "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
              "--exit-on-error", "--dbname", connection.settings_dict["NAME"], str(dump)], env)
    else:
        source = sqlite3.connect(dump)
        target = sqlite3.connect(connection.settings_dict["NAME"])
        try:
            source.backup(target)  # page by page, under the target's write lock
        finally:
            source.close()
            target.close()
    connections.close_all()


def _restore_media(extracted: Path):
    media = Path(settings.MEDIA_ROOT)
    if media.exists():
        shutil.rmtree(media)
    if extracted.exists():
        shutil.copytree(extracted, media)
    else:
        media.mkdir(parents=True, exist_ok=True)
