"""The data a report table holds, independent of the format it is rendered in.

A table is columns and rows; every row has a key (what it is: a province code, a year, a device model)
and raw figures by column key. Tables of people (victims) also carry what may be shown: the
small-cell suppressed value of each figure (victims.disclosure). Renderers show `shown()`; the
reconciliation compares the raw figures; nobody prints a raw victim count.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: Column kinds: text (a label), int (a count), m2 (an area in square metres), ratio (two decimals), people
#: (a count of people: shown suppressed), date (an ISO date or a text).
KINDS = ("text", "int", "m2", "ratio", "people", "date")
TOTAL = "__total__"


@dataclass
class Column:
    key: str
    label: str
    kind: str = "int"


@dataclass
class Row:
    key: tuple
    values: dict[str, Any]
    #: For people counts: the value to show (an int, "<5" or "x"), by column key.
    shown: dict[str, Any] = field(default_factory=dict)
    total: bool = False
    #: Per-cell kind overrides (a key–value table mixes dates, areas and counts).
    kinds: dict[str, str] = field(default_factory=dict)

    def display(self, column: Column) -> Any:
        return self.shown.get(column.key, self.values.get(column.key))

    def kind(self, column: Column) -> str:
        return self.kinds.get(column.key, column.kind)


@dataclass
class Table:
    key: str
    title: str
    columns: list[Column]
    rows: list[Row]
    #: Which figure the table uses and where it comes from (shown under the table).
    note: str = ""
    #: A chart of one column by the first (label) column, drawn after the table: the column key.
    chart: str | None = None

    def figures(self) -> dict[tuple, float]:
        """{(row key, column key): raw number} of every numeric cell (what the reconciliation compares)."""
        out: dict[tuple, float] = {}
        for row in self.rows:
            for c in self.columns:
                kind = row.kind(c)
                value = row.values.get(c.key)
                if kind in ("int", "m2", "ratio", "people") and isinstance(value, (int, float)):
                    out[(row.key, c.key)] = float(value)
        return out

    def chart_rows(self) -> list[tuple[str, float]]:
        if not self.chart:
            return []
        label = self.columns[0]
        return [
            (str(r.values.get(label.key, "")), float(r.values.get(self.chart) or 0.0))
            for r in self.rows
            if not r.total and isinstance(r.values.get(self.chart), (int, float))
        ]


@dataclass
class Section:
    key: str
    title: str
    #: Empty: a section whose figures this system does not hold ("not recorded in this system").
    tables: list[Table]
    intro: str = ""
    recorded: bool = True


@dataclass
class Built:
    """A report ready to render: metadata, sections with their tables, the figures' hash."""

    kind: str
    title: str
    country: str
    country_name: str
    year: int
    lang: str
    generated_at: str
    as_of: str
    figures_hash: str
    sections: list[Section]
    notes: list[str] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)

    def tables(self) -> list[Table]:
        return [t for s in self.sections for t in s.tables]
