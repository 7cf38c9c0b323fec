"""Bounded building blocks for every request and response schema of the mobile API.

Every string has a maximum length and refuses NUL (PostgreSQL cannot store it in text, so an
unchecked NUL would become a 500); every number has bounds. A value outside them is a 422
that names the field, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Annotated, Any

from django.conf import settings
from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import AfterValidator, StringConstraints

NO_NUL = r"^[^\x00]*$"
# Dates a phone may send: far enough either way for any real record, and inside every
# database's range (year 1 or 9999 would overflow time-zone arithmetic).
EARLIEST, LATEST = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC), datetime.datetime(2100, 1, 1, tzinfo=datetime.UTC)


def Text(max_length: int, *, min_length: int = 0):  # noqa: N802 - a type factory reads like a type
    return Annotated[str, StringConstraints(max_length=max_length, min_length=min_length, pattern=NO_NUL)]


def _in_range(value):
    if value is None:
        return value
    if isinstance(value, datetime.datetime):
        probe = value if value.tzinfo else value.replace(tzinfo=datetime.UTC)
        if not EARLIEST <= probe <= LATEST:
            raise ValueError(_("时间超出允许范围（2000–2100年）"))
    elif isinstance(value, datetime.date) and not EARLIEST.date() <= value <= LATEST.date():
        raise ValueError(_("日期超出允许范围（2000–2100年）"))
    return value


Timestamp = Annotated[datetime.datetime, AfterValidator(_in_range)]
Day = Annotated[datetime.date, AfterValidator(_in_range)]
Latitude = Annotated[float, Field(ge=-90, le=90)]
Longitude = Annotated[float, Field(ge=-180, le=180)]
# Decimal quantities: kg, percentages; bounded so a huge value never reaches a numeric column.
Kilograms = Annotated[Decimal, Field(ge=0, le=Decimal("100000000"), max_digits=12, decimal_places=3)]


class Error(Schema):
    """Every error of this API: a stable code, a Chinese message and per-field messages."""

    code: str = Field(..., max_length=60, examples=["invalid_input"])
    message: str = Field(..., max_length=2000, examples=["输入有误，请检查标出的字段。"])
    fields: dict[str, list[str]] = Field(default_factory=dict)


# Documented on every operation: the shape is the same whatever went wrong.
AUTH_ERRORS: dict[int, Any] = {400: Error, 401: Error, 422: Error, 429: Error}
ERRORS: dict[int, Any] = {**AUTH_ERRORS, 404: Error}


# Database ids: bounded so a 30-digit id is a 422, not a bigint overflow in PostgreSQL.
Id = Annotated[int, Field(ge=1, le=2**62)]


class Page(Schema):
    """limit ≤ NINJA_PAGINATION_MAX_LIMIT and a bounded offset (an offset beyond bigint would
    reach the database as an error)."""

    limit: int = Field(settings.NINJA_PAGINATION_PER_PAGE, ge=1, le=settings.NINJA_PAGINATION_MAX_LIMIT)
    offset: int = Field(0, ge=0, le=1_000_000)
