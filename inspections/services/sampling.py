"""Sampling during a visit (抽样, MOA order 50): the sampling form, the sealed test and backup
samples, and the start of their chain of custody."""

from __future__ import annotations

import datetime
import math
from decimal import Decimal, InvalidOperation

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from licensing.models import Crop, Variety
from seedreg.accounts.permissions import require
from seedreg.audit.services import log_action
from seedreg.documents.pdf import in_official_language
from seedreg.documents.serials import allocate_serial
from seedreg.errors import Conflict, InvalidInput, RuleViolation
from seedreg.lib.files import save_file
from seedreg.regions.station_settings import county_setting
from seedreg.regulated import service

from ..models import (
    CustodyTransfer,
    InspectorProfile,
    PrimarySampleRule,
    Sample,
    SamplingRecord,
    SamplingRule,
    SealNumber,
    Visit,
    normalise_seal,
)
from ._common import required_text, resent, uuid_kwargs
from .draws import months_before
from .onsite import onsite_serial
from .signatures import signature_uri, store_inspector_signatures
from .tasks import MIN_INSPECTORS

LABEL_FIELDS = ("purity", "cleanliness", "germination", "moisture", "net_content", "production_date", "test_date",
                "guarantee_period", "quarantine_cert_no", "seed_class", "seed_type", "approval_number")


def sample_code(county: str, year: int, number: int, role: str) -> str:
    """The code printed on a seal label: county, year, sampling form number, T(est)/B(ackup)."""
    return f"{county}-{year}-{number:04d}-{'T' if role == Sample.Role.TEST else 'B'}"


def primary_samples_for(packages: int, lot_size_kg: Decimal, region_code: str = "") -> tuple[int, int, PrimarySampleRule | None]:
    """(containers counted, primary samples to draw, rule applied) for bagged seed. Small
    packages are grouped into 100 kg units (GB/T 3543.2); what counts as small is the county's
    setting ``sampling_small_package_kg``."""
    containers = packages
    if packages and lot_size_kg / packages < county_small_package_kg(region_code):
        containers = max(1, math.ceil(lot_size_kg / 100))
    rule = (PrimarySampleRule.objects.filter(containers_from__lte=containers).order_by("-containers_from").first())
    if rule is None:
        return containers, 0, None
    return containers, rule.primary_samples * containers if rule.per_container else rule.primary_samples, rule


def county_small_package_kg(region_code: str = "") -> Decimal:
    return Decimal(str(county_setting(region_code or "", "sampling_small_package_kg")))


def suggested_quantity(crop: Crop) -> tuple[int | None, str]:
    """(grams to draw in total, the rule as text): the submitted-sample weight for the test
    sample and the same again for the backup sample."""
    rule = SamplingRule.objects.filter(crop=crop).first()
    if rule is None:
        return None, f"{crop.name}：未载入扦样规则，抽样量由抽样人员确定"
    status = "" if rule.status == "confirmed" else "（数值待核实）"
    return 2 * rule.submitted_sample_g, (f"GB/T 3543.2{status}：{crop.name}送验样品不少于{rule.submitted_sample_g}克，"
                                         f"种子批不超过{rule.max_lot_kg}千克；检验样品和备份样品各一份")


def _seals(values, field, label):
    seals = [normalise_seal(v) for v in values or () if normalise_seal(v)]
    if not seals:
        raise InvalidInput(_("请填写%(label)s的封签编号。"), code="seals_required", label=label, fields={field: [_("必填")]})
    if len(set(seals)) != len(seals) or any(len(s) > 40 for s in seals):
        raise InvalidInput(_("%(label)s的封签编号重复或过长。"), code="seals_invalid", label=label, fields={field: [_("无效")]})
    return seals


def _decimal(value, field, label):
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError) as exc:
        raise InvalidInput(_("%(label)s应为数字。"), code="number_invalid", label=label, fields={field: [_("无效")]}) from exc
    if not number.is_finite() or number <= 0 or number > Decimal("10000000"):
        raise InvalidInput(_("%(label)s须大于0。"), code="number_invalid", label=label, fields={field: [_("无效")]})
    return number


