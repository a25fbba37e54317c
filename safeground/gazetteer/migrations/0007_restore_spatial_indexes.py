# SQLite table rebuilds in earlier migrations (0004's AlterField) left the admin areas' and places'
# geometry columns registered without their spatial index; country and admin-area lookups then scan.

from django.db import migrations

from safeground.core.migration_operations import restore_spatial_indexes


class Migration(migrations.Migration):

    dependencies = [
        ("gazetteer", "0006_programme_point_radius_area"),
    ]

    operations = [
        restore_spatial_indexes("gazetteer", "adminarea", "place"),
    ]
