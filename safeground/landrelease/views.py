"""Pages of the land release app: the national land release summary (`/ledger/`).

Every figure comes from `ledger_queries` (the stored ledger); nothing here touches geometry. The
chart is an inline SVG drawn by the template from the rows prepared here: no JavaScript.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import get_script_prefix, reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from safeground.core.access import page
from safeground.core.listing import page_links
from safeground.gazetteer.queries import admin_level_labels, country_names
from safeground.hazards.models import CONTAMINATION_CHOICES, Hazard
from safeground.landrelease.ledger import queries as ledger_queries
from safeground.operations.models import METHOD_CHOICES

# ?by= value → (ledger_queries grouping, label of the choice, heading of the group column)
GROUPINGS = {
    "province": ("province", gettext_lazy("Province"), gettext_lazy("Province")),
    "district": ("district", gettext_lazy("District"), gettext_lazy("District")),
    "organisation": ("organisation", gettext_lazy("Organisation"), gettext_lazy("Organisation")),
    "year": ("year", gettext_lazy("Year"), gettext_lazy("Year")),
    "quarter": ("quarter", gettext_lazy("Quarter"), gettext_lazy("Quarter")),
    "month": ("month", gettext_lazy("Month"), gettext_lazy("Month")),
    "type": ("type", gettext_lazy("Contamination"), gettext_lazy("Contamination type")),
    "class": ("class", gettext_lazy("Class"), gettext_lazy("Hazard class")),
    "method": ("method", gettext_lazy("Method"), gettext_lazy("Main method")),
}
DEFAULT_GROUPING = "province"
PERIODS = ("year", "quarter", "month")
TOLERANCE_M2 = 1.0  # remaining area under which a hazard counts as released (as ledger_queries)
DISCREPANCY_TOLERANCE = 0.05
CHART_GROUPS = 15
PAGE_SIZE = 25  # rows a page of the discrepancy and proposal lists (each has its own page parameter)
OUTCOMES = ("cancelled", "reduced", "cleared")  # the order of the bars: the land release sequence

# Chart layout (px): a label line, then the bar, per group.
ROW_H = 36
BAR_Y = 18
BAR_H = 12


def _outcome_labels() -> dict:
    return {
        "cancelled": _("Cancelled"),
        "reduced": _("Reduced"),
        "cleared": _("Cleared"),
        "remaining": _("Remaining"),
    }


def _unit(largest_m2: float) -> tuple[float, str, int]:
    """(divisor, unit, decimals) that makes `largest_m2` readable: km², ha or m²."""
    if largest_m2 >= 1_000_000:
        return 1_000_000, "km²", 2
    if largest_m2 >= 10_000:
        return 10_000, "ha", 2
    return 1, "m²", 0


def _fmt(value: float, decimals: int) -> str:
    """A number with the locale's separators, rounded (Django's number_format truncates floats)."""
    return number_format(round(value, decimals), decimals, force_grouping=True)


def _number(value: float, decimals: int) -> str:
    if value and abs(value) < 10**-decimals:
        return "< " + _fmt(10**-decimals, decimals)
    return _fmt(value, decimals)


def _area(m2: float | None, unit: tuple[float, str, int] | None = None) -> dict:
    """An area for display: {"text": "1,234.56", "unit": "ha", "m2": exact m² with separators}."""
    m2 = m2 or 0.0
    divisor, name, decimals = unit or _unit(m2)
    return {
        "text": _number(m2 / divisor, decimals),
        "unit": name,
        "m2": _fmt(m2, 0),
        "raw": m2,
    }


def _devices(item: dict) -> tuple[int, int]:
    """(found in area clearance, found in EOD spot tasks) of one summary row."""
    d = item.get("devices") or {}
    return sum((d.get("area_clearance") or {}).values()), sum((d.get("eod_spot_tasks") or {}).values())


def _group_label(by: str, item: dict) -> tuple[str, str]:
    """(label, secondary text) of a row's group."""
    group, label = item["group"], item.get("label")
    if group is None:
        return _("Not recorded"), ""
    if by in ("province", "district"):
        return str(label or group), str(group)
    if by == "type":
        return _(dict(CONTAMINATION_CHOICES).get(group, group)), ""
    if by == "class":
        return str(group), _(dict(Hazard.CLASS_CHOICES).get(group, group))
    if by == "method":
        return _(dict(METHOD_CHOICES).get(group, group)), ""
    return str(label or group), ""


