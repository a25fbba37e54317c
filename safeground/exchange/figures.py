"""The figures a partner compares with: computed here from our records, sent in the package, and read
back from a partner's package in the same shape (tables of rows).

- `productivity`: per method, area and effort from progress reports (operations.productivity); the
  headline is m² per deminer-day for manual search and m² per asset-day (dog-, rat-, machine-day) for
  the methods that work with assets; cost per m² where reports carry costs;
- `release_mix`: hazard ground released as cancelled, reduced and cleared (the ledger's credits);
- `summary`: devices per hectare cleared, demining accidents, accidents per million m² and per 1,000
  deminer-days (the count under k is suppressed, and the rates with it: a rate and its area give it back);
- `victims`, `eore`: aggregate counts with small-cell suppression (see `suppression.py`).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce, ExtractYear

from safeground.eore import queries as eore_queries
from safeground.exchange.suppression import suppress
from safeground.landrelease.models import Device, ProductRelease
from safeground.operations.productivity import productivity
from safeground.victims import queries as victims_queries
from safeground.victims.models import Accident

#: Methods whose headline is per asset-day (dogs, rats, machines); the rest per deminer-day.
ASSET_METHODS = {"mdd": "dog-day", "mdr": "rat-day", "mechanical": "machine-day"}
OUTCOMES = ("cancelled", "reduced", "cleared")
SUMMARY_FIGURES = (
    "devices_per_ha",
    "cost_per_m2",
    "demining_accidents",
    "accidents_per_million_m2",
    "accidents_per_1000_deminer_days",
)

#: Columns of each table (name, type): the GeoPackage's schema and the canonical row order.
TABLES: dict[str, list[tuple[str, str]]] = {
    "productivity": [
        ("method", "str"),
        ("reports", "int"),
        ("area_m2", "float"),
        ("deminer_days", "float"),
        ("asset_days", "float"),
        ("m2_per_deminer_day", "float"),
        ("m2_per_asset_day", "float"),
        ("unit", "str"),
        ("headline", "float"),
        ("cost_usd", "float"),
        ("cost_per_m2", "float"),
    ],
    "release_mix": [("outcome", "str"), ("area_m2", "float"), ("share", "float")],
    "summary": [("figure", "str"), ("value", "float"), ("unit", "str"), ("suppressed", "bool")],
    "victims": [
        ("year", "int"),
        ("province", "str"),
        ("sex", "str"),
        ("age_group", "str"),
        ("outcome", "str"),
        ("count", "int"),
        ("suppressed", "bool"),
    ],
    "eore": [("year", "int"), ("province", "str"), ("group", "str"), ("count", "int"), ("suppressed", "bool")],
}


def in_period(qs, field: str, date_from: dt.date | None, date_to: dt.date | None):
    """`qs` with `field` within the period (either end may be open)."""
    if date_from:
        qs = qs.filter(**{f"{field}__gte": date_from})
    if date_to:
        qs = qs.filter(**{f"{field}__lte": date_to})
    return qs


def productivity_rows(country: str, date_from=None, date_to=None) -> list[dict]:
    rows = []
    for r in productivity("method", country=country, date_from=date_from, date_to=date_to):
        method = r["group"]["method"]
        per_asset = method in ASSET_METHODS
        rows.append(
            {
                "method": method,
                "reports": r["reports"],
                "area_m2": r["area_m2"],
                "deminer_days": r["deminer_days"],
                "asset_days": r["asset_days"],
                "m2_per_deminer_day": r["m2_per_deminer_day"],
                "m2_per_asset_day": r["m2_per_asset_day"],
                "unit": f"m²/{ASSET_METHODS[method]}" if per_asset else "m²/deminer-day",
                "headline": r["m2_per_asset_day"] if per_asset else r["m2_per_deminer_day"],
                "cost_usd": r["cost_usd"],
                "cost_per_m2": r["cost_per_m2"],
            }
        )
    return sorted(rows, key=lambda row: row["method"])


def release_mix(country: str, date_from=None, date_to=None) -> list[dict]:
    qs = in_period(ProductRelease.objects.filter(hazard__country=country), "product__released_on", date_from, date_to)
    sums = dict(qs.values("outcome").annotate(m2=Sum("released_m2")).values_list("outcome", "m2"))
    total = sum(float(v or 0) for v in sums.values())
    return [
        {
            "outcome": outcome,
            "area_m2": round(float(sums.get(outcome) or 0), 1),
            "share": round(float(sums.get(outcome) or 0) / total, 4) if total else None,
        }
        for outcome in OUTCOMES
    ]


def summary(country: str, k: int, prod: list[dict], mix: list[dict], date_from=None, date_to=None) -> list[dict]:
    cleared_m2 = next((r["area_m2"] for r in mix if r["outcome"] == "cleared"), 0.0)
    devices = in_period(
        Device.objects.filter(Q(product__hazard__country=country) | Q(activity__country=country)),
        "found_on",
        date_from,
        date_to,
    )
    items = devices.aggregate(n=Coalesce(Sum("count"), 0))["n"]
    searched_m2 = sum(r["area_m2"] for r in prod)
    deminer_days = sum(r["deminer_days"] for r in prod)
    costed = [r for r in prod if r["cost_usd"] is not None]
    cost = sum(r["cost_usd"] for r in costed)
    costed_area = sum(r["cost_usd"] / r["cost_per_m2"] for r in costed if r["cost_per_m2"])
    accidents = in_period(
        Accident.objects.filter(country=country, accident_type="demining"), "occurred_on", date_from, date_to
    ).count()
    hidden = 0 < accidents < k

    def rate(value, per):
        return None if hidden or not per else round(value / per, 4)

    return [
        {
            "figure": "devices_per_ha",
            "value": round(items / (cleared_m2 / 1e4), 4) if cleared_m2 else None,
            "unit": "devices/ha cleared",
            "suppressed": False,
        },
        {
            "figure": "cost_per_m2",
            "value": round(cost / costed_area, 4) if costed_area else None,
            "unit": "USD/m²",
            "suppressed": False,
        },
        {
            "figure": "demining_accidents",
            "value": None if hidden else float(accidents),
            "unit": "accidents",
            "suppressed": hidden,
        },
        {
            "figure": "accidents_per_million_m2",
            "value": rate(accidents * 1e6, searched_m2),
            "unit": "accidents/million m² searched",
            "suppressed": hidden,
        },
        {
            "figure": "accidents_per_1000_deminer_days",
            "value": rate(accidents * 1e3, deminer_days),
            "unit": "accidents/1,000 deminer-days",
            "suppressed": hidden,
        },
    ]


def victims_table(country: str, k: int, date_from=None, date_to=None) -> list[dict]:
    qs = in_period(victims_queries.victims(country=country), "accident__occurred_on", date_from, date_to).order_by()
    rows = (
        qs.annotate(y=ExtractYear("accident__occurred_on"), p=F("accident__province__code"))
        .values("y", "p", "sex", "age_group", "outcome")
        .annotate(n=Count("id"))
    )
    cells = [
        {
            "year": r["y"],
            "province": r["p"] or "",
            "sex": r["sex"],
            "age_group": r["age_group"],
            "outcome": r["outcome"],
            "count": r["n"],
        }
        for r in rows
    ]
    return suppress(sorted(cells, key=lambda c: (c["year"], c["province"], c["sex"], c["age_group"], c["outcome"])), k)


def eore_table(country: str, k: int, date_from=None, date_to=None) -> list[dict]:
    qs = in_period(eore_queries.sessions(country=country), "held_on", date_from, date_to).order_by()
    groups = ("girls", "boys", "women", "men")
    rows = (
        qs.annotate(y=ExtractYear("held_on"), p=F("province__code"))
        .values("y", "p")
        .annotate(**{g: Coalesce(Sum(g), 0) for g in groups})
    )
    cells = [
        {"year": r["y"], "province": r["p"] or "", "group": g, "count": r[g]} for r in rows for g in groups if r[g]
    ]
    return suppress(sorted(cells, key=lambda c: (c["year"], c["province"], c["group"])), k)


#: The tables the comparison reads (the others, victims and EORE, travel for the partner's own use).
COMPARED = ("productivity", "release_mix", "summary")


def comparable(country: str, k: int, date_from=None, date_to=None) -> dict[str, list[dict]]:
    """The tables of figures the comparison shows, for one programme and period."""
    prod = productivity_rows(country, date_from, date_to)
    mix = release_mix(country, date_from, date_to)
    return {
        "productivity": prod,
        "release_mix": mix,
        "summary": summary(country, k, prod, mix, date_from, date_to),
    }


def compute(country: str, k: int, date_from=None, date_to=None) -> dict[str, list[dict]]:
    """Every table of figures for one programme and period, suppressed at `k`."""
    return {
        **comparable(country, k, date_from, date_to),
        "victims": victims_table(country, k, date_from, date_to),
        "eore": eore_table(country, k, date_from, date_to),
    }
