"""The fan chart of the forecast page: remaining area over time, the P10–P90 band, the P50 line and the
target line, drawn server-side as SVG (no JavaScript).

House style (dashboard/charts.py): the SVG stretches to any width. The band and lines sit in an inner
SVG with a fixed viewBox stretched to the plot (`preserveAspectRatio="none"`, strokes that do not
scale); labels are placed in percent of the width outside it, so text is never distorted. Every
number in an attribute is a plain string (never localised); text goes through the locale helper.
"""

from __future__ import annotations

import datetime as dt

from safeground.dashboard.charts import area_text, unit_for

VIEW_W = 1000.0
VIEW_H = 100.0
PLOT_TOP = 14
PLOT_H = 220
AXIS_H = 44
GRID_STEPS = 4


def _x(years: float, horizon: float) -> float:
    return VIEW_W * years / horizon if horizon > 0 else 0.0


def _y(m2: float, top: float) -> float:
    return VIEW_H * (1 - m2 / top) if top > 0 else VIEW_H


def _points(pairs) -> str:
    return " ".join(f"{x:.2f},{y:.2f}" for x, y in pairs)


def fan_chart(report: dict, *, title: str, desc: str, target_label: str) -> dict | None:
    fan = report.get("fan") or []
    if len(fan) < 2:
        return None
    horizon = fan[-1]["years"]
    top = max(report["remaining_m2"], max(p["p90_m2"] for p in fan)) or 1.0
    upper = [(_x(p["years"], horizon), _y(p["p90_m2"], top)) for p in fan]
    lower = [(_x(p["years"], horizon), _y(p["p10_m2"], top)) for p in reversed(fan)]
    median = [(_x(p["years"], horizon), _y(p["p50_m2"], top)) for p in fan]
    unit = unit_for(top)
    grid = []
    for k in range(GRID_STEPS + 1):
        m2 = top * k / GRID_STEPS
        y = PLOT_TOP + PLOT_H * (1 - k / GRID_STEPS)
        grid.append({"y": f"{y:.1f}", "label_y": f"{y - 3:.1f}", "label": area_text(m2, unit) if k else ""})
    # Year ticks, none so close to the start that its label would cover the start date's.
    as_of: dt.date = report["as_of"]
    ticks = []
    last_year = as_of.year + int(horizon) + 1
    step = max(1, round((last_year - as_of.year) / 8))
    for year in range(as_of.year + 1, last_year + 1, step):
        years = (dt.date(year, 1, 1) - as_of).days / 365.25
        if 0.2 * horizon < years <= horizon:
            ticks.append({"x": f"{100 * years / horizon:.2f}", "label": str(year)})
    target = None
    t = report.get("target") or {}
    if t.get("date") and t["date"] > as_of:
        years = (t["date"] - as_of).days / 365.25
        if years <= horizon:
            pct = 100 * years / horizon
            target = {
                "x": f"{pct:.2f}",
                "label": target_label,
                "anchor": "end" if pct > 50 else "start",
                "label_x": f"{pct - 1:.2f}" if pct > 50 else f"{pct + 1:.2f}",
            }
    return {
        "title": title,
        "desc": desc,
        "height": str(PLOT_TOP + PLOT_H + AXIS_H),
        "plot_top": str(PLOT_TOP),
        "plot_h": str(PLOT_H),
        "plot_bottom": str(PLOT_TOP + PLOT_H),
        "axis_y": str(PLOT_TOP + PLOT_H + 18),
        "tick_y": str(PLOT_TOP + PLOT_H + 5),
        "target_label_y": str(PLOT_TOP + PLOT_H + 38),  # under the year labels: clear of the area labels
        "viewbox": f"0 0 {VIEW_W:g} {VIEW_H:g}",
        "band": _points(upper + lower),
        "median": _points(median),
        "grid": grid,
        "ticks": ticks,
        "target": target,
        "start_label": as_of.isoformat(),
    }
