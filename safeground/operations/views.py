"""Pages: productivity (`/productivity/`) and expiring accreditations (`/accreditations/expiring/`).

Charts are inline SVG drawn by the template from rows prepared here (no JavaScript), as the land
release summary does.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.shortcuts import render
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safeground.core.access import page
from safeground.gazetteer.queries import country_choices, country_names
from safeground.operations import productivity
from safeground.operations.models import METHOD_CHOICES, SOIL_METAL_CHOICES, TERRAIN_CHOICES, VEGETATION_CHOICES
from safeground.organisations import queries as org_queries
from safeground.organisations.models import Asset

GROUP_LABELS = {
    "method": gettext_lazy("Method"),
    "terrain": gettext_lazy("Terrain"),
    "vegetation": gettext_lazy("Vegetation"),
    "soil_metal": gettext_lazy("Soil metal"),
    "province": gettext_lazy("Province"),
    "organisation": gettext_lazy("Organisation"),
    "programme": gettext_lazy("Programme"),
    "year": gettext_lazy("Year"),
}
METRICS = {
    "m2_per_team_day": gettext_lazy("m² per team-day"),
    "m2_per_asset_day": gettext_lazy("m² per asset-day"),
    "m2_per_deminer_day": gettext_lazy("m² per deminer-day"),
    "m2_per_deminer_hour": gettext_lazy("m² per deminer-hour"),
}
ROW_H, BAR_Y, BAR_H = 36, 18, 12


METHODS, ASSET_KINDS = dict(METHOD_CHOICES), dict(Asset.KIND_CHOICES)  # code → name (translated where shown)


def _n(value, decimals: int = 0) -> str:
    if value is None:
        return "—"
    return number_format(round(value, decimals), decimals, force_grouping=True)


def bar_chart(rows: list[dict], metric: str, limit: int = 15) -> dict | None:
    """Bars of one metric per group, as percentages of the largest (widths in %)."""
    rows = [r for r in rows if r.get(metric)][:limit]
    if not rows:
        return None
    top = max(r[metric] for r in rows)
    bars = []
    for i, r in enumerate(rows):
        bars.append(
            {
                "label": r["label"],
                "value": _n(r[metric], 1 if r[metric] < 10 else 0),
                "secondary": "  "
                + _("%(area)s m² in %(n)s reports") % {"area": _n(r["area_m2"]), "n": _n(r["reports"])},
                # Strings: SVG attributes are read by the browser, never localised ("71,88%" draws nothing).
                "width": f"{100 * r[metric] / top:.2f}",
                "label_y": str(i * ROW_H + 13),
                "bar_y": str(i * ROW_H + BAR_Y),
            }
        )
    return {"bars": bars, "height": str(len(bars) * ROW_H), "bar_h": str(BAR_H), "title": str(METRICS[metric])}


def _links(request, key: str, choices, current) -> list[dict]:
    out = []
    for value, label in choices:
        q = request.GET.copy()
        q[key] = value
        out.append(
            {"url": "?" + urlencode({k: v for k, v in q.items() if v}), "label": label, "current": value == current}
        )
    return out


@page()
def productivity_page(request):
    country = request.GET.get("country", "")
    group = request.GET.get("group_by", "method")
    if group not in GROUP_LABELS:
        group = "method"
    metric = request.GET.get("metric", "m2_per_team_day")
    if metric not in METRICS:
        metric = "m2_per_team_day"
    filters = {"country": country or None}
    rows = productivity.productivity(group, **filters)
    for r in rows:
        r["label"] = _(str(r["label"]))  # a method, terrain or vegetation's name in the reader's language
        r["text"] = {
            k: _n(r[k], 2 if k in ("m2_per_deminer_hour",) else 0)
            for k in (*METRICS, "area_m2", "team_days", "asset_days", "deminer_hours")
        }
        r["cost_text"] = _n(r["cost_per_m2"], 2) if r["cost_per_m2"] is not None else "—"
    a, b = request.GET.get("a", "manual"), request.GET.get("b", "mdd")
    methods = productivity.compare_methods(a, b, **filters)
    for pair in methods.get("comparable_ground", []):
        ground = pair["ground"]
        pair["ground_label"] = " · ".join(
            _(dict(choices).get(ground[key], ground[key]))
            for key, choices in (
                ("terrain", TERRAIN_CHOICES),
                ("vegetation", VEGETATION_CHOICES),
                ("soil_metal", SOIL_METAL_CHOICES),
            )
        )
    programmes = [productivity.compare_programmes(m) for m in ("manual", "mdd", "mechanical")]
    for c in programmes:
        c["method_label"] = _(METHODS.get(c["method"], c["method"]))
    api = "/api/v1/productivity"
    context = {
        "country_links": _links(request, "country", [("", _("All")), *country_choices()], country),
        "group_links": _links(request, "group_by", list(GROUP_LABELS.items()), group),
        "metric_links": _links(request, "metric", list(METRICS.items()), metric),
        "heading": GROUP_LABELS[group],
        "metric_label": METRICS[metric],
        "chart": bar_chart(sorted(rows, key=lambda r: -(r.get(metric) or 0)), metric),
        "rows": rows,
        "compare": methods,
        "compare_a": _(METHODS.get(a, a)),
        "compare_b": _(METHODS.get(b, b)),
        "programmes": programmes,
        "country_names": country_names(),
        "expiring": _labelled(org_queries.expiring(days=60)),
        "api_url": api + "?" + urlencode({"group_by": group, **({"country": country} if country else {})}),
    }
    return render(request, "operations/productivity.html", context)


def _labelled(rows: list[dict]) -> list[dict]:
    """The method's and the holder kind's names in the reader's language, not their codes ("mdd")."""
    for r in rows:
        r["method_label"] = _(METHODS.get(r["method"], r["method"]))
        r["kind_label"] = _(ASSET_KINDS.get(r["kind"], r["kind"]))
    return rows


@page()
def expiring_page(request):
    try:
        days = max(1, min(int(request.GET.get("days", 60)), 3650))
    except ValueError:
        days = 60
    on = dt.date.today()
    return render(
        request,
        "operations/expiring.html",
        {
            "rows": _labelled(org_queries.expiring(days=days, on=on)),
            "days": days,
            "on": on,
            "day_links": [{"url": f"?days={d}", "label": d, "current": d == days} for d in (30, 60, 90, 180, 365)],
        },
    )
