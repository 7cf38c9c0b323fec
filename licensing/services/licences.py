"""Seed licences: issue, renew (a new term, same number), status orders, QR token."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from seedreg.accounts.permissions import require
from seedreg.audit.services import audited, log_action
from seedreg.errors import Conflict, InvalidInput
from seedreg.regulated import service

from ..models import LicenceStatus, LicenceStatusChange, LicenceTerm, SeedLicence
from ..models.licences import new_public_token
from ..validators import normalize_licence_number, parse_seed_licence_number
from ._common import required

MAIN_CROP_CLASSES = {"A", "B", "C"}


def _check_term(issued_on, expires_on):
    if not issued_on or not expires_on:
        raise InvalidInput(_("请填写发证日期和有效期。"), code="term_required",
                           fields={"issued_on": [_("必填")], "expires_on": [_("必填")]})
    if expires_on <= issued_on:
        raise InvalidInput(_("有效期须晚于发证日期。"), code="term_dates", fields={"expires_on": [_("须晚于发证日期")]})
    if expires_on > issued_on + datetime.timedelta(days=366 * 10):
        raise InvalidInput(_("有效期超过10年，请核对（许可证有效期一般为5年）。"), code="term_too_long",
                           fields={"expires_on": [_("超过10年")]})


@service
def issue_seed_licence(business, *, actor, number: str, issued_on, expires_on, crops, varieties=(),
                       scope_text: str = "", production_sites: str = "", valid_region: str = "",
                       issuing_organ: str = "") -> SeedLicence:
    """Record a seed production-and-operation licence (number stored verbatim, parsed leniently)."""
    require(actor, "licensing.issue_licence", business)
    number = required(number, "number", _("许可证编号"))
    try:
        parsed = parse_seed_licence_number(number)
    except Exception as exc:  # ValidationError: report it on the field
        raise InvalidInput("；".join(getattr(exc, "messages", [str(exc)])), code=getattr(exc, "code", "licence_format"),
                           fields={"number": getattr(exc, "messages", [str(exc)])}) from exc
    if SeedLicence.objects.filter(number_normalized=parsed.normalized).exists():
        raise Conflict(_("许可证编号 %(number)s 已登记；续期请使用“延续”。"), code="licence_exists", number=number,
                       fields={"number": [_("已登记")]})
    _check_term(issued_on, expires_on)
    crops = list(crops)
    if not crops:
        raise InvalidInput(_("请选择生产经营的作物。"), code="crops_required", fields={"crops": [_("必填")]})
    if parsed.licence_class == "D" and any(c.is_main_crop for c in crops):
        raise InvalidInput(_("D类许可证只能经营非主要农作物。"), code="licence_scope_class", fields={"crops": [_("含主要农作物")]})
    if varieties and parsed.licence_class not in MAIN_CROP_CLASSES:
        raise InvalidInput(_("只有A、B、C类许可证载明品种。"), code="licence_scope_varieties",
                           fields={"varieties": [_("该类别不载明品种")]})
    licence = SeedLicence.objects.create(
        business=business, number=number, number_normalized=parsed.normalized, licence_class=parsed.licence_class,
        issuing_authority=parsed.authority, first_issue_year=parsed.first_issue_year, sequence=parsed.sequence,
        issuing_organ=issuing_organ, scope_text=scope_text, production_sites=production_sites,
        valid_region=valid_region)
    licence.crops.set(crops)
    if varieties:
        licence.varieties.set(list(varieties))
    LicenceTerm.objects.create(licence=licence, issued_on=issued_on, expires_on=expires_on, note="首次登记",
                               recorded_by=actor)
    log_action(licence, "licensing.licence.issued", actor=actor, parent=business,
               data={"issued_on": issued_on, "expires_on": expires_on, "crops": [c.name for c in crops]})
    return licence


@service
def renew_seed_licence(licence: SeedLicence, *, actor, issued_on, expires_on, note: str = "延续") -> LicenceTerm:
    """A renewal (延续) keeps the number and adds a new term after the current one."""
    require(actor, "licensing.issue_licence", licence)
    _check_term(issued_on, expires_on)
    if licence.status in (LicenceStatus.REVOKED, LicenceStatus.SURRENDERED):
        raise Conflict(_("许可证已%(status)s，不能延续。"), code="licence_not_renewable",
                       status=LicenceStatus(licence.status).label)
    last = licence.terms.order_by("-expires_on").first()
    if last and expires_on <= last.expires_on:
        raise InvalidInput(_("新的有效期须晚于当前有效期（%(current)s）。"), code="renewal_not_later",
                           current=last.expires_on, fields={"expires_on": [_("须晚于当前有效期")]})
    term = LicenceTerm.objects.create(licence=licence, issued_on=issued_on, expires_on=expires_on, note=note,
                                      recorded_by=actor)
    log_action(term, "licensing.licence.renewed", actor=actor, parent=licence.business,
               data={"licence": licence.number})
    return term


@service
def change_licence_status(licence: SeedLicence, *, actor, kind: str, effective_on=None, reason: str,
                          decision_number: str = "") -> LicenceStatusChange:
    """Suspend, revoke, surrender or reinstate a licence: an explicit, dated, audited order with
    a reason. Only a licence that is suspended, revoked or surrendered can be reinstated."""
    require(actor, "licensing.change_licence_status", licence)
    if kind not in LicenceStatusChange.Kind.values:
        raise InvalidInput(_("状态变更类型无效。"), code="invalid_status_change")
    reason = required(reason, "reason", _("理由"))
    effective_on = effective_on or timezone.localdate()
    current = licence.status_on(effective_on)
    if kind == LicenceStatusChange.Kind.REINSTATED:
        if current not in (LicenceStatus.SUSPENDED, LicenceStatus.REVOKED, LicenceStatus.SURRENDERED):
            raise Conflict(_("许可证当前为“%(status)s”，无需恢复。"), code="nothing_to_reinstate",
                           status=LicenceStatus(current).label)
    elif current == kind:
        raise Conflict(_("许可证已是“%(status)s”状态。"), code="status_unchanged", status=LicenceStatus(current).label)
    change = LicenceStatusChange.objects.create(licence=licence, kind=kind, effective_on=effective_on, reason=reason,
                                                decision_number=decision_number, recorded_by=actor)
    log_action(change, f"licensing.licence.{kind}", actor=actor, reason=reason, parent=licence.business,
               data={"licence": licence.number, "status_before": current,
                     "status_after": licence.status_on(effective_on)})
    return change


@service
def rotate_licence_token(licence: SeedLicence, *, actor) -> SeedLicence:
    """Revoke the QR of every printed certificate: the old code stops opening the licence."""
    require(actor, "licensing.issue_licence", licence)
    with audited(licence, "licensing.licence.token_rotated", actor=actor, parent=licence.business):
        licence.public_token = new_public_token()
        licence.save(update_fields=["public_token"])
    return licence


def find_licence_by_number(number: str):
    return SeedLicence.objects.filter(number_normalized=normalize_licence_number(number)).first()
