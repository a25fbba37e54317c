"""The home page: the full-width map over every app's layers (hazards, ledger, products, activities, devices);
for anonymous visitors, the public landing page (portal/landing.py).

The map page fetches its data from the API (`/api/v1/...`) in the browser; its layers, filters and
labels come from portal/map_views.py through the JSON config.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import get_script_prefix, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from safeground.core.access import page
from safeground.gazetteer import queries as gazetteer_queries
from safeground.hazards.models import Hazard
from safeground.portal import landing, map_views

API_PREFIX = "api/v1"  # config/urls.py mounts the Ninja API here
HAZARD_LIMIT = 5000  # most hazards the map asks for in one request
BOUNDARY_SIMPLIFY = 0.002  # degrees; province outlines on the overview map


#: A number in each CLDR plural category, to pick the catalogue's form for it (ngettext).
PLURAL_SAMPLES = {"zero": 0, "one": 1, "two": 2, "few": 3, "many": 11, "other": 100}


def map_countries() -> list[dict]:
    """The programmes with their extents ([west, south, east, north]): the map's country switcher flies to them.
    Before any programme exists, one entry for the whole world."""
    return gazetteer_queries.map_countries() or [
        {"code": "", "name": str(_("All countries")), "bbox": [-180.0, -85.0, 180.0, 85.0]}
    ]


@page(public=True)
def home(request: HttpRequest) -> HttpResponse:
    """Full-width map: hazards, products, remaining areas, devices, activities, villages, boundaries.

    Anonymous visitors get the public landing page instead (portal/landing.py): aggregates only.

    Everything it draws is fetched by static/js/map.js for the visible bbox (docs/decisions/0011);
    the layers, filters and every label come from portal/map_views.py through the JSON config.
    """
    if not request.user.is_authenticated:
        return landing.landing(request)
    countries = map_countries()
    requested = request.GET.get("country", "").upper()
    initial = requested if requested in {c["code"] for c in countries} else countries[0]["code"]
    placeholders = {"shown": "{shown}", "total": "{total}"}
    api = get_script_prefix() + API_PREFIX
    urls = map_views.record_urls()
    layers = map_views.overview_layers(api, request.user)
    filters = map_views.filter_options()
    config = {
        "api": api,
        "detailUrl": reverse("hazard-detail", args=["__CODE__"]),
        "urls": urls,
        "countries": countries,
        "initialCountry": initial,
        "hazardLimit": HAZARD_LIMIT,
        "boundarySimplify": BOUNDARY_SIMPLIFY,
        "layers": layers,
        "filters": filters,
        "labels": {
            "classes": {key: _(label) for key, label in Hazard.CLASS_CHOICES},
            "statuses": {key: _(label) for key, label in Hazard.STATUS_CHOICES},
            "code": _("Code"),
            "class": _("Class"),
            "status": _("Status"),
            "area": _("Area"),
            "ha": _("ha"),
            "open": _("Open hazard page"),
            # JS fills in {shown} and {total}, with the form of the count's plural category
            # (Intl.PluralRules: Arabic has six); each category's form is the catalogue's for a number in it.
            "counts": {
                category: ngettext(
                    "%(shown)s hazard shown of %(total)s in view", "%(shown)s hazards shown of %(total)s in view", n
                )
                % placeholders
                for category, n in PLURAL_SAMPLES.items()
            },
            "loading": _("Loading hazards…"),
            "failed": _("Could not load hazards from the API."),
            "boundariesFailed": _("Could not load province boundaries from the API."),
            "synthetic": _("Synthetic"),
            **map_views.popup_labels(),
        },
    }
    return render(
        request,
        "portal/home.html",
        {
            "map_config": config,
            "countries": countries,
            "layers": layers,
            "filters": filters,
        },
    )
