"""Reading and shaping source layers for the gazetteer loaders: any GDAL format and CRS in, WGS 84
(Multi)Polygons out, vectorised with Shapely; the error type and the small helpers every source shares.
"""

from __future__ import annotations

import csv
import io
import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from django.contrib.gis.geos import GEOSGeometry
from pyogrio import raw as ogr
from pyproj import CRS, Geod, Transformer

Report = Callable[[str], None]
LEVEL_LETTERS = {1: "P", 2: "D", 3: "C"}
EXAMPLES = 5
GEOD = Geod(ellps="WGS84")


class GazetteerLoadError(ValueError):
    """Input the loader can't use; the message names the file, the field or row, and the value."""


def noop(message: str) -> None:
    pass


@dataclass
class Layer:
    """Features of one file layer, geometries reprojected to EPSG:4326."""

    path: Path
    geoms: np.ndarray
    fields: dict[str, np.ndarray]
    crs: str

    def __len__(self) -> int:
        return len(self.geoms)

    def field(self, name: str) -> np.ndarray:
        if name not in self.fields:
            available = ", ".join(self.fields) or "none"
            raise GazetteerLoadError(f"{self.path}: no field {name!r} (fields: {available})")
        return self.fields[name]


def read_layer(
    path: Path | str, layer: str | int | None = None, where: str | None = None, crs: str | None = None
) -> Layer:
    """Read one layer with GDAL (via pyogrio) and reproject it to EPSG:4326 using the file's CRS.

    `crs` overrides or supplies the source CRS (for files that don't declare one).
    """
    path = Path(path)
    if not str(path).startswith("/vsi") and not path.exists():
        raise GazetteerLoadError(f"{path}: file not found")
    try:
        meta, _fids, wkb, values = ogr.read(path, layer=layer, where=where)
    except Exception as exc:  # pyogrio raises DataSourceError, DataLayerError, FieldError, ...
        raise GazetteerLoadError(f"{path}: GDAL can't read it: {exc}") from exc
    if wkb is None:
        raise GazetteerLoadError(f"{path}: layer {layer or meta.get('layer_name') or 0} has no geometry column")
    source_crs = crs or meta.get("crs")
    if not source_crs:
        raise GazetteerLoadError(
            f"{path}: unknown coordinate reference system (the file declares none); "
            "give it explicitly, e.g. --crs EPSG:32648"
        )
    try:
        src = CRS.from_user_input(source_crs)
    except Exception as exc:
        raise GazetteerLoadError(f"{path}: unknown coordinate reference system {source_crs!r}: {exc}") from exc
    try:
        geoms = reproject(shapely.from_wkb(wkb), src)
    except GazetteerLoadError as exc:
        raise GazetteerLoadError(f"{path}: {exc}") from exc
    fields = {str(name): np.asarray(col) for name, col in zip(meta["fields"], values, strict=True)}
    return Layer(path, geoms, fields, src.to_string())


def reproject(geoms: np.ndarray, src: CRS) -> np.ndarray:
    """Reproject an array of geometries from `src` to EPSG:4326 (x = longitude, y = latitude)."""
    if src.equals(CRS.from_epsg(4326), ignore_axis_order=True):
        return geoms
    transformer = Transformer.from_crs(src, 4326, always_xy=True)

    def fn(xy: np.ndarray) -> np.ndarray:
        x, y = transformer.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])

    out = shapely.transform(geoms, fn)
    bad = ~np.isfinite(shapely.bounds(out)).all(axis=1) & ~shapely.is_empty(out) & ~shapely.is_missing(out)
    if bad.any():
        raise GazetteerLoadError(
            f"coordinates of {int(bad.sum())} feature(s) can't be reprojected from {src.to_string()} to "
            "EPSG:4326 (is the declared CRS right?)"
        )
    return out


