"""A choice field's label, as ``get_FOO_display`` gives it, without its cost in a loop.

Django's ``get_FOO_display`` builds a dict of every choice of the field on each call, and
hashing each lazily translated label translates it: a download of 40 shops made 279 calls and
2,046 ``gettext`` calls. Here the labels are translated once per field and language."""

from __future__ import annotations

import functools

from django.utils.hashable import make_hashable
from django.utils.translation import get_language


@functools.cache
def _labels(field, language: str | None) -> dict:
    return {make_hashable(value): str(label) for value, label in field.flatchoices}


def choice_label(instance, name: str) -> str:
    """``str(instance.get_<name>_display())``: the label of the value, or the value itself
    (as text) when it is not one of the choices."""
    field = instance._meta.get_field(name)
    value = getattr(instance, field.attname)
    return str(_labels(field, get_language()).get(make_hashable(value), value))
