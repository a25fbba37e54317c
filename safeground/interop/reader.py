"""Reading one layer of a checked file into columns: pyogrio (GDAL), a mapping file, coordinate columns.

The result is column-oriented (NumPy arrays and lists) so validation can run set-based: a million
devices are read with one GDAL call and never become a million Python objects with attributes.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyogrio
import shapely
import yaml
from django.utils.translation import gettext as _
from pyogrio.raw import read as ogr_read
from pyogrio.raw import read_arrow as ogr_read_arrow
from pyproj import CRS, Transformer

from safeground.interop.formats import Opened, UnsafeFile
from safeground.interop.layers import FROM_SHAPEFILE

MAPPING_KEYS = {"layer", "crs", "fields", "values", "defaults", "dates", "coordinates"}
COORD_KEYS = {"lon", "lat", "x", "y", "text", "easting", "northing", "zone", "format", "datum"}


class ImportError_(ValueError):
    """The file as a whole can't be imported (no such layer, no CRS, a bad mapping): nothing is read."""


@dataclass
class Mapping:
    """A mapping file: renames source attributes and translates their vocabularies (docs/interop.md)."""

    layer: str | None = None
    crs: str | None = None
    fields: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, Any]] = field(default_factory=dict)
    defaults: dict[str, Any] = field(default_factory=dict)
    dates: list[str] = field(default_factory=list)
    coordinates: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, path: str | Path | None) -> Mapping:
        if not path:
            return cls()
        try:
            data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise ImportError_(_("mapping file %(path)s: %(error)s") % {"path": path, "error": exc}) from exc
        return cls.from_dict(data, str(path))

    @classmethod
    def from_dict(cls, data: dict, where: str = "mapping") -> Mapping:
        if not isinstance(data, dict):
            raise ImportError_(_("%(where)s must be a YAML mapping") % {"where": where})
        unknown = set(data) - MAPPING_KEYS
        if unknown:
            raise ImportError_(
                _("%(where)s: unknown key(s) %(keys)s; allowed: %(allowed)s")
                % {"where": where, "keys": ", ".join(sorted(unknown)), "allowed": ", ".join(sorted(MAPPING_KEYS))}
            )
        coords = data.get("coordinates") or {}
        bad = set(coords) - COORD_KEYS
        if bad:
            raise ImportError_(
                _("%(where)s: unknown coordinates key(s) %(keys)s; allowed: %(allowed)s")
                % {"where": where, "keys": ", ".join(sorted(bad)), "allowed": ", ".join(sorted(COORD_KEYS))}
            )
        dates = data.get("dates") or []
        return cls(
            layer=data.get("layer"),
            crs=str(data["crs"]) if data.get("crs") else None,
            fields={str(k): str(v) for k, v in (data.get("fields") or {}).items()},
            values={str(k): {str(a): b for a, b in (v or {}).items()} for k, v in (data.get("values") or {}).items()},
            defaults={str(k): v for k, v in (data.get("defaults") or {}).items()},
            dates=[dates] if isinstance(dates, str) else list(dates),
            coordinates={str(k): str(v) for k, v in coords.items()},
        )


@dataclass
class Table:
    """One layer, renamed to SafeGround's field names: columns, geometries (EPSG:4326) and notes."""

    n: int
    layer: str
    columns: dict[str, Any]
    geoms: np.ndarray | None
    crs: str | None
    notes: list[str] = field(default_factory=list)
    geometry_errors: dict[int, str] = field(default_factory=dict)


