import pytest

from labs.demo import GOOD
from labs.models import QualityStandard, ToleranceRow
from tests.inspections.conftest import campaign, plan  # noqa: F401  (fixtures)
from tests.licensing.conftest import crops, lot, peddler, seed_producer, varieties  # noqa: F401


@pytest.fixture
def standards(db):
    """The standards tables as the migration loads them (reloaded where a transactional test
    flushed the migration's rows)."""
    from labs.loading import load_quality_standards, load_tolerances
    from seedreg.regulated import service_context

    with service_context():  # what migration 0002 does, after a transactional test's flush
        if not QualityStandard.objects.exists():
            load_quality_standards(QualityStandard)
        if not ToleranceRow.objects.exists():
            load_tolerances(ToleranceRow)
    return QualityStandard.objects.all()


@pytest.fixture
def province_chief(geo):
    """The provincial station's chief: keeps the standards tables."""
    from seedreg.accounts.roles import Role
    from tests.factories import make_user

    return make_user(Role.STATION_CHIEF, "21", full_name="省站长")


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


def build_lab_sample(received_by, *, business=None, number=1, label=None, seed_class="大田用种", seed_lot=None, **intake):
    """A sampling record with its two sealed samples, the test sample received by the lab
    through the intake service."""
    from labs.services import receive_sample
    from licensing.models import Crop
    from seedreg.regulated import service_context
    from tests.inspections.conftest import make_sample_pair

    crop = Crop.objects.get(code="maize")
    business = business or make_business_once(received_by)
    inspectors = [make_user_once("inspector", business.region_code[:6])]
    record = make_sample_pair(inspectors, business, crop, number=number)
    with service_context():
        record.label = label if label is not None else {**MAIZE_LABEL, "seed_type": "single_cross"}
        if seed_lot is not None:  # the form names a registered lot
            record.variety, record.lot_number = seed_lot.variety, seed_lot.lot_number
        record.save()
    test_sample = record.samples.get(role="test")
    values = {"seal_numbers": test_sample.seal_numbers, "seals_intact": True, "quantity_g": "1000",
              "storage_location": "样品柜A-1", "seed_class": seed_class, **intake}
    return receive_sample(actor=received_by, code=test_sample.code, **values)


def make_business_once(actor):
    from licensing.models import Business
    from tests.licensing.conftest import make_business

    region = actor.region_id[:6]
    business = Business.objects.filter(region_code__startswith=region).first()
    if business:
        return business
    clerk = make_user_once("station_clerk", region)
    return make_business(clerk, "建平县样品门市部" if region == "211322" else "外县样品门市部", serial=70,
                         region=region + "102" if region == "211322" else region + "001")


def make_user_once(role, region):
    from seedreg.accounts.models import User
    from tests.factories import make_user

    user = User.objects.filter(role=role, region_id=region).first()
    if user:
        return user
    extra = {"enforcement_id": f"辽农执{region}999"} if role == "inspector" else {}
    return make_user(role, region, **extra)


# The hand-worked bench data of a qualified maize sample (the demo uses the same).
GOOD_RAW = GOOD


@pytest.fixture
def lab_sample(standards, crops, lab_tech):  # noqa: F811  (the crops fixture imported above)
    return build_lab_sample(lab_tech)
