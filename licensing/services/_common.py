"""Helpers shared by the licensing services."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from seedreg.errors import InvalidInput, from_validation_error


def validate(value, validator, field):
    """Run a licensing validator on ``value`` and report a failure against ``field``."""
    try:
        validator(value)
    except ValidationError as exc:
        raise InvalidInput("；".join(exc.messages), code=exc.code or "invalid_input",
                           fields={field: exc.messages}) from exc


def full_clean(obj, exclude=None):
    """Model validation (field validators, choices, lengths) as an InvalidInput."""
    try:
        obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        raise from_validation_error(exc) from exc


def required(value, field, label):
    if value is None or (isinstance(value, str) and not value.strip()):
        raise InvalidInput(_("请填写%(label)s。"), code="required", fields={field: [_("必填")]}, label=label)
    return value.strip() if isinstance(value, str) else value
