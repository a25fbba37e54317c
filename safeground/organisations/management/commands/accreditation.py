"""`safeground accreditation show|edit CODE ...`: one accreditation, through `organisations.services`."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from safeground.core.errors import StaleVersion, ValidationFailed
from safeground.organisations import services


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"not a date (YYYY-MM-DD): {text!r}") from exc


class Command(BaseCommand):
    help = "An organisation's or a dog's or rat's accreditation: show it, correct it or end it early."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, title="actions")
        sub.add_parser("show", help="show one accreditation with its version").add_argument("code")
        edit = sub.add_parser(
            "edit", help="correct an accreditation, change its conditions, or end it early (suspension, withdrawal)"
        )
        edit.add_argument("code")
        edit.add_argument("--issuing-authority", dest="issuing_authority")
        edit.add_argument("--valid-from", dest="valid_from", type=_date)
        edit.add_argument("--valid-until", dest="valid_until", type=_date, help="a shorter period ends it early")
        edit.add_argument("--conditions", help="an organisation's accreditation only")
        edit.add_argument("--tests-passed", dest="tests_passed", help="a dog's or rat's: tests, comma-separated")
        edit.add_argument("--handler", help="a dog's or rat's: the handler's staff code ('' for none)")
        edit.add_argument("--if-version", dest="if_version", type=int, help="refuse if it changed since this version")

    def handle(self, *args, **options):
        code = options["code"]
        if options["action"] == "show":
            found = services.find_accreditation(code)
            if found is None:
                raise CommandError(f"no accreditation {code!r}")
            holder = getattr(found, "organisation", None) or found.asset
            self.stdout.write(
                f"{found.code}  {holder}  {found.valid_from.isoformat()} → {found.valid_until.isoformat()}  "
                f"issued by {found.issuing_authority}  version {found.version}"
            )
            return
        changes = {
            k: options[k]
            for k in ("issuing_authority", "valid_from", "valid_until", "conditions", "handler")
            if options.get(k) is not None
        }
        if options.get("tests_passed") is not None:
            changes["tests_passed"] = [t.strip() for t in options["tests_passed"].split(",") if t.strip()]
        if not changes:
            raise CommandError("nothing to change: give at least one of the options (see --help)")
        try:
            changed = services.edit_accreditation(code, expected_version=options.get("if_version"), **changes)
        except (ValidationFailed, StaleVersion) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"changed {', '.join(sorted(changes))} of {changed.code} (now version {changed.version})")
