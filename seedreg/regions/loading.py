"""Load regions from a CSV of (code, name, level, parent_code)."""

import csv
from pathlib import Path

from django.db import transaction

from .models import LEVEL_BY_LENGTH, Region

LEVEL_NAMES = {"province": 1, "city": 2, "county": 3, "township": 4, "village": 5,
               "省": 1, "市": 2, "县": 3, "乡镇": 4, "村": 5}


def _level(raw, code):
    raw = (raw or "").strip()
    if raw.isdigit():
        return int(raw)
    return LEVEL_NAMES.get(raw) or LEVEL_BY_LENGTH[len(code)]


def load_regions(path: Path, *, prefix: str = "", max_level: int = 5) -> int:
    """Insert or update the regions in ``path`` whose code starts with ``prefix``. Returns the
    number of rows written. Parents are written before children (sorted by code length)."""
    with open(path, newline="", encoding="utf-8-sig") as f:
        rows = [r for r in csv.DictReader(f) if r["code"].startswith(prefix)]
    rows.sort(key=lambda r: (len(r["code"]), r["code"]))
    existing = set(Region.objects.filter(code__startswith=prefix).values_list("code", flat=True))
    known = existing | set(Region.objects.filter(code__in={r["code"][:n] for r in rows for n in (2, 4, 6, 9)})
                           .values_list("code", flat=True))
    new, changed = [], []
    for r in rows:
        code = r["code"].strip()
        level = _level(r.get("level"), code)
        if level > max_level:
            continue
        parent = (r.get("parent_code") or r.get("parent") or "").strip() or None
        if parent and parent not in known:
            parent = None
        obj = Region(code=code, name=r["name"].strip(), level=level, parent_id=parent)
        (changed if code in existing else new).append(obj)
        known.add(code)
    with transaction.atomic():
        Region.objects.bulk_create(new, batch_size=2000)
        Region.objects.bulk_update(changed, ["name", "level", "parent"], batch_size=2000)
    return len(new) + len(changed)
