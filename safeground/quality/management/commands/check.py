"""`safeground check`: the data quality checks (GICHD geocheck's and more) from the command line.

safeground check [--json] [--gpkg OUT] [--country ISO3] [--only CHECK ...] [--fresh] [thresholds]
safeground check --system [Django's options]     Django's own system checks

This command takes over the name of Django's `check`: Django resolves a command name to the first
installed app that has it, and to django.core only when no app does. Django's system checks stay
one flag away (`--system`), and any of their own options (`--deploy`, `--tag`, `--database`, an app
label, …) selects them too, so `call_command("check", databases=[...])` from Django's test runner
still runs the system checks.

Exit status 1 when a must-fix finding is left (for cron jobs and CI), 0 otherwise.
"""

from __future__ import annotations

import json

from django.core.management.base import CommandError
from django.core.management.commands.check import Command as SystemCheckCommand
from pyogrio.errors import DataLayerError, DataSourceError

from safeground.gazetteer.queries import countries
from safeground.quality import gpkg, queries
from safeground.quality.findings import CHECKS, MUST_FIX, Thresholds

DEFAULTS = Thresholds()
PLURAL = {"hazard": "hazards", "product": "products", "activity": "activities", "device": "devices"}


class Command(SystemCheckCommand):
    help = (
        "Data quality checks on hazards, products, devices and activities (invalid polygons, duplicates, "
        "overlaps, containment, dates, areas, coordinates). `--system` runs Django's system checks instead."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--system", action="store_true", help="run Django's system checks instead")
        parser.add_argument("--json", action="store_true", help="print one JSON document instead of text")
        parser.add_argument("--gpkg", metavar="OUT", help="also write the findings as a GeoPackage point layer")
        parser.add_argument(
            "--country", metavar="ISO3", help="only records of this country (ISO3; see `safeground programme list`)"
        )
        parser.add_argument("--only", nargs="+", metavar="CHECK", choices=list(CHECKS), help="only these checks")
        parser.add_argument(
            "--fresh", action="store_true", help="ignore the stored ledger: check every product pair and device"
        )
        parser.add_argument(
            "--vertex-gap-km",
            type=float,
            default=DEFAULTS.vertex_gap_m / 1000,
            help="consecutive vertices farther apart are reported (default %(default)s)",
        )
        parser.add_argument(
            "--overlap-m2",
            type=float,
            default=DEFAULTS.overlap_m2,
            help="hazard overlaps are reported from this area (default %(default)s) ...",
        )
        parser.add_argument(
            "--overlap-share",
            type=float,
            default=DEFAULTS.overlap_share,
            help="... and this share of the smaller hazard (default %(default)s)",
        )
        parser.add_argument(
            "--area-tolerance",
            type=float,
            default=DEFAULTS.area_tolerance,
            help="reported vs computed product area, relative (default %(default)s)",
        )

    def handle(self, *app_labels, **options):
        django_only = (
            app_labels
            or options["tags"]
            or options["list_tags"]
            or options["deploy"]
            or options["databases"]
            or options["fail_level"] != "ERROR"
        )
        if options["system"] or django_only:
            return super().handle(*app_labels, **options)
        country = (options["country"] or "").upper() or None
        if country and country not in countries():
            raise CommandError(
                f"unknown country {options['country']!r}: the gazetteer holds {', '.join(countries()) or 'none'}"
            )
        for name in ("vertex_gap_km", "overlap_m2", "area_tolerance"):
            if options[name] <= 0:
                raise CommandError(f"--{name.replace('_', '-')} must be positive")
        if not 0 <= options["overlap_share"] <= 1:
            raise CommandError("--overlap-share must be between 0 and 1")
        thresholds = Thresholds(
            vertex_gap_m=options["vertex_gap_km"] * 1000,
            overlap_m2=options["overlap_m2"],
            overlap_share=options["overlap_share"],
            area_tolerance=options["area_tolerance"],
        )
        report = queries.run(country=country, only=options["only"], thresholds=thresholds, fresh=options["fresh"])
        if options["gpkg"]:
            try:
                gpkg.write(report.findings, options["gpkg"])
            except (OSError, DataSourceError, DataLayerError) as exc:  # GDAL says what went wrong
                raise CommandError(f"could not write {options['gpkg']}: {exc}") from exc
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "checked": report.checked,
                        "seconds": report.seconds,
                        "timings": report.timings,
                        "counts": {k: v for k, v in report.counts().items() if v["must_fix"] or v["advisory"]},
                        "findings": [f.as_dict() for f in report.findings],
                    },
                    ensure_ascii=False,
                )
            )
        else:
            self._text(report, options)
        if report.must_fix():
            raise CommandError(f"{report.must_fix():,} must-fix finding(s)", returncode=1)

    def _text(self, report, options) -> None:
        findings = report.findings
        must = report.must_fix()
        read = ", ".join(f"{n:,} {kind if n == 1 else PLURAL[kind]}" for kind, n in report.checked.items())
        self.stdout.write(
            f"Data quality: {len(findings):,} finding(s), {must:,} must fix, {len(findings) - must:,} advisory"
            + (f"; read {read}" if read else "")
            + f"; {report.seconds:.1f} s"
        )
        current, last_fix = None, None
        for f in findings:
            if f.check != current:
                current, last_fix = f.check, None
                n = sum(1 for g in findings if g.check == f.check)
                self.stdout.write(f"\n{CHECKS[f.check].title} ({f.check}): {n:,}")
            where = f"  at {f.lon:.6f}, {f.lat:.6f}" if f.lon is not None else ""
            severity = "must fix" if f.severity == MUST_FIX else "advisory"
            self.stdout.write(f"  [{severity}] {f.record_type} {f.code}: {f.message}{where}")
            if f.fix != last_fix:
                self.stdout.write(f"      fix: {f.fix}")
                last_fix = f.fix
        if options["gpkg"]:
            self.stdout.write(f"\nwrote {len(findings):,} finding(s) to {options['gpkg']} (layer {gpkg.LAYER})")
