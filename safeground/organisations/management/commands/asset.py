"""`safeground asset add|edit IDENTIFIER ...`: dogs, rats, machines and detectors, through `organisations.structure`."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from safeground.core.errors import ValidationFailed
from safeground.organisations import structure
from safeground.organisations.models import Asset

KINDS = [k for k, _label in Asset.KIND_CHOICES]


class Command(BaseCommand):
    help = "Assets teams use: dogs, rats, machines, detectors."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, title="actions")
        add = sub.add_parser("add", help="add an asset")
        add.add_argument("identifier", help="e.g. a dog's chip number or a machine's serial number")
        add.add_argument("--kind", required=True, choices=KINDS)
        add.add_argument("--name", default="")
        add.add_argument("--team", help="the team that uses it (its code)")
        edit = sub.add_parser("edit", help="change an asset's kind, name or team")
        edit.add_argument("identifier")
        edit.add_argument("--kind", choices=KINDS)
        edit.add_argument("--name")
        team = edit.add_mutually_exclusive_group()
        team.add_argument("--team", help="hand it to this team (its code)")
        team.add_argument("--no-team", action="store_true", help="take it off its team")

    def handle(self, *args, **options):
        try:
            if options["action"] == "edit":
                self._edit(options)
                return
            asset = structure.create_asset(options["kind"], options["identifier"], options["name"], options["team"])
        except ValidationFailed as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"added {asset.kind} {asset.identifier}" + (f" to team {asset.team.code}" if asset.team else "")
        )

    def _edit(self, options) -> None:
        changes = {k: options[k] for k in structure.ASSET_FIELDS if options.get(k) is not None}
        if options["no_team"]:
            changes["team"] = None
        if not changes:
            raise CommandError("nothing to change: give --kind, --name, --team or --no-team")
        asset = structure.edit_asset(options["identifier"], **changes)
        self.stdout.write(f"changed {', '.join(sorted(changes))} of {asset.kind} {asset.identifier}")
