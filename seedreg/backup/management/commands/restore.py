from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from seedreg.backup.archive import BackupError, read_manifest, restore_backup


class Command(BaseCommand):
    help = "从备份归档恢复数据库与上传文件。会覆盖当前的全部数据：先停止网站、worker 与 beat。"

    def add_arguments(self, parser):
        parser.add_argument("archive", help="manage.py backup 生成的 .tar.gz 归档")
        parser.add_argument("--yes", action="store_true", help="不再询问，直接覆盖当前数据")

    def handle(self, archive, yes, **options):
        path = Path(archive)
        if not path.is_file():
            raise CommandError(f"找不到归档 {path}")
        manifest = read_manifest(path)
        if not yes:
            answer = input(f"将用 {manifest['created_at']} 的备份覆盖当前全部数据，输入 yes 继续：")
            if answer.strip().lower() != "yes":
                raise CommandError("已取消")
        try:
            restore_backup(path)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"已恢复 {manifest['created_at']} 的备份（{len(manifest['migrations'])} 个迁移）。"
                          "如代码版本较新，请再运行 manage.py migrate。")
