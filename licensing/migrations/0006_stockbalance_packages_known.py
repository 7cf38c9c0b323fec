"""The stock balance keeps bags as well as kilograms: ``packages`` recomputed from the entries,
and ``packages_known`` set where every entry of the dealer's lot carried a package count (only
then are sales and losses checked against the bags in stock)."""

from django.db import migrations, models
from django.db.models import Exists, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce


def backfill(apps, schema_editor):
    StockBalance = apps.get_model("licensing", "StockBalance")
    LedgerEntry = apps.get_model("licensing", "LedgerEntry")
    entries = LedgerEntry.objects.filter(business_id=OuterRef("business_id"), lot_id=OuterRef("lot_id")).order_by()
    total = entries.values("business_id").annotate(p=Sum("packages")).values("p")
    StockBalance.objects.update(packages=Coalesce(Subquery(total), 0),
                                packages_known=~Exists(entries.filter(packages=0)))


class Migration(migrations.Migration):

    dependencies = [
        ("licensing", "0005_ledger_lot_farmer_sales_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="stockbalance",
            name="packages_known",
            field=models.BooleanField(db_default=True, default=True, verbose_name="件数完整"),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
