"""Small-cell suppression for tables of casualty counts.

A published count of 1 to 4 people can identify them in a village, so every such cell, margin or
total is shown as "<5" (primary suppression). A hidden cell could still be worked out by
subtracting the visible cells from a visible total, so wherever a total has exactly one hidden
part, the smallest other part is withheld too and shown as "x" (complementary suppression), or
the total itself when there is no other part; repeated until no visible total has exactly one
hidden part. Zero cells are not listed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

THRESHOLD = 5
SMALL = "<5"
WITHHELD = "x"

Display = int | str


@dataclass
class Table:
    """Counts by one or two dimensions, with the displayed (suppressed) value of every figure."""

    dims: list[str]
    cells: dict[tuple, int]
    shown: dict[tuple, Display] = field(default_factory=dict)
    margins: dict[int, dict[object, int]] = field(default_factory=dict)
    margins_shown: dict[int, dict[object, Display]] = field(default_factory=dict)
    total: int = 0
    total_shown: Display = 0

    def rows(self) -> list[dict]:
        return [{**dict(zip(self.dims, key, strict=True)), "count": self.shown[key]} for key in self.cells]

    def margin_rows(self, axis: int) -> list[dict]:
        return [{self.dims[axis]: value, "count": shown} for value, shown in self.margins_shown.get(axis, {}).items()]


def _primary(n: int) -> Display:
    return SMALL if 0 < n < THRESHOLD else n


def suppress(dims: list[str], counts: dict[tuple, int]) -> Table:
    """Suppress a one- or two-dimensional table of counts (keys are tuples of dimension values)."""
    if len(dims) not in (1, 2):
        raise ValueError("tables have one or two dimensions")
    cells = {k: int(v) for k, v in counts.items() if v}
    table = Table(list(dims), cells, total=sum(cells.values()))
    # Every figure gets an id: ("cell", key), ("margin", axis, value), ("total",).
    values: dict[tuple, int] = {("cell", k): v for k, v in cells.items()}
    values[("total",)] = table.total
    groups: list[tuple[tuple, list[tuple]]] = []
    if len(dims) == 1:
        groups.append((("total",), [("cell", k) for k in cells]))
    else:
        for axis in (0, 1):
            margin: dict[object, int] = defaultdict(int)
            members: dict[object, list[tuple]] = defaultdict(list)
            for key, v in cells.items():
                margin[key[axis]] += v
                # Cells sharing this axis' value add up to that value's margin.
                members[key[axis]].append(("cell", key))
            table.margins[axis] = dict(margin)
            for value, total in margin.items():
                values[("margin", axis, value)] = total
                groups.append((("margin", axis, value), members[value]))
            groups.append((("total",), [("margin", axis, value) for value in margin]))

    hidden: dict[tuple, str] = {fid: SMALL for fid, v in values.items() if 0 < v < THRESHOLD}
    member_of: dict[tuple, list[int]] = defaultdict(list)
    for g, (_total, parts) in enumerate(groups):
        for p in parts:
            member_of[p].append(g)

    def opens(fid: tuple) -> int:
        """How many other totals would get a first hidden part (and need withholding in turn)."""
        return sum(
            1 for g in member_of[fid] if groups[g][0] not in hidden and not any(p in hidden for p in groups[g][1])
        )

    changed = True
    while changed:
        changed = False
        for total_id, parts in groups:
            if total_id in hidden:
                continue
            hidden_parts = [p for p in parts if p in hidden]
            if len(hidden_parts) != 1:
                continue
            # Withhold another part: preferably one that closes a rectangle of hidden cells (no new
            # total to protect), then the smallest; with none left, the total itself.
            visible = sorted((opens(p), values[p], p) for p in parts if p not in hidden)
            hidden[visible[0][2] if visible else total_id] = WITHHELD
            changed = True

    def shown(fid: tuple) -> Display:
        return hidden.get(fid, values[fid])

    table.shown = {k: shown(("cell", k)) for k in cells}
    table.total_shown = shown(("total",))
    table.margins_shown = {
        axis: {value: shown(("margin", axis, value)) for value in margin} for axis, margin in table.margins.items()
    }
    return table


def is_safe(table: Table) -> bool:
    """No figure from 1 to 4 is shown (a check for exports and tests)."""
    figures = [*table.shown.values(), table.total_shown]
    for margin in table.margins_shown.values():
        figures += margin.values()
    return not any(isinstance(f, int) and 0 < f < THRESHOLD for f in figures)
