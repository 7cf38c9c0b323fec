"""A stop-sale holder's printed notice (送达回证) and its service on paper: who served it, the
service record, and the signed receipt's scan."""

import django.db.models.deletion
from django.db import migrations, models

import licensing.models.stopsale


class Migration(migrations.Migration):

    dependencies = [
        ("documents", "0002_serial_unique_per_county"),
        ("licensing", "0007_lotderivation_reversed_by"),
    ]

    operations = [
        migrations.AddField(
            model_name="stopsaleholder",
            name="notice_document",
            field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                                       related_name="+", to="documents.issueddocument", verbose_name="送达回证"),
        ),
        migrations.AddField(
            model_name="stopsaleholder",
            name="paper_service",
            field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                                       related_name="+", to="documents.servicerecord", verbose_name="书面送达记录"),
        ),
        migrations.AddField(
            model_name="stopsaleholder",
            name="served_by",
            field=models.CharField(blank=True, max_length=100, verbose_name="送达人"),
        ),
        migrations.AddField(
            model_name="stopsaleholder",
            name="receipt_scan",
            field=models.FileField(blank=True, upload_to=licensing.models.stopsale.receipt_scan_path,
                                   verbose_name="送达回证扫描件"),
        ),
    ]
