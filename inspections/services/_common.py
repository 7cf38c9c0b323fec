"""Helpers shared by the inspection services."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from seedreg.errors import InvalidInput, NotFound
from seedreg.lib.batch_reads import remembered


def county_of(actor) -> str:
    code = getattr(actor, "county_code", None)
    if not code:
        raise InvalidInput(_("只有县级用户可以办理该事项。"), code="county_user_required")
    return code


def resent(model, client_uuid, region_code: str | None = None):
    """The row a phone already sent with ``client_uuid`` (a resend), or None. A UUID already used
    in another county is not found rather than revealed."""
    if client_uuid is None:
        return None
    # A batch sync reads its objects' rows at once (mobile_api.handlers): primed for one read.
    existing = remembered(resent_key(model, client_uuid), lambda: model.objects.filter(client_uuid=client_uuid).first(),
                          once=True)
    if existing is not None and region_code is not None and not existing.region_code.startswith(region_code[:6]):
        raise NotFound()
    return existing


def resent_key(model, client_uuid) -> tuple:
    return ("resent", model._meta.label_lower, str(client_uuid))


def uuid_kwargs(client_uuid):
    return {"client_uuid": client_uuid} if client_uuid is not None else {}


def required_text(value, field, label, max_length=None):
    value = (value or "").strip() if isinstance(value, str) or value is None else value
    if not value:
        raise InvalidInput(_("请填写%(label)s。"), code="required", fields={field: [_("必填")]}, label=label)
    if max_length and len(value) > max_length:
        raise InvalidInput(_("%(label)s过长（最多%(n)s字）。"), code="too_long", fields={field: [_("过长")]},
                           label=label, n=max_length)
    return value
