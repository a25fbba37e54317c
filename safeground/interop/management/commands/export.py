"""`safeground export --format gpkg --out PATH [--layers ...]`: every layer to a GIS file."""

from django.core.management.base import BaseCommand, CommandError

from safeground.interop.exporter import FORMATS, ExportError, export
from safeground.interop.layers import LAYERS


class Command(BaseCommand):
    help = (
        "Export hazards, remaining areas, products, devices, activities, admin areas and places. "
        "gpkg: one GeoPackage with every layer; other formats: one file per layer in the folder --out, "
        "or a zip when --out ends in .zip."
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", required=True, choices=list(FORMATS))
        parser.add_argument("--out", required=True)
        parser.add_argument("--layers", nargs="+", choices=LAYERS, help="default: all layers")

    def handle(self, *args, **opts):
        try:
            counts = export(opts["format"], opts["out"], opts["layers"])
        except ExportError as exc:
            raise CommandError(str(exc)) from exc
        for layer, n in counts.items():
            self.stdout.write(f"{layer}: {n:,} feature(s)")
        self.stdout.write(f"written to {opts['out']}")
