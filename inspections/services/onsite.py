"""On-site documents (visit record, rectification order, sampling form): issued at the visit by
the inspector pair, whose two signatures are the review (DESIGN.md section 4), numbered from a
block reserved for the inspector's phone so it can issue them offline."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from seedreg.accounts.permissions import require
from seedreg.audit.services import log_action
from seedreg.documents.models import SerialBlock
from seedreg.documents.serials import reserve_block, use_reserved_number
from seedreg.errors import InvalidInput
from seedreg.regulated import service

from ._common import county_of

ONSITE_TYPES = ("visit_record", "rectification_order", "sampling_form")


def block_holder(user, device_id: str = "") -> str:
    """Who holds a block: one phone of an inspector (``device_id``), so no two phones, not even
    two of one pair or of one person, can issue the same number offline. Blocks reserved
    before phones had their own (``inspector:<id>``) stay usable by that inspector."""
    return f"inspector:{user.pk}:{device_id}" if device_id else f"inspector:{user.pk}"


@service
def reserve_onsite_numbers(*, actor, doc_type: str, size: int = 20, year: int | None = None,
                           device_id: str = "") -> SerialBlock:
    """Reserve a block of serial numbers of an on-site document type for ``actor``'s phone
    ``device_id``."""
    require(actor, "inspections.visit")
    if doc_type not in ONSITE_TYPES:
        raise InvalidInput(_("该文书不是现场文书。"), code="not_onsite_document", fields={"doc_type": [_("无效")]})
    block = reserve_block(county_code=county_of(actor), doc_type=doc_type, year=year or timezone.localdate().year,
                          size=size, holder=block_holder(actor, device_id), actor=actor)
    log_action(block, "inspections.serials.reserved", actor=actor,
               data={"doc_type": doc_type, "first": block.first_number, "last": block.last_number})
    return block


def onsite_serial(*, actor, doc_type: str, region_code: str, number: int | None, issued_at):
    """The serial for an on-site document: None (allocate now, online) or ``number`` from one of
    the actor's reserved blocks for that type and year (offline)."""
    if number is None:
        return None
    year = timezone.localdate(issued_at).year if issued_at else timezone.localdate().year
    mine = Q(holder=block_holder(actor)) | Q(holder__startswith=f"{block_holder(actor)}:")  # any of their phones
    block = SerialBlock.objects.filter(
        mine, county_code=region_code[:6], doc_type=doc_type, year=year,
        first_number__lte=number, last_number__gte=number).first()
    if block is None:
        raise InvalidInput(_("编号 %(n)s 不在您预留的编号段内。"), code="serial_not_reserved", n=number,
                           fields={"serial_number": [_("不在预留编号段内")]})
    return use_reserved_number(block, number)