#: Groupings by admin level: their labels follow the selected programme's own names (Departamento, Rayon).
ADMIN_LEVEL_OF = {"province": 1, "district": 2}


def _grouping_label(key: str, label, levels: dict[int, str]) -> str:
    return levels.get(ADMIN_LEVEL_OF[key], str(label)) if key in ADMIN_LEVEL_OF else str(label)


def _links(path: str, by: str, country: str | None, names: dict[str, str], levels: dict[int, str]) -> tuple[list, list]:
    """The selector links; each keeps the other selection (an invalid one is dropped)."""
    keep_by = by if by in GROUPINGS else DEFAULT_GROUPING
    keep_country = country if country in names else None

    def url(**params) -> str:
        query = {k: v for k, v in params.items() if v and not (k == "by" and v == DEFAULT_GROUPING)}
        return f"{path}?{urlencode(query)}" if query else path

    countries = [{"label": _("All"), "url": url(by=keep_by), "current": country is None}]
    countries += [
        {"label": str(name), "url": url(by=keep_by, country=code), "current": country == code}
        for code, name in names.items()
    ]
    groupings = [
        {"label": _grouping_label(key, label, levels), "url": url(by=key, country=keep_country), "current": by == key}
        for key, (_g, label, _h) in GROUPINGS.items()
    ]
    return countries, groupings


def _paged(request: HttpRequest, param: str, items: list, shown) -> dict:
    """One page of a list (`shown` makes each row), with links to the pages around it that keep the
    page's other query parameters (the grouping, the country, the other list's page)."""
    page_obj = Paginator(items, PAGE_SIZE).get_page(request.GET.get(param))
    others = {k: v for k, v in request.GET.items() if k != param}
    links = page_links(page_obj, "", others, param)  # relative: "?…" ("" is the first page, no query)
    anchor = f"#{param.removesuffix('_page')}-h"  # back to the list, not the top of the page
    return {
        "rows": [shown(item) for item in page_obj.object_list],
        "page": page_obj,
        "previous": (links["previous"] or "?") + anchor if page_obj.has_previous() else None,
        "next": links["next"] + anchor if page_obj.has_next() else None,
    }


