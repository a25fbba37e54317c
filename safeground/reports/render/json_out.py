"""The report as JSON (API and CLI `--format json`): the stamp, then every table with its cells as shown
(people counts suppressed) and the raw figures of non-personal cells."""

from __future__ import annotations

from safeground.reports.render import cells
from safeground.reports.tables import Built


def as_json(built: Built) -> dict:
    sections = []
    for s in built.sections:
        tables = []
        for t in s.tables:
            rows = []
            for r in t.rows:
                rows.append(
                    {
                        "key": [str(k) for k in r.key],
                        "total": r.total,
                        "cells": {c.key: r.display(c) for c in t.columns},
                        "text": {c.key: cells.text(r, c) for c in t.columns},
                    }
                )
            tables.append(
                {
                    "key": t.key,
                    "title": t.title,
                    "note": t.note,
                    "columns": [{"key": c.key, "label": c.label, "kind": c.kind} for c in t.columns],
                    "rows": rows,
                }
            )
        sections.append({"key": s.key, "title": s.title, "recorded": s.recorded, "tables": tables})
    return {
        "report": built.kind,
        "title": built.title,
        "country": built.country,
        "country_name": built.country_name,
        "year": built.year,
        "lang": built.lang,
        "generated_at": built.generated_at,
        "as_of": built.as_of,
        "figures_hash": built.figures_hash,
        "notes": built.notes,
        "sections": sections,
    }
