"""Sampling at a visit: rules as data, seals, signatures, the sampling form and custody."""

import datetime
import uuid
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from inspections import selectors, services
from inspections.models import Sample, SamplingRecord, SamplingRule, SealNumber
from seedreg.errors import Conflict, InvalidInput, PermissionDenied, RuleViolation

from .test_visits import pdf_text, signature_png


@pytest.fixture
def visit(clerk, directory, inspector, inspector2, shops):
    task = services.create_task(actor=clerk, business=shops[0], kind="ad_hoc",
                                due_on=timezone.localdate() + datetime.timedelta(days=7),
                                inspectors=[inspector, inspector2])
    return services.start_visit(actor=inspector, task=task)


def sample(visit, actor, crops, **extra):
    kwargs = dict(crop=crops["maize"], variety_name="郑单958", lot_number="20260301A", producer_name="河南秋乐种业",
                  label={"purity": "96.0", "germination": "85", "moisture": "13.0", "cleanliness": "99.0",
                         "quarantine_cert_no": "41010020260000123", "secret": "dropped"},
                  lot_size_kg="1200", packages=480, test_seals=["JP0001"], backup_seals=["JP0002"],
                  backup_kept_at="县种子站样品室", business_signer="王丰收", business_signature=signature_png())
    kwargs.update(extra)
    return services.record_sampling(visit, actor=actor, **kwargs)


def test_sampling_issues_the_form_and_starts_custody(visit, inspector, crops, lab_tech):
    record = sample(visit, inspector, crops)
    assert record.suggested_sample_g == 2000 == record.sample_quantity_g  # maize: 1000 g test + 1000 g backup
    assert "待核实" in record.sampling_rule_note
    # 480 bags of 2.5 kg are small packages: 12 units of 100 kg; 9–15 containers take 1 per container.
    assert record.primary_samples == 12
    assert record.label == {"purity": "96.0", "germination": "85", "moisture": "13.0", "cleanliness": "99.0",
                            "quarantine_cert_no": "41010020260000123"}
    test, backup = record.samples.get(role="test"), record.samples.get(role="backup")
    number = record.document.number
    assert test.code == f"211322-{record.sampled_at:%Y}-{number:04d}-T" and backup.seal_numbers == ["JP0002"]
    assert test.holder_user == inspector and test.custody.get().from_party == visit.business.name
    text = pdf_text(record.document)
    assert "种子抽样单" in text and record.document.serial in text and record.document.serial.startswith("建种抽〔")
    for fact in ("郑单958", "20260301A", "JP0001", "JP0002", "县种子站样品室", test.code, "发芽率85%", "张执法", "刘执法"):
        assert fact in text, fact
    assert selectors.sample_by_code(test.code, viewer=lab_tech) == test
    assert test in selectors.samples_awaiting_intake(lab_tech)


def test_bulk_bags_are_counted_as_containers(visit, inspector, crops):
    record = sample(visit, inspector, crops, lot_size_kg="1000", packages=40)  # 25 kg bags: 31–59 → 20 in total
    assert record.primary_samples == 20


def test_the_rule_table_is_data(visit, inspector, crops):
    SamplingRule.objects.filter(crop__code="maize").update(submitted_sample_g=1200)
    assert sample(visit, inspector, crops).suggested_sample_g == 2400


def test_a_lot_larger_than_the_maximum_must_be_split(visit, inspector, crops):
    with pytest.raises(RuleViolation) as exc:
        sample(visit, inspector, crops, lot_size_kg="40001", packages=1600)
    assert exc.value.code == "lot_too_large"
    assert not SamplingRecord.objects.exists() and not Sample.objects.exists()


def test_the_same_crop_is_not_resampled_within_six_months(visit, inspector, inspector2, crops, shops):
    sample(visit, inspector, crops)
    again = services.start_visit(actor=inspector, inspectors=[inspector2], business=shops[0])
    with pytest.raises(RuleViolation) as exc:
        sample(again, inspector, crops, test_seals=["JP0003"], backup_seals=["JP0004"])
    assert exc.value.code == "resampling_too_soon"
    other = sample(again, inspector, crops, crop=crops["rice"], variety_name="沈稻529", lot_size_kg="500", packages=20,
                   test_seals=["JP0003"], backup_seals=["JP0004"])
    assert other.suggested_sample_g == 800


def test_seals_and_signatures_are_required(visit, inspector, crops):
    with pytest.raises(InvalidInput):
        sample(visit, inspector, crops, test_seals=[])
    with pytest.raises(InvalidInput):
        sample(visit, inspector, crops, backup_seals=["JP0001"])
    with pytest.raises(InvalidInput):
        sample(visit, inspector, crops, business_signer="", business_signature=None)
    record = sample(visit, inspector, crops, business_signer="", business_signature=None, business_refused_to_sign=True)
    assert "拒绝签字" in pdf_text(record.document)


