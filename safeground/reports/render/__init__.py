"""One renderer per format: pdf (typst), xlsx (xlsxwriter), csv; the HTML preview is the reports page's
template. Each takes a built report (tables.Built) and returns bytes."""

from __future__ import annotations

from collections.abc import Callable

from safeground.reports.tables import Built

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def renderer(fmt: str) -> Callable[[Built], bytes]:
    from safeground.reports.render import csv_out, pdf, xlsx

    return {"pdf": pdf.render, "xlsx": xlsx.render, "csv": csv_out.render}[fmt]


def render(built: Built, fmt: str) -> bytes:
    return renderer(fmt)(built)


def filename(built: Built, fmt: str) -> str:
    return f"{built.kind}-{built.country.lower()}-{built.year}-{built.lang}.{fmt}"
