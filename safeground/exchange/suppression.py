"""Small-cell suppression for the aggregates a package carries (victims, EORE).

A cell counting 1 to k-1 people is suppressed: its count is left empty and `suppressed` is set. The
package publishes no totals and no margins, only the cells, so a suppressed cell cannot be worked out
by subtracting the visible cells from a total (that is why no complementary suppression is needed;
decision 0035). Zero cells are not listed.
"""

from __future__ import annotations


def suppress(cells: list[dict], k: int, field: str = "count") -> list[dict]:
    """The cells with counts under `k` emptied and marked; zero cells dropped."""
    out = []
    for cell in cells:
        n = int(cell[field] or 0)
        if n <= 0:
            continue
        hidden = n < k
        out.append({**cell, field: None if hidden else n, "suppressed": hidden})
    return out


def is_safe(cells: list[dict], k: int, field: str = "count") -> bool:
    """No visible count from 1 to k-1 (checked again on import)."""
    return not any(c.get(field) is not None and 0 < c[field] < k for c in cells)
