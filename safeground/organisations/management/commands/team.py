"""`safeground team add|edit CODE ...`: teams of an organisation, through `organisations.structure`."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from safeground.core.errors import ValidationFailed
from safeground.organisations import structure
from safeground.organisations.models import Team

KINDS = [k for k, _label in Team.KIND_CHOICES]


class Command(BaseCommand):
    help = "Teams of an organisation (manual, dogs, rats, machines, survey, EOD, EORE)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, title="actions")
        add = sub.add_parser("add", help="add a team")
        add.add_argument("code")
        add.add_argument("--org", required=True, help="the organisation's acronym")
        add.add_argument("--kind", required=True, choices=KINDS)
        add.add_argument("--size", required=True, type=int, help="number of people")
        edit = sub.add_parser("edit", help="change a team's kind or size")
        edit.add_argument("code")
        edit.add_argument("--kind", choices=KINDS)
        edit.add_argument("--size", type=int, help="number of people")

    def handle(self, *args, **options):
        try:
            if options["action"] == "edit":
                changes = {k: options[k] for k in structure.TEAM_FIELDS if options.get(k) is not None}
                if not changes:
                    raise CommandError("nothing to change: give --kind or --size")
                team = structure.edit_team(options["code"], **changes)
                self.stdout.write(f"changed {', '.join(sorted(changes))} of team {team.code}")
                return
            team = structure.create_team(options["org"], options["code"], options["kind"], options["size"])
        except ValidationFailed as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"added team {team.code} of {team.organisation.acronym}")
