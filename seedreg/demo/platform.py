"""The platform part of the demo: regions, the 建平县 station and a user for every role."""

from decimal import Decimal
from pathlib import Path

from seedreg.accounts.models import User
from seedreg.accounts.roles import Role
from seedreg.regions.loading import load_regions
from seedreg.regions.models import Region, Station

REGIONS_CSV = Path(__file__).resolve().parent.parent / "regions" / "data" / "regions_liaoning.csv"
DEMO_PASSWORD = "seedreg-demo"
COUNTY = "211322"  # 建平县, 朝阳市, 辽宁省
NEIGHBOUR = "211321"  # 朝阳县: another county, to show what 建平县 staff cannot see

# username, full name, role, region, enforcement id, unit
DEMO_USERS = [
    ("zhanzhang", "王建国", Role.STATION_CHIEF, COUNTY, "辽农执211322001", "建平县种子管理站"),
    ("keyuan", "李秀英", Role.STATION_CLERK, COUNTY, None, "建平县种子管理站"),
    ("zhifa1", "张伟", Role.INSPECTOR, COUNTY, "辽农执211322011", "建平县农业综合行政执法大队"),
    ("zhifa2", "刘洋", Role.INSPECTOR, COUNTY, "辽农执211322012", "建平县农业综合行政执法大队"),
    ("zhifa3", "赵磊", Role.INSPECTOR, COUNTY, "辽农执211322013", "建平县农业综合行政执法大队"),
    ("jianyan", "陈静", Role.LAB_TECHNICIAN, COUNTY, None, "建平县种子管理站检验室"),
    ("shenhe", "周敏", Role.LAB_REVIEWER, COUNTY, None, "建平县种子管理站检验室"),
    ("shiji", "孙磊", Role.HIGHER_LAB, "2113", None, "朝阳市农业综合检验检测中心"),
    ("jiandu", "吴芳", Role.SUPERVISOR, "2113", None, "朝阳市农业农村局"),
    ("chaoyang", "郑强", Role.STATION_CHIEF, NEIGHBOUR, "辽农执211321001", "朝阳县种子管理站"),
    # The provincial station keeps the standards and tolerance tables that every county reads.
    ("shengzhan", "钱志明", Role.STATION_CHIEF, "21", None, "辽宁省种子管理站"),
]


def build_platform(ctx):
    load_regions(REGIONS_CSV, prefix="21")
    ctx.county = Region.objects.get(code=COUNTY)
    ctx.station, _ = Station.objects.get_or_create(
        region=ctx.county,
        defaults=dict(name="建平县种子管理站", short_name="建", address="辽宁省朝阳市建平县叶柏寿街道",
                      phone="0421-7812345", latitude=Decimal("41.403000"), longitude=Decimal("119.643000"),
                      north_of_great_wall=True),
    )
    Station.objects.get_or_create(region_id=NEIGHBOUR, defaults=dict(name="朝阳县种子管理站", short_name="朝",
                                                                     north_of_great_wall=True))
    for username, full_name, role, region, enforcement_id, unit in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults=dict(full_name=full_name, role=role, region_id=region, enforcement_id=enforcement_id, unit=unit),
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        ctx.users[username] = user
    if not User.objects.filter(username="admin").exists():
        User.objects.create_superuser("admin", "admin@localhost", DEMO_PASSWORD, full_name="系统管理员",
                                      role=Role.STATION_CHIEF, region_id=COUNTY)
    ctx.users["admin"] = User.objects.get(username="admin")
