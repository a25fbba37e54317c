"""The public landing page: what an anonymous visitor of `/` sees (signed-in accounts get the map).

What SafeGround is, the public dashboard's headline figures for every programme, a choropleth map of
remaining contamination by province and the way to sign in. Aggregates only: the map's data
(`/public/contamination.geojson`, dashboard app) holds province outlines and totals, never a hazard.
Both come from caches (dashboard.queries `public_dashboard`, `contamination_by_province`), so an
anonymous visitor starts no heavy query; static/js/landing.js draws the map.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from safeground.dashboard import headline, queries
from safeground.gazetteer import queries as gazetteer_queries


def landing(request: HttpRequest) -> HttpResponse:
    """The page (`portal.views.home` answers anonymous visitors with it)."""
    data = queries.public_dashboard()
    countries = gazetteer_queries.map_countries()
    config = {
        "dataUrl": reverse("public-contamination"),
        "countries": [{"code": c["code"], "name": c["name"], "bbox": c["bbox"]} for c in countries],
        "labels": {
            "ha": _("ha"),
            "remaining": _("Remaining contamination"),
            "openHazards": _("Open hazards"),
            "legend": _("Remaining (%(unit)s)") % {"unit": _("ha")},
            "none": _("None recorded"),
            "failed": _("Could not load the map's figures."),
        },
    }
    return render(
        request,
        "portal/landing.html",
        {
            "headline": headline.figures(data),
            "year_text": str(data["year"]),  # a year is not a number to group: never "2,025"
            "countries": countries,
            "landing_config": config,
        },
    )
