"""Migration operations Django lacks for SpatiaLite."""

from __future__ import annotations

from django.db import migrations


class AlterGeometryField(migrations.AlterField):
    """`AlterField` for a geometry column that works on SpatiaLite too (e.g. making it nullable).

    Django's SpatiaLite schema editor creates geometry columns with `AddGeometryColumn`, so they have
    no column type and its `alter_field` refuses them ("do not properly define db_type"). SQLite alters
    any column by rebuilding the table; this does the same, through the rebuild Django's SpatiaLite
    editor already uses to drop a geometry column (geometry metadata and spatial index included).
    PostgreSQL alters the column in place as usual.
    """

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "sqlite":
            return super().database_forwards(app_label, schema_editor, from_state, to_state)
        from_model = from_state.apps.get_model(app_label, self.model_name)
        to_model = to_state.apps.get_model(app_label, self.model_name)
        if not self.allow_migrate_model(schema_editor.connection.alias, to_model):
            return None
        old, new = from_model._meta.get_field(self.name), to_model._meta.get_field(self.name)
        schema_editor._remake_table(from_model, alter_fields=[(old, new)])
        return None


def restore_spatial_indexes(app_label: str, *model_names: str) -> migrations.RunPython:
    """A step that turns the spatial indexes of these models' geometry columns back on, on SpatiaLite.

    A SQLite table rebuild (AlterGeometryField, AddConstraint) re-registers the geometry columns
    without their spatial index (`spatial_index_enabled` 0, no index triggers); this re-creates the
    index and rebuilds it from the rows. Nothing to do on PostgreSQL, whose indexes survive ALTER.
    """

    def forwards(apps, schema_editor):
        from django.contrib.gis.db.models import GeometryField

        if schema_editor.connection.vendor != "sqlite":
            return
        with schema_editor.connection.cursor() as cursor:
            for name in model_names:
                model = apps.get_model(app_label, name)
                table = model._meta.db_table
                for field in model._meta.local_fields:
                    if not (isinstance(field, GeometryField) and field.spatial_index):
                        continue
                    cursor.execute(
                        "SELECT spatial_index_enabled FROM geometry_columns "
                        "WHERE lower(f_table_name) = lower(%s) AND lower(f_geometry_column) = lower(%s)",
                        [table, field.column],
                    )
                    row = cursor.fetchone()
                    if row is not None and row[0] == 0:
                        # The old index's R*Tree came along with the rename: drop it, build a new one.
                        cursor.execute(f'DROP TABLE IF EXISTS "idx_{table}_{field.column}"')
                        cursor.execute("SELECT CreateSpatialIndex(%s, %s)", [table, field.column])
                        cursor.execute("SELECT RecoverSpatialIndex(%s, %s)", [table, field.column])

    return migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True)
