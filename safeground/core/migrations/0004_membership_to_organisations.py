# Membership moves to the organisations app (docs/decisions/0018-layers.md): `core` imports no app.
# The rows stay where they are; the table is renamed core_membership -> organisations_membership here,
# and organisations.0003_membership takes the model over in the migration state without touching the
# database.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0003_batch'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AlterModelTable(name='membership', table='organisations_membership'),
            ],
            state_operations=[
                migrations.DeleteModel(name='Membership'),
            ],
        ),
    ]
