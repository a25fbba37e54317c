"""PDF through typst (the `typst` Python package: a self-contained compiler, no system library; decision
0033). Text is shaped by typst's own shaper with the system's Noto Sans, Noto Sans Khmer / Khmer OS and
Noto Naskh Arabic fonts (Debian fonts-noto-core, fonts-khmeros); charts are typst shapes, so vector."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import typst

from safeground.dashboard.charts import fmt
from safeground.reports.render import cells
from safeground.reports.tables import Built, Table

TEMPLATE = Path(__file__).with_name("report.typ")
FONT_DIRS = [p for p in ("/usr/share/fonts", "/usr/local/share/fonts") if Path(p).is_dir()]
RTL = {"ar", "fa", "he", "ur"}


def _widths(table: Table) -> list[float]:
    """Relative column widths: text columns wider than numbers, by the longest label they hold."""
    out = []
    for c in table.columns:
        if c.kind == "text":
            longest = max([len(str(r.values.get(c.key) or "")) for r in table.rows] + [len(c.label)])
            out.append(min(max(longest / 8, 1.4), 3.2))
        else:
            out.append(1.0)
    return out


def _table(t: Table) -> dict:
    return {
        "title": t.title,
        "note": t.note,
        "columns": [c.label for c in t.columns],
        "numeric": [c.kind != "text" for c in t.columns],
        "widths": _widths(t),
        "cells": [[cells.text(r, c) for c in t.columns] for r in t.rows],
        "totals": [i + 1 for i, r in enumerate(t.rows) if r.total],
        "chart": [{"label": label, "value": value, "text": fmt(value, 0)} for label, value in t.chart_rows()],
    }


def data(built: Built) -> dict:
    return {
        "title": built.title,
        "country": built.country,
        "country_name": built.country_name,
        "year": str(built.year),
        "lang": built.lang,
        "rtl": built.lang in RTL,
        "generated_at": built.generated_at,
        "as_of": built.as_of,
        "figures_hash": built.figures_hash,
        "labels": built.labels,
        "notes": built.notes,
        "sections": [
            {"title": s.title, "recorded": s.recorded, "tables": [_table(t) for t in s.tables]} for s in built.sections
        ],
    }


def render(built: Built) -> bytes:
    """The report as PDF bytes (call inside the report's language: numbers are formatted by it)."""
    from django.utils import translation

    with translation.override(built.lang), tempfile.TemporaryDirectory(prefix="sg-report-") as folder:
        root = Path(folder)
        (root / "data.json").write_text(json.dumps(data(built), ensure_ascii=False), encoding="utf-8")
        (root / "report.typ").write_text(TEMPLATE.read_text(encoding="utf-8"), encoding="utf-8")
        out = typst.compile(str(root / "report.typ"), root=str(root), font_paths=FONT_DIRS)
    assert isinstance(out, bytes)
    return out
