"""A cell as text, in the active language (numbers through the locale's separators, dashboard.charts.fmt)."""

from __future__ import annotations

from safeground.dashboard.charts import fmt
from safeground.reports.tables import Column, Row


def text(row: Row, column: Column) -> str:
    value = row.display(column)
    kind = row.kind(column)
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    if kind == "m2":
        return fmt(float(value), 0)
    if kind == "ratio":
        return fmt(float(value), 2)
    if isinstance(value, (int, float)):
        return fmt(value, 0) if float(value).is_integer() else fmt(float(value), 2)
    return str(value)


def numeric(row: Row, column: Column) -> bool:
    return row.kind(column) in ("int", "m2", "ratio", "people")
