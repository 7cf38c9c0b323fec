"""Load the regulatory data this app owns from inspections/data/*.csv. Rows stay editable by the
station admin; re-running the loader never overwrites an edited row (get_or_create)."""

import csv
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data"
SAMPLING_SOURCE = "GB/T 3543.2 扦样（shared/data/sampling_rules.csv，待核实）"
PRIMARY_SOURCE = "GB/T 3543.2 袋装种子扦样（shared/data/primary_samples_bagged.csv，待核实）"
CHECKLIST_SOURCE = "种子法（2021）及标签管理办法（shared/data/market_checklist.csv）"


def rows(name):
    with open(DATA / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def load(apps, schema_editor):
    Crop = apps.get_model("licensing", "Crop")
    SamplingRule = apps.get_model("inspections", "SamplingRule")
    PrimarySampleRule = apps.get_model("inspections", "PrimarySampleRule")
    FindingType = apps.get_model("inspections", "FindingType")
    ChecklistItem = apps.get_model("inspections", "ChecklistItem")
    crops = {c.code: c for c in Crop.objects.all()}
    for row in rows("sampling_rules.csv"):
        crop = crops.get(row["crop_code"])
        if crop is None:
            continue
        SamplingRule.objects.get_or_create(crop=crop, defaults=dict(
            max_lot_kg=int(row["max_lot_kg"]), submitted_sample_g=int(row["submitted_sample_g"]),
            purity_working_sample_g=int(row["purity_working_sample_g"]), moisture_sample_g=int(row["moisture_sample_g"]),
            status=row["status"], source=SAMPLING_SOURCE))
    for row in rows("primary_samples_bagged.csv"):
        PrimarySampleRule.objects.get_or_create(containers_from=int(row["containers_from"]), defaults=dict(
            containers_to=int(row["containers_to"]) if row["containers_to"] else None,
            primary_samples=int(row["primary_samples"]), per_container="per container" in row["rule"],
            rule=row["rule"], status=row["status"], source=PRIMARY_SOURCE))
    for row in rows("finding_types.csv"):
        FindingType.objects.get_or_create(code=row["code"], defaults=dict(
            label=row["label_zh"], suggested_articles=[a for a in row["suggested_articles"].split(";") if a],
            penalty=row["penalty_zh"], status=row["status"], source=row["source"]))
    for position, row in enumerate(rows("market_checklist.csv")):
        ChecklistItem.objects.get_or_create(code=row["code"], defaults=dict(
            text=row["item_zh"], text_en=row["item_en"], applies_to=row["applies_to"].split("|"),
            legal_basis=row["legal_basis"], finding_type=FindingType.objects.get(code=row["finding_if_failed"]),
            position=position * 10, status="likely", source=CHECKLIST_SOURCE))


class Migration(migrations.Migration):
    dependencies = [("inspections", "0001_initial"), ("licensing", "0002_crops")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
