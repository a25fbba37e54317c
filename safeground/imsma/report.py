"""The reconciliation as people read it: one standalone HTML file (printable, no outside assets), the same
content as a fragment inside the site's page (/imsma/<run>/), and one CSV a spreadsheet can filter.

The CSV is a single sheet so a programme can keep it next to the NG database it came from: its
`section` column says what each row is, and only that section's columns are filled:

    section  count    table, read, migrated, updated, unchanged, merged, refused, balanced (yes/no),
                      cause (refused per cause: "cause=n; cause=n")
             problem  table, localid, guid, cause, action (repaired/reported/refused/merged), code
                      (the SafeGround record, when there is one), detail
             enum     table, column, value (as in NG), target (the SafeGround choice, empty when kept as
                      read), count (records that carried it), action ("mapped" or "kept as read")
             total    name, key, ng, safeground, unit, equal (yes/no), difference (SafeGround − NG)
             note     detail
"""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from collections.abc import Callable
from functools import cache
from pathlib import Path

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from safeground.core.listing import FORMULA_START
from safeground.imsma.reconcile import OUTCOMES, Reconciliation

CSV_COLUMNS = [
    "section",
    "table",
    "column",
    "localid",
    "guid",
    "cause",
    "action",
    "code",
    "detail",
    "read",
    *OUTCOMES,
    "balanced",
    "value",
    "target",
    "count",
    "name",
    "key",
    "ng",
    "safeground",
    "unit",
    "equal",
    "difference",
]

CSS = "css/imsma.css"
#: The order geometry problems are shown in; other causes follow alphabetically.
ACTIONS = ("repaired", "reported", "refused", "merged")

#: A link to the SafeGround record a problem names: (NG table, SafeGround code) → URL or None.
Linker = Callable[[str, str], str | None]


def action_labels() -> dict[str, str]:
    """What was done about a problem, as the report says it (the CSV keeps the stable keys)."""
    return {"repaired": _("Repaired"), "reported": _("Reported"), "refused": _("Refused"), "merged": _("Merged")}


def _yes(value: bool) -> str:
    return "yes" if value else "no"


def number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else round(value, 6)


def context(rec: Reconciliation, run=None, link: Linker | None = None) -> dict:
    """What the templates show, worked out once: the HTML file and the page read the same context."""
    tables = []
    for name, count in rec.tables.items():
        tables.append(
            {
                "name": name,
                "count": count,
                "balanced": count.balanced,
                "accounted": sum(getattr(count, o) for o in OUTCOMES),
                "causes": sorted(count.causes.items(), key=lambda kv: (-kv[1], kv[0])),
            }
        )
    totals_row = {o: sum(getattr(c, o) for c in rec.tables.values()) for o in ("read", *OUTCOMES)}

    labels = action_labels()
    per_cause: dict[str, Counter] = defaultdict(Counter)
    for p in rec.problems:
        per_cause[p.cause][p.action] += 1
    causes = []
    for cause in sorted(per_cause, key=lambda c: (-sum(per_cause[c].values()), c)):
        problems = [
            {
                "problem": p,
                "action": labels.get(p.action, p.action),
                "url": link(p.table, p.code) if (link and p.code) else None,
            }
            for p in rec.problems
            if p.cause == cause
        ]
        causes.append(
            {
                "cause": cause,
                "counts": [(a, per_cause[cause][a]) for a in ACTIONS],
                "other": sum(n for a, n in per_cause[cause].items() if a not in ACTIONS),
                "total": sum(per_cause[cause].values()),
                "problems": problems,
            }
        )

    enums: dict[str, list] = defaultdict(list)
    for (table, column, value), use in sorted(rec.enums.items()):
        enums[f"{table}.{column}"].append({"value": value, **use, "kept": use.get("kept") or use.get("target") is None})
    totals = [
        {
            "total": t,
            "source": number(t.source),
            "target": number(t.target),
            "difference": number(t.target - t.source),
        }
        for t in rec.totals
    ]
    return {
        "rec": rec,
        "run": run,
        "source": rec.source or getattr(run, "source", ""),
        "country": rec.country or getattr(run, "country", ""),
        "balanced": rec.balanced(),
        "tables": tables,
        "all": totals_row,
        "causes": causes,
        "problem_count": len(rec.problems),
        "enums": sorted(enums.items()),
        "unmapped": sum(1 for use in rec.enums.values() if use.get("kept") or use.get("target") is None),
        "totals": totals,
        "totals_differ": sum(1 for t in rec.totals if not t.equal),
        "outcomes": OUTCOMES,
    }