def test_one_sampler_or_an_unqualified_one_cannot_sample(chief, directory, inspector, inspector2, shops, crops):
    alone = services.start_visit(actor=inspector, business=shops[1])
    with pytest.raises(RuleViolation):
        sample(alone, inspector, crops)
    services.join_visit(alone, actor=inspector, inspector=inspector2)
    services.save_inspector_profile(inspector2, actor=chief, may_sample=False)
    with pytest.raises(RuleViolation):
        sample(alone, inspector, crops)
    from seedreg.accounts.models import User

    with pytest.raises(PermissionDenied):  # as loaded by a request: the profile says no sampling
        sample(alone, User.objects.get(pk=inspector2.pk), crops)


def test_a_resent_sampling_is_recognised(visit, inspector, crops):
    key = uuid.uuid4()
    first = sample(visit, inspector, crops, client_uuid=key)
    assert sample(visit, inspector, crops, client_uuid=key).pk == first.pk
    assert Sample.objects.count() == 2


def test_offline_sampling_form_uses_the_reserved_number(visit, inspector, crops):
    block = services.reserve_onsite_numbers(actor=inspector, doc_type="sampling_form", size=3)
    record = sample(visit, inspector, crops, serial_number=block.first_number + 1)
    assert record.document.number == block.first_number + 1
    assert record.samples.get(role="test").code.endswith(f"{block.first_number + 1:04d}-T")


def test_primary_samples_follow_the_table(db, crops):
    from inspections.services import primary_samples_for

    assert primary_samples_for(4, Decimal("200"))[:2] == (4, 12)  # 50 kg bags, 1–4: 3 per bag
    assert primary_samples_for(70, Decimal("3500"))[:2] == (70, 30)


# --- seal numbers: each used once in the county ---------------------------------------------------

def second_visit(clerk, inspector, inspector2, shop):
    task = services.create_task(actor=clerk, business=shop, kind="ad_hoc",
                                due_on=timezone.localdate() + datetime.timedelta(days=7),
                                inspectors=[inspector, inspector2])
    return services.start_visit(actor=inspector, task=task)


def test_a_seal_number_is_used_once_in_the_county(visit, clerk, inspector, inspector2, shops, crops):
    first = sample(visit, inspector, crops, test_seals=["ＪＰ０００１"], backup_seals=["jp 0002"])
    assert first.samples.get(role="test").seal_numbers == ["JP0001"]  # full-width and spaces normalised
    other = second_visit(clerk, inspector, inspector2, shops[1])
    with pytest.raises(Conflict) as refused:
        sample(other, inspector, crops, test_seals=["JP0009"], backup_seals=["jp0002"])
    assert refused.value.code == "seal_used"
    assert "JP0002" in str(refused.value) and first.document.serial in str(refused.value)
    assert SamplingRecord.objects.count() == 1 and SealNumber.objects.count() == 2
    # New seals: accepted.
    assert sample(other, inspector, crops, test_seals=["JP0009"], backup_seals=["JP0010"]).pk


def test_a_resent_sampling_form_is_the_same_record_not_a_seal_conflict(visit, inspector, crops):
    key = uuid.uuid4()
    first = sample(visit, inspector, crops, client_uuid=key)
    assert sample(visit, inspector, crops, client_uuid=key) == first
    assert SealNumber.objects.count() == 2


def _concurrently(calls):
    import threading

    from django.db import connections

    barrier, outcomes = threading.Barrier(len(calls)), []

    def run(call):
        try:
            barrier.wait()
            outcomes.append(call().pk)
        except Conflict as exc:
            outcomes.append(exc.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


@pytest.fixture
def pair_after_a_flush(chief, inspector, inspector2):
    """What a transactional test needs again: the reference data (an earlier transactional test
    flushed it) and the two inspectors in the directory."""
    from tests.mobile_api.test_sync import reload_inspection_reference_data

    reload_inspection_reference_data()
    for person in (inspector, inspector2):
        services.save_inspector_profile(person, actor=chief)


def on_postgres_at_once(test):
    marks = (pytest.mark.postgres, pytest.mark.django_db(transaction=True),
             pytest.mark.skipif(connection.vendor != "postgresql", reason="two connections at once: PostgreSQL"))
    for mark in marks:
        test = mark(test)
    return test


@on_postgres_at_once
def test_two_forms_with_one_seal_at_the_same_moment_store_one(pair_after_a_flush, clerk, inspector, inspector2, shops,
                                                               crops):
    visits = [second_visit(clerk, inspector, inspector2, shop) for shop in shops[:2]]
    outcomes = _concurrently([lambda v=v: sample(v, inspector, crops, sample_quantity_g=2000) for v in visits])
    assert sorted(map(str, outcomes))[1] == "seal_used" and outcomes.count("seal_used") == 1, outcomes
    assert SamplingRecord.objects.count() == 1 and SealNumber.objects.count() == 2


@on_postgres_at_once
def test_one_form_sent_twice_at_the_same_moment_is_stored_once(pair_after_a_flush, clerk, inspector, inspector2,
                                                                shops, crops):
    visit = second_visit(clerk, inspector, inspector2, shops[0])
    key = uuid.uuid4()
    outcomes = _concurrently([lambda: sample(visit, inspector, crops, sample_quantity_g=2000, client_uuid=key)] * 2)
    record = SamplingRecord.objects.get()
    assert outcomes == [record.pk, record.pk]
    assert SealNumber.objects.count() == 2 and record.document.number == 1  # no serial number lost
