"""``manage.py backup`` and ``restore``: back up, wipe, restore, and every record and every
uploaded file is back, byte for byte (pg_dump/pg_restore on PostgreSQL, SQLite's online backup
on SQLite)."""

import hashlib
import shutil
import tarfile
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import CommandError, call_command

from licensing.models import Business, ImportJob
from tests.licensing.conftest import crops, licensed, varieties  # noqa: F401  (fixtures)
from tests.licensing.test_import import GOOD, fix_codes, upload, xlsx

pytestmark = pytest.mark.django_db(transaction=True)


def every_record():
    return {model._meta.label: [tuple(sorted(row.items())) for row in model._base_manager.order_by("pk").values()]
            for model in apps.get_models()}


def every_file():
    media = Path(settings.MEDIA_ROOT)
    return {str(p.relative_to(media)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in media.rglob("*") if p.is_file()}


@pytest.mark.usefixtures("licensed", "varieties")
def test_a_backup_restores_every_record_and_file_after_a_wipe(client, clerk, tmp_path):
    upload(client, clerk, xlsx(fix_codes([r[:] for r in GOOD])))  # an uploaded file in media
    records, files = every_record(), every_file()
    assert ImportJob.objects.get().source_file and files and Business.objects.exists()

    call_command("backup", str(tmp_path))
    archive = next(tmp_path.glob("seedreg-backup-*.tar.gz"))
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert "manifest.json" in names and any(n.startswith("database.") for n in names)
    assert all(f"media/{name}" in names for name in files)

    call_command("flush", interactive=False)
    shutil.rmtree(settings.MEDIA_ROOT)
    assert not Business.objects.exists() and not Path(settings.MEDIA_ROOT).exists()

    call_command("restore", str(archive), yes=True)
    assert every_record() == records
    assert every_file() == files


def test_restore_refuses_a_file_that_is_not_an_archive(tmp_path):
    with pytest.raises(CommandError):
        call_command("restore", str(tmp_path / "missing.tar.gz"), yes=True)