def choose_layer(path: Path, wanted: str | None, kind: str) -> str:
    try:
        layers = [str(row[0]) for row in pyogrio.list_layers(path)]
    except Exception as exc:  # GDAL's own errors: a file it can't read at all
        raise UnsafeFile(_("%(name)s could not be read: %(error)s") % {"name": path.name, "error": exc}) from exc
    if not layers:
        raise ImportError_(_("%(name)s has no layers") % {"name": path.name})
    if wanted:
        if wanted not in layers:
            raise ImportError_(
                _("%(name)s has no layer %(layer)s; its layers: %(layers)s")
                % {"name": path.name, "layer": wanted, "layers": ", ".join(layers)}
            )
        return wanted
    if len(layers) == 1:
        return layers[0]
    if kind in layers:
        return kind
    raise ImportError_(
        _("%(name)s has several layers (%(layers)s); choose one with --layer")
        % {"name": path.name, "layers": ", ".join(layers)}
    )


def _open_options(fmt: str) -> dict:
    if fmt == "CSV":
        # Every CSV column as text (codes like "001" stay codes); a WKT column is the geometry.
        return {"GEOM_POSSIBLE_NAMES": "wkt,geometry,geom", "KEEP_GEOM_COLUMNS": "NO", "AUTODETECT_TYPE": "NO"}
    if fmt == "XLSX":
        return {"HEADERS": "FORCE"}
    if fmt == "GeoJSON":
        return {"DATE_AS_STRING": "YES"}  # GDAL would refuse the whole file over one impossible date
    return {}


def _transformer(crs: str) -> Transformer | None:
    src = CRS.from_user_input(crs)
    if src.equals(CRS.from_epsg(4326), ignore_axis_order=True):
        return None
    return Transformer.from_crs(src, CRS.from_epsg(4326), always_xy=True)


def to_wgs84(geoms: np.ndarray, crs: str) -> np.ndarray:
    """Reproject geometries to WGS 84 lon/lat, vectorised (one pyproj call for every vertex)."""
    t = _transformer(crs)
    if t is None:
        return geoms

    def move(xy):
        x, y = t.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geoms, move)


DATE_TYPES = ("OFTDate", "OFTDateTime", "OFTTime")


def read_columns(path: Path, layer: str, fmt: str) -> tuple[dict, np.ndarray | None, list]:
    """The layer's fields and WKB as NumPy columns, read through GDAL's Arrow stream (decision 0017).

    Arrow reads a million features in well under a second where the feature-by-feature read takes
    seconds per column. Dates are the exception: the Arrow stream turns an impossible date into another
    day (2024-02-30 becomes 2024-03-01) or 1970-01-01, so date fields are read as their stored text
    (SQLite's own text in a GeoPackage; GDAL's text of the field elsewhere, which fails on a date it
    can't hold) and an impossible date stays a row error.
    """
    options = _open_options(fmt)
    meta, table = ogr_read_arrow(path, layer=layer, **options)
    names = [str(n) for n in meta["fields"]]
    geometry = meta.get("geometry_name") or "wkb_geometry"
    has_geometry = meta.get("geometry_type") is not None and geometry in table.column_names
    wkb = table.column(geometry).combine_chunks() if has_geometry else None
    field_data = [table.column(n).to_numpy(zero_copy_only=False) for n in names]
    dates = [k for k, kind in enumerate(meta["ogr_types"]) if kind in DATE_TYPES]
    if dates:
        texts = _date_texts(path, layer, fmt, [names[k] for k in dates], meta.get("fid_column"), options)
        for k, values in zip(dates, texts, strict=True):
            field_data[k] = values
    return meta, wkb, field_data


#: ISO WKB of a 2D point, little-endian: byte order 1, type 1 (uint32), then x and y (float64).
_WKB_POINT = np.frombuffer(b"\x01\x01\x00\x00\x00", dtype=np.uint8)


