"""Loading the first versions of the standards tables from labs/data/ (copied from
shared/data/). Used by the data migrations; rows already present are the admin's and kept."""

from __future__ import annotations

import csv
import datetime
from decimal import Decimal
from pathlib import Path

DATA = Path(__file__).parent / "data"

# The standards' seed-type wording → licensing SeedType values and (cotton) seed form.
SEED_TYPES = {
    "常规种": (["conventional"], ""),
    "不育系、保持系、恢复系": (["sterile", "maintainer", "restorer"], ""),
    "杂交种": (["hybrid"], ""),
    "自交系": (["inbred"], ""),
    "单交种": (["single_cross"], ""),
    "双交种": (["double_cross"], ""),
    "三交种": (["three_way"], ""),
    "常规种毛籽": (["conventional"], "毛籽"),
    "常规种光籽": (["conventional"], "光籽"),
    "常规种薄膜包衣籽": (["conventional"], "薄膜包衣籽"),
    "杂交种亲本毛籽": (["parent"], "毛籽"),
    "杂交种亲本光籽或薄膜包衣籽": (["parent"], "光籽或薄膜包衣籽"),
    "杂交一代种毛籽": (["hybrid"], "毛籽"),
    "杂交一代种光籽或薄膜包衣籽": (["hybrid"], "光籽或薄膜包衣籽"),
}

# The editions' implementation dates were not verified; each row starts on 1 January of its
# edition's year and says so in its source, so an admin can correct it.
EDITION_NOTE = "shared/data/seed_quality_standards.csv；生效日期按版本年份 1 月 1 日记（实施日期未核实）"
REPLICATE_SOURCE = "GB/T 3543.4-1995 表（shared/data/germination_replicate_tolerance.csv）"
TWO_TESTS_SOURCE = "GB/T 3543.4-1995 表（shared/data/germination_two_tests_tolerance.csv）"


def _dec(value):
    value = (value or "").strip()
    return Decimal(value) if value else None


def _read(name):
    with open(DATA / name, newline="", encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


def load_quality_standards(model) -> int:
    new = []
    existing = set(model.objects.values_list("standard", "crop_code", "seed_type_label", "seed_class"))
    for r in _read("seed_quality_standards.csv"):
        key = (r["standard"], r["crop_code"], r["seed_type"], r["seed_class"])
        if key in existing:
            continue
        types, form = SEED_TYPES[r["seed_type"]]
        year = int(r["standard"].rsplit("-", 1)[1])
        new.append(model(
            standard=r["standard"], crop_code=r["crop_code"], crop_name=r["crop"], seed_type_label=r["seed_type"],
            seed_types=types, seed_form=form, seed_class=r["seed_class"], purity_min=_dec(r["purity_min"]),
            cleanliness_min=_dec(r["cleanliness_min"]), germination_min=_dec(r["germination_min"]),
            moisture_max=_dec(r["moisture_max"]), moisture_max_north=_dec(r["moisture_max_north"]),
            moisture_max_japonica=_dec(r["moisture_max_japonica"]), status=r["status"], note=r["note"][:300],
            source=EDITION_NOTE, effective_from=datetime.date(year, 1, 1),
        ))
    model.objects.bulk_create(new)
    return len(new)


def load_tolerances(model) -> int:
    new = []
    if model.objects.filter(table="germination_replicates").exists():
        return 0
    for r in _read("germination_replicate_tolerance.csv"):
        new.append(model(table="germination_replicates", standard="GB/T 3543.4-1995",
                         low=Decimal(r["mean_germination_from"]), high=Decimal(r["mean_germination_to"]),
                         limit=Decimal(r["max_range_between_4_replicates_of_100"]), status=r["status"],
                         source=REPLICATE_SOURCE, effective_from=datetime.date(1995, 1, 1)))
    for r in _read("germination_two_tests_tolerance.csv"):
        new.append(model(table="germination_two_tests", index="germination", standard="GB/T 3543.4-1995",
                         low=Decimal(r["mean_of_two_tests_from"]), high=Decimal(r["mean_of_two_tests_to"]),
                         limit=Decimal(r["max_difference"]), status=r["status"], source=TWO_TESTS_SOURCE,
                         effective_from=datetime.date(1995, 1, 1)))
    model.objects.bulk_create(new)
    return len(new)
