"""The data quality page (`/quality/`) and its GeoPackage download (`/quality/findings.gpkg`).

Both read the cached run of `queries.cached_run` (default thresholds), so moving between filters
doesn't re-run the checks; any save to a hazard, product, activity or device starts a new run.
"""

from __future__ import annotations

import os
import tempfile
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from safeground.core.access import page
from safeground.core.errors import ValidationFailed
from safeground.core.listing import page_links
from safeground.gazetteer.queries import countries, country_name
from safeground.quality import gpkg, queries
from safeground.quality.findings import CHECKS, MUST_FIX, RECORD_TYPES, SEVERITIES

PAGE_SIZE = 25  # findings per page (a finding is a few lines: 25 fit a phone's scrolling)
FILTERS = ("country", "severity", "check", "record_type")


def _filters(request: HttpRequest) -> dict:
    values = {name: (request.GET.get(name) or "").strip() or None for name in FILTERS}
    if values["country"]:
        values["country"] = values["country"].upper()
    return values


def _related_are_hazards(finding) -> bool:
    """The other records of a hazard's finding are hazards; a product spilling out names hazards too."""
    return finding.record_type == "hazard" or finding.check == "product-outside-hazard"


def _url(path: str, **params) -> str:
    query = {k: v for k, v in params.items() if v}
    return f"{path}?{urlencode(query)}" if query else path


@page()
def checks_page(request: HttpRequest) -> HttpResponse:
    """Counts per check, then the findings (filtered), each linking to the hazard page that shows it."""
    f = _filters(request)
    context = {
        "filters": f,
        "country_name": _(country_name(f["country"])) if f["country"] else _("All countries"),
        "countries": [(iso3, _(country_name(iso3))) for iso3 in countries()],
        "severities": [(k, str(v)) for k, v in SEVERITIES.items()],
        "checks": [(c.id, str(c.title)) for c in CHECKS.values()],
        "record_types": [(k, str(v)) for k, v in RECORD_TYPES.items()],
    }
    try:
        queries.validate_filters(f["severity"], f["check"], f["country"], f["record_type"])
    except ValidationFailed as exc:
        return render(request, "quality/checks.html", {**context, "error": str(exc)}, status=400)

    report = queries.cached_run(f["country"])
    selected = queries.select(report.findings, f["severity"], f["check"], f["record_type"])
    counts = report.counts()
    path = request.path
    page_obj = Paginator(selected, PAGE_SIZE).get_page(request.GET.get("page"))
    summary = [
        {
            "id": c.id,
            "title": c.title,
            "description": c.description,
            "severity": c.severity,
            "must_fix": counts[c.id]["must_fix"],
            "advisory": counts[c.id]["advisory"],
            "url": _url(path, country=f["country"], check=c.id),
            "current": f["check"] == c.id,
        }
        for c in CHECKS.values()
    ]
    rows = [
        {
            "finding": x,
            "title": CHECKS[x.check].title,
            "severity_label": SEVERITIES[x.severity],
            "record_label": RECORD_TYPES[x.record_type],
            "url": queries.hazard_url(x.hazard_code),
            "own_page": x.record_type == "hazard",
            "related": [(code, queries.hazard_url(code) if _related_are_hazards(x) else None) for code in x.related],
        }
        for x in page_obj.object_list
    ]
    must = report.must_fix()
    context.update(
        {
            "summary": summary,
            "clean_checks": [c for c in summary if not (c["must_fix"] or c["advisory"] or c["current"])],
            "rows": rows,
            "total": len(report.findings),
            "must_fix": must,
            "advisory": len(report.findings) - must,
            "selected": len(selected),
            "page_obj": page_obj,
            "page_urls": page_links(page_obj, path, {k: v for k, v in f.items() if v}),
            "checked": [(RECORD_TYPES[k], n) for k, n in report.checked.items()],
            "seconds": report.seconds,
            "must_fix_key": MUST_FIX,
            "gpkg_url": _url(reverse("quality-findings-gpkg"), **f),
            "api_url": _url(reverse("api-1:quality-findings"), **f),
            "clear_url": path,
        }
    )
    return render(request, "quality/checks.html", context)


@page()
def findings_gpkg(request: HttpRequest) -> HttpResponse:
    """The (filtered) findings as a GeoPackage point layer."""
    f = _filters(request)
    try:
        queries.validate_filters(f["severity"], f["check"], f["country"], f["record_type"])
    except ValidationFailed as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
    report = queries.cached_run(f["country"])
    selected = queries.select(report.findings, f["severity"], f["check"], f["record_type"])
    handle, path = tempfile.mkstemp(suffix=".gpkg")
    os.close(handle)
    try:
        gpkg.write(selected, path)
        with open(path, "rb") as stream:
            data = stream.read()
    finally:
        os.unlink(path)
    name = "safeground-quality" + "".join(f"-{v}" for v in f.values() if v) + ".gpkg"
    response = HttpResponse(data, content_type="application/geopackage+sqlite3")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
