# Membership moves here from core (docs/decisions/0018-layers.md). core.0004 renamed the table to
# organisations_membership; this migration only adds the model to the organisations state, and moves
# the content type (so its permissions and admin log entries follow the model instead of going stale).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def move_content_type(apps, schema_editor):
    ContentType = apps.get_model('contenttypes', 'ContentType')
    db = schema_editor.connection.alias
    old = ContentType.objects.using(db).filter(app_label='core', model='membership')
    if ContentType.objects.using(db).filter(app_label='organisations', model='membership').exists():
        old.delete()  # both exist only if post_migrate ran in between; the new one is already in use
    else:
        old.update(app_label='organisations')


def move_content_type_back(apps, schema_editor):
    ContentType = apps.get_model('contenttypes', 'ContentType')
    db = schema_editor.connection.alias
    if not ContentType.objects.using(db).filter(app_label='core', model='membership').exists():
        ContentType.objects.using(db).filter(app_label='organisations', model='membership').update(app_label='core')


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('core', '0004_membership_to_organisations'),
        ('organisations', '0002_historicalaccreditation_historicalpersonnel_and_more'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='Membership',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('role', models.CharField(choices=[('administrator', 'Administrator'), ('im_officer', 'Information management officer'), ('operator', 'Operator data officer'), ('qa_officer', 'Quality assurance officer'), ('viewer', 'Viewer'), ('va_officer', 'Victim assistance officer')], max_length=20)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='memberships', to='organisations.organisation')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='memberships', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'ordering': ['user', 'organisation'],
                        'constraints': [models.UniqueConstraint(fields=('user', 'organisation'), name='membership_user_organisation')],
                    },
                ),
            ],
        ),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
