"""Sample intake (收样): a lab technician receives a sealed sample by its code.

The seals are checked against the numbers on the sampling form; a broken or mismatched seal
does not stop intake (the lab must record what it got) but is recorded on the sample and in the
custody chain, and the station's staff are alerted. The judgement facts are copied from the
sampling form, the variety and the lot, so later edits never change how this sample is judged.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from inspections.models import Sample
from inspections.selectors import sample_by_code
from inspections.services import record_custody_transfer
from licensing.models import SeedClass, SeedLot, SeedType
from seedreg.accounts.models import User
from seedreg.accounts.permissions import require
from seedreg.accounts.roles import STATION_STAFF
from seedreg.audit.services import log_action
from seedreg.errors import Conflict, InvalidInput
from seedreg.notifications.services import notify
from seedreg.regions.models import Station
from seedreg.regulated import service

from ..judgement import INDEXES
from ..models import LabSample
from .worksheets import create_tests

SEED_CLASSES = ("原种", "大田用种", "亲本")


def north_of_great_wall(region_code: str) -> bool:
    """Whether the county lies north of the Great Wall or in an alpine area (the station's own
    flag, kept by the station admin): rice, maize and sorghum seed may then hold up to 16%."""
    return bool(Station.objects.filter(region_id=(region_code or "")[:6])
                .values_list("north_of_great_wall", flat=True).first())


def _seal_list(value) -> list[str]:
    if isinstance(value, str):
        value = value.replace("，", ",").replace("、", ",").replace(" ", ",").split(",")
    return sorted({str(v).strip().upper() for v in (value or []) if str(v).strip()})


def lot_of(record):
    """The registered lot the sampling form names: its ``lot`` link where the form has one, else
    the only lot of that variety with that lot number (none when ambiguous or unknown)."""
    lot = getattr(record, "lot", None)
    if lot is not None or record.variety_id is None or not record.lot_number:
        return lot
    candidates = list(SeedLot.objects.filter(variety_id=record.variety_id, lot_number=record.lot_number)[:2])
    return candidates[0] if len(candidates) == 1 else None


def _class_label(value: str) -> str:
    # The ledger stores class codes (certified...); the standards are keyed by their Chinese names.
    value = (value or "").strip()
    return SeedClass(value).label if value in SeedClass.values else value


def _seed_type(value: str) -> str:
    # A sampling form may carry the label's wording (单交种) or the code (single_cross).
    value = (value or "").strip()
    by_label = {str(label): code for code, label in SeedType.choices}
    return by_label.get(value, value)


def judgement_facts(sample: Sample, *, seed_class: str = "", seed_form: str = "") -> dict:
    """Crop, seed type, class, subspecies and label values for judging ``sample``: the sampling
    form's label snapshot first (what the bag said), then the registered lot and its variety."""
    record = sample.sampling
    lot = lot_of(record)
    variety = getattr(lot, "variety", None) or record.variety
    label = dict(record.label or {})
    facts = {
        "crop_code": record.crop.code, "crop_name": record.crop.name,
        "variety_name": record.variety_name or (variety.name if variety else ""), "lot_number": record.lot_number,
        "seed_type": _seed_type(label.get("seed_type", "")) or getattr(lot, "seed_type", "")
        or (variety.seed_type if variety else ""),
        "seed_class": seed_class or _class_label(label.get("seed_class", "")) or _class_label(getattr(lot, "seed_class", "")),
        "rice_subspecies": getattr(lot, "rice_subspecies", "") or (variety.rice_subspecies if variety else ""),
        "seed_form": seed_form or label.get("seed_form", ""),
    }
    values = {}
    for index in INDEXES:
        raw = label.get(index)
        if raw in (None, "") and lot is not None:
            raw = getattr(lot, index, None)
        if raw in (None, ""):
            continue
        try:
            values[index] = str(Decimal(str(raw).strip().rstrip("%")))
        except InvalidOperation:
            continue  # an unreadable label value is left out; the standard then applies alone
    facts["label_values"] = values
    facts["lot"] = lot
    return facts