def decode_wkb(wkb) -> np.ndarray:
    """Shapely geometries from a WKB column (an Arrow binary array or a sequence of bytes).

    A column of plain 2D points (a million devices) is decoded from its bytes with NumPy: about
    a tenth of the time of parsing each value; anything else, or anything unusual (NULL, empty
    or 3D points, big-endian), goes through GEOS as usual. Unreadable WKB becomes None.
    """
    if isinstance(wkb, (pa.BinaryArray, pa.LargeBinaryArray)) and len(wkb) and not wkb.null_count:
        offsets = np.frombuffer(wkb.buffers()[1], dtype=np.int64 if wkb.type == pa.large_binary() else np.int32)
        offsets = offsets[wkb.offset : wkb.offset + len(wkb) + 1]
        data = np.frombuffer(wkb.buffers()[2], dtype=np.uint8)[offsets[0] : offsets[-1]]
        if (np.diff(offsets) == 21).all():
            rows = data.reshape(-1, 21)
            if (rows[:, :5] == _WKB_POINT).all():
                xy = np.ascontiguousarray(rows[:, 5:]).view("<f8")
                if np.isfinite(xy).all():
                    return shapely.points(xy)
    if isinstance(wkb, (pa.Array, pa.ChunkedArray)):
        wkb = wkb.to_numpy(zero_copy_only=False)
    return shapely.from_wkb(wkb, on_invalid="ignore")


def _date_texts(path: Path, layer: str, fmt: str, names: list[str], fid: str | None, options: dict) -> list:
    """Date fields as the text the file holds, in feature order."""
    if fmt == "GeoPackage":
        q = '"{}"'.format
        order = f" ORDER BY {q(fid)}" if fid else ""
        columns = ", ".join(f"CAST({q(n)} AS TEXT) AS {q(n)}" for n in names)
        _meta, table = ogr_read_arrow(
            path, sql=f"SELECT {columns} FROM {q(layer)}{order}", sql_dialect="SQLITE", read_geometry=False
        )
        return [table.column(k).to_numpy(zero_copy_only=False) for k in range(len(names))]
    _meta, _fids, _wkb, values = ogr_read(
        path, layer=layer, columns=names, read_geometry=False, datetime_as_string=True, **options
    )
    return list(values)


#: A number written with a decimal comma: "4,5678", "-0,5", "1.234,5" (points group thousands).
DECIMAL_COMMA = re.compile(r"^\s*[+-]?(\d+|\d{1,3}(\.\d{3})+),\d+\s*$")
DECIMAL_MARKS = (".", ",")


def decimal_commas(columns: dict) -> int:
    """Rewrite values written with a decimal comma as numbers with a point, in place; how many changed.

    Only values of that exact shape change ("4,5678" → "4.5678", "1.234,5" → "1234.5"): codes,
    names and numbers without a comma stay as written.
    """
    changed = 0
    for name, values in columns.items():
        texts = values.tolist() if isinstance(values, np.ndarray) else list(values)
        hits = [i for i, v in enumerate(texts) if isinstance(v, str) and DECIMAL_COMMA.match(v)]
        if not hits:
            continue
        for i in hits:
            texts[i] = texts[i].strip().replace(".", "").replace(",", ".")
        columns[name] = np.array(texts, dtype=object)
        changed += len(hits)
    return changed