def polygonal(geoms: np.ndarray, what: str, labels: Sequence[str] | None = None) -> tuple[np.ndarray, int]:
    """Check that every geometry is (Multi)Polygon, repair invalid ones; return MultiPolygons and repairs.

    Source boundary files are repaired with `shapely.make_valid` (keeping only the polygonal
    result); a non-polygonal or missing geometry is an error naming the feature.
    """
    labels = labels if labels is not None else [f"feature {i + 1}" for i in range(len(geoms))]
    missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    if missing.any():
        i = int(np.flatnonzero(missing)[0])
        raise GazetteerLoadError(f"{what}: {labels[i]} has no geometry ({int(missing.sum())} such feature(s))")
    types = shapely.get_type_id(geoms)
    wrong = ~np.isin(types, (3, 6))  # Polygon, MultiPolygon
    if wrong.any():
        i = int(np.flatnonzero(wrong)[0])
        kinds = Counter(shapely.get_type_id(geoms[wrong]).tolist())
        type_names = {
            0: "Point",
            1: "LineString",
            2: "LinearRing",
            4: "MultiPoint",
            5: "MultiLineString",
            7: "GeometryCollection",
        }
        found = ", ".join(f"{n} {type_names.get(t, t)}" for t, n in sorted(kinds.items()))
        raise GazetteerLoadError(
            f"{what}: admin areas must be Polygon or MultiPolygon; {labels[i]} is a "
            f"{type_names.get(int(types[i]), types[i])} ({found} in all); load points as places (--places) instead"
        )
    geoms = shapely.force_2d(geoms)
    invalid = ~shapely.is_valid(geoms)
    if invalid.any():
        geoms = geoms.copy()
        geoms[invalid] = shapely.make_valid(geoms[invalid])
    return as_multipolygons(geoms, what), int(invalid.sum())


def as_multipolygons(geoms: np.ndarray, what: str = "geometry") -> np.ndarray:
    """Vectorised: every geometry as a MultiPolygon of its polygonal parts (lines/points dropped)."""
    parts, index = shapely.get_parts(geoms, return_index=True)
    # make_valid may return collections holding collections: flatten once more.
    nested = shapely.get_type_id(parts) == 7
    if nested.any():
        sub, sub_index = shapely.get_parts(parts[nested], return_index=True)
        parts = np.concatenate([parts[~nested], sub])
        index = np.concatenate([index[~nested], index[nested][sub_index]])
    keep = (shapely.get_type_id(parts) == 3) & ~shapely.is_empty(parts)
    parts, index = parts[keep], index[keep]
    lost = sorted(set(range(len(geoms))) - set(index.tolist()))
    if lost:
        raise GazetteerLoadError(
            f"{what}: feature(s) {', '.join(str(i + 1) for i in lost[:EXAMPLES])} have no polygonal area"
        )
    order = np.argsort(index, kind="stable")
    return shapely.multipolygons(parts[order], indices=index[order])


