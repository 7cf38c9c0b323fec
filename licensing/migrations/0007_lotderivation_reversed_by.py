"""A reversed repacking ends its input-to-output links: ``reversed_by`` points at the reversal of
the output entry, and trace no longer follows the link. Repackings reversed before this
migration are marked from their reversal entries."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def backfill(apps, schema_editor):
    LotDerivation = apps.get_model("licensing", "LotDerivation")
    LedgerEntry = apps.get_model("licensing", "LedgerEntry")
    reversal = LedgerEntry.objects.filter(reverses_id=OuterRef("output_entry_id")).values("pk")[:1]
    LotDerivation.objects.update(reversed_by=Subquery(reversal))


class Migration(migrations.Migration):

    dependencies = [
        ("licensing", "0006_stockbalance_packages_known"),
    ]

    operations = [
        migrations.AddField(
            model_name="lotderivation",
            name="reversed_by",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                                    related_name="+", to="licensing.ledgerentry", verbose_name="冲正记录"),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
