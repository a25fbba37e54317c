"""Seed the ordnance reference library from safeground.ordnance.catalogue.

Rows are matched by name: missing ones are created, existing ones are updated to the catalogue's values, so running it
on a database that already holds some of these models is safe. The reverse deletes only the catalogue's names (it fails
if a recorded device still points at one of them, which is what PROTECT is for).

Only keys that are fields of the historical model are written, so later catalogue fields do not break this migration.
"""

from django.db import migrations

from safeground.ordnance.catalogue import CATALOGUE, CATALOGUE_NAMES


def seed_catalogue(apps, schema_editor):
    OrdnanceModel = apps.get_model("ordnance", "OrdnanceModel")
    field_names = {field.name for field in OrdnanceModel._meta.concrete_fields} - {"id", "name"}
    db_alias = schema_editor.connection.alias
    for entry in CATALOGUE:
        values = {key: value for key, value in entry.items() if key in field_names}
        OrdnanceModel.objects.using(db_alias).update_or_create(name=entry["name"], defaults=values)


def unseed_catalogue(apps, schema_editor):
    OrdnanceModel = apps.get_model("ordnance", "OrdnanceModel")
    OrdnanceModel.objects.using(schema_editor.connection.alias).filter(name__in=CATALOGUE_NAMES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("ordnance", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(seed_catalogue, unseed_catalogue),
    ]
