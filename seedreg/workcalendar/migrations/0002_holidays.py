from django.db import migrations


def load(apps, schema_editor):
    from seedreg.workcalendar.loading import load_calendar

    load_calendar(apps.get_model("workcalendar", "CalendarDay"))


class Migration(migrations.Migration):
    dependencies = [("workcalendar", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