@page()
def summary(request: HttpRequest) -> HttpResponse:
    """National land release summary: headline figures, one grouping's table and chart, checks to do."""
    by = (request.GET.get("by") or DEFAULT_GROUPING).strip().lower()
    country = (request.GET.get("country") or "").strip().upper() or None
    names = country_names()  # the programmes, by name
    levels = admin_level_labels(country if country in names else None)
    countries, groupings = _links(request.path, by, country, names, levels)
    context = {
        "by": by,
        "country": country,
        "country_name": names.get(country, _("All countries")) if country else _("All countries"),
        "country_links": countries,
        "grouping_links": groupings,
    }
    errors = []
    if by not in GROUPINGS:
        errors.append(
            _("Unknown grouping “%(by)s”. Choose one of: %(choices)s.") % {"by": by, "choices": ", ".join(GROUPINGS)}
        )
    if country and country not in names:
        errors.append(
            _("Unknown country “%(country)s”. Choose one of: %(choices)s.")
            % {"country": country, "choices": ", ".join(sorted(names))}
        )
    if errors:
        return render(request, "landrelease/summary.html", {**context, "errors": errors}, status=400)

    grouping, _label, heading = GROUPINGS[by]
    rows = ledger_queries.summary(grouping, country, TOLERANCE_M2)
    by_country = ledger_queries.summary("country", country, TOLERANCE_M2)
    by_year = rows if grouping == "year" else ledger_queries.summary("year", country, TOLERANCE_M2)
    release = grouping not in ledger_queries.HAZARD_GROUPS
    table = _table(by, rows, release)
    discrepancies = ledger_queries.discrepancies(DISCREPANCY_TOLERANCE, country)
    proposals = ledger_queries.proposals(TOLERANCE_M2, country)
    context.update(
        {
            "heading": _grouping_label(by, heading, levels),
            "release": release,
            "period": by in PERIODS,
            "headline": {**_headline(by_country, by_year), "outside": _outside(by_country)},
            "table": table,
            "chart": _chart(by, rows, release, str(heading)),
            "legend": [(k, _outcome_labels()[k]) for k in (*OUTCOMES, *(() if release else ("remaining",)))],
            "discrepancies": _paged(request, "discrepancies_page", discrepancies, _discrepancy),
            "discrepancy_count": len(discrepancies),
            "discrepancy_pct": _fmt(100 * DISCREPANCY_TOLERANCE, 0),
            "proposals": _paged(request, "proposals_page", proposals, _proposal),
            "proposal_count": len(proposals),
            "tolerance_m2": _fmt(TOLERANCE_M2, 0),
            "confirm_api": f"POST {get_script_prefix()}api/v1/ledger/proposals/CODE/confirm",
        }
    )
    return render(request, "landrelease/summary.html", context)


def _outside(by_country: list[dict]) -> dict:
    """Ground released by products filed under no hazard, all years (apart from the hazards' figures)."""
    return {
        "products": sum(r.get("outside_hazards_products", 0) for r in by_country),
        "area": _area(sum(r.get("outside_hazards_m2", 0.0) for r in by_country)),
    }


def _headline(by_country: list[dict], by_year: list[dict]) -> dict:
    def total(rows: list[dict], key: str) -> float:
        return sum(r.get(key) or 0 for r in rows)

    year = dt.date.today().year
    this_year = next((r for r in by_year if str(r["group"]) == str(year)), {})
    found = [_devices(r) for r in by_year]
    year_devices = _devices(this_year) if this_year else (0, 0)
    released = {o: _area(this_year.get(f"{o}_m2")) for o in OUTCOMES}
    return {
        "year": year,
        # Remaining ground is counted once where hazards overlap; the plain sum is shown beside it.
        "sha": {
            "count": int(total(by_country, "remaining_sha")),
            "area": _area(total(by_country, "remaining_sha_unique_m2")),
            "sum": _area(total(by_country, "remaining_sha_m2")),
        },
        "cha": {
            "count": int(total(by_country, "remaining_cha")),
            "area": _area(total(by_country, "remaining_cha_unique_m2")),
            "sum": _area(total(by_country, "remaining_cha_m2")),
        },
        "released": _area(this_year.get("released_m2")),
        "released_by_outcome": [(o, _outcome_labels()[o], released[o]) for o in OUTCOMES],
        "devices_year": sum(year_devices),
        "devices_year_clearance": year_devices[0],
        "devices_year_eod": year_devices[1],
        "devices_all": sum(a + b for a, b in found),
    }


