"""The double-random draw (双随机) as a pure function of its inputs, rules and seed.

Nothing here touches the database, the clock or ``random``: ordering uses HMAC-SHA256 keyed
with the seed over a stable text of each id, so anyone holding a draw's record gets the same
result on any Python version or machine. ``services.draws`` collects and freezes the inputs,
stores the result and re-runs it for verification.

Rules applied, in order:

1. Subjects are the active businesses in the campaign's area (the frozen ``subjects``).
2. Mandatory inclusions (``mandatory``: open complaints, open rectification orders,
   large-volume sellers, unqualified in the last months, and — for campaigns that take them —
   holders of lots due for first-batch sampling) are always inspected.
3. MOA order 50: the same crop may not be sampled at the same business again within six
   months. ``blocked`` lists those crops per business; a business where every campaign crop is
   blocked leaves the random pool (a mandatory subject stays, its blocked crops noted).
4. The random part: ``count`` subjects, or ``ratio`` × pool (rounded up), ordered by
   HMAC(seed, "subject:<id>").
5. Each task gets ``inspectors_per_task`` (≥ 2) different inspectors with no conflict of
   interest with the subject: the least-loaded first, ties broken by
   HMAC(seed, "inspector:<id>") XOR HMAC(seed, "task:<subject>") — a different keyed order for
   every task, so work spreads evenly and pairs vary, at one HMAC per task and per inspector
   rather than one per (task, inspector).
"""

from __future__ import annotations

import hashlib
import heapq
import hmac
import json
import math
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from seedreg.errors import RuleViolation

ALGORITHM = "hmac-sha256-v1"

MANDATORY_REASONS = {
    "open_complaint": _("有未办结的投诉举报"),
    "open_rectification": _("有未完成的责令整改"),
    "large_volume": _("经营量大"),
    "unqualified_recent": _("近期抽检不合格"),
    "first_batch_due": _("有待首次抽检的种子批"),
    "random": _("随机抽取"),
}


def reason_label(reason: str) -> str:
    """A task's reason as people read it: a draw's rule code in Chinese, other text as it is."""
    return str(MANDATORY_REASONS.get(reason, reason))


