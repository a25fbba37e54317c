"""`safeground asset add IDENTIFIER --kind dog|rat|machine|detector [--name N] [--team CODE]`."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from safeground.core.errors import ValidationFailed
from safeground.organisations import structure
from safeground.organisations.models import Asset


class Command(BaseCommand):
    help = "Assets teams use: dogs, rats, machines, detectors."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, title="actions")
        add = sub.add_parser("add", help="add an asset")
        add.add_argument("identifier", help="e.g. a dog's chip number or a machine's serial number")
        add.add_argument("--kind", required=True, choices=[k for k, _label in Asset.KIND_CHOICES])
        add.add_argument("--name", default="")
        add.add_argument("--team", help="the team that uses it (its code)")

    def handle(self, *args, **options):
        try:
            asset = structure.create_asset(options["kind"], options["identifier"], options["name"], options["team"])
        except ValidationFailed as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"added {asset.kind} {asset.identifier}" + (f" to team {asset.team.code}" if asset.team else "")
        )
