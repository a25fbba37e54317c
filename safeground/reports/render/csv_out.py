"""CSV: one long table of every figure (table, row, column, value) under a header of the report's stamp, so
that the figures of any table can be picked out by key. Values as shown (people counts suppressed)."""

from __future__ import annotations

import csv
import io

from safeground.reports.tables import Built


def render(built: Built) -> bytes:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["report", "country", "year", "lang", "generated_at", "as_of", "figures_hash"])
    w.writerow([built.kind, built.country, built.year, built.lang, built.generated_at, built.as_of, built.figures_hash])
    w.writerow([])
    w.writerow(["section", "table", "table_title", "row", "row_label", "column", "column_label", "value"])
    for s in built.sections:
        if not s.recorded:
            w.writerow([s.key, "", s.title, "", "", "", "", built.labels["not_recorded"]])
        for t in s.tables:
            label_col = t.columns[0]
            for r in t.rows:
                for c in t.columns:
                    if c.kind == "text":
                        continue
                    value = r.display(c)
                    if isinstance(value, float):
                        value = round(value, 2)
                    w.writerow(
                        [
                            s.key,
                            t.key,
                            t.title,
                            "|".join(map(str, r.key)),
                            r.values.get(label_col.key),
                            c.key,
                            c.label,
                            value,
                        ]
                    )
    return out.getvalue().encode("utf-8")
