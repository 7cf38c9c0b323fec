"""Builders for test data: the geography of the personas and users of every role.

Personas (as in healthchecks' alice/bob/charlie): 建平县 is "our" county, with a chief, a
clerk, two inspectors, a lab technician and a reviewer; 朝阳市 above it has the higher-level
lab and a supervisor; 朝阳县 next door has an outsider chief and inspector who must never see
建平县's records."""

from seedreg.accounts.models import User
from seedreg.accounts.roles import Role
from seedreg.regions.models import Region, Station

PASSWORD = "correct-horse-battery-staple"

GEOGRAPHY = [
    ("21", "辽宁省", 1, None),
    ("2113", "朝阳市", 2, "21"),
    ("211322", "建平县", 3, "2113"),
    ("211321", "朝阳县", 3, "2113"),
    ("211322001", "叶柏寿街道", 4, "211322"),
    ("211322101", "朱碌科镇", 4, "211322"),
    ("211322102", "建平镇", 4, "211322"),
    ("211322103", "黑水镇", 4, "211322"),
    ("211322112", "奎德素镇", 4, "211322"),
    ("211321001", "柳城街道", 4, "211321"),
    ("211321102", "波罗赤镇", 4, "211321"),
    ("2101", "沈阳市", 2, "21"),
    ("210112", "浑南区", 3, "2101"),
]

JIANPING, CHAOYANG_COUNTY, CHAOYANG_CITY = "211322", "211321", "2113"


def build_geography():
    for code, name, level, parent in GEOGRAPHY:
        Region.objects.get_or_create(code=code, defaults={"name": name, "level": level, "parent_id": parent})
    Station.objects.get_or_create(region_id=JIANPING, defaults=dict(
        name="建平县种子管理站", short_name="建", north_of_great_wall=True, latitude="41.403", longitude="119.643"))
    Station.objects.get_or_create(region_id=CHAOYANG_COUNTY, defaults=dict(
        name="朝阳县种子管理站", short_name="朝", north_of_great_wall=True))


_counter = {"n": 0}


def make_user(role=Role.STATION_CLERK, region=JIANPING, *, username=None, enforcement_id=None, **extra):
    _counter["n"] += 1
    n = _counter["n"]
    username = username or f"{role}-{region}-{n}"
    user = User.objects.create_user(username=username, password=PASSWORD, role=role, region_id=region,
                                    full_name=extra.pop("full_name", f"测试{n}号"),
                                    enforcement_id=enforcement_id, **extra)
    return user
