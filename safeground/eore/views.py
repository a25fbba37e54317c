"""The risk education page (/eore/): people reached by sex and age, by year, method, province and
organisation, and the latest sessions. Figures come from eore.queries; the chart is plain HTML/CSS."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import get_script_prefix
from django.utils.translation import gettext as _

from safeground.core.access import page
from safeground.eore import queries
from safeground.eore.models import Session
from safeground.gazetteer.models import AdminArea
from safeground.gazetteer.queries import country_choices

GROUPS = queries.GROUPS
TABLES = ["method", "province", "organisation", "audience"]
LATEST = 25


def _group_labels() -> dict[str, str]:
    return {"girls": _("Girls"), "boys": _("Boys"), "women": _("Women"), "men": _("Men")}


def _label(dim: str, value, names: dict) -> tuple[str, str]:
    if value is None and dim in ("province",):
        return _("No place (mass media, digital)"), ""
    if value is None:
        return _("Not recorded"), ""
    if dim == "method":
        return _(dict(Session.METHOD_CHOICES).get(value, value)), ""
    if dim == "audience":
        return _(dict(Session.AUDIENCE_CHOICES).get(value, value)), ""
    if dim == "province":
        return names.get(value, value), value
    return str(value), ""


def _rows(dim: str, data: dict, names: dict | None = None) -> list[dict]:
    """Rows with the sex-and-age split as stacked bar segments (% of the largest row)."""
    largest = max((r["total"] for r in data["rows"]), default=0) or 1
    out = []
    rows = data["rows"] if dim == "year" else sorted(data["rows"], key=lambda r: (-r["total"], str(r["group"])))
    for r in rows:
        label, secondary = _label(dim, r["group"], names or {})
        x, segments = 0.0, []
        for g in GROUPS:
            width = 100 * r[g] / largest
            segments.append({"key": g, "x": f"{x:.2f}", "width": f"{width:.2f}", "count": r[g]})
            x += width
        out.append({**r, "label": label, "secondary": secondary, "segments": segments})
    return out


@page()
def home(request: HttpRequest) -> HttpResponse:
    choices = country_choices()  # the programmes, read once for the selector and the check
    names = dict(choices)
    value = (request.GET.get("country") or "").strip().upper()
    country = value if value in names else None
    by_year = queries.beneficiaries("year", country=country)
    names = dict(AdminArea.objects.filter(level=1).values_list("code", "name"))
    tables = []
    headings = {
        "method": _("By method"),
        "province": _("By province"),
        "organisation": _("By organisation"),
        "audience": _("By audience"),
    }
    for dim in TABLES:
        data = queries.beneficiaries(dim, country=country)
        tables.append({"dim": dim, "heading": headings[dim], "rows": _rows(dim, data, names), "total": data["total"]})
    latest = [
        {
            **queries.session_properties(s),
            "method_label": _(dict(Session.METHOD_CHOICES).get(s.method, s.method)),
            "audience_label": _(dict(Session.AUDIENCE_CHOICES).get(s.audience, s.audience)),
        }
        for s in queries.sessions(country=country)[:LATEST]
    ]
    total = by_year["total"]
    context = {
        "country": country,
        "country_name": names.get(country, _("All countries")) if country else _("All countries"),
        "country_links": [{"label": _("All"), "url": request.path, "current": country is None}]
        + [
            {"label": str(name), "url": f"{request.path}?country={code}", "current": country == code}
            for code, name in choices
        ],
        "unknown_country": value if value and country is None else "",
        "total": total,
        "groups": [(g, _group_labels()[g], total[g]) for g in GROUPS],
        "children_pct": round(100 * (total["girls"] + total["boys"]) / total["total"]) if total["total"] else 0,
        "female_pct": round(100 * (total["girls"] + total["women"]) / total["total"]) if total["total"] else 0,
        "years": _rows("year", by_year),
        "tables": tables,
        "latest": latest,
        "session_count": queries.sessions(country=country).count(),
        "api": f"{get_script_prefix()}api/v1/eore",
        "has_synthetic": Session.objects.filter(is_synthetic=True).exists(),
    }
    return render(request, "eore/home.html", context)
