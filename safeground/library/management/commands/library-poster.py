"""`safeground library-poster --models pmn-2,type-72a [--category ap_mine] --paper A4|A3 --lang km
[--programme XXX] --out poster.pdf`: an identification poster (docs/identification-posters.md)."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from safeground.core.errors import ValidationFailed


class Command(BaseCommand):
    help = (
        "An identification poster (PDF, A4 or A3) of one ordnance model or a set: images, key features, hazards "
        "and the safety messages, in any language of the site."
    )

    def add_arguments(self, parser):
        parser.add_argument("--models", default="", help="model slugs, comma-separated (pmn-2,type-72a)")
        parser.add_argument("--category", default="", help="add every model of this category (ap_mine, uxo...)")
        parser.add_argument("--paper", default="A4", help="A4 (default) or A3")
        parser.add_argument("--lang", default="en", help="a language of the site: en, km, az, ar... (default en)")
        parser.add_argument("--programme", default="", help="a programme's ISO3 code: its name goes in the footer")
        parser.add_argument("--out", help="file to write (default: a name from the poster, in the current folder)")

    def handle(self, *args, **o):
        from safeground.library import posters

        started = time.perf_counter()
        try:
            made = posters.render(
                o["models"].split(","),
                category=o["category"],
                paper=o["paper"],
                lang=o["lang"],
                programme=o["programme"],
            )
        except ValidationFailed as exc:
            raise CommandError(f"{exc.field}: {exc}") from exc
        out = Path(o["out"] or made.filename)
        out.write_bytes(made.pdf)
        seconds = time.perf_counter() - started
        self.stdout.write(
            f"{out}: {made.models} model(s), {made.pages} page(s), library version {made.version}, "
            f"{len(made.pdf):,} bytes in {seconds:.2f} s"
        )
