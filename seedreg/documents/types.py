"""Document types: apps register theirs in AppConfig.ready().

    register_document_type("sampling_form", label="抽样单", abbreviation="种抽")

The serial of a document reads <station short name><abbreviation>〔<year>〕第<NNNN>号, e.g.
建种抽〔2026〕第0001号. ``public_status`` (optional) lets the owning app show live facts on the
public verification page, e.g. a licence certificate shows the licence's status as of now."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class DocumentType:
    code: str
    label: str
    abbreviation: str
    template: str | None = None
    public_status: Callable | None = None  # (document) -> list[(label, value)] shown publicly
    can_view: Callable | None = None  # (user, document) -> bool: who besides jurisdiction staff may download


_TYPES: dict[str, DocumentType] = {}


def register_document_type(code, *, label, abbreviation, template=None, public_status=None, can_view=None):
    # The serial text (station + abbreviation + year + number) is unique across types: two types
    # sharing an abbreviation would collide on the same number.
    clash = [t.code for t in _TYPES.values() if t.abbreviation == abbreviation and t.code != code]
    if clash:
        raise ValueError(f"document type {code!r}: abbreviation {abbreviation!r} is already used by {clash[0]!r}")
    _TYPES[code] = DocumentType(code, label, abbreviation, template, public_status, can_view)
    return _TYPES[code]


def get_document_type(code) -> DocumentType:
    try:
        return _TYPES[code]
    except KeyError:
        raise LookupError(f"document type {code!r} is not registered") from None


def document_types():
    return dict(_TYPES)
