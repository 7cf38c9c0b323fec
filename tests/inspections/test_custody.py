"""Chain of custody of sealed samples: what the lab calls at intake."""

import pytest

from inspections import selectors
from inspections.models import Sample
from inspections.services import record_custody_transfer
from seedreg.errors import Conflict, InvalidInput, NotFound

from .conftest import make_sample_pair


@pytest.fixture
def sampling(directory, inspector, inspector2, shops, crops):
    return make_sample_pair([inspector, inspector2], shops[0], crops["maize"])


def test_the_lab_finds_a_sample_by_the_code_on_its_seal(sampling, lab_tech, higher_lab):
    sample = selectors.sample_by_code(f" 211322-{sampling.sampled_at.year}-0001-t ", viewer=lab_tech)
    assert sample.role == Sample.Role.TEST and sample.sampling == sampling
    assert selectors.sample_by_code(sample.code, viewer=higher_lab) == sample  # the city lab above the county


@pytest.mark.parametrize("who", ["outsider", "outside_inspector"])
def test_another_county_cannot_find_our_samples(request, sampling, who):
    viewer = request.getfixturevalue(who)
    code = sampling.samples.first().code
    with pytest.raises(NotFound):
        selectors.sample_by_code(code, viewer=viewer)


def test_intake_moves_the_holder_and_records_the_chain(sampling, inspector, lab_tech):
    sample = sampling.samples.get(role="test")
    transfer = record_custody_transfer(actor=lab_tech, sample=sample, to=lab_tech, seals_intact=True)
    sample.refresh_from_db()
    assert (sample.holder_user, sample.status) == (lab_tech, Sample.Status.RECEIVED)
    assert (transfer.from_user, transfer.to_user, transfer.seals_intact) == (inspector, lab_tech, True)
    with pytest.raises(Conflict):
        record_custody_transfer(actor=lab_tech, sample=sample, to=lab_tech, seals_intact=True)
    assert [t.to_user for t in selectors.custody_chain(sample)] == [lab_tech]


def test_a_broken_seal_must_be_described(sampling, lab_tech):
    sample = sampling.samples.get(role="test")
    with pytest.raises(InvalidInput):
        record_custody_transfer(actor=lab_tech, sample=sample, to=lab_tech, seals_intact=False)
    transfer = record_custody_transfer(actor=lab_tech, sample=sample, to=lab_tech, seals_intact=False,
                                       note="封签一角撕裂")
    assert not transfer.seals_intact


def test_a_backup_sample_left_with_a_party_is_retained(sampling, inspector):
    backup = sampling.samples.get(role="backup")
    record_custody_transfer(actor=inspector, sample=backup, to="县种子站样品室", seals_intact=True)
    backup.refresh_from_db()
    assert backup.status == Sample.Status.RETAINED and backup.holder_label == "县种子站样品室"


def test_another_county_cannot_take_custody(sampling, outside_inspector):
    with pytest.raises(NotFound):
        record_custody_transfer(actor=outside_inspector, sample=sampling.samples.first(), to=outside_inspector,
                                seals_intact=True)
