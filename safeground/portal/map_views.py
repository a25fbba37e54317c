"""The home map's layers, legend and filters, and the one layer endpoint the API lacks (remaining areas).

`portal.views.home` passes `overview_layers()`, `filter_options()` and `popup_labels()` to static/js/map.js in
its JSON config, so every label the map shows is translated here, on the server, and the template's
layer panel and the script read the same list. Every layer with tiles in the layer registry is drawn
from them (`tiles`: its TileJSON, decision 0026), its filters applied in the browser to the tiles'
properties (`filterProps`). Accidents have no tiles: they are fetched as bbox-limited GeoJSON from the
API for the visible extent, only while switched on and within their zoom range (decision 0011).

The remaining (not yet released) ground of each hazard lives in the stored ledger
(`HazardLedger.remaining_geom`); the API serves it one hazard at a time, so `remaining_areas` lists it
for a bbox, with the same paging and `numberMatched` as the API's FeatureCollections (for scripts;
the map reads its tiles).
"""

from __future__ import annotations

from django.db.models import F
from django.http import HttpRequest, JsonResponse
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from safeground.core.access import page
from safeground.core.features import Properties
from safeground.core.geojson import MAX_LIMIT, parse_bbox
from safeground.core.geojson import page as geojson_page
from safeground.core.geometry import GeometryError
from safeground.hazards.models import Hazard
from safeground.interop.layer_registry import ADMIN_MINZOOM, PLACE_MINZOOM, REMAINING_MIN_M2, registry
from safeground.interop.tile_views import map_source
from safeground.landrelease.ledger import queries as ledger_queries
from safeground.landrelease.models import Device, Product
from safeground.operations.models import Activity
from safeground.ordnance.models import CATEGORY_CHOICES
from safeground.organisations.models import Organisation

CODE = "__CODE__"  # placeholder map.js replaces with a record's code in the popup links
REMAINING_DEFAULT_LIMIT = 2000

# Zoom ranges come from the layer registry (interop/layer_registry.py). Hazards and provinces are drawn
# at every scale; the rest would be unreadable specks (or thousands of exact device locations) when
# zoomed out. Devices are drawn as clusters from their minzoom, and at their exact locations where
# their tiles stop clustering them.
ZOOM = {
    "accidents": registry()["accidents"].minzoom,
    "districts": ADMIN_MINZOOM[2],
    "products": registry()["products"].minzoom,
    "remaining": registry()["remaining_areas"].minzoom,
    "activities": registry()["activities"].minzoom,
    "villages": PLACE_MINZOOM["village"],
    "communes": ADMIN_MINZOOM[3],
    "devices": registry()["devices"].minzoom,
}
#: The registry layer each of the map's layers shows (its permission decides who gets it).
SOURCES = {
    "hazards": "hazards",
    "remaining": "remaining_areas",
    "products": "products",
    "activities": "activities",
    "devices": "devices",
    "accidents": "accidents",
    "villages": "places",
    "provinces": "admin_areas",
    "districts": "admin_areas",
    "communes": "admin_areas",
}
LIMIT = {
    "hazards": 5000,
    "products": 5000,
    "remaining": REMAINING_DEFAULT_LIMIT,
    "activities": 3000,
    "devices": 2000,
    "accidents": 2000,
    "villages": 3000,
    "districts": 1000,
    "communes": 1000,
}
# Simplification (degrees) of the admin boundaries drawn at each layer's smallest scale.
SIMPLIFY = {"provinces": 0.002, "districts": 0.0005, "communes": 0.0001}

# Which filters each layer passes to its endpoint (the filter key is the API's query parameter).
FILTERS = ("status", "hazard_class", "outcome", "organisation")


