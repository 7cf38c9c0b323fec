"""The name search's candidate query at province scale: bigram INTERSECT (before) against the
rarest bigram's postings walked in order with the others probed (now), on the same fragments.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/seedreg_bench \\
    CACHE_URL=redis://127.0.0.1:6379/13 .venv/bin/python bench/bench_name_search.py

Needs the directory bench_public_search.py generates. Fragments: 2 to 4 characters cut from
200 names chosen by id (seeded), plus fragments made of the most common bigrams. Both ways
must return the same ids; prints median and p95 milliseconds per fragment, alternating."""

from __future__ import annotations

import random
import statistics
import time

from _django import percentile, setup


def intersect_ids(fragment, limit=20):
    """The previous method: one scan per bigram, INTERSECT, lowest ids first."""
    from licensing.models import BusinessSearchToken
    from licensing.search import MAX_TOKENS, normalize_name

    wanted = normalize_name(fragment)
    tokens = sorted({wanted[i:i + 2] for i in range(len(wanted) - 1)})
    scans = [BusinessSearchToken.objects.filter(token=t).values_list("business_id", flat=True)
             for t in tokens[:MAX_TOKENS]]
    ids = scans[0].intersection(*scans[1:]) if len(scans) > 1 else scans[0]
    return list(ids.order_by("business_id")[: limit * 4])


def fragments():
    from licensing.models import Business

    rng = random.Random(7)
    top = Business.objects.order_by("-id").values_list("id", flat=True).first() or 0
    names = list(Business.objects.filter(id__in=range(1, top + 1, max(1, top // 200))).values_list("name", flat=True))
    out = []
    for name in names:
        base = name.rstrip("0123456789")
        start = rng.randint(0, max(0, len(base) - 4))
        out.append(base[start:start + rng.choice([2, 3, 4])])
    common = ["种业有限", "有限公司", "种业", "有限", "丰收种业", "农业科技", "种子门市部"]
    return out, common


def timed(fn, fragment):
    started = time.perf_counter()
    result = fn(fragment)
    return (time.perf_counter() - started) * 1000, result


def main():
    setup()
    from licensing.search import business_ids_for_name

    sampled, common = fragments()
    for label, group in (("sampled fragments", sampled), ("common-bigram fragments", common)):
        for fragment in group:  # warm: the database's buffers and the bigram counts (cached a day)
            intersect_ids(fragment)
            business_ids_for_name(fragment, limit=20)
        before, now = [], []
        for _ in range(3):
            for fragment in group:
                t_before, ids_before = timed(intersect_ids, fragment)
                t_now, ids_now = timed(lambda f: business_ids_for_name(f, limit=20), fragment)
                assert ids_before == ids_now, fragment
                before.append(t_before)
                now.append(t_now)
        print(f"{label} ({len(group)}): before median {statistics.median(before):.1f} ms, p95 "
              f"{percentile(before, 95):.1f} ms; now median {statistics.median(now):.1f} ms, p95 "
              f"{percentile(now, 95):.1f} ms")


if __name__ == "__main__":
    main()
