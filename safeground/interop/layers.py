"""The layers SafeGround exports (and the OGC API serves): their fields, types and Shapefile names.

Exported field names are the names the importer reads back, so an export re-imports without a
mapping file. Shapefile (dBase) field names are limited to 10 characters: each long name has one
short alias, written to Shapefiles and recognised by the importer.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from safeground.victims.models import CASUALTY_COUNTS

LAYERS = (
    "hazards",
    "hazard_points",
    "remaining_areas",
    "products",
    "devices",
    "activities",
    "accidents",
    "admin_areas",
    "places",
)
#: Names of the layers on the pages (files keep the keys: QGIS users script against them).
LAYER_LABELS = {
    "hazards": _("Hazards"),
    "hazard_points": _("Point hazards"),
    "remaining_areas": _("Remaining contaminated areas"),
    "products": _("Land release products"),
    "devices": _("Devices"),
    "activities": _("Activities"),
    "accidents": _("Accidents"),
    "admin_areas": _("Administrative areas"),
    "places": _("Places"),
}

#: Layer → [(field, type)]; types: str, int, float, date, bool.
FIELDS: dict[str, list[tuple[str, str]]] = {
    "hazards": [
        ("code", "str"),
        ("name", "str"),
        ("hazard_class", "str"),
        ("status", "str"),
        ("contamination_type", "str"),
        ("recorded_on", "date"),
        ("recorded_on_precision", "str"),
        ("status_changed_on", "date"),
        ("reporting_organisation", "str"),
        ("suspected_models", "str"),
        ("benchmark_lon", "float"),
        ("benchmark_lat", "float"),
        ("country", "str"),
        ("province_code", "str"),
        ("district_code", "str"),
        ("commune_code", "str"),
        ("area_m2", "float"),
        ("utm_epsg", "int"),
        ("is_synthetic", "bool"),
        # Provenance: the source's own ID and its columns SafeGround has no field for (JSON text).
        ("source_id", "str"),
        ("source_attributes", "str"),
    ],
    # Point hazards (indications, EOD spot tasks): GeoPackage layers hold one geometry type, so they are
    # a layer of their own, with the polygon hazards' fields and the declared radius.
    "hazard_points": [],  # filled below
    "remaining_areas": [
        ("hazard_code", "str"),
        ("hazard_class", "str"),
        ("status", "str"),
        ("country", "str"),
        ("estimated_m2", "float"),
        ("cleared_m2", "float"),
        ("reduced_m2", "float"),
        ("cancelled_m2", "float"),
        ("remaining_m2", "float"),
    ],
    "products": [
        ("code", "str"),
        ("outcome", "str"),
        ("hazard_code", "str"),
        ("activity_code", "str"),
        ("organisation", "str"),
        ("released_on", "date"),
        ("clearance_depth_cm", "int"),
        ("reported_area_m2", "float"),
        ("area_m2", "float"),
        ("country", "str"),
        ("is_synthetic", "bool"),
        ("source_id", "str"),
        ("source_attributes", "str"),
    ],
    "devices": [
        ("code", "str"),
        ("category", "str"),
        ("model", "str"),
        ("condition", "str"),
        ("depth_cm", "int"),
        ("disposal", "str"),
        ("found_on", "date"),
        ("count", "int"),
        ("product_code", "str"),
        ("hazard_code", "str"),
        ("activity_code", "str"),
        ("is_synthetic", "bool"),
        ("source_id", "str"),
        ("source_attributes", "str"),
    ],
    "activities": [
        ("code", "str"),
        ("activity_type", "str"),
        ("status", "str"),
        ("organisation", "str"),
        ("teams", "str"),
        ("methods", "str"),
        ("hazard_codes", "str"),
        ("country", "str"),
        ("start_date", "date"),
        ("end_date", "date"),
        ("is_synthetic", "bool"),
        ("source_id", "str"),
        ("source_attributes", "str"),
    ],
    "admin_areas": [
        ("code", "str"),
        ("name", "str"),
        ("country", "str"),
        ("level", "int"),
        ("parent_code", "str"),
    ],
    "places": [
        ("code", "str"),
        ("name", "str"),
        ("kind", "str"),
        ("country", "str"),
        ("admin_area_code", "str"),
    ],
}

FIELDS["hazard_points"] = [*FIELDS["hazards"], ("radius_m", "float")]
# Accidents without personal data: the fields the accidents import reads, casualties as counts.
FIELDS["accidents"] = [
    ("code", "str"),
    ("occurred_on", "date"),
    ("occurred_on_precision", "str"),
    ("accident_type", "str"),
    ("device_category", "str"),
    ("device_model", "str"),
    ("victim_activity", "str"),
    ("hazard_code", "str"),
    ("activity_code", "str"),
    ("organisation", "str"),
    ("country", "str"),
    ("province_code", "str"),
    ("evidence_status", "str"),
    *[(key, "int") for key in CASUALTY_COUNTS],
    ("is_synthetic", "bool"),
    ("source_id", "str"),
    ("source_attributes", "str"),
]

GEOMETRY_TYPES = {
    "hazards": "MultiPolygon",
    "hazard_points": "Point",
    "remaining_areas": "MultiPolygon",
    "products": "MultiPolygon",
    "devices": "Point",
    "activities": "Point",
    "admin_areas": "MultiPolygon",
    "places": "Point",
    "accidents": "Point",
}

#: Derived on the way in (area, location, ...): present in exports, ignored (silently) by the importer.
COMPUTED = {
    "hazards": {"province_code", "province_name", "district_code", "commune_code", "area_m2", "utm_epsg"},
    "hazard_points": {"province_code", "province_name", "district_code", "commune_code", "area_m2", "utm_epsg"},
    "products": {"organisation", "area_m2", "country", "devices"},
    "devices": {"hazard_code"},
    "activities": set(),
    "places": {"admin_area_code"},
    "accidents": {"province_code", "evidence_status"},
}

SHAPEFILE_NAMES = {
    "source_attributes": "src_attrs",
    "hazard_class": "class",
    "contamination_type": "contam",
    "recorded_on": "recorded",
    "status_changed_on": "status_on",
    "reporting_organisation": "reporter",
    "suspected_models": "suspected",
    "benchmark_lon": "bench_lon",
    "benchmark_lat": "bench_lat",
    "province_code": "prov_code",
    "district_code": "dist_code",
    "commune_code": "comm_code",
    "is_synthetic": "synthetic",
    "estimated_m2": "est_m2",
    "cleared_m2": "clear_m2",
    "reduced_m2": "reduce_m2",
    "cancelled_m2": "cancel_m2",
    "remaining_m2": "remain_m2",
    "hazard_code": "haz_code",
    "activity_code": "act_code",
    "product_code": "prod_code",
    "organisation": "org",
    "released_on": "released",
    "clearance_depth_cm": "clr_depth",
    "reported_area_m2": "rep_m2",
    "activity_type": "act_type",
    "hazard_codes": "haz_codes",
    "start_date": "start_date",
    "admin_area_code": "area_code",
    "parent_code": "parent",
}
FROM_SHAPEFILE = {short: long for long, short in SHAPEFILE_NAMES.items()}
