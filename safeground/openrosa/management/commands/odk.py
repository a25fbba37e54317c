"""`safeground odk …`: ODK Collect device credentials and ODK Central imports (docs/odk.md).

safeground odk credentials add USERNAME [--name "Tablet 3"]   (prints the login and the secret, once)
safeground odk credentials list [USERNAME]
safeground odk credentials revoke LOGIN
"""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from safeground.core.errors import ValidationFailed
from safeground.openrosa import services
from safeground.openrosa.errors import Refused
from safeground.openrosa.models import DeviceCredential


class Command(BaseCommand):
    help = "ODK Collect device credentials; ODK Central imports."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        creds = sub.add_parser("credentials", help="device credentials for ODK Collect").add_subparsers(
            dest="credentials_action", required=True
        )
        p = creds.add_parser("add", help="make a device credential for a user and print it (shown once)")
        p.add_argument("username")
        p.add_argument("--name", default="", help="which device, e.g. 'Tablet 3'")
        p = creds.add_parser("list", help="list device credentials (one user's, or all)")
        p.add_argument("username", nargs="?")
        p = creds.add_parser("revoke", help="revoke a device credential by its login")
        p.add_argument("login")
        p = sub.add_parser("import-central", help="submit an ODK Central export (ZIP or CSV) to the workbench")
        p.add_argument("file")
        p.add_argument("--form", required=True, help="the field form it is an export of, e.g. completion")
        p.add_argument("--as", dest="as_user", help="the account it is submitted as (an operator of its organisation)")

    def handle(self, *args, **options):
        try:
            getattr(self, f"_{options['action'].replace('-', '_')}")(options)
        except (ValidationFailed, Refused) as exc:
            raise CommandError(str(exc)) from exc

    def _import_central(self, options):
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror}") from exc
        username = options["as_user"]
        user = get_user_model().objects.filter(username=username).first() if username else None
        if user is None:
            raise CommandError(f"--as names the account to submit as; no user named {username!r}")
        report = services.import_central(data, path.name, form_id=options["form"], user=user)
        for row, instance_id, code in report.landed:
            self.stdout.write(f"row {row}: {instance_id} → {code}")
        for row, instance_id in report.skipped:
            self.stdout.write(f"row {row}: {instance_id} already received, skipped")
        for row, instance_id, reason in report.failed:
            self.stderr.write(f"row {row}: {instance_id} refused: {reason}")
        if report.photos_left:
            self.stderr.write(f"{report.photos_left} photo(s) not imported: import the ZIP with its media/ folder")
        self.stdout.write(report.message)
        if report.failed:
            raise CommandError(f"{len(report.failed)} row(s) refused (listed above); the others were received")

    def _credentials(self, options):
        action = options["credentials_action"]
        if action == "add":
            user = get_user_model().objects.filter(username=options["username"]).first()
            if user is None:
                raise CommandError(f"no user named {options['username']!r}")
            credential, secret = services.issue_credential(user, options["name"])
            self.stdout.write(f"username: {credential.login}\nsecret:   {secret}")
            self.stderr.write("the secret is shown only once; ODK Collect's server URL is https://HOST/odk")
        elif action == "list":
            rows = DeviceCredential.objects.select_related("user").order_by("created_at")
            if options["username"]:
                rows = rows.filter(user__username=options["username"])
            for c in rows:
                state = "active" if c.active else f"revoked {c.revoked_at:%Y-%m-%d}"
                used = f"last used {c.last_used_at:%Y-%m-%d}" if c.last_used_at else "never used"
                self.stdout.write(f"{c.login}  {c.user.get_username()}  {state}  {used}  {c.name}")
        else:
            credential = DeviceCredential.objects.filter(login=options["login"], revoked_at__isnull=True).first()
            if credential is None:
                raise CommandError(f"no active device credential with login {options['login']!r}")
            services.revoke_credential(credential.pk, by=_Everyone())
            self.stdout.write(f"revoked {credential.login}")


class _Everyone:
    """The command line acts for the administrator: it may revoke any credential."""

    def has_perm(self, perm: str) -> bool:
        return True