def render_fragment(rec: Reconciliation, run=None, link: Linker | None = None) -> str:
    """The report's body, for the site's page (its style comes with it: imsma/_report_style.html)."""
    return render_to_string("imsma/report_fragment.html", context(rec, run, link))


@cache
def _css() -> str:
    """static/css/imsma.css, which the site's page links: the file carries it inline."""
    path = finders.find(CSS)
    return Path(path).read_text(encoding="utf-8") if path else ""


#: The standalone file's own rules, before the site's report CSS.
_PAGE_CSS = (
    "body { margin: 1.5rem auto; max-width: 72rem; padding: 0 1rem; background: #fff; }\n"
    "@page { size: A4; margin: 14mm; }\n"
)


def render_html(rec: Reconciliation, run=None) -> str:
    """The whole report as one HTML file: inline CSS, no scripts or outside assets, prints on A4.

    The style element is built here, not in the template: the site's templates carry no style blocks
    (their pages are served under a content security policy); this file is opened from disk."""
    style = format_html("<style>\n{}{}</style>", mark_safe(_PAGE_CSS), mark_safe(_css()))  # noqa: S308
    return render_to_string(
        "imsma/report_standalone.html",
        {**context(rec, run), "title": _("IMSMA NG migration report"), "style_element": style},
    )


def _cell(value) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _yes(value)
    if isinstance(value, str) and value.startswith(FORMULA_START):
        try:
            float(value)
        except ValueError:
            return "'" + value  # keep spreadsheets from running it as a formula
    return value


def csv_rows(rec: Reconciliation) -> list[dict]:
    """The CSV's rows as dicts (CSV_COLUMNS keys; see the module docstring)."""
    rows: list[dict] = []
    for name, c in rec.tables.items():
        rows.append(
            {
                "section": "count",
                "table": name,
                "read": c.read,
                **{o: getattr(c, o) for o in OUTCOMES},
                "balanced": c.balanced,
                "cause": "; ".join(f"{cause}={n}" for cause, n in sorted(c.causes.items())),
            }
        )
    for p in rec.problems:
        rows.append(
            {
                "section": "problem",
                "table": p.table,
                "localid": p.localid,
                "guid": p.guid,
                "cause": p.cause,
                "action": p.action,
                "code": p.code,
                "detail": p.detail,
            }
        )
    for (table, column, value), use in sorted(rec.enums.items()):
        kept = use.get("kept") or use.get("target") is None
        rows.append(
            {
                "section": "enum",
                "table": table,
                "column": column,
                "value": value,
                "target": "" if kept else use.get("target"),
                "count": use.get("count", 0),
                "action": "kept as read" if kept else "mapped",
            }
        )
    for t in rec.totals:
        rows.append(
            {
                "section": "total",
                "name": t.name,
                "key": t.key,
                "ng": number(t.source),
                "safeground": number(t.target),
                "unit": t.unit,
                "equal": t.equal,
                "difference": number(t.target - t.source),
            }
        )
    rows += [{"section": "note", "detail": note} for note in rec.notes]
    return rows


def render_csv(rec: Reconciliation) -> str:
    """The reconciliation as one CSV (columns: CSV_COLUMNS; which are filled per section: module docstring)."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for row in csv_rows(rec):
        writer.writerow({k: _cell(v) for k, v in row.items()})
    return buf.getvalue()
