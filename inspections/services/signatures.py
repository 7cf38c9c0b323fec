"""Signatures on the on-site documents: the business's (or its refusal) and each inspector's own.
Images are re-encoded (``photos.process_signature``) and stored through the storage API; the PDF
shows them inline."""

from __future__ import annotations

import base64

from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _

from seedreg.errors import InvalidInput
from seedreg.lib.files import save_file

from ..models import InspectorSignature


def signature_uri(field) -> str | None:
    """A stored signature image as a data URI for the PDF (WeasyPrint reads it inline)."""
    if not field:
        return None
    field.open("rb")
    try:
        return "data:image/png;base64," + base64.b64encode(field.read()).decode()
    finally:
        field.close()


def store_inspector_signatures(signatures, *, people, region_code, signed_at, visit=None, sampling=None):
    """Store each inspector's signature ({user: image bytes}) on the visit record or the sampling
    form; only the document's own inspectors may sign it. Returns [(user, data URI or None)] in
    the order of ``people``, for the PDF."""
    from ..photos import process_signature

    signatures = {getattr(u, "pk", u): data for u, data in (signatures or {}).items() if data}
    known = {u.pk for u in people}
    if set(signatures) - known:
        raise InvalidInput(_("只有本次检查的执法人员可以签名。"), code="signer_not_inspector",
                           fields={"inspector_signatures": [_("不是本次检查的执法人员")]})
    stored = {}
    for user in people:
        if user.pk not in signatures:
            continue
        row = InspectorSignature(region_code=region_code, inspector=user, visit=visit, sampling=sampling,
                                 signed_at=signed_at)
        save_file(row.image, "signature.png", ContentFile(process_signature(signatures[user.pk])))
        row.save()
        stored[user.pk] = row
    return [(user, signature_uri(stored[user.pk].image) if user.pk in stored else None) for user in people]