def _tiled(layer_id: str, **filter_props: str) -> dict:
    """How the map draws a layer from vector tiles: its TileJSON (and what the map needs of it, embedded),
    the tiles' source layer, and which tile property each of the panel's filters compares (the filters
    are applied in the browser)."""
    source = SOURCES[layer_id]
    return {
        "tiles": reverse("tilejson", args=[source]),
        "tileSource": map_source(registry()[source]),  # the TileJSON's essentials, embedded
        "source": source,
        "filterProps": filter_props,
    }


def _detail_url(name: str, fallback: str) -> str:
    """A record page's URL with the code placeholder; the literal path until that page's app adds its URL."""
    try:
        return reverse(name, args=[CODE])
    except NoReverseMatch:
        return fallback


def record_urls() -> dict[str, str]:
    return {
        "hazard": reverse("hazard-detail", args=[CODE]),
        "product": _detail_url("product-detail", f"/products/{CODE}/"),
        "activity": _detail_url("activity-detail", f"/activities/{CODE}/"),
    }


def _legend(prefix: str, choices) -> list[dict]:
    return [{"key": key, "swatch": f"{prefix}-{key}", "label": _(label)} for key, label in choices]


def overview_layers(api: str, user=None) -> list[dict]:
    """The map's layers, top of the panel first. `url` + `params` + bbox + limit + filters = one request.
    With `user`: only the layers whose registry layer that account may see."""
    layers = [
        {
            "id": "hazards",
            "label": _("Hazards"),
            "url": f"{api}/hazards",
            **_tiled("hazards", status="status", hazard_class="hazard_class", organisation="reporting_organisation"),
            "params": {},
            "filters": ["status", "hazard_class", "organisation"],
            "minzoom": 0,
            "limit": LIMIT["hazards"],
            "on": True,
            "legend": [
                {"key": "CHA", "swatch": "lg-hz-cha", "label": _("CHA, confirmed")},
                {"key": "SHA", "swatch": "lg-hz-sha", "label": _("SHA, suspected")},
                {"key": "point", "swatch": "lg-hz-point", "label": _("Point hazard (no polygon yet)")},
                *_legend("lg-hz-status", Hazard.STATUS_CHOICES),
            ],
        },
        {
            "id": "remaining",
            "label": _("Remaining area (ledger)"),
            "url": reverse("map-remaining"),
            **_tiled("remaining", status="status", hazard_class="hazard_class", organisation="reporting_organisation"),
            "params": {},
            "filters": ["status", "hazard_class", "organisation"],
            "minzoom": ZOOM["remaining"],
            "limit": LIMIT["remaining"],
            "on": False,
            "legend": [{"key": "remaining", "swatch": "lg-remaining", "label": _("Not yet released")}],
        },
        {
            "id": "products",
            "label": _("Land release products"),
            "url": f"{api}/products",
            **_tiled("products", outcome="outcome", organisation="organisation"),
            "params": {},
            "filters": ["outcome", "organisation"],
            "minzoom": ZOOM["products"],
            "limit": LIMIT["products"],
            "on": True,
            "legend": _legend("lg-lr", Product.OUTCOME_CHOICES),
        },
        {
            "id": "activities",
            "label": _("Activities"),
            "url": f"{api}/activities",
            **_tiled("activities", organisation="organisation"),
            "params": {},
            "filters": ["organisation"],
            "minzoom": ZOOM["activities"],
            "limit": LIMIT["activities"],
            "on": False,
            "legend": _legend("lg-act", Activity.TYPE_CHOICES),
        },
        {
            "id": "devices",
            "label": _("Devices found"),
            "url": f"{api}/devices",
            **_tiled("devices", organisation="organisation"),
            # Below this zoom the tiles hold clusters (how many devices and items per grid cell).
            "exactFrom": registry()["devices"].tile.cluster_below,  # type: ignore[union-attr]
            "params": {},
            "filters": ["organisation"],
            "minzoom": ZOOM["devices"],
            "limit": LIMIT["devices"],
            "on": True,
            "legend": _legend("lg-dev", CATEGORY_CHOICES),
        },
        {
            # Accidents without who they were (no personal data): when, what, how many killed and injured.
            "id": "accidents",
            "label": _("Accidents"),
            "url": f"{api}/victims/accidents",
            "params": {},
            "filters": [],
            "minzoom": ZOOM["accidents"],
            "limit": LIMIT["accidents"],
            "on": False,
            "legend": [{"key": "accident", "swatch": "lg-accident", "label": _("Accident (mine/ERW or demining)")}],
        },
        {
            "id": "villages",
            "label": _("Villages"),
            "url": f"{api}/places",
            **_tiled("villages"),
            "params": {"kind": "village"},
            "filters": [],
            "minzoom": ZOOM["villages"],
            "limit": LIMIT["villages"],
            "on": False,
            "legend": [{"key": "village", "swatch": "lg-village", "label": _("Village")}],
        },
        {
            "id": "provinces",
            **_tiled("provinces"),
            "admin_level": 1,  # the map names it as the country in view does (map.js)
            "label": _("Provinces"),
            "url": f"{api}/admin-areas",
            "params": {"level": 1, "simplify": SIMPLIFY["provinces"]},
            "filters": [],
            "minzoom": 0,
            "limit": None,  # both countries' provinces, once (~100 simplified outlines)
            "on": True,
            "legend": [{"key": "province", "swatch": "lg-admin-1", "label": _("Province boundary")}],
        },
        {
            "id": "districts",
            **_tiled("districts"),
            "admin_level": 2,  # the map names it as the country in view does (map.js)
            "label": _("Districts"),
            "url": f"{api}/admin-areas",
            "params": {"level": 2, "simplify": SIMPLIFY["districts"]},
            "filters": [],
            "minzoom": ZOOM["districts"],
            "limit": LIMIT["districts"],
            "on": True,
            "legend": [{"key": "district", "swatch": "lg-admin-2", "label": _("District boundary")}],
        },
        {
            "id": "communes",
            **_tiled("communes"),
            "admin_level": 3,  # the map names it as the country in view does (map.js)
            "label": _("Communes"),
            "url": f"{api}/admin-areas",
            "params": {"level": 3, "simplify": SIMPLIFY["communes"]},
            "filters": [],
            "minzoom": ZOOM["communes"],
            "limit": LIMIT["communes"],
            "on": False,
            "legend": [{"key": "commune", "swatch": "lg-admin-3", "label": _("Commune boundary")}],
        },
    ]
    if user is None:
        return layers
    return [layer for layer in layers if registry()[SOURCES[layer["id"]]].allows(user)]