def read(
    opened: Opened,
    kind: str,
    mapping: Mapping,
    layer: str | None = None,
    crs: str | None = None,
    decimal: str = ".",
) -> Table:
    """Read the layer to import; rename columns; reproject to EPSG:4326; parse coordinate columns.

    `decimal` "," reads values written with a decimal comma as numbers (see `decimal_commas`)."""
    if decimal not in DECIMAL_MARKS:
        raise ImportError_(_("the decimal mark must be . or , (got %(mark)s)") % {"mark": decimal})
    path = opened.path
    name = choose_layer(path, layer or mapping.layer, kind)
    try:
        meta, wkb, field_data = read_columns(path, name, opened.format)
    except Exception as exc:
        raise UnsafeFile(
            _("%(name)s could not be read as %(format)s: %(error)s")
            % {"name": opened.source.name, "format": opened.format, "error": exc}
        ) from exc
    names = [str(n) for n in meta["fields"]]
    n = len(field_data[0]) if field_data else (len(wkb) if wkb is not None else 0)
    table = Table(n=n, layer=name, columns={}, geoms=None, crs=None)
    renamed: dict[str, str] = {}
    lower_map = {k.lower(): v for k, v in mapping.fields.items()}
    present = {n.lower() for n in names}
    for src, values in zip(names, field_data, strict=True):
        alias = FROM_SHAPEFILE.get(src.lower())
        default = alias if alias and alias not in present else src.lower()
        target = mapping.fields.get(src) or lower_map.get(src.lower()) or default
        if target in table.columns:
            table.notes.append(
                _("columns %(a)s and %(b)s both map to %(field)s; %(b)s is ignored")
                % {"a": renamed[target], "b": src, "field": target}
            )
            continue
        renamed[target] = src
        table.columns[target] = values
    if decimal == ",":
        changed = decimal_commas(table.columns)
        table.notes.append(_("%(n)d value(s) read with a decimal comma") % {"n": changed})
    source_crs = crs or mapping.crs or meta.get("crs")
    if wkb is not None and n:
        geoms = decode_wkb(wkb)
        if shapely.has_z(geoms).any():
            geoms = shapely.force_2d(geoms)
        present = ~shapely.is_missing(geoms)
        if source_crs is None:
            bounds = shapely.total_bounds(geoms[present]) if present.any() else (0, 0, 0, 0)
            if not (-180 <= bounds[0] <= 180 and -180 <= bounds[2] <= 180 and -90 <= bounds[1] <= 90):
                raise ImportError_(
                    _(
                        "%(name)s has no coordinate reference system and its coordinates are not degrees; "
                        "give one with --crs (e.g. --crs EPSG:3148 for Indian 1960 / UTM 48N)"
                    )
                    % {"name": opened.source.name}
                )
            source_crs = "EPSG:4326"
            table.notes.append(_("no CRS in the file: coordinates taken as WGS 84 longitude/latitude"))
        table.geoms = to_wgs84(geoms, source_crs)
        table.crs = str(source_crs)
    else:
        table.crs = str(source_crs) if source_crs else None
    if table.geoms is None or not (~shapely.is_missing(table.geoms)).any():
        point_geoms = coordinate_columns(table, mapping)
        if point_geoms is not None:
            table.geoms = point_geoms
    elif (missing := shapely.is_missing(table.geoms)).any():
        _fill_from_coordinates(table, mapping, missing)
    return table


def _fill_from_coordinates(table: Table, mapping: Mapping, missing: np.ndarray) -> None:
    """Rows without a geometry of their own take a point from the coordinate columns, if the file has
    them (a CSV of hazards: WKT polygons on some rows, lon/lat of point hazards on others). A
    coordinate that doesn't parse is an error only on a row that has no geometry."""
    known = dict(table.geometry_errors)
    point_geoms = coordinate_columns(table, mapping)
    if point_geoms is None:
        return
    fill = missing & ~shapely.is_missing(point_geoms)
    geoms = table.geoms.copy()
    geoms[fill] = point_geoms[fill]
    table.geoms = geoms
    table.geometry_errors = {i: r for i, r in table.geometry_errors.items() if i in known or missing[i]}


# ------------------------------------------------------------------------------------------------
# Coordinate columns (CSV, XLSX): decimal degrees fast, everything else through the gazetteer parser
# ------------------------------------------------------------------------------------------------


def _pick(columns: dict, *candidates: str) -> str | None:
    for c in candidates:
        if c and c.lower() in columns:
            return c.lower()
    return None


def _text(v) -> str | None:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    s = str(v).strip()
    return s or None


