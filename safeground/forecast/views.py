"""The forecast page (/forecast/): the fan chart, the national dates, the capacity needed for the target,
a table per province, and the assumptions. Figures come from forecast.queries."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from safeground.core.access import page
from safeground.core.errors import ValidationFailed
from safeground.dashboard.charts import area, fmt, table_unit
from safeground.forecast import queries
from safeground.forecast.chart import fan_chart
from safeground.gazetteer.queries import country_choices
from safeground.operations.models import METHOD_CHOICES, TERRAIN_CHOICES

PAGE_RUNS = 5000


def _date_param(request: HttpRequest, name: str) -> tuple[dt.date | None, str]:
    raw = (request.GET.get(name) or "").strip()
    if not raw:
        return None, ""
    try:
        return dt.date.fromisoformat(raw), raw
    except ValueError:
        raise ValidationFailed(_("Give the date as YYYY-MM-DD."), field=name) from None


def _when(date: dt.date | None) -> str:
    return date.isoformat() if date else _("after %(years)s years") % {"years": queries.MOST_YEARS}


@page("forecast.view_forecast")
def forecast_page(request: HttpRequest) -> HttpResponse:
    choices = country_choices()
    names = dict(choices)
    value = (request.GET.get("country") or "").strip().upper()
    country = value if value in names else (choices[0][0] if choices else None)
    error, report, target_raw = None, None, ""
    try:
        target, target_raw = _date_param(request, "target")
        if country:
            report = queries.forecast(country, runs=PAGE_RUNS, target=target)
    except ValidationFailed as exc:
        error = exc
    context = {
        "country_links": [
            {"label": label, "current": iso3 == country, "url": "?" + urlencode({"country": iso3})}
            for iso3, label in choices
        ],
        "country": country,
        "country_name": names.get(country or "", ""),
        "target_value": target_raw,
        "error": error,
        "report": report,
        "runs": PAGE_RUNS,
        "api_url": "/api/v1/forecast?" + urlencode({"country": country or "", "runs": PAGE_RUNS}),
    }
    if report:
        context.update(_presented(report))
    return render(request, "forecast/forecast.html", context)


def _presented(r: dict) -> dict:
    unit = table_unit(max(p["remaining_m2"] for p in r["provinces"]))
    methods, terrains = dict(METHOD_CHOICES), dict(TERRAIN_CHOICES)
    target = r["target"]
    target_label = {
        "article5": _("Article 5 deadline %(date)s"),
        "given": _("Target %(date)s"),
        "passed": _("Deadline %(date)s (passed)"),
    }.get(target["source"] or "", "%(date)s") % {"date": target["date"]}
    chart = fan_chart(
        r,
        title=_("Remaining hazard area over time"),
        desc=_(
            "The shaded band holds 80 percent of the runs (P10 to P90), the line is the median (P50); the vertical "
            "line is the target date."
        ),
        target_label=target_label,
    )
    o = r["survey_outcomes"]
    return {
        "chart": chart,
        "runs_text": fmt(r["runs"]),
        "as_of_text": r["as_of"].isoformat(),
        "target_label": target_label if target["date"] else "",
        "remaining": area(r["remaining_m2"]),
        "to_clear": area(r["to_clear_m2_p50"]),
        "completion": {k: _when(r["completion"][k]) for k in ("p10", "p50", "p90")},
        "provinces": [
            {
                **p,
                "area": area(p["remaining_m2"], unit),
                "effort": fmt(100 * p["recent_effort_share"], 1),
                "dates": [_when(p[k]) for k in ("p10", "p50", "p90")],
            }
            for p in r["provinces"]
        ],
        "area_unit": unit[1],
        "outcomes": {k: fmt(100 * o[k], 1) for k in ("cancelled", "reduced", "cleared", "cleared_p10", "cleared_p90")},
        "outcome_hazards": fmt(o["hazards"]),
        "capacity_rows": [
            {"label": _(methods.get(m["method"], m["method"])), **m} for m in r["capacity"]["methods"] if m["teams"]
        ],
        "team_days": fmt(r["capacity"]["team_days_per_year"]),
        "capacity_m2": area(r["capacity"]["m2_per_year_p50"]),
        "needed": _needed(r["needed"]),
        "productivity_rows": [
            {
                "method": _(methods.get(p["method"], p["method"])),
                "terrain": _(terrains.get(p["terrain"], p["terrain"])),
                "months": p["months"],
                "measured": fmt(p["m2_per_team_day_measured"]),
                "range": [fmt(p[k]) for k in ("p10", "p50", "p90")],
            }
            for p in r["productivity"]
        ],
    }


def _needed(n: dict | None) -> dict | None:
    if not n:
        return None
    return {
        "probability": fmt(100 * n["probability_current"], 0),
        "days_p50": fmt(n["team_days_per_year_p50"]),
        "days_p90": fmt(n["team_days_per_year_p90"]),
        "teams_p50": fmt(n["teams_p50"]),
        "teams_p90": fmt(n["teams_p90"]),
    }
