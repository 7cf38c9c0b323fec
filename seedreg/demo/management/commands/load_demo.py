from django.core.management.base import BaseCommand

from seedreg.demo.models import DemoLoad
from seedreg.demo.platform import DEMO_PASSWORD, DEMO_USERS, build_platform
from seedreg.demo.registry import DemoContext, builders
from seedreg.regulated import service_context


class Command(BaseCommand):
    help = "载入演示县（建平县）的数据；每批只载入一次。Load the demo county, each part once."

    def add_arguments(self, parser):
        parser.add_argument("--print-logins", action="store_true", help="打印演示账号")

    def handle(self, print_logins=False, **options):
        ctx = DemoContext(county=None, station=None, users={}, stdout=self.stdout)
        # The platform part is re-applied every time (idempotent) so later builders have
        # their context; the others run once per database.
        with service_context():
            build_platform(ctx)
        done = set(DemoLoad.objects.values_list("name", flat=True))
        for name, func in builders():
            if name in done:
                continue
            with service_context():
                func(ctx)
                DemoLoad.objects.create(name=name)
            self.stdout.write(f"演示数据已载入：{name}")
        if print_logins:
            self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
            for username, full_name, role, _region, _eid, unit in DEMO_USERS:
                self.stdout.write(f"  {username:<10} {full_name} · {role.label} · {unit}")
            for line in ctx.extras.get("logins", []):
                self.stdout.write(f"  {line}")
            self.stdout.write("  admin      系统管理员（/admin/）")
