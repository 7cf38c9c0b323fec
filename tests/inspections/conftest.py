"""Fixtures for inspections: the county's inspector directory, shops in two townships, a plan
and a spring campaign. Photos are generated with Pillow (EXIF included where a test needs it)."""

import datetime
import io

import pytest
from django.utils import timezone
from PIL import Image
from PIL.TiffImagePlugin import IFDRational

from inspections import services
from seedreg.accounts.roles import Role
from tests.factories import JIANPING, make_user
from tests.licensing.conftest import crops, lot, make_business, peddler, seed_producer, shop, varieties  # noqa: F401


@pytest.fixture
def inspector3(geo):
    return make_user(Role.INSPECTOR, JIANPING, full_name="赵执法", enforcement_id="辽农执211322913")


@pytest.fixture
def directory(chief, inspector, inspector2, inspector3):
    """Three inspectors and the chief in the county's inspector directory."""
    return {u.pk: services.save_inspector_profile(u, actor=chief) for u in (inspector, inspector2, inspector3)}


@pytest.fixture
def shops(clerk):
    """Five shops: three in 建平镇, two in 黑水镇, with locations."""
    places = [("211322102", "41.4030", "119.6430"), ("211322102", "41.4100", "119.6500"),
              ("211322102", "41.3950", "119.6350"), ("211322103", "41.3500", "119.7000"),
              ("211322103", "41.3600", "119.7100")]
    return [make_business(clerk, f"建平县第{i + 1}种子门市部", serial=100 + i, region=region, latitude=lat,
                          longitude=lon, coordinate_system="wgs84")
            for i, (region, lat, lon) in enumerate(places)]


@pytest.fixture
def plan(clerk):
    return services.create_plan(actor=clerk, year=2026, title="2026年种子市场监督检查计划")


@pytest.fixture
def campaign(clerk, plan, crops):  # noqa: F811  (the crops fixture imported above)
    today = timezone.localdate()
    return services.create_campaign(
        plan, actor=clerk, name="春季种子市场专项检查", mode="sweep", season="spring_in_sale",
        starts_on=today, ends_on=today + datetime.timedelta(days=30), townships=["211322102", "211322103"],
        crops=[crops["maize"]], matters=["证照", "台账", "标签"], sampling_target=10)


def jpeg_bytes(size=(400, 200), *, orientation=None, taken="2026:04:01 10:20:30", gps=(41, 24, 10.8),
               color=(200, 30, 30)):
    """A JPEG whose left half is coloured and right half white, with optional EXIF."""
    image = Image.new("RGB", size, (255, 255, 255))
    image.paste(color, (0, 0, size[0] // 2, size[1]))
    exif = Image.Exif()
    if orientation:
        exif[0x0112] = orientation
    if taken:
        exif.get_ifd(0x8769)[0x9003] = taken
    if gps:
        g = exif.get_ifd(0x8825)
        g[1], g[3] = "N", "E"
        g[2] = tuple(IFDRational(int(v * 10), 10) for v in gps)
        g[4] = (IFDRational(119), IFDRational(38), IFDRational(0))
    exif[0x010F] = "SecretPhoneModel"
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, quality=90)
    return out.getvalue()


def make_sample_pair(inspectors, business, crop, *, sampled_at=None, number=1):
    """A sampling record with its two sealed samples held by the first inspector, built the
    way the sampling service stores them (for tests of what happens after sampling)."""
    from inspections.models import Sample, SamplingRecord, Visit
    from seedreg.regulated import service_context

    sampled_at = sampled_at or timezone.now()
    with service_context():
        visit = Visit.objects.create(region_code=business.region_code, business=business, checked_in_at=sampled_at,
                                     created_by=inspectors[0])
        visit.inspectors.set(inspectors)
        record = SamplingRecord.objects.create(
            visit=visit, region_code=business.region_code, business=business, crop=crop, variety_name="郑单958",
            lot_number=f"LOT{number}", lot_size_kg=1000, packages=40, primary_samples=20, suggested_sample_g=1000,
            sample_quantity_g=2000, sampling_rule_note="GB/T 3543.2", backup_kept_at="县种子站样品室",
            sampled_at=sampled_at, recorded_by=inspectors[0])
        record.samplers.set(inspectors)
        for role, suffix in ((Sample.Role.TEST, "T"), (Sample.Role.BACKUP, "B")):
            Sample.objects.create(sampling=record, region_code=business.region_code, role=role,
                                  code=f"211322-{sampled_at:%Y}-{number:04d}-{suffix}", seal_numbers=[f"F{number}{suffix}"],
                                  quantity_g=1000, holder_user=inspectors[0])
    return record
