"""`safeground ledger`: the land release ledger from the command line.

safeground ledger [--by GROUP] [--country ISO3] [--json | --json-lines]
                                                             per hazard, or aggregated by GROUP
safeground ledger recompute                                  rebuild every stored row, set-based
safeground ledger verify                                     prove stored = recomputed (exit 1 if not)
safeground ledger discrepancies [--tolerance 0.05]           reported vs computed product areas
safeground ledger proposals [--tolerance-m2 1]               status changes for a person to confirm
safeground ledger confirm CODE                               apply the proposal for one hazard

--json writes one JSON array, one element per line, streamed as the rows are read (the first line
is `[` and the first row); --json-lines writes one JSON object per line. Either way the output stops
quietly (exit 0) when the reader goes away, e.g. `safeground ledger --json | head -1`.

Grouped figures (--by): estimated and remaining area as the sum over the hazards, the unique area
(the group's share of the union: ground shared by hazards counts once, for the one recorded first)
and the overlap between them (decision 0016). By country and by the release groupings, products filed
under no hazard (imported with `--orphans outside`) are counted apart: `outside_hazards_products` and
`outside_hazards_m2`.
"""

import json
import os
import sys
import time

from django.core.management.base import BaseCommand, CommandError

from safeground.landrelease.ledger import queries as ledger_queries
from safeground.landrelease.ledger import store as ledger_store

BY_CHOICES = [
    "province",
    "district",
    "commune",
    "organisation",
    "year",
    "quarter",
    "month",
    "type",
    "class",
    "method",
    "country",
    "activity_type",
    "reporting_organisation",
]


class Command(BaseCommand):
    help = "Show, recompute or verify the land release ledger."
    # A reader's command: Django's system checks (every URL module imported) would add about a second
    # before the first row of `ledger --json | head -1`; `safeground check` runs them.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument(
            "action",
            nargs="?",
            default="show",
            choices=["show", "recompute", "verify", "discrepancies", "proposals", "confirm"],
        )
        parser.add_argument("code", nargs="?", help="hazard code (for confirm)")
        parser.add_argument("--by", choices=BY_CHOICES, help="aggregate by this grouping instead of per hazard")
        parser.add_argument("--country", help="ISO 3166-1 alpha-3 of a programme")
        parser.add_argument("--json", action="store_true", help="a JSON array, streamed one row per line")
        parser.add_argument("--json-lines", action="store_true", help="one JSON object per line")
        parser.add_argument("--tolerance", type=float, default=0.05, help="relative, for discrepancies")
        parser.add_argument("--tolerance-m2", type=float, default=1.0, help="remaining area under which to close")

    def handle(self, *args, action, **opts):
        if opts.pop("json_lines"):
            opts["json"] = "lines"
        try:
            getattr(self, f"do_{action}")(**opts)
        except BrokenPipeError:
            _quiet_closed_pipe()

    def do_recompute(self, **opts):
        start = time.perf_counter()
        n = ledger_store.recompute_all()
        self.stdout.write(f"recomputed the ledger of {n:,} hazards in {time.perf_counter() - start:.1f} s")

    def do_verify(self, **opts):
        problems = ledger_store.verify()
        for line in problems:
            self.stdout.write(line)
        if problems:
            raise CommandError(f"ledger verify: {len(problems)} difference(s) between stored and recomputed")
        self.stdout.write("ledger verified: every stored row equals a fresh computation")

    def do_show(self, by=None, country=None, json=False, tolerance_m2=1.0, **opts):
        if by:
            rows = ledger_queries.summary(by, country=country, tolerance_m2=tolerance_m2)
            columns = [
                c
                for c in (
                    "group",
                    "label",
                    "hazards",
                    "remaining_sha",
                    "remaining_cha",
                    "estimated_m2",
                    "cancelled_m2",
                    "reduced_m2",
                    "cleared_m2",
                    "released_m2",
                    "remaining_m2",
                    "remaining_unique_m2",
                    "remaining_overlap_m2",
                    "estimated_unique_m2",
                    "estimated_overlap_m2",
                    "new_contamination_m2",
                    "new_contamination_unique_m2",
                    "point_hazards",
                    "point_estimated_m2",
                    "new_point_hazards",
                    "new_point_estimated_m2",
                    "outside_hazards_products",
                    "outside_hazards_m2",
                )
                if rows and c in rows[0]
            ]
        else:
            rows = ledger_queries.as_dicts(ledger_queries.hazard_rows(country=country))  # streamed
            columns = [
                "code",
                "hazard_class",
                "status",
                "estimated_m2",
                "cancelled_m2",
                "reduced_m2",
                "cleared_m2",
                "remaining_m2",
                "outside_m2",
                "overlap_m2",
                "estimated_overlap_m2",
                "remaining_overlap_m2",
            ]
        self._emit(rows, columns, json)

    def do_discrepancies(self, country=None, json=False, tolerance=0.05, **opts):
        rows = ledger_queries.discrepancies(tolerance, country=country)
        self._emit(rows, ["code", "hazard_code", "reported_area_m2", "area_m2", "difference_pct"], json)

    def do_proposals(self, country=None, json=False, tolerance_m2=1.0, **opts):
        self._emit(ledger_queries.proposals(tolerance_m2, country=country), ["code", "change", "to", "reason"], json)

    def do_confirm(self, code=None, tolerance_m2=1.0, **opts):
        from safeground.landrelease.ledger.proposals import confirm

        if not code:
            raise CommandError("confirm needs a hazard code: safeground ledger confirm CODE")
        try:
            applied = confirm(code, tolerance_m2=tolerance_m2, user=None)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        for p in applied:
            self.stdout.write(f"{code}: {p['change']} → {p['to']} ({p['reason']})")

    def _emit(self, rows, columns, as_json):
        """Rows as a table, a JSON array (as_json True) or JSON lines (as_json "lines"); JSON is written as it comes."""
        if as_json == "lines":
            for row in rows:
                self.stdout.write(_json(row))
            return
        if as_json:
            opening = "["
            for row in rows:
                self.stdout.write(opening + _json(row), ending="")
                self.stdout.flush()
                opening = ",\n"
            self.stdout.write("[]" if opening == "[" else "]")
            return
        rows = list(rows)
        if not rows:
            self.stdout.write("(nothing)")
            return
        cells = [[_fmt(row.get(c)) for c in columns] for row in rows]
        widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(columns)]
        self.stdout.write("  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)))
        for r in cells:
            self.stdout.write(
                "  ".join(v.rjust(w) if _numeric(v) else v.ljust(w) for v, w in zip(r, widths, strict=True))
            )


def _json(row: dict) -> str:
    return json.dumps(row, default=str, ensure_ascii=False)


def _quiet_closed_pipe() -> None:
    """The reader closed the pipe (`| head`): stop without a traceback, and keep Python's exit-time flush quiet."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


def _fmt(value) -> str:
    if isinstance(value, float):
        return f"{value:,.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    return "" if value is None else str(value)


def _numeric(text: str) -> bool:
    return text.replace(",", "").replace(".", "").replace("-", "").isdigit()
