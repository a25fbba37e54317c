"""Server-side bar charts and area formatting for the dashboard pages.

The same drawing as the /ledger/ summary (landrelease/views.py `_chart` and its template): one
line of text (label left, value right) over a bar per group, bars in percent of the largest so the
SVG stretches to any width, the site's `.chart` CSS classes, a <title> per bar and segment for
screen readers and tooltips. No JavaScript. Kept generic (rows in, layout out) so the ledger page
could draw with it too; the template that renders it is `dashboard/_chart.html`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from django.utils.formats import number_format

# Layout (px) as /ledger/: a label line, then the bar, per group.
ROW_H = 36
BAR_Y = 18
BAR_H = 12
LABEL_CHARS = 30
CHART_GROUPS = 15

Unit = tuple[float, str, int]
HECTARES: Unit = (10_000, "ha", 2)
SQUARE_KM: Unit = (1_000_000, "km²", 2)


TABLE_KM2_FROM = 100 * 1_000_000  # tables and charts keep hectares up to 100 km² per row (2 decimals: 100 m²)


def unit_for(largest_m2: float, km2_from: float = 1_000_000) -> Unit:
    """km² from `km2_from` up (one square kilometre: headline figures), hectares below."""
    return SQUARE_KM if largest_m2 >= km2_from else HECTARES


def table_unit(largest_m2: float) -> Unit:
    """The unit of a table or chart whose largest row is `largest_m2`: hectares unless rows are huge."""
    return unit_for(largest_m2, TABLE_KM2_FROM)


def fmt(value: float, decimals: int = 0) -> str:
    """A number with the locale's separators, rounded (Django's number_format truncates floats)."""
    return number_format(round(value, decimals), decimals, force_grouping=True)


def area(m2: float | None, unit: Unit | None = None) -> dict:
    """An area for display: {"text": "1,234.56", "unit": "ha", "m2": "12,345,600", "raw": m²}."""
    m2 = float(m2 or 0.0)
    divisor, name, decimals = unit or unit_for(m2)
    value = m2 / divisor
    text = "< " + fmt(10**-decimals, decimals) if 0 < value < 10**-decimals else fmt(value, decimals)
    return {"text": text, "unit": name, "m2": fmt(m2, 0), "raw": m2}


def area_text(m2: float | None, unit: Unit | None = None) -> str:
    a = area(m2, unit)
    return f"{a['text']} {a['unit']}"


def stacked_bars(
    rows: Sequence[dict],
    *,
    keys: Sequence[str],
    value: Callable[[dict, str], float],
    label: Callable[[dict], tuple[str, str]],
    key_labels: dict[str, str],
    text: Callable[[float], str],
    title: str,
    desc: str,
    limit: int = CHART_GROUPS,
) -> dict | None:
    """The layout of a horizontal stacked bar chart of the first `limit` rows with a positive total.

    `value(row, key)`: the size of one segment; `label(row)`: (label, secondary text; the secondary
    is hidden on phones); `text(v)`: a value as shown (with its unit). Rows keep their order
    (sort them first). None when nothing is positive.
    """
    totals = [(r, sum(max(value(r, k), 0) for k in keys)) for r in rows]
    candidates = [(r, t) for r, t in totals if t > 0]
    if not candidates:
        return None
    chosen = candidates[:limit]
    largest = max(t for _r, t in chosen)
    bars = []
    for n, (r, total) in enumerate(chosen):
        name, secondary = label(r)
        full = f"{name} ({secondary})" if secondary else name
        x = 0.0
        segments, parts = [], []
        for key in keys:
            v = value(r, key)
            if v <= 0:
                continue
            width = 100 * v / largest
            share = fmt(100 * v / total, 1)
            part = f"{key_labels[key]}: {text(v)} ({share} %)"
            segments.append({"key": key, "x": f"{x:.3f}", "width": f"{width:.3f}", "title": f"{full} · {part}"})
            parts.append(part)
            x += width
        top = n * ROW_H
        bars.append(
            {
                "label": name if len(name) <= LABEL_CHARS else name[: LABEL_CHARS - 1] + "…",
                "secondary": f" ({secondary})" if secondary else "",
                "title": f"{full}: " + "; ".join(parts),
                "value": text(total),
                "label_y": str(top + 13),  # strings: SVG attributes must never be localised
                "bar_y": str(top + BAR_Y),
                "segments": segments,
            }
        )
    return {
        "title": title,
        "desc": desc,
        "bars": bars,
        "height": str(len(chosen) * ROW_H + 2),
        "bar_h": str(BAR_H),
        "more": len(candidates) - len(chosen),
        "legend": [(k, key_labels[k]) for k in keys if any(seg["key"] == k for bar in bars for seg in bar["segments"])],
    }
