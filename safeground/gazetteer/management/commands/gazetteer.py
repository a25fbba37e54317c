"""`safeground gazetteer load [FILE]`: load the reference gazetteer or one boundary/place file."""

from __future__ import annotations

import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count

from safeground.core.geometry import GeometryError
from safeground.gazetteer.loaders import GazetteerLoadError, load_file, load_reference
from safeground.gazetteer.models import AdminArea, Place

LEVELS = {0: "country", 1: "province/rayon", 2: "district", 3: "commune"}


class Command(BaseCommand):
    help = "Gazetteer administration: load admin areas and places."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, title="actions")
        load = sub.add_parser(
            "load",
            help="Load the reference gazetteer (no FILE) or one file of admin areas or places",
            description=(
                "Without FILE: load the reference geography of Cambodia and Azerbaijan from the shared data "
                "folder (SAFEGROUND_SHARED_DATA). With FILE: load admin areas of one level of one country from any "
                "file GDAL reads (GeoPackage, Shapefile, GeoJSON, ...), in any CRS. Loading is idempotent: "
                "rows are matched by country, level and code and updated in place."
            ),
        )
        load.add_argument("file", nargs="?", help="boundary or place file; omit to load the reference data")
        load.add_argument("--country", help="ISO 3166-1 alpha-3 code of the programme (`safeground programme add`)")
        load.add_argument(
            "--level", type=int, choices=sorted(LEVELS), help="0 country, 1 province, 2 district, 3 commune"
        )
        load.add_argument("--code-field", help="field holding each unit's code (default: codes are generated)")
        load.add_argument("--name-field", help="field holding each unit's name (default: name, shapeName, ...)")
        load.add_argument("--layer", help="layer name (files with several layers)")
        load.add_argument("--crs", help="source CRS when the file declares none, e.g. EPSG:32648")
        load.add_argument("--places", action="store_true", help="the file holds places (points), not admin areas")
        load.add_argument("--kind", default="village", choices=[k for k, _ in Place.KIND_CHOICES], help="place kind")
        load.add_argument("--data-dir", help="reference data folder (default: settings.SHARED_DATA_DIR)")

    def handle(self, *args, **options):
        if options["action"] == "load":
            self._load(options)

    def _load(self, options) -> None:
        started = time.monotonic()
        report = self.stdout.write
        try:
            if options["file"]:
                if not options["country"]:
                    raise CommandError("--country is required with FILE")
                if options["level"] is None and not options["places"]:
                    raise CommandError("--level is required with FILE (or --places for points)")
                summary = load_file(
                    Path(options["file"]),
                    options["country"],
                    options["level"],
                    code_field=options["code_field"],
                    name_field=options["name_field"],
                    layer=options["layer"],
                    report=report,
                    places=options["places"],
                    kind=options["kind"],
                    crs=options["crs"],
                )
            else:
                data_dir = Path(options["data_dir"] or settings.SHARED_DATA_DIR)
                summary = load_reference(data_dir, report=report)
        except (GazetteerLoadError, GeometryError) as exc:
            raise CommandError(f"{exc} (nothing was written)") from exc
        elapsed = time.monotonic() - started
        self.stdout.write("")
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded in {elapsed:.1f} s: {summary['created']} created, {summary['updated']} updated, "
                f"{summary['unchanged']} unchanged, {summary['kept']} kept"
            )
        )
        self._print_totals()

    def _print_totals(self) -> None:
        self.stdout.write("Gazetteer now holds:")
        areas = AdminArea.objects.values("country", "level").annotate(n=Count("id")).order_by("country", "level")
        for row in areas:
            self.stdout.write(f"  {row['country']} level {row['level']} ({LEVELS[row['level']]}): {row['n']:,}")
        places = Place.objects.values("country", "kind").annotate(n=Count("id")).order_by("country", "kind")
        for row in places:
            self.stdout.write(f"  {row['country']} {row['kind']}s: {row['n']:,}")
