"""Exporting every layer to GIS files through pyogrio: GeoPackage, GeoJSON, Shapefile, KML, CSV, XLSX.

Rows are read with `values_list` and geometries as WKB (`AsWKB`), then written column by column
(`pyogrio.raw.write`): a million devices never become model instances. Dates are written as dates,
counts as integers, areas as reals, every layer in EPSG:4326.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import zipfile
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import numpy as np
import shapely
from django.contrib.gis.db.models.functions import AsWKB
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from pyogrio.raw import write as ogr_write

from safeground.gazetteer.models import AdminArea, Place
from safeground.hazards.models import Hazard
from safeground.interop.layers import FIELDS, GEOMETRY_TYPES, LAYERS, SHAPEFILE_NAMES
from safeground.landrelease.models import Device, HazardLedger, Product
from safeground.operations.models import Activity
from safeground.victims.models import CASUALTY_COUNTS, Accident

FORMATS = {
    "gpkg": ("GPKG", ".gpkg"),
    "geojson": ("GeoJSON", ".geojson"),
    "shp": ("ESRI Shapefile", ".shp"),
    "kml": ("KML", ".kml"),
    "csv": ("CSV", ".csv"),
    "xlsx": ("XLSX", ".xlsx"),
}
MEDIA_TYPES = {
    "gpkg": "application/geopackage+sqlite3",
    "zip": "application/zip",
}


class ExportError(ValueError):
    pass


def _wkb(rows: list[tuple], index: int) -> np.ndarray:
    return np.array([bytes(r[index]) if r[index] is not None else None for r in rows], dtype=object)


#: Where an imported record came from (core.Record): its source's ID and columns, the latter as JSON text.
PROVENANCE = ("source_id", "source_attributes")


def _json(value) -> str | None:
    return json.dumps(value, ensure_ascii=False, sort_keys=True) if value else None


def _read_columns(layer: str, queryset, geom_field: str, paths: tuple[str, ...]) -> tuple[list[dict], np.ndarray]:
    """A layer whose fields are ORM paths read as they are, in the order of FIELDS[layer] (JSON as text)."""
    rows = list(queryset.annotate(wkb=AsWKB(geom_field)).values_list(*paths, "wkb"))
    names = [f for f, _t in FIELDS[layer]]
    records = [dict(zip(names, r[:-1], strict=True)) for r in rows]
    if "source_attributes" in names:
        for record in records:
            record["source_attributes"] = _json(record["source_attributes"])
    return records, _wkb(rows, len(paths))


def _read_hazards() -> tuple[list[dict], np.ndarray]:
    """The polygon hazards (the `hazards` layer: MultiPolygons only)."""
    return _hazard_rows(Hazard.objects.filter(geom__isnull=False), "geom")


def _read_hazard_points() -> tuple[list[dict], np.ndarray]:
    """The point hazards (the `hazard_points` layer): the same fields, and the declared radius."""
    return _hazard_rows(Hazard.objects.filter(point__isnull=False), "point")


def _hazard_rows(queryset, geom_field: str) -> tuple[list[dict], np.ndarray]:
    models = defaultdict(list)
    through = Hazard.suspected_models.through
    for hid, name in (
        through.objects.filter(hazard__in=queryset)
        .order_by("ordnancemodel__name")
        .values_list("hazard_id", "ordnancemodel__name")
    ):
        models[hid].append(name)
    rows = list(
        queryset.order_by("code")
        .annotate(wkb=AsWKB(geom_field))
        .values_list(
            "id",
            "code",
            "name",
            "hazard_class",
            "status",
            "contamination_type",
            "recorded_on",
            "status_changed_on",
            "reporting_organisation__acronym",
            "benchmark",
            "country",
            "province__code",
            "district__code",
            "commune__code",
            "area_m2",
            "utm_epsg",
            "is_synthetic",
            "radius_m",
            "source_id",
            "source_attributes",
            "recorded_on_precision",
            "wkb",
        )
    )
    out = []
    for r in rows:
        bench = r[9]
        out.append(
            dict(
                code=r[1],
                name=r[2],
                hazard_class=r[3],
                status=r[4],
                contamination_type=r[5],
                recorded_on=r[6],
                status_changed_on=r[7],
                reporting_organisation=r[8],
                suspected_models=", ".join(models.get(r[0], [])) or None,
                benchmark_lon=bench.x if bench else None,
                benchmark_lat=bench.y if bench else None,
                country=r[10],
                province_code=r[11],
                district_code=r[12],
                commune_code=r[13],
                area_m2=r[14],
                utm_epsg=r[15],
                is_synthetic=r[16],
                radius_m=r[17],
                source_id=r[18],
                source_attributes=_json(r[19]),
                recorded_on_precision=r[20],
            )
        )
    return out, _wkb(rows, 21)


def _read_remaining() -> tuple[list[dict], np.ndarray]:
    return _read_columns(
        "remaining_areas",
        HazardLedger.objects.exclude(remaining_geom=None).order_by("hazard__code"),
        "remaining_geom",
        (
            "hazard__code",
            "hazard__hazard_class",
            "hazard__status",
            "hazard__country",
            "estimated_m2",
            "cleared_m2",
            "reduced_m2",
            "cancelled_m2",
            "remaining_m2",
        ),
    )


def _read_products() -> tuple[list[dict], np.ndarray]:
    return _read_columns(
        "products",
        # A product filed under no hazard (released outside every hazard) has its activity's country.
        Product.objects.annotate(iso3=Coalesce("hazard__country", "activity__country")).order_by("code"),
        "geom",
        (
            "code",
            "outcome",
            "hazard__code",
            "activity__code",
            "activity__organisation__acronym",
            "released_on",
            "clearance_depth_cm",
            "reported_area_m2",
            "area_m2",
            "iso3",
            "is_synthetic",
            *PROVENANCE,
        ),
    )


def _read_devices() -> tuple[list[dict], np.ndarray]:
    return _read_columns(
        "devices",
        Device.objects.order_by("code"),
        "point",
        (
            "code",
            "category",
            "model__name",
            "condition",
            "depth_cm",
            "disposal",
            "found_on",
            "count",
            "product__code",
            "product__hazard__code",
            "activity__code",
            "is_synthetic",
            *PROVENANCE,
        ),
    )


def _read_activities() -> tuple[list[dict], np.ndarray]:
    teams, hazards = defaultdict(list), defaultdict(list)
    for aid, code in Activity.teams.through.objects.order_by("team__code").values_list("activity_id", "team__code"):
        teams[aid].append(code)
    for aid, code in Activity.hazards.through.objects.order_by("hazard__code").values_list(
        "activity_id", "hazard__code"
    ):
        hazards[aid].append(code)
    rows = list(
        Activity.objects.order_by("code")
        .annotate(wkb=AsWKB("reference_point"))
        .values_list(
            "id",
            "code",
            "activity_type",
            "status",
            "organisation__acronym",
            "methods",
            "country",
            "start_date",
            "end_date",
            "is_synthetic",
            *PROVENANCE,
            "wkb",
        )
    )
    out = [
        dict(
            code=r[1],
            activity_type=r[2],
            status=r[3],
            organisation=r[4],
            teams=", ".join(teams.get(r[0], [])) or None,
            methods=", ".join(r[5] or []) or None,
            hazard_codes=", ".join(hazards.get(r[0], [])) or None,
            country=r[6],
            start_date=r[7],
            end_date=r[8],
            is_synthetic=r[9],
            source_id=r[10],
            source_attributes=_json(r[11]),
        )
        for r in rows
    ]
    return out, _wkb(rows, 12)


def _read_admin_areas() -> tuple[list[dict], np.ndarray]:
    return _read_columns(
        "admin_areas",
        AdminArea.objects.order_by("country", "level", "code"),
        "geom",
        (
            "code",
            "name",
            "country",
            "level",
            "parent__code",
        ),
    )


def _read_places() -> tuple[list[dict], np.ndarray]:
    return _read_columns(
        "places",
        Place.objects.order_by("country", "kind", "code"),
        "point",
        (
            "code",
            "name",
            "kind",
            "country",
            "admin_area__code",
        ),
    )


def _read_accidents() -> tuple[list[dict], np.ndarray]:
    """Accidents as the accidents import reads them: no personal data, casualties as counts."""
    rows = list(
        Accident.objects.order_by("code")
        .annotate(wkb=AsWKB("point"))
        .values_list(
            "code",
            "occurred_on",
            "occurred_on_precision",
            "accident_type",
            "device_category",
            "device_model__name",
            "victim_activity",
            "hazard__code",
            "activity__code",
            "organisation__acronym",
            "country",
            "province__code",
            "evidence_status",
            "reported_casualties",
            "is_synthetic",
            *PROVENANCE,
            "wkb",
        )
    )
    names = [f for f, _t in FIELDS["accidents"] if f not in (*CASUALTY_COUNTS, "is_synthetic", *PROVENANCE)]
    out = []
    for r in rows:
        record = dict(zip(names, r[:13], strict=True))
        record.update({key: (r[13] or {}).get(key, 0) for key in CASUALTY_COUNTS}, is_synthetic=r[14])
        record.update(source_id=r[15], source_attributes=_json(r[16]))
        out.append(record)
    return out, _wkb(rows, 17)


READERS: dict[str, Callable[[], tuple[list[dict], np.ndarray]]] = {
    "accidents": _read_accidents,
    "hazards": _read_hazards,
    "hazard_points": _read_hazard_points,
    "remaining_areas": _read_remaining,
    "products": _read_products,
    "devices": _read_devices,
    "activities": _read_activities,
    "admin_areas": _read_admin_areas,
    "places": _read_places,
}


def _columns(layer: str, records: list[dict]) -> tuple[list, list, list]:
    """Typed NumPy columns and null masks for pyogrio: dates as datetime64[D], integers as int64."""
    data, masks, names = [], [], []
    for name, kind in FIELDS[layer]:
        values = [r[name] for r in records]
        missing = np.array([v is None for v in values], dtype=bool)
        if kind == "date":
            col = np.array([v.isoformat() if v is not None else "NaT" for v in values], dtype="datetime64[D]")
            mask = None
        elif kind == "int":
            col = np.array([0 if v is None else int(v) for v in values], dtype=np.int32)
            mask = missing if missing.any() else None
        elif kind == "float":
            col = np.array([np.nan if v is None else float(v) for v in values], dtype=np.float64)
            mask = missing if missing.any() else None
        elif kind == "bool":
            col = np.array([bool(v) for v in values], dtype=bool)
            mask = None
        else:
            col = np.array(values, dtype=object)
            mask = None
        data.append(col)
        masks.append(mask)
        names.append(name)
    return data, masks, names


def write_layer(path: Path, layer: str, fmt: str, append: bool = False) -> int:
    """Write one layer to `path` in `fmt`; returns the number of features."""
    records, wkb = READERS[layer]()
    data, masks, names = _columns(layer, records)
    driver = FORMATS[fmt][0]
    geometry_type = GEOMETRY_TYPES[layer]
    geometry = wkb
    layer_options: dict = {}
    dataset_options: dict = {}
    if fmt == "shp":
        names = [SHAPEFILE_NAMES.get(n, n) for n in names]
        layer_options["ENCODING"] = "UTF-8"
    if fmt == "gpkg":
        dataset_options["VERSION"] = "1.2"  # readable by QGIS and GDAL releases of the last years
    if fmt == "csv":
        layer_options["GEOMETRY"] = "AS_XY" if geometry_type == "Point" else "AS_WKT"
    if fmt == "xlsx":
        # No geometry in a spreadsheet: positions as lon/lat columns, polygons as WKT text.
        geoms = shapely.from_wkb(wkb) if len(wkb) else np.array([], dtype=object)
        if geometry_type == "Point":
            data += [shapely.get_x(geoms), shapely.get_y(geoms)]
            names += ["lon", "lat"]
            masks += [None, None]
        else:
            data.append(np.array(shapely.to_wkt(geoms, rounding_precision=-1), dtype=object))
            names.append("wkt")
            masks.append(None)
        geometry, geometry_type = None, None
    if fmt == "kml":
        dataset_options["NameField"] = names[0]
    ogr_write(
        path,
        geometry,
        data,
        names,
        field_mask=masks if any(m is not None for m in masks) else None,
        layer=layer,
        driver=driver,
        geometry_type=geometry_type,
        crs="EPSG:4326" if geometry_type else None,
        append=append,
        dataset_options=dataset_options or None,
        layer_options=layer_options or None,
        promote_to_multi=False,
    )
    return len(records)


def export(fmt: str, out: Path, layers: list[str] | None = None) -> dict[str, int]:
    """Export `layers` (default: all) in `fmt` to `out`; returns features written per layer.

    GeoPackage: one file holding every layer. Other formats: one file per layer in the folder
    `out`, or zipped when `out` ends in `.zip`.
    """
    if fmt not in FORMATS:
        raise ExportError(
            _("unknown format %(fmt)s; choose one of %(choices)s") % {"fmt": fmt, "choices": ", ".join(FORMATS)}
        )
    layers = list(layers or LAYERS)
    unknown = [name for name in layers if name not in LAYERS]
    if unknown:
        raise ExportError(
            _("unknown layer(s) %(layers)s; choose among %(choices)s")
            % {"layers": ", ".join(unknown), "choices": ", ".join(LAYERS)}
        )
    out = Path(out)
    counts: dict[str, int] = {}
    if fmt == "gpkg":
        if out.suffix.lower() != ".gpkg":
            raise ExportError(_("a GeoPackage export needs an output path ending in .gpkg"))
        out.parent.mkdir(parents=True, exist_ok=True)
        if out.exists():
            out.unlink()
        for k, layer in enumerate(layers):
            counts[layer] = write_layer(out, layer, fmt, append=k > 0)
        return counts
    zipped = out.suffix.lower() == ".zip"
    if zipped:
        out.parent.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="safeground-export-")) if zipped else out
    folder.mkdir(parents=True, exist_ok=True)
    try:
        for layer in layers:
            counts[layer] = write_layer(folder / f"{layer}{FORMATS[fmt][1]}", layer, fmt)
        if zipped:
            with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                for path in sorted(folder.iterdir()):
                    archive.write(path, path.name)
    finally:
        if zipped:
            shutil.rmtree(folder, ignore_errors=True)
    return counts