class _Resent(Exception):
    """The same sampling form (same client UUID) was stored by a concurrent request."""


@in_official_language
def record_sampling(visit: Visit, *, client_uuid=None, **kwargs) -> SamplingRecord:
    """See ``_record_sampling``. A form sent twice at the same moment (a double click, a phone's
    resend racing its first send) is stored once: the second call rolls back everything it did
    (its serial number too, so no gap) and returns the record the first stored."""
    try:
        return _record_sampling(visit, client_uuid=client_uuid, **kwargs)
    except _Resent:
        return SamplingRecord.objects.get(client_uuid=client_uuid)


def _seal_conflict(used, client_uuid):
    """Conflict naming the seals already used and the form that used them (or _Resent when that
    form is this one, stored by a concurrent request)."""
    if client_uuid is not None and any(str(s.sample.sampling.client_uuid) == str(client_uuid) for s in used):
        raise _Resent()
    forms = sorted({s.sample.sampling.document.serial for s in used if s.sample.sampling.document_id})
    return Conflict(_("封签编号 %(n)s 已用于%(forms)s，同一封签不能重复使用；请核对封签。"), code="seal_used",
                    n="、".join(sorted(s.number for s in used)), forms="抽样单" + "、".join(forms) if forms else "其他样品",
                    fields={"test_seals": [_("封签已使用")]})


def _used_seals(county, numbers):
    return list(SealNumber.objects.filter(county_code=county, number__in=numbers)
                .select_related("sample__sampling__document"))


