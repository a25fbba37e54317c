"""`safeground team add CODE --org ACRONYM --kind K --size N`: a team of an organisation."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from safeground.core.errors import ValidationFailed
from safeground.organisations import structure
from safeground.organisations.models import Team


class Command(BaseCommand):
    help = "Teams of an organisation (manual, dogs, rats, machines, survey, EOD, EORE)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, title="actions")
        add = sub.add_parser("add", help="add a team")
        add.add_argument("code")
        add.add_argument("--org", required=True, help="the organisation's acronym")
        add.add_argument("--kind", required=True, choices=[k for k, _label in Team.KIND_CHOICES])
        add.add_argument("--size", required=True, type=int, help="number of people")

    def handle(self, *args, **options):
        try:
            team = structure.create_team(options["org"], options["code"], options["kind"], options["size"])
        except ValidationFailed as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"added team {team.code} of {team.organisation.acronym}")
