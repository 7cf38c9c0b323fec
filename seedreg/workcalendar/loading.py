import csv
from pathlib import Path

DEFAULT_CSV = Path(__file__).parent / "data" / "holidays.csv"


def load_calendar(model, path: Path = DEFAULT_CSV) -> int:
    """Insert the calendar rows that are missing (existing rows are the admin's and are kept)."""
    with open(path, newline="", encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    existing = set(model.objects.values_list("date", flat=True))
    import datetime

    new = [model(date=datetime.date.fromisoformat(r["date"]), kind=r["kind"], name=r["name"], source=r["source"])
           for r in rows if datetime.date.fromisoformat(r["date"]) not in existing]
    model.objects.bulk_create(new)
    return len(new)
