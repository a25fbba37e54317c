"""The layers SafeGround exports (and the OGC API serves): their fields, types and Shapefile names.

The layers themselves are declared in `layer_registry.py`; this module keeps the names other modules
read (LAYERS, FIELDS, ...) and the Shapefile aliases.

Exported field names are the names the importer reads back, so an export re-imports without a
mapping file. Shapefile (dBase) field names are limited to 10 characters: each long name has one
short alias, written to Shapefiles and recognised by the importer.
"""

from __future__ import annotations

from safeground.interop.layer_registry import registry

#: Every layer's key, names, fields and geometry type are declared once, in the layer registry; these
#: are the views of it the export, the import and the pages read.
LAYERS = tuple(key for key, layer in registry().items() if layer.export is not None)
#: Names of the layers on the pages (files keep the keys: QGIS users script against them).
LAYER_LABELS = {key: layer.label for key, layer in registry().items()}
#: Layer → [(field, type)]; types: str, int, float, date, bool.
FIELDS: dict[str, list[tuple[str, str]]] = {key: list(layer.fields) for key, layer in registry().items()}
GEOMETRY_TYPES = {key: layer.geometry_type for key, layer in registry().items()}
#: Derived on the way in (area, location, ...): present in exports, ignored (silently) by the importer.
COMPUTED = {key: set(layer.computed) for key, layer in registry().items() if layer.import_kind}

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
