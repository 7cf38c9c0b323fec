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
