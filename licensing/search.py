"""Public search of the directory, for Chinese names on SQLite and PostgreSQL alike.

PostgreSQL's trigram index does not see CJK characters in a database with a C ctype, and a
``LIKE '%…%'`` scan grows with the table. Instead each business name is indexed as its
character bigrams (plus whole ASCII words) in ``BusinessSearchToken``; a query needs every one
of its bigrams (an indexed ``IN`` with ``GROUP BY … HAVING``), and the few candidates are then
checked for the whole fragment. Codes and licence numbers are exact, indexed lookups. Each
search is a constant number of queries whatever the directory's size."""

from __future__ import annotations

import re

from .validators import normalize_code, normalize_licence_number

_WORD = re.compile(r"[A-Za-z0-9]+")
_STRIP = re.compile(r"[\s·•（）()【】\[\]“”\"'、，,。.\-—_/]+")
MAX_TOKENS = 12
TOKEN_LENGTH = 8  # BusinessSearchToken.token's column


def normalize_name(text: str) -> str:
    return _STRIP.sub("", (text or "").strip()).lower()


def name_tokens(name: str) -> set[str]:
    text = normalize_name(name)
    tokens = {text[i:i + 2] for i in range(len(text) - 1)}
    # Cut to the column's width: PostgreSQL refuses a longer value (a name such as "Pioneer
    # International" failed to save), where SQLite silently stored it.
    tokens |= {w.lower()[:TOKEN_LENGTH] for w in _WORD.findall(name or "") if len(w) >= 2}
    return {t for t in tokens if t}


def index_business(business) -> None:
    """(Re)write the search tokens of one business; services call it when a name changes."""
    from .models import BusinessSearchToken

    BusinessSearchToken.objects.filter(business=business).delete()
    BusinessSearchToken.objects.bulk_create(
        [BusinessSearchToken(business=business, token=t) for t in sorted(name_tokens(business.name))])


def business_ids_for_name(fragment: str, limit: int = 50) -> list[int]:
    """Ids of businesses whose name contains ``fragment`` (at least two characters)."""
    from .models import BusinessSearchToken

    wanted = normalize_name(fragment)
    tokens = sorted({wanted[i:i + 2] for i in range(len(wanted) - 1)})
    if not tokens:
        return []
    # An INTERSECT of one index-only scan per bigram: cheaper than GROUP BY … HAVING over all
    # of them, and the same SQL on PostgreSQL and SQLite. A dozen bigrams narrow enough; the
    # caller checks the whole fragment on the few candidates.
    scans = [BusinessSearchToken.objects.filter(token=t).values_list("business_id", flat=True)
             for t in tokens[:MAX_TOKENS]]
    ids = scans[0].intersection(*scans[1:]) if len(scans) > 1 else scans[0]
    return list(ids.order_by("business_id")[: limit * 4])


def classify_query(text: str) -> tuple[str, str]:
    """("credit_code" | "licence_number" | "name", normalized query)."""
    raw = (text or "").strip()
    code = normalize_code(raw)
    if len(code) == 18 and code.isalnum() and code.isascii():
        return "credit_code", code
    if "农种许字" in raw or re.match(r"^[A-Fa-f]\s*[（(]", raw):
        return "licence_number", normalize_licence_number(raw)
    return "name", raw
