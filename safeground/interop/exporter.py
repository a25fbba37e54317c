"""Exporting every layer to GIS files through pyogrio: GeoPackage, GeoJSON, Shapefile, KML, CSV, XLSX.

Each layer's rows come from its reader in the layer registry (`layer_registry.py`, `layer_readers.py`:
`values_list` and WKB), then are written column by column (`pyogrio.raw.write`): a million devices
never become model instances. Dates are written as dates,
counts as integers, areas as reals, every layer in EPSG:4326.
"""

from __future__ import annotations

import shutil
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import shapely
from django.utils.translation import gettext as _
from pyogrio.raw import write as ogr_write

from safeground.interop import attachments_gpkg
from safeground.interop.layer_registry import registry
from safeground.interop.layers import FIELDS, GEOMETRY_TYPES, LAYERS, SHAPEFILE_NAMES

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
    found = registry()[layer]
    assert found.export is not None
    records, wkb = found.export(found.field_names)
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
        attachments_gpkg.write(out, layers)  # the exported records' photos and documents
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
