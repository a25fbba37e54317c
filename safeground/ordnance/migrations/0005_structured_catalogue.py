"""Fill the catalogue models' structured fields (sizes, weights, fill, metal content, detection, actuation,
identification, hazards) from safeground.ordnance.catalogue.STRUCTURED, and link its similar models.

A field is written only where it is still blank or at its default (None, "", [], metal "unknown"), so a programme's
own edits are never overwritten; links are only added. The reverse changes nothing (the values are facts).
"""

from django.db import migrations

from safeground.ordnance.catalogue import SIMILAR, STRUCTURED


def _blank(field: str, value) -> bool:
    return value in (None, "", []) or (field == "metal_content" and value == "unknown")


def fill(apps, schema_editor):
    OrdnanceModel = apps.get_model("ordnance", "OrdnanceModel")
    db = schema_editor.connection.alias
    rows = {m.name: m for m in OrdnanceModel.objects.using(db).filter(name__in=list(STRUCTURED) + [n for p in SIMILAR for n in p])}
    for name, values in STRUCTURED.items():
        row = rows.get(name)
        if row is None:
            continue
        changed = [field for field, value in values.items() if _blank(field, getattr(row, field))]
        for field in changed:
            setattr(row, field, list(values[field]) if isinstance(values[field], list) else values[field])
        if changed:
            row.save(update_fields=changed)
    for a, b in SIMILAR:
        if a in rows and b in rows:
            # Both ways: the migration state's M2M to "self" is not symmetrical as the model's is.
            rows[a].similar_models.add(rows[b])
            rows[b].similar_models.add(rows[a])


class Migration(migrations.Migration):
    dependencies = [("ordnance", "0004_fill_slugs")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