def _table(by: str, rows: list[dict], release: bool) -> dict:
    overlap_figures = (
        ["new_contamination_unique_m2", "new_contamination_overlap_m2"]
        if release
        else ["estimated_unique_m2", "estimated_overlap_m2", "remaining_unique_m2", "remaining_overlap_m2"]
    )
    figures = [f"{o}_m2" for o in OUTCOMES] + (["released_m2"] if release else ["estimated_m2", "remaining_m2"])
    # One unit for the whole table, readable for its largest row (the totals use it too).
    sized = figures + (["outside_hazards_m2"] if release else [])
    unit = _unit(max((r.get(f) or 0 for r in rows for f in sized), default=0))
    totals = {f: sum(r.get(f) or 0 for r in rows) for f in figures + overlap_figures}
    out = []
    for r in rows:
        label, secondary = _group_label(by, r)
        clearance, eod = _devices(r)
        item = {
            "label": label,
            "secondary": secondary,
            "group": r["group"],
            "hazards": r.get("hazards", 0),
            "products": r.get("products", 0),
            "devices": clearance + eod,
            "devices_clearance": clearance,
            "devices_eod": eod,
            **{o: _area(r.get(f"{o}_m2"), unit) for o in OUTCOMES},
        }
        if release:
            item["released"] = _area(r.get("released_m2"), unit)
            item["outside_hazards"] = _area(r.get("outside_hazards_m2"), unit)
            item["outside_hazards_products"] = r.get("outside_hazards_products", 0)
            item["new_hazards"] = r.get("new_hazards", 0)
            item["new_contamination"] = _area(r.get("new_contamination_m2"), unit)
            item["new_point_hazards"] = r.get("new_point_hazards", 0)
            item["new_point_area"] = _area(r.get("new_point_estimated_m2"), unit)
        else:
            item["estimated"] = _area(r.get("estimated_m2"), unit)
            item["remaining"] = _area(r.get("remaining_m2"), unit)
            # Point hazards are counted apart: no ground in the ledger (their declared area, if counted).
            item["point_hazards"] = r.get("point_hazards", 0)
            item["point_area"] = _area(r.get("point_estimated_m2"), unit)
        for f in overlap_figures:
            item[f.removesuffix("_m2")] = _area(r.get(f), unit)
            item["released_pct"] = _released_pct(r)
            item["remaining_sha"] = r.get("remaining_sha", 0)
            item["remaining_cha"] = r.get("remaining_cha", 0)
            item["remaining_sha_area"] = _area(r.get("remaining_sha_m2"), unit)
            item["remaining_cha_area"] = _area(r.get("remaining_cha_m2"), unit)
        out.append(item)
    total = {
        "hazards": sum(r.get("hazards", 0) for r in rows),
        "products": sum(r.get("products", 0) for r in rows),
        "devices": sum(i["devices"] for i in out),
        "remaining_sha": sum(r.get("remaining_sha", 0) for r in rows),
        "remaining_cha": sum(r.get("remaining_cha", 0) for r in rows),
        "new_hazards": sum(r.get("new_hazards", 0) for r in rows),
        "new_point_hazards": sum(r.get("new_point_hazards", 0) for r in rows),
        "point_hazards": sum(r.get("point_hazards", 0) for r in rows),
        "point_area": _area(sum(r.get("point_estimated_m2") or 0 for r in rows), unit),
        "new_contamination": _area(sum(r.get("new_contamination_m2") or 0 for r in rows), unit),
        "outside_hazards": _area(sum(r.get("outside_hazards_m2") or 0 for r in rows), unit),
        **{f.removesuffix("_m2"): _area(v, unit) for f, v in totals.items()},
        "released_pct": _released_pct(totals) if not release else None,
    }
    return {"rows": out, "total": total, "unit": unit[1]}


def _released_pct(r: dict) -> str | None:
    estimated = r.get("estimated_m2") or 0
    if estimated <= 0:
        return None
    released = sum(r.get(f"{o}_m2") or 0 for o in OUTCOMES)
    return _fmt(100 * released / estimated, 1)


