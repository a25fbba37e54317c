"""Give every existing model its URL slug (safeground.ordnance.naming.slug), then make the slug required."""

from django.db import migrations, models

from safeground.ordnance.naming import slug


def fill(apps, schema_editor):
    OrdnanceModel = apps.get_model("ordnance", "OrdnanceModel")
    db = schema_editor.connection.alias
    taken: set[str] = set(OrdnanceModel.objects.using(db).exclude(slug=None).values_list("slug", flat=True))
    for row in OrdnanceModel.objects.using(db).filter(slug=None).order_by("name"):
        row.slug = slug(row.name, taken)
        taken.add(row.slug)
        row.save(update_fields=["slug"])


class Migration(migrations.Migration):
    dependencies = [("ordnance", "0003_ordnancemodel_actuation_and_more")]

    operations = [
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="ordnancemodel",
            name="slug",
            field=models.SlugField(help_text="The name in URLs, set by the services", max_length=90, unique=True),
        ),
        migrations.AlterField(
            model_name="historicalordnancemodel",
            name="slug",
            field=models.SlugField(help_text="The name in URLs, set by the services", max_length=90),
        ),
    ]
