"""The package's GeoPackage (`data.gpkg`): writing layers and tables through pyogrio, reading them back,
and the per-layer checksum of canonical rows that the manifest carries.

The checksum is computed from what a reader gets back from the file (each row's values in the
layer's field order, geometry as WKB in hex; rows sorted), so the exporter and the verifier compute it
the same way from the same bytes, whatever GDAL version wrote the file. (pyogrio is imported before any
SpatiaLite connection by our backend: decision 0025.)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import tempfile
from pathlib import Path

import numpy as np
import shapely
from pyogrio import list_layers
from pyogrio.raw import read as ogr_read
from pyogrio.raw import write as ogr_write


def _column(values: list, kind: str) -> tuple[np.ndarray, np.ndarray | None]:
    missing = np.array([v is None for v in values], dtype=bool)
    if kind == "int":
        col = np.array([0 if v is None else int(v) for v in values], dtype=np.int64)
    elif kind == "float":
        col = np.array([np.nan if v is None else float(v) for v in values], dtype=np.float64)
        return col, None  # NaN is the float's null
    elif kind == "bool":
        col = np.array([bool(v) for v in values], dtype=bool)
        return col, None
    elif kind == "date":
        col = np.array([v.isoformat() if v is not None else "" for v in values], dtype=object)
        return col, None  # dates as ISO text: the same in every GDAL and on every reader
    else:
        col = np.array(["" if v is None else str(v) for v in values], dtype=object)
        return col, None
    return col, (missing if missing.any() else None)


def write_layer(
    path: Path,
    layer: str,
    fields: list[tuple[str, str]],
    rows: list[dict],
    geoms: np.ndarray | None,
    geometry_type: str | None,
    append: bool,
) -> None:
    """One layer (with `geoms`, lon/lat) or table (`geoms` None) into the GeoPackage at `path`."""
    data, masks, names = [], [], []
    for name, kind in fields:
        col, mask = _column([r.get(name) for r in rows], kind)
        data.append(col)
        masks.append(mask)
        names.append(name)
    wkb = None
    if geometry_type is not None:
        wkb = (
            np.array(shapely.to_wkb(np.asarray(geoms, dtype=object)), dtype=object)
            if len(rows)
            else np.array([], dtype=object)
        )
    ogr_write(
        path,
        wkb,
        data,
        names,
        field_mask=masks if any(m is not None for m in masks) else None,
        layer=layer,
        driver="GPKG",
        geometry_type=geometry_type,
        crs="EPSG:4326" if geometry_type else None,
        append=append,
        dataset_options={"VERSION": "1.2"},
        promote_to_multi=False,
    )


def _plain(value):
    """A value as JSON gives it back: numbers, text, booleans, None for a null or NaN."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)  # an integer column with nulls reads back as floats
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    return value


def read(path: Path) -> dict[str, dict]:
    """Every layer: {name: {fields, rows (dicts), wkb (list of bytes or None)}}."""
    out: dict[str, dict] = {}
    for name, _geometry in list_layers(path):
        meta, _fids, geometry, field_data = ogr_read(path, layer=str(name))
        fields = [str(f) for f in meta["fields"]]
        n = len(field_data[0]) if len(field_data) else (len(geometry) if geometry is not None else 0)
        rows = [{f: _plain(field_data[i][j]) for i, f in enumerate(fields)} for j in range(n)]
        wkb = [bytes(g) if g is not None else None for g in geometry] if geometry is not None else None
        out[str(name)] = {"fields": fields, "rows": rows, "wkb": wkb, "geometry_type": meta.get("geometry_type")}
    return out


def read_bytes(data: bytes) -> dict[str, dict]:
    with tempfile.TemporaryDirectory(prefix="safeground-exchange-") as folder:
        path = Path(folder) / "data.gpkg"
        path.write_bytes(data)
        return read(path)


def checksum(layer: dict) -> str:
    """SHA-256 of the layer's canonical rows (values in field order, geometry WKB hex; rows sorted)."""
    lines = []
    wkb = layer.get("wkb")
    for j, row in enumerate(layer["rows"]):
        values = [row[f] for f in layer["fields"]]
        if wkb is not None:
            values.append(wkb[j].hex() if wkb[j] is not None else None)
        lines.append(json.dumps(values, ensure_ascii=False, separators=(",", ":"), default=str))
    return hashlib.sha256("\n".join(sorted(lines)).encode("utf-8")).hexdigest()