def filter_options() -> list[dict]:
    """The panel's filters: one select each, "all" first; organisations that report hazards or run activities."""
    organisations = (
        Organisation.objects.filter(kind__in=("authority", "operator"))
        .order_by("country", "acronym")
        .values_list("acronym", "name", "country")
    )
    return [
        {"key": "status", "label": _("Hazard status"), "options": [[k, _(v)] for k, v in Hazard.STATUS_CHOICES]},
        {"key": "hazard_class", "label": _("Hazard class"), "options": [[k, k] for k, _v in Hazard.CLASS_CHOICES]},
        {"key": "outcome", "label": _("Product outcome"), "options": [[k, _(v)] for k, v in Product.OUTCOME_CHOICES]},
        {
            "key": "organisation",
            "label": _("Organisation"),
            "options": [[acronym, f"{acronym} · {name} ({country})"] for acronym, name, country in organisations],
        },
    ]


def popup_labels() -> dict:
    """Field names and value labels the popups and the status line show (JS fills in {shown}, {total}, {layer})."""
    return {
        "classes": {key: _(label) for key, label in Hazard.CLASS_CHOICES},
        "statuses": {key: _(label) for key, label in Hazard.STATUS_CHOICES},
        "outcomes": {key: _(label) for key, label in Product.OUTCOME_CHOICES},
        "categories": {key: _(label) for key, label in CATEGORY_CHOICES},
        "activityTypes": {key: _(label) for key, label in Activity.TYPE_CHOICES},
        "activityStatuses": {key: _(label) for key, label in Activity.STATUS_CHOICES},
        "conditions": {key: _(label) for key, label in Device.CONDITION_CHOICES},
        "kinds": {
            "hazard": _("Hazard"),
            "product": _("Land release product"),
            "remaining": _("Remaining area"),
            "activity": _("Activity"),
            "device": _("Device found"),
            "deviceCluster": _("Devices found"),
            "accident": _("Accident"),
            "village": _("Village"),
            "admin1": _("Province"),
            "admin2": _("District"),
            "admin3": _("Commune"),
        },
        "name": _("Name"),
        "organisation": _("Organisation"),
        "outcome": _("Outcome"),
        "released": _("Released on"),
        "hazard": _("Hazard"),
        "product": _("Product"),
        "activity": _("Activity"),
        "type": _("Type"),
        "dates": _("Dates"),
        "category": _("Category"),
        "model": _("Model"),
        "items": _("Items"),
        "found": _("Found on"),
        "occurred": _("Date"),
        "killed": _("Killed"),
        "injured": _("Injured"),
        "condition": _("Condition"),
        "remaining": _("Remaining"),
        "estimated": _("Estimated"),
        "radius": _("Declared radius"),
        "openProduct": _("Open product page"),
        "outsideHazards": _("outside every hazard"),
        "openActivity": _("Open activity page"),
        "alsoHere": _("Also here"),
        "zoomIn": _("zoom in to see"),
        "records": _("Records"),
        "zoomInForDevices": _("Zoom in to see each device."),
        "limited": _("%(layer)s: %(shown)s of %(total)s shown, zoom in")
        % {
            "layer": "{layer}",
            "shown": "{shown}",
            "total": "{total}",
        },
        "layerFailed": _("Could not load %(layer)s.") % {"layer": "{layer}"},
        "allValues": _("All"),
    }


