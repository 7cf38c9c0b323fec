from django.db import migrations


def load(apps, schema_editor):
    from labs.loading import load_quality_standards, load_tolerances

    load_quality_standards(apps.get_model("labs", "QualityStandard"))
    load_tolerances(apps.get_model("labs", "ToleranceRow"))


class Migration(migrations.Migration):
    dependencies = [("labs", "0001_standards")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
