from pathlib import Path

import pytest
from django.core.management import call_command

from seedreg.accounts.models import User
from seedreg.demo.models import DemoLoad
from seedreg.regions.loading import load_regions
from seedreg.regions.models import Region, Station

pytestmark = pytest.mark.django_db

REGIONS = Path(__file__).resolve().parents[2] / "seedreg" / "regions" / "data" / "regions_liaoning.csv"


def test_regions_load_as_a_tree_whose_prefixes_are_ancestors():
    n = load_regions(REGIONS, prefix="2113")
    assert n > 300
    jianping = Region.objects.get(code="211322")
    assert jianping.name == "建平县" and jianping.level == Region.Level.COUNTY
    assert jianping.parent.code == "2113"
    township = Region.objects.get(code="211322101")
    assert township.parent_id == "211322" and township.full_name.endswith("建平县朱碌科镇")
    assert all(r.code.startswith(r.parent_id) for r in Region.objects.exclude(parent=None))


def test_loading_regions_twice_changes_nothing():
    load_regions(REGIONS, prefix="211322")
    before = Region.objects.count()
    load_regions(REGIONS, prefix="211322")
    assert Region.objects.count() == before


def test_load_demo_creates_the_county_and_a_user_for_every_role_once(capsys):
    call_command("load_demo", "--print-logins")
    out = capsys.readouterr().out
    assert "zhanzhang" in out and "seedreg-demo" in out
    assert Station.objects.get(region_id="211322").name == "建平县种子管理站"
    roles = set(User.objects.values_list("role", flat=True))
    assert {"station_chief", "station_clerk", "inspector", "lab_technician", "lab_reviewer", "higher_lab",
            "supervisor"} <= roles
    users, loads = User.objects.count(), DemoLoad.objects.count()
    zhifa1 = User.objects.get(username="zhifa1")
    zhifa1.full_name = "改过的名字"
    zhifa1.save()
    call_command("load_demo")
    assert User.objects.count() == users and DemoLoad.objects.count() == loads
    assert User.objects.get(username="zhifa1").full_name == "改过的名字"  # a second run keeps the data