_remaining_properties = Properties(
    code="hazard__code",
    hazard_class="hazard__hazard_class",
    status="hazard__status",
    remaining_m2="remaining_m2",
    estimated_m2="estimated_m2",
    is_synthetic="hazard__is_synthetic",
)


@page()
def remaining_areas(request: HttpRequest) -> JsonResponse:
    """Remaining (not yet released) ground of the hazards in a bbox, as a GeoJSON FeatureCollection.

    Query: `bbox=minlon,minlat,maxlon,maxlat`, `limit` (≤ 10,000), `offset`, and the hazard filters
    `country`, `hazard_class`, `status`, `organisation` (reporting organisation's acronym).
    """
    q = request.GET
    try:
        box = parse_bbox(q.get("bbox"))
    except GeometryError as exc:
        return JsonResponse({"detail": str(exc), "field": "bbox"}, status=400)
    try:
        limit = int(q.get("limit") or REMAINING_DEFAULT_LIMIT)
        offset = max(0, int(q.get("offset") or 0))
    except ValueError:
        return JsonResponse({"detail": "limit and offset must be whole numbers", "field": "limit"}, status=400)
    rows = ledger_queries.hazard_rows(
        country=q.get("country") or None,
        hazard_class=q.get("hazard_class") or None,
        status=q.get("status") or None,
        organisation=q.get("organisation") or None,
    ).filter(remaining_geom__isnull=False, remaining_m2__gte=REMAINING_MIN_M2)
    if box is not None:
        rows = rows.filter(remaining_geom__intersects=box)
    rows = rows.annotate(code=F("hazard__code"))
    return geojson_page(
        rows,
        request=request,
        limit=min(limit, MAX_LIMIT),
        offset=offset,
        geom_field="remaining_geom",
        properties=_remaining_properties,
        content_type="application/geo+json",
    )
