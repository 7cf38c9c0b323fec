"""The directory: businesses, their business licences, outside parties, document checks."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from seedreg.accounts.permissions import require
from seedreg.audit.services import audited, log_action
from seedreg.errors import Conflict, InvalidInput
from seedreg.lib.geo import to_wgs84
from seedreg.regions.models import Region
from seedreg.regulated import service

from .. import search
from ..models import Business, BusinessKind, BusinessLicence, DocumentCheck, EntityType, OutsideParty
from ..validators import normalize_code, validate_resident_id, validate_uscc
from ._common import full_clean, required, validate

EDITABLE_FIELDS = ("name", "kind", "entity_type", "credit_code", "id_number", "legal_representative", "contact_name",
                   "contact_phone", "address", "region_code", "principal", "notes")


def _check_region(actor, region_code):
    region = Region.objects.filter(code=region_code).first()
    if region is None or region.level < Region.Level.COUNTY:
        raise InvalidInput(_("所在区划须为县或乡镇。"), code="business_region", fields={"region_code": [_("无效的区划")]})
    if not getattr(actor, "is_superuser", False) and not region_code.startswith(getattr(actor, "region_id", None) or "-"):
        raise InvalidInput(_("只能登记本辖区内的经营主体。"), code="business_region_outside",
                           fields={"region_code": [_("不在您的辖区内")]})


def _identity(business):
    """Credit code for enterprises, resident ID for natural persons: one of them is required."""
    if business.credit_code:
        business.credit_code = normalize_code(business.credit_code)
        validate(business.credit_code, validate_uscc, "credit_code")
    if business.id_number:
        business.id_number = normalize_code(business.id_number)
        validate(business.id_number, validate_resident_id, "id_number")
    if business.entity_type == EntityType.NATURAL_PERSON:
        if not business.id_number and business.kind != BusinessKind.INDIVIDUAL:
            raise InvalidInput(_("自然人经营者须填写身份证号码。"), code="id_required", fields={"id_number": [_("必填")]})
    elif not business.credit_code:
        raise InvalidInput(_("请填写统一社会信用代码（自然人除外）。"), code="credit_code_required",
                           fields={"credit_code": [_("必填")]})
    if business.credit_code and business.status == Business.Status.ACTIVE:
        duplicate = Business.objects.filter(credit_code=business.credit_code, status=Business.Status.ACTIVE)
        if business.pk:
            duplicate = duplicate.exclude(pk=business.pk)
        other = duplicate.first()
        if other:
            raise Conflict(_("统一社会信用代码 %(credit_code)s 已登记为在营主体“%(name)s”。"), code="credit_code_taken",
                           credit_code=business.credit_code, name=other.name, fields={"credit_code": [_("已被使用")]})


def _set_location(business, latitude, longitude, coordinate_system):
    if latitude in (None, "") and longitude in (None, ""):
        business.latitude = business.longitude = None
        business.coordinate_source = ""
        return
    if latitude in (None, "") or longitude in (None, ""):
        raise InvalidInput(_("经纬度须同时填写。"), code="location_incomplete",
                           fields={"latitude": [_("须同时填写")], "longitude": [_("须同时填写")]})
    try:
        business.latitude, business.longitude = to_wgs84(latitude, longitude, coordinate_system or "wgs84")
    except (ValueError, TypeError, ArithmeticError) as exc:
        raise InvalidInput(_("经纬度无效。"), code="location_invalid",
                           fields={"latitude": [_("无效")], "longitude": [_("无效")]}) from exc
    business.coordinate_source = coordinate_system or "wgs84"


@service
def register_business(*, actor, name, kind, region_code, entity_type=EntityType.ENTERPRISE, credit_code=None,
                      id_number="", legal_representative="", contact_name="", contact_phone="", address="",
                      latitude=None, longitude=None, coordinate_system="wgs84", principal=None,
                      notes="") -> Business:
    """Enter a seed business in the directory (经营主体登记)."""
    # The region is checked first: naming a county outside one's own is an input error worth
    # explaining (region codes are public), not a "not found".
    _check_region(actor, region_code or "")
    require(actor, "licensing.edit_directory", Region.objects.filter(code=region_code).first())
    business = Business(name=required(name, "name", _("名称")), kind=kind, entity_type=entity_type,
                        credit_code=(credit_code or None), id_number=id_number or "",
                        legal_representative=legal_representative, contact_name=contact_name,
                        contact_phone=contact_phone, address=address, region_code=region_code or "",
                        principal=principal, notes=notes)
    _identity(business)
    _set_location(business, latitude, longitude, coordinate_system)
    full_clean(business, exclude=["principal"])
    business.save()
    search.index_business(business)
    log_action(business, "licensing.business.registered", actor=actor)
    return business


@service
def update_business(business: Business, *, actor, latitude=..., longitude=..., coordinate_system="wgs84",
                    **changes) -> Business:
    require(actor, "licensing.edit_directory", business)
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise InvalidInput(_("不能修改这些字段：%(names)s"), code="not_editable", names=", ".join(sorted(unknown)))
    business = Business.objects.select_for_update().get(pk=business.pk)
    with audited(business, "licensing.business.updated", actor=actor):
        renamed = "name" in changes and changes["name"] != business.name
        for field, value in changes.items():
            setattr(business, field, value.strip() if isinstance(value, str) else value)
        if not business.credit_code:
            business.credit_code = None
        if "region_code" in changes:
            _check_region(actor, business.region_code)
        if business.principal_id is not None and business.principal_id == business.pk:
            raise InvalidInput(_("所属主体不能是自己。"), code="principal_self", fields={"principal": [_("无效")]})
        _identity(business)
        if latitude is not ... or longitude is not ...:
            _set_location(business, None if latitude is ... else latitude, None if longitude is ... else longitude,
                          coordinate_system)
        full_clean(business, exclude=["principal"])
        business.save()
    if renamed:
        search.index_business(business)
    return business


@service
def set_business_status(business: Business, *, actor, status: str, reason: str) -> Business:
    require(actor, "licensing.edit_directory", business)
    if status not in Business.Status.values:
        raise InvalidInput(_("状态无效。"), code="invalid_status")
    required(reason, "reason", _("理由"))
    business = Business.objects.select_for_update().get(pk=business.pk)
    with audited(business, "licensing.business.status_changed", actor=actor, reason=reason):
        business.status = status
        if status == Business.Status.ACTIVE:
            _identity(business)
        business.save()
    return business


@service
def record_business_licence(business: Business, *, actor, registered_name, credit_code, registration_authority="",
                            established_on=None, valid_until=None, business_scope="") -> BusinessLicence:
    require(actor, "licensing.edit_directory", business)
    code = normalize_code(credit_code)
    validate(code, validate_uscc, "credit_code")
    if valid_until and established_on and valid_until <= established_on:
        raise InvalidInput(_("营业期限须晚于成立日期。"), code="licence_dates", fields={"valid_until": [_("须晚于成立日期")]})
    licence = BusinessLicence(business=business, registered_name=required(registered_name, "registered_name", _("登记名称")),
                              credit_code=code, registration_authority=registration_authority,
                              established_on=established_on, valid_until=valid_until, business_scope=business_scope)
    full_clean(licence, exclude=["business"])
    licence.save()
    log_action(licence, "licensing.business_licence.recorded", actor=actor, parent=business)
    return licence


@service
def register_outside_party(*, actor, name, kind=OutsideParty.Kind.PRODUCER, credit_code="", licence_number="",
                           home_region_code="", home_region_text="") -> OutsideParty:
    """Record a producer or wholesaler registered elsewhere (any county may reference it).
    A credit code already known returns the existing record instead of a duplicate."""
    require(actor, "licensing.edit_outside_party")
    code = normalize_code(credit_code)
    if code:
        validate(code, validate_uscc, "credit_code")
        existing = OutsideParty.objects.filter(credit_code=code).first()
        if existing:
            return existing
    party = OutsideParty(name=required(name, "name", _("名称")), kind=kind, credit_code=code,
                         licence_number=(licence_number or "").strip(), home_region_code=home_region_code,
                         home_region_text=home_region_text, created_by_region_code=actor.region_id or "")
    full_clean(party)
    party.save()
    log_action(party, "licensing.outside_party.registered", actor=actor)
    return party


@service
def record_document_check(business: Business, *, actor, displayed: bool, current: bool, matches_record: bool,
                          notes: str = "", checked_at=None) -> DocumentCheck:
    """A station admin or inspector checks a dealer's documents (证照检查)."""
    require(actor, "licensing.record_document_check", business)
    check = DocumentCheck(business=business, checked_by=actor, displayed=bool(displayed), current=bool(current),
                          matches_record=bool(matches_record), notes=notes or "")
    if checked_at:
        check.checked_at = checked_at
    if not check.passed and not check.notes.strip():
        raise InvalidInput(_("检查发现问题时请写明情况。"), code="notes_required", fields={"notes": [_("必填")]})
    check.save()
    log_action(check, "licensing.document_check.recorded", actor=actor, parent=business)
    return check