def canonical(value) -> bytes:
    """The one byte string of a JSON value that digests and comparisons use."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def digest(value) -> str:
    return hashlib.sha256(canonical(value)).hexdigest()


def _ranker(seed: str):
    # HMAC-SHA256 keyed with the seed; the keyed state is prepared once and copied per message
    # (same digest as hmac.digest, a fraction of the cost).
    keyed = hmac.new(seed.encode(), digestmod=hashlib.sha256)

    def rank(text: str) -> bytes:
        h = keyed.copy()
        h.update(text.encode())
        return h.digest()

    return rank


def compute_draw(inputs: dict, rules: dict, seed: str) -> dict:
    """The draw's result: {"tasks": [...], "pool_size", "random_count", "excluded": [...]}."""
    if rules.get("algorithm", ALGORITHM) != ALGORITHM:
        raise ValueError(f"unknown draw algorithm {rules.get('algorithm')!r}")
    rank = _ranker(seed)
    subjects = [row[0] for row in inputs["subjects"]]
    in_area = set(subjects)
    crops = set(inputs.get("campaign_crops", []))
    mandatory = {int(k): sorted(v) for k, v in inputs.get("mandatory", {}).items() if int(k) in in_area}
    blocked = {int(k): sorted(v) for k, v in inputs.get("blocked", {}).items()}
    fully_blocked = {b for b, cs in blocked.items() if crops and crops <= set(cs)}
    pool = [s for s in subjects if s not in mandatory and s not in fully_blocked]
    if rules.get("count") is not None:
        wanted = int(rules["count"])
    else:
        wanted = math.ceil(Decimal(str(rules["ratio"])) * len(pool))
    wanted = max(0, min(wanted, len(pool)))
    drawn = sorted(pool, key=lambda s: rank(f"subject:{s}"))[:wanted]

    per_task = int(rules.get("inspectors_per_task", 2))
    sampling = bool(rules.get("sampling"))
    eligible = [row[0] for row in inputs["inspectors"] if row[1] or not sampling]
    barred: dict[int, set[int]] = {}
    for uid, businesses in inputs.get("conflicts", {}).items():
        for b in businesses:
            barred.setdefault(int(b), set()).add(int(uid))
    keys = {u: int.from_bytes(rank(f"inspector:{u}"), "big") for u in eligible}
    levels: dict[int, list[int]] = {0: list(eligible)} if eligible else {}  # load -> inspectors
    load_of = dict.fromkeys(eligible, 0)

    tasks = []
    for business, selection in [(b, "mandatory") for b in sorted(mandatory)] + [(b, "random") for b in drawn]:
        excluded = barred.get(business, set())
        order = int.from_bytes(rank(f"task:{business}"), "big")
        pair: list[int] = []
        for load in sorted(levels):
            need = per_task - len(pair)
            candidates = [u for u in levels[load] if u not in excluded]
            pair += heapq.nsmallest(need, candidates, key=lambda u, o=order: keys[u] ^ o)
            if len(pair) == per_task:
                break
        if len(pair) < per_task:
            raise RuleViolation(_("可抽取的执法人员不足：经营主体（编号%(id)s）需要%(n)s名无利益冲突的执法人员。"),
                                code="draw_not_enough_inspectors", id=business, n=per_task)
        for u in pair:
            load = load_of[u]
            levels[load].remove(u)
            if not levels[load]:
                del levels[load]
            load_of[u] = load + 1
            levels.setdefault(load + 1, []).append(u)
        tasks.append({"business": business, "selection": selection, "reasons": mandatory.get(business, []),
                      "blocked_crops": blocked.get(business, []), "inspectors": pair})
    return {"tasks": tasks, "pool_size": len(pool), "random_count": wanted,
            "excluded": sorted(fully_blocked & in_area)}


def _index(rows):
    return {row[0]: row for row in rows}


def diff_inputs(old: dict, new: dict) -> dict:
    """What changed between two frozen inputs, in words a person can check."""
    out = {}
    old_s, new_s = _index(old["subjects"]), _index(new["subjects"])
    if added := sorted(set(new_s) - set(old_s)):
        out["subjects_added"] = added
    if removed := sorted(set(old_s) - set(new_s)):
        out["subjects_removed"] = removed
    for key in ("mandatory", "blocked", "conflicts"):
        a, b = old.get(key, {}), new.get(key, {})
        changed = sorted({k for k in set(a) | set(b) if sorted(a.get(k, [])) != sorted(b.get(k, []))}, key=int)
        if changed:
            out[f"{key}_changed"] = {k: {"before": a.get(k, []), "after": b.get(k, [])} for k in changed}
    old_i, new_i = _index(old["inspectors"]), _index(new["inspectors"])
    if added := sorted(set(new_i) - set(old_i)):
        out["inspectors_added"] = added
    if removed := sorted(set(old_i) - set(new_i)):
        out["inspectors_removed"] = removed
    if qual := sorted(u for u in set(old_i) & set(new_i) if old_i[u] != new_i[u]):
        out["inspectors_qualification_changed"] = qual
    if old.get("campaign_crops") != new.get("campaign_crops"):
        out["campaign_crops"] = {"before": old.get("campaign_crops"), "after": new.get("campaign_crops")}
    return out


def diff_outputs(old: dict, new: dict) -> dict:
    a = {t["business"]: t for t in old["tasks"]}
    b = {t["business"]: t for t in new["tasks"]}
    out = {}
    if added := [k for k in b if k not in a]:
        out["tasks_added"] = added
    if removed := [k for k in a if k not in b]:
        out["tasks_removed"] = removed
    if pairs := {k: {"before": a[k]["inspectors"], "after": b[k]["inspectors"]}
                 for k in a if k in b and a[k]["inspectors"] != b[k]["inspectors"]}:
        out["inspectors_changed"] = pairs
    return out
