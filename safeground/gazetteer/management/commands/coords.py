"""`safeground coords "TEXT" [--to FMT] [--from FMT] [--datum D] [--crs EPSG] [--country ISO3] [--json]`."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from safeground.gazetteer import coordinates as c


class Command(BaseCommand):
    help = "Read a coordinate (DD, DMS, DDM, UTM, MGRS; WGS 84, Indian 1960 or Pulkovo 1942) and convert it."

    def add_arguments(self, parser):
        parser.add_argument("text", help='the coordinate as written, e.g. "13°03\'04.3\\"N 103°03\'07.6\\"E"')
        parser.add_argument("--to", choices=c.FORMATS, help="print only this format (default: all, with details)")
        parser.add_argument("--from", dest="fmt", choices=c.FORMATS, help="the input format (default: detect)")
        parser.add_argument(
            "--datum", default="WGS84", help="datum of the input: WGS84 (default), 'Indian 1960', 'Pulkovo 1942'"
        )
        parser.add_argument("--crs", help="read TEXT as 'x y' in this CRS instead, e.g. EPSG:3148 or EPSG:28408")
        parser.add_argument("--country", help="check that the position lies in this country (ISO 3166-1 alpha-3)")
        parser.add_argument("--json", dest="as_json", action="store_true", help="print JSON")

    def handle(self, *args, text, to, fmt, datum, crs, country, as_json: bool, **options):
        try:
            reading = self._read(text, fmt, datum, crs)
            formats = c.all_formats(reading.lon, reading.lat)
            if to and to not in formats:
                formats[to] = c.format_coordinate(reading.lon, reading.lat, to)  # raises the reason
        except c.CoordinateError as exc:
            raise CommandError(str(exc)) from exc
        problem = None
        if country:
            try:
                c.check_position(reading.lon, reading.lat, country.upper())
            except c.CoordinateError as exc:
                problem = str(exc)
        if as_json:
            self.stdout.write(
                _json(
                    {
                        "lon": reading.lon,
                        "lat": reading.lat,
                        "format": reading.format,
                        "datum": reading.datum,
                        "transformation": reading.transformation,
                        "formats": formats,
                        "warnings": [problem] if problem else [],
                    }
                )
            )
        elif to:
            self.stdout.write(formats[to])
        else:
            self.stdout.write(f"read as      {c.FORMAT_NAMES.get(reading.format, reading.format)} on {reading.datum}")
            self.stdout.write(f"datum shift  {reading.transformation}")
            self.stdout.write(f"WGS 84       lon {reading.lon:.7f}, lat {reading.lat:.7f}")
            for key, value in formats.items():
                self.stdout.write(f"{key:<12} {value}")
        if problem:
            raise CommandError(problem)

    @staticmethod
    def _read(text: str, fmt: str | None, datum: str, crs: str | None) -> c.Reading:
        if not crs:
            return c.read_coordinate(text, fmt, datum)
        parts = text.replace(",", " ").split()
        try:
            x, y = (float(v) for v in parts)
        except ValueError as exc:
            raise c.CoordinateError(f"{text!r}: with --crs give two numbers, x (easting) then y (northing)") from exc
        lon, lat = c.to_wgs84(x, y, crs)
        return c.Reading(lon, lat, "xy", crs, c.wgs84_transformer(crs)[1])


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)
