"""A profile for every country already in the gazetteer (its level-0 name), so existing data keeps its labels."""

from django.db import migrations

#: The labels SafeGround showed for every country before profiles existed.
EARLIER_LEVELS = ["Province", "District", "Commune"]


def forwards(apps, schema_editor):
    AdminArea = apps.get_model("gazetteer", "AdminArea")
    Programme = apps.get_model("gazetteer", "Programme")
    known = set(Programme.objects.values_list("iso3", flat=True))
    for iso3, name in AdminArea.objects.filter(level=0).values_list("country", "name"):
        if iso3 not in known:
            Programme.objects.create(iso3=iso3, name=name, admin_levels=EARLIER_LEVELS)
            known.add(iso3)


class Migration(migrations.Migration):
    dependencies = [("gazetteer", "0002_programme")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
