"""`safeground import FILE --kind KIND`: import one layer of a GIS file or spreadsheet.

All or nothing by default; `--on-error quarantine` writes the valid rows and holds the others in the
quarantine (opened from the workbench), and the report counts rows written, held (per cause) and
repaired (per kind of repair).

(The file is named after the command; Python's `import` keyword doesn't matter to Django, which
loads commands with importlib.)
"""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from safeground.interop.importers import KINDS
from safeground.interop.progress import Progress
from safeground.interop.services import ON_ERROR, ORPHANS, ImportFailed, import_file, write_report

SHOWN_ERRORS = 50


class Command(BaseCommand):
    help = (
        "Import hazards, products, devices, activities, places or accidents from a GeoPackage, GeoJSON, zipped "
        "Shapefile, KML/KMZ, FlatGeobuf, CSV or XLSX file. One transaction: one bad row and nothing is "
        "written (or, with --on-error quarantine, the bad rows are held for a fix); the rows at fault are "
        "printed and written to a CSV report."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--kind", required=True, choices=KINDS)
        parser.add_argument("--layer", help="layer to read (default: the only one, or the one named like --kind)")
        parser.add_argument("--crs", help="source CRS when the file has none or a wrong one, e.g. EPSG:3148")
        parser.add_argument("--mapping", help="YAML file renaming attributes and translating values")
        parser.add_argument("--dry-run", action="store_true", help="validate only; write nothing")
        parser.add_argument("--repair", action="store_true", help="repair invalid polygons instead of refusing them")
        parser.add_argument(
            "--on-error",
            default="refuse",
            choices=ON_ERROR,
            help="refuse: one bad row and nothing is written (default); quarantine: write the valid rows, "
            "hold the others for a fix in the workbench",
        )
        parser.add_argument(
            "--orphans",
            default="refuse",
            choices=ORPHANS,
            help="products that overlap no hazard: refuse them (default); outside: keep them with no hazard, "
            "their ground counted as released outside every hazard; or historical-hazard: rebuild a closed "
            "hazard from each one's footprint, flagged reconstructed",
        )
        parser.add_argument("--errors", help="where to write the error report (default: FILE.errors.csv)")
        parser.add_argument("--user", help="username the history records as the author")
        parser.add_argument("--no-progress", action="store_true")
        parser.add_argument("--encoding", help="CSV text encoding, e.g. latin-1 (default: UTF-8, else detected)")
        parser.add_argument(
            "--decimal", default=".", choices=[".", ","], help="decimal mark of numbers and coordinates (CSV, XLSX)"
        )

    def handle(self, *args, **opts):
        user = None
        if opts["user"]:
            from django.contrib.auth import get_user_model

            user = get_user_model().objects.filter(username=opts["user"]).first()
            if user is None:
                raise CommandError(f"no user {opts['user']!r}")
        progress = Progress(stream=sys.stderr, enabled=not opts["no_progress"])
        try:
            result = import_file(
                opts["file"],
                opts["kind"],
                layer=opts["layer"],
                crs=opts["crs"],
                mapping=opts["mapping"],
                dry_run=opts["dry_run"],
                repair=opts["repair"],
                user=user,
                progress=progress,
                encoding=opts["encoding"],
                decimal=opts["decimal"],
                on_error=opts["on_error"],
                orphans=opts["orphans"],
            )
        except ImportFailed as exc:
            raise CommandError(f"{opts['file']}: {exc}. Nothing was written.") from exc
        for note in result.notes:
            self.stdout.write(f"note: {note}")
        for repair, n in sorted(result.repaired.items()):
            self.stdout.write(f"repaired: {n:,} row(s) {repair}")
        if result.errors and result.on_error == "quarantine":
            report = opts["errors"] or str(Path(opts["file"]).with_name(Path(opts["file"]).name + ".errors.csv"))
            write_report(result, report)
            verb = "would be held" if result.dry_run else "held in the quarantine"
            self.stdout.write(f"{result.quarantined:,} of {result.rows:,} row(s) {verb}, per cause:")
            for cause, n in result.quarantine_causes.items():
                self.stdout.write(f"  {n:,}\t{cause}")
            self.stdout.write(f"the rows and their problems are in {report}")
            if result.dry_run:
                self.stdout.write(f"dry run: {result.rows - result.quarantined:,} row(s) would be written")
                return
            self.stdout.write(
                f"imported {result.written:,} {result.kind} from layer {result.layer} in {result.seconds:.1f} s; "
                f"fix or discard the held rows in the workbench (/workbench/quarantine/?import={result.import_id})"
            )
            return
        if result.errors:
            report = opts["errors"] or str(Path(opts["file"]).with_name(Path(opts["file"]).name + ".errors.csv"))
            write_report(result, report)
            self.stdout.write(f"{len(result.errors)} problem(s) in {result.rows:,} row(s) of layer {result.layer}:")
            self.stdout.write("row\tfield\tvalue\treason")
            for e in result.errors[:SHOWN_ERRORS]:
                self.stdout.write(f"{e.row}\t{e.field}\t{e.value}\t{e.reason}")
            if len(result.errors) > SHOWN_ERRORS:
                self.stdout.write(f"... and {len(result.errors) - SHOWN_ERRORS} more")
            raise CommandError(f"nothing was written; the full report is in {report}")
        if result.dry_run:
            self.stdout.write(
                f"dry run: {result.rows:,} {result.kind} in layer {result.layer} are valid; nothing was written "
                f"({result.seconds:.1f} s)"
            )
            return
        rate = result.written / result.seconds if result.seconds else 0
        self.stdout.write(
            f"imported {result.written:,} {result.kind} from layer {result.layer} in {result.seconds:.1f} s "
            f"({rate:,.0f} rows/s)"
        )