def station_staff(region_code: str):
    return list(User.objects.filter(region_id=region_code[:6], role__in=STATION_STAFF, is_active=True))


@service
def receive_sample(*, actor, code: str, seal_numbers, seals_intact: bool, quantity_g, storage_location: str,
                   condition: str = "", seal_note: str = "", seed_class: str = "", seed_form: str = "") -> LabSample:
    """Receive the test sample whose seal label reads ``code`` (scanned or typed)."""
    sample = sample_by_code(code, viewer=actor)
    require(actor, "labs.receive_sample", sample)
    sample = Sample.objects.select_for_update(of=("self",)).select_related("sampling__crop", "sampling__variety").get(pk=sample.pk)
    if LabSample.objects.filter(sample=sample).exists():
        raise Conflict(_("样品 %(sample_code)s 已接收。"), code="already_received", sample_code=sample.code)
    if sample.role != Sample.Role.TEST:
        raise Conflict(_("这是备份样品：只能随复检任务移交。"), code="backup_sample")
    return _receive(sample, actor=actor, seal_numbers=seal_numbers, seals_intact=seals_intact, quantity_g=quantity_g,
                    storage_location=storage_location, condition=condition, seal_note=seal_note,
                    seed_class=seed_class, seed_form=seed_form)


def _receive(sample: Sample, *, actor, seal_numbers, seals_intact, quantity_g, storage_location, condition,
             seal_note, seed_class, seed_form, purpose=LabSample.Purpose.FIRST_TEST, retest_of=None,
             at_higher_lab=False) -> LabSample:
    storage_location = (storage_location or "").strip()
    errors = {}
    if not storage_location:
        errors["storage_location"] = [_("必填")]
    try:
        quantity = Decimal(str(quantity_g).strip())
        if not quantity.is_finite() or quantity <= 0 or quantity >= 10**7:
            raise InvalidOperation
    except (InvalidOperation, TypeError):
        errors["quantity_g"] = [_("请填写样品重量（克）")]
    facts = judgement_facts(sample, seed_class=seed_class, seed_form=seed_form)
    if facts["seed_class"] not in SEED_CLASSES:
        errors["seed_class"] = [_("请选择种子级别（原种、大田用种或亲本）")]
    if not facts["seed_type"]:
        errors["seed_type"] = [_("抽样记录未注明种子类型")]
    if errors:
        raise InvalidInput(fields=errors)
    seen = _seal_list(seal_numbers)
    expected = _seal_list(sample.seal_numbers)
    problems = []
    if seen != expected:
        problems.append(f"封签编号不符：样品单 {'、'.join(expected) or '无'}，收到 {'、'.join(seen) or '无'}")
    if not seals_intact:
        problems.append("封签破损")
    if problems and not (seal_note or "").strip():
        raise InvalidInput(_("封签有问题时须说明情况。"), code="seal_note_required", fields={"seal_note": [_("必填")]})
    note = "；".join([*problems, (seal_note or "").strip()]).strip("；")[:200]
    intact = not problems
    record_custody_transfer(actor=actor, sample=sample, to=actor, seals_intact=intact, note=note)
    lab_sample = LabSample(
        sample=sample, region_code=sample.region_code, code=sample.code, purpose=purpose, retest_of=retest_of,
        at_higher_lab=at_higher_lab, received_by=actor, seals_intact=intact, seal_numbers_seen=seen, seal_note=note,
        condition=(condition or "").strip()[:200], quantity_g=quantity, storage_location=storage_location[:100],
        north_of_great_wall=north_of_great_wall(sample.region_code), **facts)
    lab_sample.save()
    create_tests(lab_sample, actor=actor)
    log_action(lab_sample, "labs.sample.received", actor=actor, parent=sample.sampling,
               data={"seals_intact": intact, "seal_note": note})
    if not intact:
        notify(station_staff(sample.region_code), key=f"labs-seal:{lab_sample.pk}",
               title=f"样品 {sample.code} 封签异常", body=note,
               link=reverse("labs:sample_detail", args=[lab_sample.pk]), category="labs", channels=("inbox", "sms"))
    return lab_sample
