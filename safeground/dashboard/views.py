"""The dashboard pages: `/dashboard/` (any signed-in account) and `/public/` (anyone), and the public
landing map's data, `/public/contamination.geojson` (anyone).

Both show the same aggregates from `queries.dashboard` for one year and one country; the public
page is the aggregate-only variant (no record codes, no links to records; nothing on either page
carries coordinates or personal data). Charts are inline SVG laid out by `charts.stacked_bars`.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import get_script_prefix, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safeground.core.access import page
from safeground.dashboard import charts, headline, queries
from safeground.dashboard.headline import OUTCOME_NAMES
from safeground.gazetteer.queries import admin_level_labels, country_choices

CLASS_NAMES = {"SHA": gettext_lazy("Suspected (SHA)"), "CHA": gettext_lazy("Confirmed (CHA)")}
CATEGORY_NAMES = {
    "ap_mine": gettext_lazy("AP mine"),
    "at_mine": gettext_lazy("AT mine"),
    "submunition": gettext_lazy("Submunition"),
    "uxo": gettext_lazy("Other UXO"),
    "axo": gettext_lazy("AXO"),
    "ied": gettext_lazy("IED"),
    "booby_trap": gettext_lazy("Booby trap"),
    "other": gettext_lazy("Other"),
}
CONTAMINATION_NAMES = {
    "ap_mines": gettext_lazy("AP mines"),
    "at_mines": gettext_lazy("AT mines"),
    "cmr": gettext_lazy("Cluster munition remnants"),
    "uxo": gettext_lazy("Other UXO"),
    "axo": gettext_lazy("AXO"),
    "ied": gettext_lazy("IED"),
    "mixed": gettext_lazy("Mixed"),
}


@page()
def dashboard(request: HttpRequest) -> HttpResponse:
    """The dashboard for signed-in accounts: the aggregates and the largest open hazards, linked."""
    return _render(request, public=False)


@page(public=True)
def public_dashboard(request: HttpRequest) -> HttpResponse:
    """The public dashboard: aggregates only (province totals at most), open to anyone."""
    return _render(request, public=True)


@page(public=True)
def contamination_geojson(request: HttpRequest) -> HttpResponse:
    """Remaining contamination per province as GeoJSON (the landing page's map): province outlines and
    aggregate figures only, never a hazard's code or geometry; cached, so anyone may ask."""
    response = HttpResponse(queries.contamination_by_province(), content_type="application/geo+json")
    response["Cache-Control"] = f"public, max-age={queries.PUBLIC_CACHE_SECONDS}"
    return response


def _render(request: HttpRequest, *, public: bool) -> HttpResponse:
    raw_country = (request.GET.get("country") or "").strip()
    raw_year = (request.GET.get("year") or "").strip()
    errors = []
    try:
        country = queries.check_country(raw_country)
    except ValueError:
        country = None
        errors.append(_("Unknown country “%(country)s”. Choose one from the list.") % {"country": raw_country})
    try:
        year = queries.check_year(raw_year)
    except ValueError:
        year = queries.check_year(None)
        errors.append(_("Unknown year “%(year)s”. Choose one from the list.") % {"year": raw_year})
    years = queries.years()
    if year not in years:
        years = sorted({*years, year}, reverse=True)
    choices = country_choices()  # the programmes, read once for the selector, the title and the table
    context = {
        "public": public,
        "year": year,
        "country": country,
        "country_name": dict(choices).get(country, country) if country else _("All countries"),
        "country_choices": [("", _("All countries")), *choices],
        "level1": admin_level_labels(country)[1],  # the country's own name for its provinces
        "year_choices": years,
        "other_url": reverse("dashboard" if public else "public-dashboard"),
        "api_path": f"{get_script_prefix()}api/v1/dashboard{'/public' if public else ''}",
        "query_string": request.GET.urlencode(),
    }
    template = "dashboard/dashboard.html"
    if errors:
        return render(request, template, {**context, "errors": errors}, status=400)
    data = queries.dashboard(year, country, public=public)
    context.update(_figures(data, both=country is None, public=public, choices=choices))
    return render(request, template, context)


def _place(row: dict, both: bool) -> tuple[str, str]:
    """(label, secondary) of a province row; the country code only when both countries are shown."""
    name = row.get("province_name") or _("Province not recorded")
    return str(name), (row.get("country") or "") if both else ""


def _figures(data: dict, *, both: bool, public: bool, choices: list[tuple[str, str]]) -> dict:
    year = data["year"]
    remaining, released, devices = data["remaining"], data["released"], data["devices"]
    year_text = str(year)  # a year is not a number to group: never "2,025"

    # One unit per block, readable for its largest figure.
    unit_remaining = charts.table_unit(max([r["remaining_m2"] for r in remaining["by_province"]] or [0]))
    unit_released = charts.table_unit(
        max([r["released_m2"] for r in released["by_province"] + released["by_organisation"]] or [0])
    )

    def in_unit(unit):
        return lambda v: charts.area_text(v, unit)

    remaining_rows = [
        {
            "label": _place(r, both)[0],
            "secondary": _place(r, both)[1],
            "open_sha": r["open_sha"],
            "open_cha": r["open_cha"],
            "remaining": charts.area(r["remaining_m2"], unit_remaining),
            "remaining_sum": charts.area(r["remaining_sum_m2"], unit_remaining),
            "remaining_overlap": charts.area(r["remaining_overlap_m2"], unit_remaining),
            "estimated": charts.area(r["estimated_m2"], unit_remaining),
        }
        for r in remaining["by_province"]
        if r["remaining_m2"] > 0 or r["open_hazards"]
    ]
    remaining_chart = charts.stacked_bars(
        remaining["by_province"],
        keys=["sha", "cha"],
        value=lambda r, k: r[f"remaining_{k}_m2"],
        label=lambda r: _place(r, both),
        key_labels={"sha": _("Suspected (SHA)"), "cha": _("Confirmed (CHA)")},
        text=in_unit(unit_remaining),
        title=_("Remaining contamination by province: the largest"),
        desc=_("Each bar is the area still to release in the province, split into suspected and confirmed areas."),
    )

    def released_rows(rows: list[dict], label) -> list[dict]:
        return [
            {
                "label": label(r)[0],
                "secondary": label(r)[1],
                "products": r["products"],
                **{o: charts.area(r[f"{o}_m2"], unit_released) for o in queries.OUTCOMES},
                "released": charts.area(r["released_m2"], unit_released),
            }
            for r in rows
            if r["released_m2"] > 0
        ]

    def org_label(r: dict) -> tuple[str, str]:
        return (r.get("organisation") or _("Organisation not recorded"), "")

    def released_chart(rows, label, title):
        return charts.stacked_bars(
            rows,
            keys=list(queries.OUTCOMES),
            value=lambda r, k: r[f"{k}_m2"],
            label=label,
            key_labels={k: str(v) for k, v in OUTCOME_NAMES.items()},
            text=in_unit(unit_released),
            title=title,
            desc=_("Each bar is the land released in the year, split into cancelled, reduced and cleared land."),
        )

    categories = {k: str(v) for k, v in CATEGORY_NAMES.items()}

    def device_rows(rows: list[dict], label) -> list[dict]:
        return [
            {
                "label": label(r)[0],
                "secondary": label(r)[1],
                "found": r["found"],
                "destroyed": r["destroyed"],
                "top": ", ".join(
                    f"{categories[c]} {charts.fmt(n)}"
                    for c, n in sorted(r["by_category"].items(), key=lambda kv: -kv[1])[:3]
                ),
            }
            for r in rows
            if r["found"]
        ]

    def device_chart(rows, label, title):
        return charts.stacked_bars(
            rows,
            keys=list(queries.CATEGORIES),
            value=lambda r, k: r["by_category"].get(k, 0),
            label=label,
            key_labels=categories,
            text=charts.fmt,
            title=title,
            desc=_("Each bar is the number of items destroyed, split by category of explosive ordnance."),
        )

    by_category = [
        {**r, "label": categories.get(r["category"], r["category"]), "key": r["category"]}
        for r in devices["by_category"]
    ]
    category_chart = charts.stacked_bars(
        devices["by_category"],
        keys=list(queries.CATEGORIES),
        value=lambda r, k: r["destroyed"] if r["category"] == k else 0,
        label=lambda r: (categories.get(r["category"], r["category"]), ""),
        key_labels=categories,
        text=charts.fmt,
        title=_("Devices destroyed by category"),
        desc=_("Each bar is the number of items of one category destroyed in the year."),
    )
    if category_chart:
        category_chart["legend"] = []  # each bar names its category already

    released_total = released["total"]
    out = {
        "year_text": year_text,
        "headline": headline.figures(data),
        "remaining_unit": unit_remaining[1],
        "released_unit": unit_released[1],
        "remaining_chart": remaining_chart,
        "remaining_rows": remaining_rows,
        "remaining_total": {
            "open_sha": remaining["total"]["open_sha"],
            "open_cha": remaining["total"]["open_cha"],
            "remaining": charts.area(remaining["total"]["remaining_m2"], unit_remaining),
            "remaining_sum": charts.area(remaining["total"]["remaining_sum_m2"], unit_remaining),
            "remaining_overlap": charts.area(remaining["total"]["remaining_overlap_m2"], unit_remaining),
            "estimated": charts.area(remaining["total"]["estimated_m2"], unit_remaining),
        },
        "by_class": [
            {
                "label": CLASS_NAMES.get(r["hazard_class"], r["hazard_class"]),
                "key": r["hazard_class"].lower(),
                "open": r["open_hazards"],
                "remaining": charts.area(r["remaining_m2"]),
            }
            for r in remaining["by_class"]
        ],
        "countries": _country_rows(data, unit_remaining, unit_released, choices) if both else [],
        "released_province_chart": released_chart(
            released["by_province"],
            lambda r: _place(r, both),
            _("Land released by province: the largest"),
        ),
        "released_province_rows": released_rows(released["by_province"], lambda r: _place(r, both)),
        "released_org_chart": released_chart(
            released["by_organisation"], org_label, _("Land released by organisation: the largest")
        ),
        "released_org_rows": released_rows(released["by_organisation"], org_label),
        "released_total": {
            "products": released_total["products"],
            **{o: charts.area(released_total[f"{o}_m2"], unit_released) for o in queries.OUTCOMES},
            "released": charts.area(released_total["released_m2"], unit_released),
        },
        "category_chart": category_chart,
        "category_rows": by_category,
        "device_total": devices["total"],
        "device_province_chart": device_chart(
            devices["by_province"],
            lambda r: _place(r, both),
            _("Devices destroyed by province: the most"),
        ),
        "device_province_rows": device_rows(devices["by_province"], lambda r: _place(r, both)),
        "device_org_chart": device_chart(
            devices["by_organisation"], org_label, _("Devices destroyed by organisation: the most")
        ),
        "device_org_rows": device_rows(devices["by_organisation"], org_label),
        "tolerance_m2": charts.fmt(queries.TOLERANCE_M2),
    }
    if not public:
        unit = charts.table_unit(max([h["remaining_m2"] for h in data["largest_hazards"]] or [0]))
        out["largest_unit"] = unit[1]
        out["largest_hazards"] = [
            {
                **h,
                "url": reverse("hazard-detail", args=[h["code"]]),
                "type_label": CONTAMINATION_NAMES.get(h["contamination_type"], h["contamination_type"]),
                "remaining": charts.area(h["remaining_m2"], unit),
                "estimated": charts.area(h["estimated_m2"], unit),
            }
            for h in data["largest_hazards"]
        ]
    return out


def _country_rows(data: dict, unit_remaining, unit_released, choices: list[tuple[str, str]]) -> list[dict]:
    """One line per country (`choices`: the programmes): remaining, released and devices destroyed in the year."""
    remaining = {r["country"]: r for r in data["remaining"]["by_country"]}
    released = {r["country"]: r for r in data["released"]["by_country"]}
    destroyed: dict = {}
    for r in data["devices"]["by_province"]:
        destroyed[r["country"]] = destroyed.get(r["country"], 0) + r["destroyed"]
    return [
        {
            "code": code,
            "label": str(name),
            "open": remaining.get(code, {}).get("open_hazards", 0),
            "remaining": charts.area(remaining.get(code, {}).get("remaining_m2", 0), unit_remaining),
            "released": charts.area(released.get(code, {}).get("released_m2", 0), unit_released),
            "destroyed": destroyed.get(code, 0),
        }
        for code, name in choices
    ]
