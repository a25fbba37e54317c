"""API tokens expire. Tokens issued before get the default lifetime counted from this migration,
not from their creation, so no integration stops the day the upgrade is installed (decision 0023)."""

import datetime as dt

from django.conf import settings
from django.db import migrations, models
from django.utils import timezone


def give_existing_tokens_a_lifetime(apps, schema_editor):
    days = settings.SAFEGROUND_TOKEN_DAYS
    if days:
        tokens = apps.get_model("core", "ApiToken").objects.filter(revoked=False, expires_at__isnull=True)
        tokens.update(expires_at=timezone.now() + dt.timedelta(days=days))


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_membership_to_organisations"),
    ]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(blank=True, help_text="Refused from this moment; empty: never.", null=True),
        ),
        migrations.RunPython(give_existing_tokens_a_lifetime, migrations.RunPython.noop),
    ]
