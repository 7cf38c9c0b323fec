from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from seedreg.regions.loading import load_regions


class Command(BaseCommand):
    help = "从CSV导入行政区划（code,name,level,parent）。Load administrative regions from a CSV."

    def add_arguments(self, parser):
        parser.add_argument("csv", type=Path)
        parser.add_argument("--prefix", default="", help="只导入以此代码开头的区划")
        parser.add_argument("--max-level", type=int, default=5, help="1省 2市 3县 4乡镇 5村")

    def handle(self, csv, prefix, max_level, **options):
        if not csv.exists():
            raise CommandError(f"文件不存在：{csv}")
        n = load_regions(csv, prefix=prefix, max_level=max_level)
        self.stdout.write(self.style.SUCCESS(f"已写入 {n} 个区划"))