def _float(v) -> float | None:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def parse_coordinate(text: str, fmt: str | None, datum: str):
    """The gazetteer's parser (DD, DMS, DDM, UTM, MGRS; legacy datums) → (lon, lat)."""
    try:
        from safeground.gazetteer.coordinates import parse_coordinate as parse
    except ImportError as exc:  # pragma: no cover - the coordinates module ships with the gazetteer
        raise ValueError(_("coordinate parsing (%(fmt)s) is not available") % {"fmt": fmt or "auto"}) from exc
    return parse(text, fmt=fmt, datum=datum)


def coordinate_columns(table: Table, mapping: Mapping) -> np.ndarray | None:
    """Point geometries from coordinate columns; rows that don't parse get a geometry error."""
    spec = {k: v.lower() for k, v in mapping.coordinates.items() if k not in ("format", "datum", "zone")}
    cols = table.columns
    fmt = (mapping.coordinates.get("format") or "").lower() or None
    datum = mapping.coordinates.get("datum") or "WGS84"
    zone = mapping.coordinates.get("zone")
    text_col = _pick(cols, spec.get("text"), "mgrs", "coordinates", "coordinate", "utm")
    lon_col = _pick(cols, spec.get("lon") or spec.get("x"), "lon", "longitude", "long", "x")
    lat_col = _pick(cols, spec.get("lat") or spec.get("y"), "lat", "latitude", "y")
    east_col = _pick(cols, spec.get("easting"), "easting")
    north_col = _pick(cols, spec.get("northing"), "northing")
    zone_col = _pick(cols, "zone", "utm_zone")
    if spec.get("text") or (text_col and not (lon_col and lat_col)):
        if not text_col:
            raise ImportError_(_("coordinate column %(col)s not found") % {"col": spec.get("text")})
        texts = [_text(v) for v in cols[text_col]]
        used = [text_col]
        if fmt is None and text_col == "mgrs":
            fmt = "mgrs"
    elif east_col and north_col and (zone_col or zone):
        zones = [_text(v) for v in cols[zone_col]] if zone_col else [zone] * table.n
        texts = [
            None if not (z and _text(e) and _text(nn)) else f"{z} {_text(e)} {_text(nn)}"
            for z, e, nn in zip(zones, cols[east_col], cols[north_col], strict=True)
        ]
        fmt = fmt or "utm"
        used = [east_col, north_col] + ([zone_col] if zone_col else [])
    elif lon_col and lat_col:
        lons = [_float(v) for v in cols[lon_col]]
        lats = [_float(v) for v in cols[lat_col]]
        if (fmt in (None, "dd")) and all(v is not None for v in lons + lats) and datum.upper() in ("WGS84", "WGS 84"):
            xs = np.array(lons, dtype=float)
            ys = np.array(lats, dtype=float)
            for c in (lon_col, lat_col):
                cols.pop(c)
            table.notes.append(
                _("positions read from columns %(lon)s, %(lat)s (decimal degrees, WGS 84)")
                % {"lon": lon_col, "lat": lat_col}
            )
            return shapely.points(xs, ys)
        # Lat first, the way positions are written by hand (13°03'N 103°03'E).
        texts = [
            None if not (_text(a) and _text(b)) else f"{_text(a)} {_text(b)}"
            for a, b in zip(cols[lat_col], cols[lon_col], strict=True)
        ]
        used = [lon_col, lat_col]
    else:
        return None
    out = np.empty(table.n, dtype=object)
    for i, text in enumerate(texts):
        if text is None:  # no position: the kind decides whether one is required ("no geometry")
            out[i] = None
            continue
        try:
            lon, lat = parse_coordinate(text, fmt, datum)
        except (ValueError, TypeError) as exc:
            table.geometry_errors[i] = _("cannot read coordinates %(text)r: %(error)s") % {"text": text, "error": exc}
            continue
        out[i] = shapely.Point(lon, lat)
    for c in used:
        cols.pop(c, None)
    table.notes.append(
        _("positions read from column(s) %(cols)s (%(fmt)s, datum %(datum)s)")
        % {"cols": ", ".join(used), "fmt": fmt or "auto", "datum": datum}
    )
    return out
