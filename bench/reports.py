"""Benchmark: the national annual report (every figure reconciled, then typeset), against the ledger's own
summary in the same process.

    SAFEGROUND_DATABASE_URL=spatialite:////path/national.sqlite python bench/reports.py [--country ISO3]
        [--year YYYY] [--kind annual] [--lang en] [--repeat 3]

Run against a database holding a demo (`safeground demo --scale national --no-serve`). Prints, best of
--repeat:

- build: `reports.build.build` (every table's query, its independent check, the reconciliation, the
  completion forecast where the report has one);
- PDF and XLSX: the renderers over the built report;
- reference: `ledger.queries.summary` by province for the same country (the figures the ledger page
  shows), and the ratio build ÷ reference.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from safeground.landrelease.ledger import queries as ledger  # noqa: E402
from safeground.reports import build  # noqa: E402
from safeground.reports.render import render  # noqa: E402


def best(repeat: int, fn):
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--country", default="KHM")
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--kind", default="annual")
    parser.add_argument("--lang", default="en")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    reference, _rows = best(args.repeat, lambda: ledger.summary("province", country=args.country))
    built_s, built = best(args.repeat, lambda: build.build(args.kind, args.country, args.year, args.lang))
    pdf_s, pdf = best(args.repeat, lambda: render(built, "pdf"))
    xlsx_s, xlsx = best(args.repeat, lambda: render(built, "xlsx"))
    cells = sum(len(t.rows) for s in built.sections for t in s.tables)
    print(f"{args.kind} report, {args.country} {args.year}, {args.lang}: {cells} table rows, hash {built.figures_hash}")
    print(f"reference (ledger summary by province)  {reference * 1000:9.0f} ms")
    print(f"build (queries, checks, reconciliation) {built_s * 1000:9.0f} ms   ÷ reference {built_s / reference:6.1f}")
    print(f"{f'PDF ({len(pdf):,} bytes)':40}{pdf_s * 1000:9.0f} ms")
    print(f"{f'XLSX ({len(xlsx):,} bytes)':40}{xlsx_s * 1000:9.0f} ms")
    print(f"whole PDF report                        {(built_s + pdf_s) * 1000:9.0f} ms")


if __name__ == "__main__":
    main()
