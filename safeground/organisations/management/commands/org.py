"""`safeground org add|list|edit|deactivate|activate`: organisations, through `organisations.structure`."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from safeground.core.errors import ValidationFailed
from safeground.organisations import structure
from safeground.organisations.models import Organisation

KINDS = [k for k, _label in Organisation.KIND_CHOICES]


class Command(BaseCommand):
    help = "Organisations: national authorities, operators, training centres, donors."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, title="actions")
        add = sub.add_parser("add", help="add an organisation")
        add.add_argument("acronym")
        add.add_argument("--name", required=True)
        add.add_argument("--kind", required=True, choices=KINDS)
        add.add_argument("--country", required=True, help="ISO3 of the programme it works in")
        edit = sub.add_parser("edit", help="change an organisation's name, kind or country")
        edit.add_argument("acronym")
        edit.add_argument("--name")
        edit.add_argument("--kind", choices=KINDS)
        edit.add_argument("--country")
        for action in ("deactivate", "activate"):
            sub.add_parser(action, help=f"{action} an organisation (it is never deleted)").add_argument("acronym")
        listing = sub.add_parser("list", help="list the organisations")
        listing.add_argument("--country")
        listing.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        action = options["action"]
        try:
            if action == "list":
                self._list(options)
            elif action == "add":
                org = structure.create_organisation(
                    options["acronym"], options["name"], options["kind"], options["country"]
                )
                self.stdout.write(f"added organisation {org.acronym} ({org.country})")
            elif action == "edit":
                changes = {k: options[k] for k in structure.ORGANISATION_FIELDS if options.get(k) is not None}
                if not changes:
                    raise CommandError("nothing to change: give --name, --kind or --country")
                org = structure.edit_organisation(options["acronym"], **changes)
                self.stdout.write(f"changed {', '.join(sorted(changes))} of {org.acronym}")
            else:
                org = structure.set_organisation_active(options["acronym"], action == "activate")
                self.stdout.write(f"{org.acronym} {action}d")
        except ValidationFailed as exc:
            raise CommandError(str(exc)) from exc

    def _list(self, options) -> None:
        qs = Organisation.objects.order_by("country", "acronym")
        if options["country"]:
            qs = qs.filter(country=options["country"].strip().upper())
        rows = [
            {"acronym": o.acronym, "name": o.name, "kind": o.kind, "country": o.country, "active": o.is_active}
            for o in qs
        ]
        if options["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False))
            return
        for r in rows:
            self.stdout.write(
                f"{r['acronym']}  {r['name']}  {r['kind']}  {r['country']}{'' if r['active'] else '  (inactive)'}"
            )
