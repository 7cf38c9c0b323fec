import datetime

import pytest
from django.utils import timezone

from licensing import services
from licensing.demo import credit_code, resident_id
from licensing.models import BusinessKind, Crop, EntityType, SeedType
from seedreg.regulated import service_context


@pytest.fixture
def crops(db):
    if not Crop.objects.exists():  # a transactional test flushed the migration's reference data
        from importlib import import_module

        from django.apps import apps

        import_module("licensing.migrations.0002_crops").load(apps, None)
    return {c.code: c for c in Crop.objects.all()}


@pytest.fixture
def varieties(clerk, crops):
    with service_context():
        return {
            "郑单958": services.register_variety(actor=clerk, crop=crops["maize"], name="郑单958",
                                               seed_type=SeedType.SINGLE_CROSS, approval_number="国审玉20000009"),
            "东单6531": services.register_variety(actor=clerk, crop=crops["maize"], name="东单6531",
                                                seed_type=SeedType.SINGLE_CROSS, approval_number="辽审玉20160021",
                                                approved_region_codes=["21"]),
            "吉单27": services.register_variety(actor=clerk, crop=crops["maize"], name="吉单27",
                                              approval_number="吉审玉2003001", approved_region_codes=["22"]),
        }


def make_business(actor, name="建平县丰收种子门市部", *, serial=1, region="211322102", kind=BusinessKind.PACKAGED_SELLER,
                  **extra):
    with service_context():
        return services.register_business(actor=actor, name=name, kind=kind, region_code=region,
                                          credit_code=credit_code("92211322", serial), legal_representative="王丰收",
                                          contact_phone="13904211234", address="建平镇农资市场12号", **extra)


@pytest.fixture
def shop(clerk):
    return make_business(clerk)


@pytest.fixture
def peddler(clerk):
    with service_context():
        return services.register_business(
            actor=clerk, name="张德福", kind=BusinessKind.INDIVIDUAL, entity_type=EntityType.NATURAL_PERSON,
            region_code="211322103", id_number=resident_id("211322", datetime.date(1968, 4, 12), 31),
            contact_phone="13904219999", address="黑水镇东街7号")


@pytest.fixture
def licensed(clerk, crops):
    """A producer holding a B licence that expires in 100 days."""
    business = make_business(clerk, "建平县丰禾种业有限公司", serial=2, kind=BusinessKind.PRODUCER)
    today = timezone.localdate()
    with service_context():
        licence = services.issue_seed_licence(
            business, actor=clerk, number="B(辽朝)农种许字(2019)第0012号", issued_on=today - datetime.timedelta(days=1000),
            expires_on=today + datetime.timedelta(days=100), crops=[crops["maize"]], issuing_organ="朝阳市农业农村局",
            valid_region="辽宁省")
    return licence


# --- ledgers ----------------------------------------------------------------------------------
@pytest.fixture
def seed_producer(clerk):
    """A maize producer registered in another province (an outside party)."""
    with service_context():
        return services.register_outside_party(actor=clerk, name="北京德农种业有限公司", credit_code=credit_code("91110000", 7),
                                               licence_number="A(京)农种许字(2016)第0007号", home_region_code="11")


@pytest.fixture
def lot(clerk, varieties, seed_producer):
    with service_context():
        return services.register_seed_lot(
            actor=clerk, variety=varieties["郑单958"], lot_number="ZD2026-001", producer_outside=seed_producer,
            purity="96.0", cleanliness="99.0", germination="85", moisture="13.0", net_content_kg="20",
            quarantine_cert_number="21132220260000001", certificate_number="HG2026-0001")


@pytest.fixture
def wholesaler(clerk):
    return make_business(clerk, "建平县惠农种业有限公司", serial=11, kind=BusinessKind.WHOLESALER, region="211322001")


@pytest.fixture
def shop_b(clerk):
    return make_business(clerk, "建平县黑水镇农资店", serial=12, region="211322103")


@pytest.fixture
def far_shop(outsider):
    """A shop in the neighbouring county (朝阳县), registered by that county's chief."""
    return make_business(outsider, "朝阳县波罗赤种子站", serial=13, region="211321102")


def make_dealer(clerk, business, phone):
    from tests.factories import PASSWORD

    with service_context():
        user, _password = services.create_dealer_user(business, actor=clerk, phone=phone, full_name=f"{business.name}店主",
                                                      delivery="slip")
    user.set_password(PASSWORD)  # the tests log in with the personas' password
    user.save()
    return user


@pytest.fixture
def shop_dealer(clerk, shop):
    return make_dealer(clerk, shop, "13904210001")


@pytest.fixture
def wholesaler_dealer(clerk, wholesaler):
    return make_dealer(clerk, wholesaler, "13904210002")


@pytest.fixture
def shop_b_dealer(clerk, shop_b):
    return make_dealer(clerk, shop_b, "13904210003")


def days_ago(n):
    return timezone.localdate() - datetime.timedelta(days=n)
