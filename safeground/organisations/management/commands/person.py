"""`safeground person add CODE --org ACRONYM --role ROLE --name NAME --nationality ISO3`: a member of staff."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from safeground.core.errors import ValidationFailed
from safeground.organisations import structure
from safeground.organisations.models import Personnel


class Command(BaseCommand):
    help = "People of an organisation: deminers, section leaders, medics, handlers, surveyors, EOD technicians."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, title="actions")
        add = sub.add_parser("add", help="add a member of staff")
        add.add_argument("code", help="staff number, unique")
        add.add_argument("--org", required=True, help="the organisation's acronym")
        add.add_argument("--role", required=True, choices=[k for k, _label in Personnel.ROLE_CHOICES])
        add.add_argument("--name", required=True, help="full name (personal data: shown to allowed roles only)")
        add.add_argument("--nationality", required=True, help="ISO 3166 alpha-3, e.g. KEN")
        add.add_argument("--team", help="one of the organisation's teams")
        add.add_argument("--born", type=dt.date.fromisoformat, help="date of birth, YYYY-MM-DD")
        add.add_argument("--phone", default="")

    def handle(self, *args, **options):
        try:
            person = structure.create_person(
                options["org"],
                options["code"],
                options["role"],
                options["name"],
                options["nationality"],
                team=options["team"],
                date_of_birth=options["born"],
                phone=options["phone"],
            )
        except ValidationFailed as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"added {person.code} ({person.role}) to {person.organisation.acronym}")
