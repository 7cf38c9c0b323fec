"""Public search of the directory, for Chinese names on SQLite and PostgreSQL alike.

PostgreSQL's trigram index does not see CJK characters in a database with a C ctype, and a
``LIKE '%…%'`` scan grows with the table. Instead each business name is indexed as its
character bigrams (plus whole ASCII words) in ``BusinessSearchToken``; a query needs every one
of its bigrams (the rarest bigram's postings walked in order, the others probed), and the few
candidates are then checked for the whole fragment. Codes and licence numbers are exact,
indexed lookups. Each search is a constant number of queries whatever the directory's size."""

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


WINDOW = 500


def business_ids_for_name(fragment: str, limit: int = 50) -> list[int]:
    """Ids of businesses whose name has every bigram of ``fragment`` (at least two characters),
    lowest ids first, at most ``limit * 4``; the caller checks the whole fragment on them."""
    from django.db.models import Count

    from .models import BusinessSearchToken

    wanted = normalize_name(fragment)
    tokens = sorted({wanted[i:i + 2] for i in range(len(wanted) - 1)})[:MAX_TOKENS]
    if not tokens:
        return []
    # Intersecting whole posting lists reads every posting of a common bigram (种业, 有限: a
    # tenth of a province's names each) on every search. Instead: the first WINDOW postings of
    # the rarest bigram (frequencies only choose which), then which of those businesses have
    # all the other bigrams. The first ids found there are the first ids overall, so the
    # answer is the same; only when the window was full and still too few were found (common
    # bigrams that rarely come together) does it fall back to the whole intersection.
    counts = bigram_counts(tokens)
    rarest, *others = sorted(tokens, key=lambda t: (counts[t], t))
    postings = BusinessSearchToken.objects.filter(token=rarest).order_by("business_id").values_list(
        "business_id", flat=True)
    if not others:
        return list(postings[: limit * 4])
    window = list(postings[:WINDOW])
    found = list(BusinessSearchToken.objects.filter(business_id__in=window, token__in=others)
                 .values("business_id").annotate(n=Count("id")).filter(n=len(others))
                 .order_by("business_id").values_list("business_id", flat=True)[: limit * 4])
    if len(found) == limit * 4 or len(window) < WINDOW:
        return found
    scans = [BusinessSearchToken.objects.filter(token=t).values_list("business_id", flat=True) for t in tokens]
    return list(scans[0].intersection(*scans[1:]).order_by("business_id")[: limit * 4])


COUNT_SECONDS = 24 * 3600


def bigram_counts(tokens: list[str]) -> dict[str, int]:
    """How many names contain each bigram, from the shared cache (a day old at most: they only
    order the search, so a stale count makes it slower, never wrong)."""
    from django.core.cache import cache
    from django.db.models import Count

    from .models import BusinessSearchToken

    keys = {token: f"licensing:bigram-count:{token.encode().hex()}" for token in tokens}
    found = cache.get_many(keys.values())
    counts = {token: found[key] for token, key in keys.items() if key in found}
    missing = [token for token in tokens if token not in counts]
    if missing:
        counted = dict(BusinessSearchToken.objects.filter(token__in=missing).values_list("token")
                       .annotate(n=Count("id")).values_list("token", "n"))
        fresh = {token: counted.get(token, 0) for token in missing}
        cache.set_many({keys[token]: n for token, n in fresh.items()}, COUNT_SECONDS)
        counts.update(fresh)
    return counts


def classify_query(text: str) -> tuple[str, str]:
    """("credit_code" | "licence_number" | "name", normalized query)."""
    raw = (text or "").strip()
    code = normalize_code(raw)
    if len(code) == 18 and code.isalnum() and code.isascii():
        return "credit_code", code
    if "农种许字" in raw or re.match(r"^[A-Fa-f]\s*[（(]", raw):
        return "licence_number", normalize_licence_number(raw)
    return "name", raw
