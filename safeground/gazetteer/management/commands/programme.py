"""`safeground programme add|list|show|edit`: programme profiles (a country is data, not code)."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from safeground.core.errors import ValidationFailed
from safeground.gazetteer import programmes, queries
from safeground.gazetteer.models import Programme


def _fields(parser, editing: bool) -> None:
    parser.add_argument("--name", required=not editing, help="the country's name, e.g. Colombia")
    parser.add_argument("--levels", dest="admin_levels", help="names of admin levels 1–3, e.g. Departamento,Municipio")
    parser.add_argument("--crs", dest="local_crs", help="national projected CRS, e.g. EPSG:9377 (default: UTM)")
    parser.add_argument("--legacy-datums", help="CRSs old records may use, comma-separated, e.g. EPSG:4218")
    parser.add_argument("--languages", help="language codes, comma-separated, e.g. es")
    for treaty, label in (("apmbc", "Anti-Personnel Mine Ban Convention"), ("ccm", "Convention on Cluster Munitions")):
        group = parser.add_mutually_exclusive_group()
        group.add_argument(
            f"--{treaty}", dest=f"{treaty}_party", action="store_true", default=None, help=f"party to the {label}"
        )
        group.add_argument(f"--no-{treaty}", dest=f"{treaty}_party", action="store_false", help="not a party")
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "--point-radius-area",
        dest="point_radius_area",
        action="store_true",
        default=None,
        help="a point hazard's declared radius counts as estimated area (π r²)",
    )
    group.add_argument(
        "--no-point-radius-area",
        dest="point_radius_area",
        action="store_false",
        help="point hazards have no estimated area (the default)",
    )
    parser.add_argument("--article5-deadline", help="APMBC Article 5 deadline, YYYY-MM-DD (empty to clear)")
    parser.add_argument(
        "--map-bbox", help="default map view: west,south,east,north in degrees (--map-bbox=-79.5,-4.3,-66.8,12.5)"
    )


class Command(BaseCommand):
    help = "Programme profiles: the countries SafeGround serves, their admin-level names, CRS, languages, treaties."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, title="actions")
        add = sub.add_parser("add", help="add a programme (a country)")
        add.add_argument("iso3", help="ISO 3166-1 alpha-3 code, e.g. COL")
        _fields(add, editing=False)
        edit = sub.add_parser("edit", help="change fields of a programme (the others stay)")
        edit.add_argument("iso3")
        _fields(edit, editing=True)
        listing = sub.add_parser("list", help="list the programmes")
        listing.add_argument("--json", action="store_true")
        show = sub.add_parser("show", help="one programme's profile, as JSON")
        show.add_argument("iso3")

    def handle(self, *args, **options):
        action = options["action"]
        try:
            if action == "list":
                rows = [queries.profile(p) for p in queries.programmes()]
                if options["json"]:
                    self.stdout.write(json.dumps(rows, ensure_ascii=False, default=str))
                    return
                for row in rows:
                    levels = ", ".join(row["admin_levels"]) or "-"
                    self.stdout.write(f"{row['iso3']}  {row['name']}  (levels: {levels})")
                return
            if action == "show":
                found = Programme.objects.filter(iso3=programmes.iso3_of(options["iso3"])).first()
                if found is None:
                    raise CommandError(f"no programme {options['iso3']}")
                self.stdout.write(json.dumps(queries.profile(found), ensure_ascii=False, indent=2, default=str))
                return
            values = {k: options[k] for k in programmes.FIELDS if options.get(k) is not None}
            if action == "add":
                p = programmes.add_programme(options["iso3"], **values)
                self.stdout.write(f"added programme {p.iso3} {p.name}")
            else:
                if not values:
                    raise CommandError("nothing to change: give at least one field (see --help)")
                p = programmes.edit_programme(options["iso3"], **values)
                self.stdout.write(f"changed {', '.join(sorted(values))} of programme {p.iso3}")
        except ValidationFailed as exc:
            raise CommandError(str(exc)) from exc
