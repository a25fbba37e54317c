"""XLSX through xlsxwriter: an "About" sheet (title, period, generated, as-of, hash, notes), then one sheet per
table. Numbers are written as numbers (people counts as shown: suppressed cells as "<5" or "x")."""

from __future__ import annotations

import io
import re

import xlsxwriter

from safeground.reports.render import cells
from safeground.reports.tables import Built


def _sheet_name(key: str, taken: set[str]) -> str:
    name = re.sub(r"[\[\]:*?/\\]", "_", key)[:31]
    base, i = name, 2
    while name in taken:
        name = f"{base[:28]}_{i}"
        i += 1
    taken.add(name)
    return name


def render(built: Built) -> bytes:
    from django.utils import translation

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    bold = book.add_format({"bold": True})
    head = book.add_format({"bold": True, "bg_color": "#E8E8E8", "text_wrap": True, "valign": "top"})
    m2 = book.add_format({"num_format": "#,##0"})
    ratio = book.add_format({"num_format": "#,##0.00"})
    with translation.override(built.lang):
        about = book.add_worksheet("About")
        about.set_column(0, 0, 24)
        about.set_column(1, 1, 70)
        about.write(0, 0, built.title, bold)
        meta = [
            (built.labels["country"], f"{built.country_name} ({built.country})"),
            (built.labels["period"], str(built.year)),
            (built.labels["generated"], built.generated_at),
            (built.labels["as_of"], built.as_of),
            (built.labels["hash"], built.figures_hash),
        ]
        for i, (k, v) in enumerate(meta, start=2):
            about.write(i, 0, k, bold)
            about.write(i, 1, v)
        row = len(meta) + 3
        for n in built.notes:
            about.write(row, 0, n)
            row += 1
        taken = {"About"}
        for s in built.sections:
            if not s.recorded:
                about.write(row, 0, s.title)
                about.write(row, 1, built.labels["not_recorded"])
                row += 1
            for t in s.tables:
                sheet = book.add_worksheet(_sheet_name(t.key, taken))
                sheet.write(0, 0, f"{s.title} — {t.title}", bold)
                for j, c in enumerate(t.columns):
                    sheet.write(2, j, c.label, head)
                    sheet.set_column(j, j, 28 if c.kind == "text" else 16)
                for i, r in enumerate(t.rows, start=3):
                    for j, c in enumerate(t.columns):
                        value = r.display(c)
                        kind = r.kind(c)
                        if isinstance(value, (int, float)) and kind in ("int", "m2", "ratio", "people"):
                            sheet.write_number(i, j, value, ratio if kind == "ratio" else m2)
                        else:
                            sheet.write(i, j, cells.text(r, c))
                sheet.write(len(t.rows) + 4, 0, t.note)
    book.close()
    return buffer.getvalue()