@service
def _record_sampling(visit: Visit, *, actor, lot_size_kg, packages: int, test_seals, backup_seals,
                    backup_kept_at: str, lot=None, new_lot: dict | None = None, crop=None, lot_number: str = "",
                    variety: Variety | None = None, variety_name: str = "",
                    producer_name: str = "", label: dict | None = None, sample_quantity_g: int | None = None,
                    business_signer: str = "", business_signature: bytes | None = None,
                    business_refused_to_sign: bool = False, sampled_at=None, serial_number: int | None = None,
                    client_uuid=None, inspector_signatures: dict | None = None) -> SamplingRecord:
    """Draw and seal a test sample and a backup sample at the visit, issue the sampling form
    (抽样单) and start the samples' chain of custody with the sampler who holds them.

    The lot is ``lot`` (picked from the dealer's ledger: it must be one the dealer holds), or
    ``new_lot`` (the label's values, registered through licensing's ``register_seed_lot``), or,
    for a peddler's unlabelled seed, only the label text (``crop``, ``variety_name``,
    ``lot_number``). The label values are copied onto the form: the lot's when there is one.
    ``inspector_signatures`` ({sampler: image bytes}) are the samplers' own signatures on the form."""
    if (existing := resent(SamplingRecord, client_uuid, visit.region_code)) is not None:
        return existing
    require(actor, "inspections.sample", visit)
    if visit.status != Visit.Status.OPEN:
        raise Conflict(_("该次检查已结束，不能再抽样。"), code="visit_closed")
    samplers = list(visit.inspectors.all().order_by("pk"))
    qualified = set(InspectorProfile.objects.filter(user__in=samplers, may_sample=True, active=True)
                    .values_list("user_id", flat=True))
    if len(samplers) < MIN_INSPECTORS or any(u.pk not in qualified for u in samplers):
        raise RuleViolation(_("抽样须由两名以上具有抽样资格的执法人员进行。"), code="two_samplers_required")
    if new_lot is not None:
        from licensing import services as licensing_services

        lot = licensing_services.register_seed_lot(actor=actor, **new_lot)
    if lot is not None:
        from licensing import selectors as ledger

        if visit.business_id and not ledger.lots_held_by(visit.business).filter(pk=lot.pk).exists() \
                and new_lot is None:
            raise InvalidInput(_("该经营者台账中没有此种子批的库存；请核对，或按标签登记新批次。"), code="lot_not_held",
                               fields={"lot": [_("不在台账库存中")]})
        variety, crop, lot_number = lot.variety, lot.variety.crop, lot.lot_number
        variety_name = lot.variety.name
        # The registered lot's label is what the form records; a bag that says otherwise is a
        # finding (label_incomplete / fake seed), not a different form.
        producer_name = lot.producer_name
        label = _lot_label(lot)
    crop = crop if isinstance(crop, Crop) else Crop.objects.filter(code=crop).first()
    if crop is None:
        raise InvalidInput(_("请选择作物。"), code="crop_required", fields={"crop": [_("必填")]})
    if variety is not None and variety.crop_id != crop.pk:
        raise InvalidInput(_("品种与作物不符。"), code="variety_crop_mismatch", fields={"variety": [_("与作物不符")]})
    sampled_at = sampled_at or timezone.now()
    if visit.business_id:
        # MOA order 50: no re-sampling of the same crop at the same business within six months.
        months = county_setting(visit.region_code, "draw_resample_exclusion_months")
        since = months_before(timezone.localdate(sampled_at), months)
        earlier = (SamplingRecord.objects.filter(business=visit.business, crop=crop,
                                                 sampled_at__gte=timezone.make_aware(
                                                     datetime.datetime.combine(since, datetime.time())))
                   .exclude(visit=visit).order_by("-sampled_at").first())
        if earlier is not None:
            raise RuleViolation(_("该经营主体的%(crop)s已于%(day)s抽样，%(m)s个月内不得重复抽样。"), code="resampling_too_soon",
                                crop=crop.name, day=timezone.localdate(earlier.sampled_at), m=months)
    lot_size = _decimal(lot_size_kg, "lot_size_kg", "种子批重量")
    rule = SamplingRule.objects.filter(crop=crop).first()
    if rule is not None and lot_size > rule.max_lot_kg:
        raise RuleViolation(_("种子批重量超过%(crop)s的最大批重%(max)s千克，须分批抽样。"), code="lot_too_large",
                            crop=crop.name, max=rule.max_lot_kg, fields={"lot_size_kg": [_("超过最大批重")]})
    try:
        packages = int(packages)
    except (TypeError, ValueError) as exc:
        raise InvalidInput(_("件数应为整数。"), code="packages_invalid", fields={"packages": [_("无效")]}) from exc
    if not 1 <= packages <= 1_000_000:
        raise InvalidInput(_("件数须大于0。"), code="packages_invalid", fields={"packages": [_("无效")]})
    suggested, rule_note = suggested_quantity(crop)
    quantity = int(sample_quantity_g or suggested or 0)
    if quantity <= 0:
        raise InvalidInput(_("请填写抽样数量。"), code="quantity_required", fields={"sample_quantity_g": [_("必填")]})
    test, backup = _seals(test_seals, "test_seals", "检验样品"), _seals(backup_seals, "backup_seals", "备份样品")
    if set(test) & set(backup):
        raise InvalidInput(_("检验样品和备份样品的封签编号不能相同。"), code="seals_shared", fields={"backup_seals": [_("重复")]})
    county = visit.region_code[:6]
    if used := _used_seals(county, test + backup):
        raise _seal_conflict(used, client_uuid)
    if business_signature is None and not business_refused_to_sign and not (business_signer or "").strip():
        raise InvalidInput(_("请被抽样单位签字，或记录其拒绝签字。"), code="business_signature_required",
                           fields={"business_signer": [_("必填")]})
    containers, primary, _primary_rule = primary_samples_for(packages, lot_size, visit.region_code)
    label = {k: str(v) for k, v in (label or {}).items() if k in LABEL_FIELDS and v not in (None, "")}

    serial = onsite_serial(actor=actor, doc_type="sampling_form", region_code=visit.region_code, number=serial_number,
                           issued_at=sampled_at)
    if serial is None:
        serial = allocate_serial(county_code=visit.region_code[:6], doc_type="sampling_form",
                                 year=timezone.localdate(sampled_at).year)
    record = SamplingRecord(
        visit=visit, region_code=visit.region_code, business=visit.business, lot=lot, crop=crop, variety=variety,
        variety_name=required_text(variety_name or (variety.name if variety else ""), "variety_name", _("品种名称"), 60),
        lot_number=required_text(lot_number, "lot_number", _("批号"), 60), producer_name=(producer_name or "").strip()[:100],
        label=label, lot_size_kg=lot_size, packages=packages, primary_samples=primary, suggested_sample_g=suggested or 0,
        sample_quantity_g=quantity, sampling_rule_note=rule_note[:200],
        backup_kept_at=required_text(backup_kept_at, "backup_kept_at", _("备份样品保存地点"), 100),
        business_signer=(business_signer or "").strip()[:50], business_refused_to_sign=bool(business_refused_to_sign),
        sampled_at=sampled_at, recorded_by=actor, **uuid_kwargs(client_uuid))
    if business_signature is not None:
        from ..photos import process_signature

        save_file(record.business_signature, "signature.png", ContentFile(process_signature(business_signature)))
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError as exc:  # the client UUID: the same form stored a moment ago
        if client_uuid is not None and SamplingRecord.objects.filter(client_uuid=client_uuid).exists():
            raise _Resent() from exc
        raise
    record.samplers.set(samplers)
    signers = store_inspector_signatures(inspector_signatures, people=samplers, region_code=visit.region_code,
                                         signed_at=sampled_at, sampling=record)
    giver = visit.business.name if visit.business_id else visit.subject_name
    samples = []
    for role, seals in ((Sample.Role.TEST, test), (Sample.Role.BACKUP, backup)):
        code = sample_code(visit.region_code[:6], serial.year, serial.number, role)
        if Sample.objects.filter(code=code).exists():
            raise Conflict(_("样品编号 %(c)s 已存在。"), code="sample_code_used", c=code)
        sample = Sample.objects.create(sampling=record, region_code=visit.region_code, role=role, code=code,
                                       seal_numbers=seals, quantity_g=quantity // 2, holder_user=actor)
        try:
            # The unique constraint decides between two forms saved at the same moment with one
            # seal (the check above cannot see a transaction that has not committed yet).
            with transaction.atomic():
                SealNumber.objects.bulk_create([SealNumber(county_code=county, number=n, sample=sample) for n in seals])
        except IntegrityError as exc:
            raise _seal_conflict(_used_seals(county, test + backup), client_uuid) from exc
        # Custody starts when the business hands the sealed sample to the sampler.
        CustodyTransfer.objects.create(sample=sample, region_code=visit.region_code, from_party=giver[:100],
                                       to_user=actor, at=sampled_at, seals_intact=True, note="现场抽样封存",
                                       recorded_by=actor)
        samples.append(sample)
    log_action(record, "inspections.sampling.recorded", actor=actor, parent=visit.business or visit,
               data={"samples": [s.code for s in samples], "test_seals": test, "backup_seals": backup})
    record.document = _issue_form(record, actor=actor, serial=serial, samples=samples, signers=signers,
                                  containers=containers)
    record.save(update_fields=["document"])
    return record


def _lot_label(lot) -> dict:
    values = {"purity": lot.purity, "cleanliness": lot.cleanliness, "germination": lot.germination,
              "moisture": lot.moisture, "net_content": f"{lot.net_content_kg}千克" if lot.net_content_kg else None,
              "production_date": lot.production_date, "test_date": lot.test_date,
              "guarantee_period": f"{lot.guarantee_months}个月" if lot.guarantee_months else None,
              "quarantine_cert_no": lot.quarantine_cert_number, "seed_class": lot.get_seed_class_display(),
              "seed_type": lot.get_seed_type_display() if lot.seed_type else None,
              "approval_number": lot.variety.approval_or_registration}
    return {k: str(v) for k, v in values.items() if v not in (None, "")}


def _issue_form(record, *, actor, serial, samples, signers, containers):
    from seedreg.documents.services import issue_document

    context = {"record": record, "samples": samples, "signers": signers, "containers": containers,
               "label": record.label, "visit": record.visit, "signature_uri": signature_uri(record.business_signature)}
    return issue_document(source=record, doc_type="sampling_form", title=f"种子抽样单（{record.variety_name} {record.lot_number}）",
                          region_code=record.region_code, actor=actor, serial=serial, issued_at=record.sampled_at,
                          context=context)
