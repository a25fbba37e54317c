"""`safeground report LIST|article7-apmbc|article7-ccm|voluntary|monitor|annual --country ISO3 --year YYYY
--format pdf|xlsx|csv|json --lang L --out PATH`: treaty and programme reports (docs/reports.md)."""

import json
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from safeground.core.errors import ValidationFailed


class Command(BaseCommand):
    help = (
        "Treaty and programme reports (APMBC and CCM Article 7, voluntary, Monitor tables, national annual report) "
        "as PDF, XLSX, CSV or JSON; every figure reconciled with the records first. `LIST` lists a country's reports."
    )

    def add_arguments(self, parser):
        parser.add_argument("report", help="LIST, article7-apmbc, article7-ccm, voluntary, monitor or annual")
        parser.add_argument("--country", required=True, help="a programme's ISO3 code")
        parser.add_argument("--year", type=int, help="the reporting year (1 January to 31 December)")
        parser.add_argument("--format", default="pdf", help="pdf (default), xlsx, csv or json")
        parser.add_argument("--lang", default="en", help="a language of the site: en, km, az, ... (default en)")
        parser.add_argument("--out", help="file to write (default: a name from the report, in the current folder)")

    def handle(self, *args, **o):
        from safeground.reports import definitions, render
        from safeground.reports.build import build, programme_of
        from safeground.reports.reconcile import ReconciliationFailed
        from safeground.reports.render.json_out import as_json

        try:
            if o["report"].upper() == "LIST":
                programme = programme_of(o["country"])
                for d in definitions.applicable(programme):
                    self.stdout.write(f"{d.kind:16} {d.title}")
                return
            started = time.perf_counter()
            built = build(o["report"], o["country"], o["year"], o["lang"])
            fmt = o["format"]
            if fmt not in ("pdf", "xlsx", "csv", "json"):
                raise ValidationFailed(f"format must be pdf, xlsx, csv or json; got {fmt!r}", field="format")
            data = (
                json.dumps(as_json(built), ensure_ascii=False, indent=1).encode()
                if fmt == "json"
                else render.render(built, fmt)
            )
        except ValidationFailed as exc:
            raise CommandError(f"{exc.field}: {exc}") from exc
        except ReconciliationFailed as exc:
            raise CommandError(str(exc)) from exc
        out = Path(o["out"] or render.filename(built, fmt))
        out.write_bytes(data)
        seconds = time.perf_counter() - started
        self.stdout.write(
            f"{out}: {built.title}, {built.country} {built.year} ({built.lang}), figures hash {built.figures_hash}, "
            f"{len(data):,} bytes in {seconds:.2f} s"
        )
