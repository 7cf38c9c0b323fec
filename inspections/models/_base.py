"""Shared pieces of the inspection models."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from seedreg.regions.scoping import JurisdictionQuerySet
from seedreg.regulated import RegulatedQuerySet


class InspectionQuerySet(JurisdictionQuerySet, RegulatedQuerySet):
    """Jurisdiction-scoped and write-guarded; dealers see nothing through it."""


def client_uuid_field():
    """Phones create these rows offline: a client-generated UUID lets the server recognise a
    resend and return the row it already has (DESIGN.md section 4, Identifiers)."""
    return models.UUIDField(_("客户端编号"), default=uuid.uuid4, unique=True, editable=False)


class DataStatus(models.TextChoices):
    """How sure we are of a regulatory figure (DOMAIN.md section 9)."""

    CONFIRMED = "confirmed", _("已确认")
    LIKELY = "likely", _("较可靠")
    UNCONFIRMED = "unconfirmed", _("待核实")
