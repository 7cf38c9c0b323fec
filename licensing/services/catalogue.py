"""The variety catalogue (品种目录)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from seedreg.accounts.permissions import require
from seedreg.audit.services import audited, log_action
from seedreg.errors import Conflict, InvalidInput
from seedreg.regulated import service

from ..models import RiceSubspecies, Variety
from ..validators import (
    validate_variety_approval_number,
    validate_variety_registration_number,
    validate_variety_right_number,
)
from ._common import full_clean, required, validate

FIELDS = ("seed_type", "rice_subspecies", "approval_number", "registration_number", "approved_region_codes",
          "approved_regions_text", "variety_right_number", "applicant")


def _check(variety: Variety):
    if variety.approval_number:
        validate(variety.approval_number, validate_variety_approval_number, "approval_number")
    if variety.registration_number:
        validate(variety.registration_number, validate_variety_registration_number, "registration_number")
    if variety.variety_right_number:
        validate(variety.variety_right_number, validate_variety_right_number, "variety_right_number")
    if variety.crop.code == "rice" and not variety.rice_subspecies:
        raise InvalidInput(_("水稻品种须注明籼稻或粳稻（决定适用的质量标准）。"), code="subspecies_required",
                           fields={"rice_subspecies": [_("必填")]})
    if variety.crop.code != "rice" and variety.rice_subspecies:
        variety.rice_subspecies = RiceSubspecies.NONE
    codes = variety.approved_region_codes or []
    if not isinstance(codes, list) or not all(isinstance(c, str) and c.isdigit() and len(c) in (2, 4, 6)
                                              for c in codes):
        raise InvalidInput(_("适宜区域应为省、市或县的区划代码列表。"), code="approved_regions",
                           fields={"approved_region_codes": [_("无效")]})
    full_clean(variety, exclude=["crop"])


@service
def register_variety(*, actor, crop, name, **fields) -> Variety:
    require(actor, "licensing.edit_catalogue")
    name = required(name, "name", _("品种名称"))
    if Variety.objects.filter(crop=crop, name=name).exists():
        raise Conflict(_("品种“%(name)s”已在目录中。"), code="variety_exists", name=name, fields={"name": [_("已存在")]})
    variety = Variety(crop=crop, name=name, **{k: v for k, v in fields.items() if k in FIELDS})
    _check(variety)
    variety.save()
    log_action(variety, "licensing.variety.registered", actor=actor)
    return variety


@service
def update_variety(variety: Variety, *, actor, **changes) -> Variety:
    require(actor, "licensing.edit_catalogue")
    with audited(variety, "licensing.variety.updated", actor=actor):
        for field in FIELDS:
            if field in changes:
                setattr(variety, field, changes[field])
        _check(variety)
        variety.save()
    return variety


@service
def withdraw_variety(variety: Variety, *, actor, withdrawn_on, note: str = "") -> Variety:
    """A variety withdrawn from approval (退出): ledger lines and dealers selling it are flagged."""
    require(actor, "licensing.edit_catalogue")
    if not withdrawn_on:
        raise InvalidInput(_("请填写退出日期。"), code="withdrawn_on_required", fields={"withdrawn_on": [_("必填")]})
    with audited(variety, "licensing.variety.withdrawn", actor=actor, reason=note):
        variety.withdrawn_on = withdrawn_on
        variety.withdrawal_note = note
        variety.save()
    return variety
