"""`safeground traverse FILE.csv|FILE.json [--declination D] [--json]`: compute a bearing/distance traverse."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from safeground.gazetteer import traverse as t


class Command(BaseCommand):
    help = (
        "Compute a bearing/distance traverse: print its vertices and closure error. FILE is JSON (the API's "
        "chain) or CSV with columns name,type,from,coordinate,bearing,reference,distance. Writes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="FILE.csv or FILE.json")
        parser.add_argument("--declination", type=float, help="magnetic declination in degrees, east positive")
        parser.add_argument("--datum", help="datum of the coordinates (default WGS84)")
        parser.add_argument("--units", choices=sorted(t.BEARING_UNITS), help="bearing unit (default degrees)")
        parser.add_argument(
            "--reference", choices=t.BEARING_REFERENCES, help="bearing reference where a row gives none"
        )
        parser.add_argument("--adjust", choices=t.ADJUSTMENTS, help="spread the misclosure (bowditch) or not")
        parser.add_argument(
            "--max-ratio", type=float, default=t.DEFAULT_MAX_RATIO, help="warn when the closure is worse than 1:N"
        )
        parser.add_argument("--json", action="store_true", help="print the result as JSON")

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            text = path.read_text(encoding="utf-8-sig")
        except OSError as exc:
            raise CommandError(f"can't read {path}: {exc.strerror}") from exc
        settings = {
            "declination": options["declination"],
            "datum": options["datum"],
            "bearing_unit": options["units"],
            "bearing_reference": options["reference"],
            "adjustment": options["adjust"],
        }
        try:
            if path.suffix.lower() == ".json":
                try:
                    data = json.loads(text)
                except json.JSONDecodeError as exc:
                    raise CommandError(f"{path}: not valid JSON: {exc}") from exc
                if not isinstance(data, dict):
                    raise CommandError(f"{path}: expected a JSON object with 'points'")
                data.update({k: v for k, v in settings.items() if v is not None})
                chain = t.load_chain(data)
            elif path.suffix.lower() == ".csv":
                chain = t.read_csv(text, **settings)
            else:
                raise CommandError(f"{path}: expected a .csv or .json file")
            result = t.compute_traverse(chain, max_ratio=options["max_ratio"])
        except t.TraverseError as exc:
            raise CommandError(f"{path}: {exc}") from exc
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
            return
        self._table(result)

    def _table(self, result: t.TraverseResult) -> None:
        out = self.stdout.write
        out(
            f"{'point':<10} {'type':<12} {'from':<8} {'bearing':>9} {'ref':<8} {'dist m':>9}  "
            f"{'latitude':>12} {'longitude':>13}  {'easting':>12} {'northing':>13}"
        )
        for p in result.points:
            bearing = f"{p.bearing:g}" if p.bearing is not None else ""
            distance = f"{p.distance_m:.2f}" if p.distance_m is not None else ""
            out(
                f"{p.name:<10} {p.type:<12} {p.from_name or '':<8} {bearing:>9} {p.reference or '':<8} {distance:>9}  "
                f"{p.lat:>12.7f} {p.lon:>13.7f}  {p.easting:>12.3f} {p.northing:>13.3f}"
            )
        out("")
        out(
            f"UTM zone        EPSG:{result.utm_epsg} (convergence {result.convergence_deg:.4f}°, "
            f"scale factor {result.scale_factor:.6f} at the start point)"
        )
        out(f"closure error   {t.closure_text(result)}")
        out(f"area            {result.area_m2:,.1f} m² ({result.area_m2 / 10_000:,.4f} ha)")
        if result.chain.adjustment != "none":
            out(f"adjustment      {result.chain.adjustment}: the misclosure is spread over the perimeter")
        for warning in result.warnings:
            self.stderr.write(f"warning: {warning}")