def largest_share(children: np.ndarray, parents: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each child polygon, the index of the parent holding the largest share of it (-1: none).

    Returns (index, share of the child's area in that parent). One STRtree query and one
    vectorised intersection for all children; children wholly within a parent skip the
    intersection. Areas in degrees are fine here: only parents at the same place are compared.
    """
    best = np.full(len(children), -1, dtype=np.int64)
    share = np.zeros(len(children))
    if not len(children) or not len(parents):
        return best, share
    tree = shapely.STRtree(parents)
    ci, pi = tree.query(children, predicate="intersects")
    if not len(ci):
        return best, share
    shapely.prepare(parents)
    inside = shapely.contains_properly(parents[pi], children[ci])
    areas = shapely.area(children[ci])
    partial = ~inside
    if partial.any():
        areas[partial] = shapely.area(shapely.intersection(children[ci[partial]], parents[pi[partial]]))
    order = np.lexsort((-areas, ci))
    first = order[np.unique(ci[order], return_index=True)[1]]
    best[ci[first]] = pi[first]
    child_area = shapely.area(children[ci[first]])
    share[ci[first]] = np.divide(areas[first], child_area, out=np.ones(len(first)), where=child_area > 0)
    return best, share


def containing(points: np.ndarray, polygons: np.ndarray) -> np.ndarray:
    """For each point, the index of the (first) polygon covering it, or -1."""
    found = np.full(len(points), -1, dtype=np.int64)
    if not len(points) or not len(polygons):
        return found
    tree = shapely.STRtree(polygons)
    pi, gi = tree.query(points, predicate="intersects")
    order = np.lexsort((gi, pi))
    pi, gi = pi[order], gi[order]
    first = np.unique(pi, return_index=True)[1]
    found[pi[first]] = gi[first]
    return found


def nearest_within(points: np.ndarray, polygons: np.ndarray, max_m: float) -> tuple[np.ndarray, np.ndarray]:
    """Nearest polygon to each point and the geodesic distance in metres (-1 where further than max_m)."""
    if not len(points) or not len(polygons):
        return np.full(len(points), -1, dtype=np.int64), np.full(len(points), np.inf)
    tree = shapely.STRtree(polygons)
    pi, gi = tree.query_nearest(points, all_matches=False)
    idx = np.full(len(points), -1, dtype=np.int64)
    idx[pi] = gi
    dist = np.array([geodesic_m(points[i], polygons[idx[i]]) for i in range(len(points))])
    idx[dist > max_m] = -1
    return idx, dist


def geodesic_m(point, polygon) -> float:
    line = shapely.shortest_line(point, polygon)
    (x1, y1), (x2, y2) = line.coords
    return float(GEOD.inv(x1, y1, x2, y2)[2])


def geos_of(geom) -> GEOSGeometry:
    return GEOSGeometry(memoryview(shapely.to_wkb(geom)), srid=4326)


def as_text(values: Iterable[Any]) -> list[str]:
    """Field values as stripped strings: None/NaN → "", 101.0 (a float-typed code column) → "101"."""

    def one(v: Any) -> str:
        if v is None:
            return ""
        if isinstance(v, float | np.floating):
            if math.isnan(v):
                return ""
            if float(v).is_integer():
                return str(int(v))
        return str(v).strip()

    return [one(v) for v in values]


def examples_of(items: Sequence[str], n: int = EXAMPLES) -> str:
    items = list(items)
    shown = "; ".join(items[:n])
    return shown + (f"; … (+{len(items) - n} more)" if len(items) > n else "")


def assign_parents(children, parents, labels, what: str, report: Report) -> tuple[list[int], np.ndarray]:
    idx, share = largest_share(children, parents)
    orphans = [labels[i] for i in np.flatnonzero(idx < 0)]
    if orphans:
        raise GazetteerLoadError(
            f"{what}: {len(orphans)} unit(s) overlap no unit of the level above: {examples_of(orphans)}"
        )
    low = [f"{labels[i]} ({share[i]:.0%})" for i in np.flatnonzero(share < 0.5)]
    if low:
        report(f"{what}: {len(low)} unit(s) have less than half their area in their parent: {examples_of(low)}")
    return idx.tolist(), share


def read_csv_lines(path: Path) -> tuple[list[list[str]], list[int]]:
    """Rows of a CSV with any line endings (CR, LF, CRLF); lines that aren't UTF-8 are read as cp1252."""
    if not path.exists():
        raise GazetteerLoadError(f"{path}: file not found")
    raw_bytes = path.read_bytes()
    if raw_bytes.startswith(b"\xef\xbb\xbf"):
        raw_bytes = raw_bytes[3:]
    text_lines, fallback = [], []
    for n, line in enumerate(raw_bytes.splitlines(), 1):
        try:
            text_lines.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            fallback.append(n)
            try:
                text_lines.append(line.decode("cp1252"))
            except UnicodeDecodeError:  # the five bytes cp1252 leaves undefined
                text_lines.append(line.decode("latin-1"))
    return list(csv.reader(io.StringIO("\n".join(text_lines)))), fallback


def read_csv(path: Path, required: list[str]) -> list[dict[str, str]]:
    rows, _ = read_csv_lines(path)
    if not rows:
        raise GazetteerLoadError(f"{path}: empty file")
    header = [h.strip() for h in rows[0]]
    missing = [f for f in required if f not in header]
    if missing:
        raise GazetteerLoadError(f"{path}: no field(s) {', '.join(missing)} (fields: {', '.join(header)})")
    return [dict(zip(header, row, strict=False)) for row in rows[1:] if any(c.strip() for c in row)]
