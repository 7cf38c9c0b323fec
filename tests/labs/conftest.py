import pytest

from labs.models import QualityStandard, ToleranceRow


@pytest.fixture
def standards(db):
    """The standards tables as the migration loads them (reloaded where a transactional test
    flushed the migration's rows)."""
    from labs.loading import load_quality_standards, load_tolerances

    if not QualityStandard.objects.exists():
        load_quality_standards(QualityStandard)
    if not ToleranceRow.objects.exists():
        load_tolerances(ToleranceRow)
    return QualityStandard.objects.all()


@pytest.fixture
def dealer(clerk):
    """A dealer user of a business in the county."""
    from licensing import services
    from seedreg.regulated import service_context
    from tests.factories import PASSWORD
    from tests.licensing.conftest import make_business

    business = make_business(clerk, "建平县检验测试门市部", serial=61)
    with service_context():
        user, _ = services.create_dealer_user(business, actor=clerk, phone="13900000061", full_name="赵经营",
                                              delivery="slip")
    user.set_password(PASSWORD)
    user.save()
    return user


def login(client, user):
    from tests.factories import PASSWORD

    assert client.login(username=user.username, password=PASSWORD)
    return client


MAIZE_LABEL = {"purity": "96.0", "cleanliness": "99.0", "germination": "85", "moisture": "13.0"}


def build_lab_sample(received_by, *, code="JP-2026-0001-T", region="211322", **facts):
    """A sample as intake leaves it (built the way the intake service does)."""
    from labs.models import LabSample
    from labs.services.worksheets import create_tests
    from seedreg.regulated import service_context

    values = {"crop_code": "maize", "crop_name": "玉米", "variety_name": "郑单958", "lot_number": "20260301",
              "seed_type": "single_cross", "seed_class": "大田用种", "label_values": MAIZE_LABEL,
              "seals_intact": True, "quantity_g": "1000", "storage_location": "样品柜A-1", **facts}
    with service_context():
        sample = LabSample(region_code=region, code=code, received_by=received_by, **values)
        sample.save()
        create_tests(sample, actor=received_by)
    return sample


GOOD_RAW = {
    "cleanliness": {"working_sample_g": "100", "pure_seed_g": "99.30", "other_seeds_g": "0.20", "inert_matter_g": "0.50"},
    "germination": {"r1_normal": "90", "r1_dead": "10", "r2_normal": "88", "r2_dead": "12", "r3_normal": "91",
                    "r3_dead": "9", "r4_normal": "89", "r4_dead": "11"},
    "moisture": {"m1_dish_g": "10", "m1_wet_g": "15", "m1_dry_g": "14.400", "m2_dish_g": "10", "m2_wet_g": "15",
                 "m2_dry_g": "14.395"},
    "purity": {"examined": "1000", "off_types": "20", "method": "growout", "trueness": "yes"},
}


@pytest.fixture
def lab_sample(standards, lab_tech):
    return build_lab_sample(lab_tech)