def _chart(by: str, rows: list[dict], release: bool, heading: str) -> dict | None:
    """Stacked bars of the largest groups (the latest, for periods), laid out for the template's SVG."""
    keys = list(OUTCOMES) + ([] if release else ["remaining"])
    total_key = "released_m2" if release else "estimated_m2"
    candidates = [r for r in rows if (r.get(total_key) or 0) > 0]
    if not candidates:
        return None
    if by in PERIODS:
        chosen = candidates[-CHART_GROUPS:]
    else:
        chosen = sorted(candidates, key=lambda r: -(r.get(total_key) or 0))[:CHART_GROUPS]
    largest = max(r[total_key] for r in chosen)
    labels = _outcome_labels()
    bars = []
    for n, r in enumerate(chosen):
        label, secondary = _group_label(by, r)
        name = f"{label} ({secondary})" if secondary else label
        total = r[total_key]
        x = 0.0
        segments = []
        parts = []
        for key in keys:
            value = r.get(f"{key}_m2") or 0
            if value <= 0:
                continue
            width = 100 * value / largest
            share = _fmt(100 * value / total, 1)
            area = _area(value)
            text = f"{labels[key]}: {area['text']} {area['unit']} ({share} %)"
            segments.append({"key": key, "x": f"{x:.3f}", "width": f"{width:.3f}", "title": f"{name} · {text}"})
            parts.append(text)
            x += width
        shown = _area(total)
        value = f"{shown['text']} {shown['unit']}"
        if release:
            extra = " " + _("released")
        else:
            remaining = _fmt(100 * (r.get("remaining_m2") or 0) / total, 0)
            extra = " · " + _("%(pct)s %% remaining") % {"pct": remaining}
        top = n * ROW_H
        bars.append(
            {
                "label": label if len(label) <= 30 else label[:29] + "…",
                "secondary": f" ({secondary})" if secondary else "",
                "title": f"{name}: " + "; ".join(parts),
                "value": value,
                "value_extra": extra,
                "label_y": str(top + 13),  # strings: SVG attributes must never be localised
                "bar_y": str(top + BAR_Y),
                "segments": segments,
            }
        )
    shown_n = len(chosen)
    if by in PERIODS:
        title = ngettext(
            "Land release by %(group)s: the latest period",
            "Land release by %(group)s: the latest %(n)s periods",
            shown_n,
        ) % {"group": heading.lower(), "n": shown_n}
    elif release:
        title = ngettext(
            "Land released by %(group)s: the largest group",
            "Land released by %(group)s: the %(n)s largest groups",
            shown_n,
        ) % {"group": heading.lower(), "n": shown_n}
    else:
        title = ngettext(
            "Estimated area by %(group)s and what became of it: the largest group",
            "Estimated area by %(group)s and what became of it: the %(n)s largest groups",
            shown_n,
        ) % {"group": heading.lower(), "n": shown_n}
    if release:
        desc = _("Each bar is the area released in the group, split into cancelled, reduced and cleared land.")
    else:
        desc = _(
            "Each bar is the estimated area of the group's hazards, split into cancelled, reduced, cleared "
            "and remaining land; bar lengths share one scale."
        )
    return {
        "title": title,
        "desc": desc,
        "bars": bars,
        "height": str(shown_n * ROW_H + 2),
        "bar_h": str(BAR_H),
        "more": len(candidates) - shown_n,
    }


def _signed(value: float, decimals: int) -> str:
    return ("+" if value > 0 else "") + _fmt(value, decimals)


def _discrepancy(d: dict) -> dict:
    return {
        **d,
        "reported": _fmt(d["reported_area_m2"], 0),
        "computed": _fmt(d["area_m2"], 0),
        "difference": _signed(d["difference_m2"], 0),
        "pct": _signed(d["difference_pct"], 1),
        "url": reverse("hazard-detail", args=[d["hazard_code"]]) if d["hazard_code"] else None,
    }


def _proposal(p: dict) -> dict:
    if p["change"] == "status" and p["to"] == "closed":
        change = _("Close the hazard")
        reason = _("Remaining area under %(tolerance)s m²") % {"tolerance": _fmt(TOLERANCE_M2, 0)}
    elif p["change"] == "hazard_class" and p["to"] == "CHA":
        change = _("Reclassify as CHA")
        reason = _("Direct evidence recorded")
    else:
        change = _("Set %(field)s to %(value)s") % {"field": p["change"], "value": p["to"]}
        reason = p["reason"]
    return {**p, "change_text": change, "reason_text": reason, "url": reverse("hazard-detail", args=[p["code"]])}
