"""Productivity from progress reports: m² per team-day, asset-day, deminer-hour and deminer-day.

Ratios are pooled (total area ÷ total effort of the group), not means of per-report ratios, so a
group's figure is what its teams achieved over all their days. Cost per m² uses only the reports
that carry a cost, over those reports' area.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Case, Count, F, FloatField, Q, Sum, Value, When
from django.db.models.functions import Cast, ExtractYear

from safeground.gazetteer.queries import country_names
from safeground.operations.models import (
    METHOD_CHOICES,
    SOIL_METAL_CHOICES,
    TERRAIN_CHOICES,
    VEGETATION_CHOICES,
    ProgressReport,
)

#: group_by key → (ORM expression, label lookup, or a function giving it)
GROUPINGS = {
    "method": ("method", dict(METHOD_CHOICES)),
    "terrain": ("terrain", dict(TERRAIN_CHOICES)),
    "vegetation": ("vegetation", dict(VEGETATION_CHOICES)),
    "soil_metal": ("soil_metal", dict(SOIL_METAL_CHOICES)),
    "province": ("hazard__province__name", None),
    "organisation": ("activity__organisation__acronym", None),
    "programme": ("activity__country", country_names),
    "team": ("team__code", None),
    "year": ("year", None),
}
#: Ground is "comparable" when terrain, vegetation and soil metal content are the same.
GROUND = ("terrain", "vegetation", "soil_metal")


def _f(expr):
    return Cast(expr, FloatField())


def parse_group_by(group_by: str | list[str]) -> list[str]:
    keys = [k.strip() for k in (group_by.split(",") if isinstance(group_by, str) else group_by) if k.strip()]
    unknown = [k for k in keys if k not in GROUPINGS]
    if unknown or not keys:
        from safeground.core.errors import ValidationFailed

        raise ValidationFailed(
            f"unknown group_by {', '.join(unknown) or '(empty)'}; choose from {', '.join(GROUPINGS)} "
            "(several separated by commas)",
            field="group_by",
            reason="unknown",
        )
    return keys


def reports(
    *,
    country: str | None = None,
    method: str | list[str] | None = None,
    organisation: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    terrain: str | None = None,
    vegetation: str | None = None,
    soil_metal: str | None = None,
):
    qs = ProgressReport.objects.all()
    if country:
        qs = qs.filter(activity__country=country)
    if method:
        qs = qs.filter(method__in=[method] if isinstance(method, str) else method)
    if organisation:
        qs = qs.filter(activity__organisation__acronym=organisation)
    if date_from:
        qs = qs.filter(date__gte=date_from)
    if date_to:
        qs = qs.filter(date__lte=date_to)
    for name, value in (("terrain", terrain), ("vegetation", vegetation), ("soil_metal", soil_metal)):
        if value:
            qs = qs.filter(**{name: value})
    return qs


def _ratio(a, b):
    return round(a / b, 2) if b else None


def productivity(group_by: str | list[str] = "method", **filters) -> list[dict]:
    """One row per group: totals and the ratios, largest area first."""
    keys = parse_group_by(group_by)
    exprs = {k: GROUPINGS[k][0] for k in keys}
    qs = reports(**filters).annotate(year=ExtractYear("date"))
    days = _f(F("days_worked"))
    rows = (
        qs.values(*exprs.values())
        .annotate(
            n_reports=Count("id"),
            area_sum=Sum("area_m2"),
            team_days=Sum(days),
            asset_days=Sum(_f(F("assets_deployed")) * days),
            deminer_days=Sum(_f(F("searchers")) * days),
            deminer_hours=Sum(_f(F("searchers")) * _f(F("hours_per_day")) * days),
            devices_sum=Sum("devices_found"),
            stoppage_hours=Sum("stoppage_hours"),
            cost_sum=Sum(_f(F("cost_usd")), filter=Q(cost_usd__isnull=False)),
            costed_area=Sum(
                Case(When(cost_usd__isnull=False, then=F("area_m2")), default=Value(0.0), output_field=FloatField())
            ),
        )
        .order_by(*exprs.values())
    )
    lookups = {k: GROUPINGS[k][1] for k in keys}
    lookups = {k: (found() if callable(found) else found) or {} for k, found in lookups.items()}
    out = []
    for r in rows:
        group = {k: r[e] for k, e in exprs.items()}
        labels = {k: lookups[k].get(v, v) for k, v in group.items()}
        area = float(r["area_sum"] or 0)
        cost = r["cost_sum"]
        out.append(
            {
                "group": group,
                "label": " · ".join(str(v) if v is not None else "—" for v in labels.values()),
                "reports": r["n_reports"],
                "area_m2": round(area, 1),
                "team_days": round(r["team_days"] or 0, 2),
                "asset_days": round(r["asset_days"] or 0, 2),
                "deminer_days": round(r["deminer_days"] or 0, 2),
                "deminer_hours": round(r["deminer_hours"] or 0, 2),
                "devices_found": r["devices_sum"] or 0,
                "stoppage_hours": round(r["stoppage_hours"] or 0, 1),
                "m2_per_team_day": _ratio(area, r["team_days"]),
                "m2_per_asset_day": _ratio(area, r["asset_days"]),
                "m2_per_deminer_day": _ratio(area, r["deminer_days"]),
                "m2_per_deminer_hour": _ratio(area, r["deminer_hours"]),
                "cost_usd": round(cost, 2) if cost is not None else None,
                "cost_per_m2": round(cost / r["costed_area"], 4) if cost is not None and r["costed_area"] else None,
            }
        )
    out.sort(key=lambda row: -row["area_m2"])
    return out


def compare_methods(a: str, b: str, **filters) -> dict:
    """Two methods on comparable ground: per ground class (terrain × vegetation × soil metal) where both
    worked, each method's figures side by side, and the ratio of m² per team-day (b ÷ a)."""
    rows = productivity(group_by=[*GROUND, "method"], method=[a, b], **filters)
    by_ground: dict[tuple, dict] = {}
    for r in rows:
        ground = tuple(r["group"][g] for g in GROUND)
        by_ground.setdefault(ground, {})[r["group"]["method"]] = r
    pairs = []
    for ground, methods in sorted(by_ground.items()):
        if a in methods and b in methods:
            ra, rb = methods[a], methods[b]
            pairs.append(
                {
                    "ground": dict(zip(GROUND, ground, strict=True)),
                    a: _brief(ra),
                    b: _brief(rb),
                    "ratio_team_day": _ratio(rb["m2_per_team_day"] or 0, ra["m2_per_team_day"]),
                }
            )
    return {"a": a, "b": b, "comparable_ground": pairs}


def compare_programmes(method: str, **filters) -> dict:
    """The same method in each programme (country), overall and on each ground class both have worked."""
    overall = productivity(group_by="programme", method=method, **filters)
    rows = productivity(group_by=[*GROUND, "programme"], method=method, **filters)
    by_ground: dict[tuple, dict] = {}
    for r in rows:
        by_ground.setdefault(tuple(r["group"][g] for g in GROUND), {})[r["group"]["programme"]] = _brief(r)
    shared = [
        {"ground": dict(zip(GROUND, g, strict=True)), "programmes": p}
        for g, p in sorted(by_ground.items())
        if len(p) > 1
    ]
    return {
        "method": method,
        "programmes": {r["group"]["programme"]: _brief(r) for r in overall},
        "comparable_ground": shared,
    }


def _brief(r: dict) -> dict:
    keys = (
        "reports",
        "area_m2",
        "team_days",
        "m2_per_team_day",
        "m2_per_asset_day",
        "m2_per_deminer_day",
        "m2_per_deminer_hour",
        "cost_per_m2",
    )
    return {k: r[k] for k in keys}
