from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from seedreg.backup.archive import BackupError, create_backup


class Command(BaseCommand):
    help = "备份数据库与上传文件到一个归档（PostgreSQL 用 pg_dump，SQLite 用在线备份）。"

    def add_arguments(self, parser):
        parser.add_argument("destination", nargs="?", default=".",
                            help="归档文件路径，或存放带日期文件名归档的目录（默认当前目录）")

    def handle(self, destination, **options):
        try:
            archive = create_backup(Path(destination))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(str(archive))
