"""Chain of custody of sealed samples (样品交接). The lab calls ``record_custody_transfer`` at
intake; every hand-over is one append-only row and moves the sample's current holder."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from seedreg.accounts.permissions import require
from seedreg.accounts.roles import LAB_ROLES
from seedreg.audit.services import log_action
from seedreg.errors import Conflict, InvalidInput
from seedreg.regulated import service

from ..models import CustodyTransfer, Sample


def _status_after(sample: Sample, to) -> str:
    if isinstance(to, str):
        # A backup sample left with the business (or the station's store) is retained; any other
        # party (a courier, the re-test lab's post room) is carrying it.
        return Sample.Status.RETAINED if sample.role == Sample.Role.BACKUP else Sample.Status.IN_TRANSIT
    if to.role in LAB_ROLES:
        return Sample.Status.RECEIVED
    return Sample.Status.SEALED


@service
def record_custody_transfer(*, actor, sample: Sample, to, seals_intact: bool, note: str = "",
                            at=None) -> CustodyTransfer:
    """Hand ``sample`` from its current holder to ``to`` (a user, or the name of a party such as
    "被抽样单位" or a courier). A broken seal must be described in ``note``; the transfer is still
    recorded, since the lab has to know what it received."""
    require(actor, "inspections.custody", sample)
    # Serialise hand-overs of one sample: two intakes of the same sample cannot both succeed.
    sample = Sample.objects.select_for_update().get(pk=sample.pk)
    if sample.status == Sample.Status.DISPOSED:
        raise Conflict(_("样品已处置，不能再交接。"), code="sample_disposed")
    note = (note or "").strip()
    if not seals_intact and not note:
        raise InvalidInput(_("封签不完好时须说明情况。"), code="seal_note_required", fields={"note": [_("必填")]})
    if isinstance(to, str):
        to = to.strip()
        if not to:
            raise InvalidInput(_("请填写接收人或接收单位。"), code="custody_to_required", fields={"to": [_("必填")]})
        if sample.holder_user_id is None and sample.holder_party == to:
            raise Conflict(_("样品已由%(to)s保管。"), code="custody_same_holder", to=to)
    elif to is None or not getattr(to, "pk", None):
        raise InvalidInput(_("请填写接收人或接收单位。"), code="custody_to_required", fields={"to": [_("必填")]})
    elif sample.holder_user_id == to.pk:
        raise Conflict(_("样品已由%(to)s保管。"), code="custody_same_holder", to=to.display_name)
    transfer = CustodyTransfer.objects.create(
        sample=sample, region_code=sample.region_code, from_user_id=sample.holder_user_id,
        from_party=sample.holder_party if sample.holder_user_id is None else "",
        to_user=None if isinstance(to, str) else to, to_party=to if isinstance(to, str) else "",
        at=at or timezone.now(), seals_intact=bool(seals_intact), note=note[:200], recorded_by=actor)
    before = {"holder_user": sample.holder_user_id, "holder_party": sample.holder_party, "status": sample.status}
    sample.holder_user = None if isinstance(to, str) else to
    sample.holder_party = to if isinstance(to, str) else ""
    sample.status = _status_after(sample, to)
    sample.save(update_fields=["holder_user", "holder_party", "status"])
    log_action(transfer, "inspections.sample.custody_transferred", actor=actor, parent=sample.sampling,
               before=before, data={"sample": sample.code, "seals_intact": transfer.seals_intact})
    return transfer
