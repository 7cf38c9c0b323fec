"""Seed lots: one row per (producer, variety, lot number), however many dealers hold it."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from seedreg.accounts.permissions import require
from seedreg.audit.services import log_action
from seedreg.errors import InvalidInput
from seedreg.regulated import service

from ..models import LotUnitCode, SeedClass, SeedLot
from ._common import full_clean, required

LABEL_PERCENTAGES = {"purity": _("纯度"), "cleanliness": _("净度"), "germination": _("发芽率"), "moisture": _("水分")}
# 植物检疫证书 17 digits; 产地检疫合格证 16 digits (DOMAIN.md section 6).
QUARANTINE_NUMBER = re.compile(r"^\d{16,17}$")
UNIT_CODE = re.compile(r"^[0-9A-Za-z]{1,20}$")


def _percentage(value, field, label):
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation as exc:
        raise InvalidInput(_("%(label)s须为数字。"), code="label_value", fields={field: [_("须为数字")]},
                           label=label) from exc
    if not Decimal("0") <= number <= Decimal("100"):
        raise InvalidInput(_("%(label)s须在 0 到 100 之间。"), code="label_value", fields={field: [_("超出范围")]},
                           label=label)
    return number.quantize(Decimal("0.01"))


def find_lot(*, variety, lot_number, producer=None, producer_outside=None) -> SeedLot | None:
    lookup = {"producer": producer} if producer is not None else {"producer_outside": producer_outside}
    return SeedLot.objects.filter(variety=variety, lot_number=(lot_number or "").strip(), **lookup).first()


@service
def register_seed_lot(*, actor, variety, lot_number, producer=None, producer_outside=None, seed_type="",
                      seed_class=SeedClass.CERTIFIED, rice_subspecies=None, purity=None, cleanliness=None,
                      germination=None, moisture=None, net_content_kg=None, production_date=None, test_date=None,
                      guarantee_months=None, quarantine_cert_number="", certificate_number="",
                      unit_codes=()) -> SeedLot:
    """The lot with this producer, variety and lot number: found if it is already known (a lot is
    one row however many dealers hold it; new unit codes are added), else registered with its
    label values."""
    require(actor, "licensing.register_lot")
    if (producer is None) == (producer_outside is None):
        raise InvalidInput(_("请选择种子批的生产经营者（本系统主体或外地主体，二选一）。"), code="lot_producer",
                           fields={"producer": [_("必填")]})
    lot_number = required(lot_number, "lot_number", _("批号"))
    codes = [c.strip() for c in unit_codes if c and c.strip()]
    for code in codes:
        if not UNIT_CODE.match(code):
            raise InvalidInput(_("单元识别代码“%(code)s”无效（不超过20位字母或数字）。"), code="unit_code",
                               fields={"unit_codes": [_("无效")]}, code_text=code)
    lot = find_lot(variety=variety, lot_number=lot_number, producer=producer, producer_outside=producer_outside)
    if lot is None:
        quarantine_cert_number = (quarantine_cert_number or "").strip()
        if quarantine_cert_number and not QUARANTINE_NUMBER.match(quarantine_cert_number):
            raise InvalidInput(_("检疫证明编号须为16位（产地检疫合格证）或17位（植物检疫证书）数字。"),
                               code="quarantine_number", fields={"quarantine_cert_number": [_("格式不正确")]})
        given = {"purity": purity, "cleanliness": cleanliness, "germination": germination, "moisture": moisture}
        values = {f: _percentage(given[f], f, label) for f, label in LABEL_PERCENTAGES.items()}
        lot = SeedLot(producer=producer, producer_outside=producer_outside, variety=variety, lot_number=lot_number,
                      seed_type=seed_type or variety.seed_type, seed_class=seed_class or SeedClass.CERTIFIED,
                      rice_subspecies=variety.rice_subspecies if rice_subspecies is None else rice_subspecies,
                      net_content_kg=net_content_kg or None, production_date=production_date, test_date=test_date,
                      guarantee_months=guarantee_months or None, quarantine_cert_number=quarantine_cert_number,
                      certificate_number=(certificate_number or "").strip(), registered_by=actor, **values)
        full_clean(lot, exclude=["public_token"])
        try:
            with transaction.atomic():
                lot.save()
        except IntegrityError:
            # Someone registered the same lot a moment ago: it is one lot, use theirs.
            lot = find_lot(variety=variety, lot_number=lot_number, producer=producer,
                           producer_outside=producer_outside)
        else:
            log_action(lot, "licensing.lot.registered", actor=actor)
    known = set(LotUnitCode.objects.filter(code__in=codes).values_list("code", flat=True))
    LotUnitCode.objects.bulk_create([LotUnitCode(lot=lot, code=c) for c in dict.fromkeys(codes) if c not in known])
    return lot
