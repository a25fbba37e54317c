"""Load administrative boundaries and places into the gazetteer.

Two entry points:

* `load_reference(data_dir, report)` loads the reference geography shipped in `shared/data`
  (Cambodia: country, 25 provinces, 197 districts, 1,633 communes, ~14,000 villages; Azerbaijan:
  79 rayons/cities and the national outline; Natural Earth towns for both).
* `load_file(path, country, level, ...)` loads one boundary (or place) file of any format and CRS
  that GDAL reads, for any national programme.

Both are idempotent and all-or-nothing: every row is keyed by (country, level, code) for areas and
(country, kind, code) for places; existing rows are updated in place (hazards and places point at
admin areas with PROTECT, so rows are never deleted and re-created), new rows are inserted, rows
that no longer appear in the source are kept and reported. All geometry work happens in memory with
vectorised Shapely (one STRtree per level, no query per row) before a single transaction writes the
result with `bulk_create`/`bulk_update`. Everything surprising in the source data is passed to
`report(...)`, never dropped silently.
"""

from __future__ import annotations

import csv
import difflib
import io
import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from django.contrib.gis.geos import GEOSGeometry
from django.db import transaction
from pyogrio import raw as ogr
from pyproj import CRS, Geod, Transformer

from safeground.core.geometry import area_m2
from safeground.gazetteer import queries
from safeground.gazetteer.models import AdminArea, Place

Report = Callable[[str], None]

LEVEL_LETTERS = {1: "P", 2: "D", 3: "C"}
#: A village a little outside every commune (boundary and survey vintages differ) is given the
#: nearest commune when it lies within this distance; further out it is loaded without a commune.
VILLAGE_SNAP_M = 500.0
#: Minimum similarity (0..1) for a fuzzy district-name match; every fuzzy match is reported.
NAME_MATCH_THRESHOLD = 0.8
EXAMPLES = 5

_GEOD = Geod(ellps="WGS84")


class GazetteerLoadError(ValueError):
    """Input the loader can't use; the message names the file, the field or row, and the value."""


def _noop(message: str) -> None:
    pass


# ---------------------------------------------------------------------------------------------
# Reading and geometry helpers
# ---------------------------------------------------------------------------------------------


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
    dist = np.array([_geodesic_distance(points[i], polygons[idx[i]]) for i in range(len(points))])
    idx[dist > max_m] = -1
    return idx, dist


def _geodesic_distance(point, polygon) -> float:
    line = shapely.shortest_line(point, polygon)
    (x1, y1), (x2, y2) = line.coords
    return float(_GEOD.inv(x1, y1, x2, y2)[2])


def _geos(geom) -> GEOSGeometry:
    return GEOSGeometry(memoryview(shapely.to_wkb(geom)), srid=4326)


def _text(values: Iterable[Any]) -> list[str]:
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


def _examples(items: Sequence[str], n: int = EXAMPLES) -> str:
    items = list(items)
    shown = "; ".join(items[:n])
    return shown + (f"; … (+{len(items) - n} more)" if len(items) > n else "")


# ---------------------------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------------------------

_NAME_NOISE = {"krong", "khan", "srok", "district", "municipality", "city", "province", "rayon"}


def name_key(name: str) -> str:
    """Case, accents, spaces, hyphens and apostrophes removed; 'Krong'/'District'-style words dropped."""
    s = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    s = re.sub(r"[-_'’`.,()/]", " ", s)
    return "".join(t for t in s.split() if t not in _NAME_NOISE)


def name_skeleton(name: str) -> str:
    """Transliteration-tolerant form: vowel runs collapsed (Russey Keo ~ Ruessei Kaev), doubles single."""
    s = name_key(name)
    s = re.sub(r"(?<=[a-z])h", "", s)  # kh/k, ph/p, chh/ch, aoh/ao
    s = re.sub(r"[aeiouy]+", "a", s)
    return re.sub(r"(.)\1+", r"\1", s)


def name_similarity(a: str, b: str) -> float:
    ka, kb = name_key(a), name_key(b)
    if ka == kb:
        return 1.0
    r1 = difflib.SequenceMatcher(None, ka, kb).ratio()
    r2 = difflib.SequenceMatcher(None, name_skeleton(a), name_skeleton(b)).ratio()
    return max(r1, r2)


def match_names(
    left: Sequence[str], right: Sequence[str], threshold: float = NAME_MATCH_THRESHOLD
) -> dict[int, tuple[int, float]]:
    """One-to-one name matching: exact keys first, then the most similar remaining pairs above threshold.

    Returns {left index: (right index, similarity)}.
    """
    out: dict[int, tuple[int, float]] = {}
    by_key: dict[str, list[int]] = defaultdict(list)
    for j, name in enumerate(right):
        by_key[name_key(name)].append(j)
    used: set[int] = set()
    for i, name in enumerate(left):
        for j in by_key.get(name_key(name), []):
            if j not in used:
                out[i] = (j, 1.0)
                used.add(j)
                break
    scored = sorted(
        (
            (name_similarity(left[i], right[j]), i, j)
            for i in range(len(left))
            if i not in out
            for j in range(len(right))
            if j not in used
        ),
        key=lambda t: (-t[0], t[1], t[2]),
    )
    for score, i, j in scored:
        if score < threshold:
            break
        if i in out or j in used:
            continue
        out[i] = (j, score)
        used.add(j)
    return out


# ---------------------------------------------------------------------------------------------
# What to write
# ---------------------------------------------------------------------------------------------


@dataclass
class AreaRow:
    code: str
    name: str
    geom: Any  # shapely MultiPolygon, EPSG:4326
    parent_code: str | None
    source: str


@dataclass
class PlaceRow:
    code: str
    name: str
    point: Any  # shapely Point
    area: tuple[int, str] | None  # (level, code) of its admin area
    source: str


@dataclass
class Plan:
    """Everything one load writes, in order: areas by (country, level), then places by (country, kind)."""

    areas: dict[tuple[str, int], list[AreaRow]] = field(default_factory=dict)
    places: dict[tuple[str, str], list[PlaceRow]] = field(default_factory=dict)
    repairs: dict[str, tuple[int, int]] = field(default_factory=dict)  # what -> (polygons read, repaired)


@dataclass
class WriteStats:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    kept: int = 0  # rows in the database that the source no longer has (kept: they may be referenced)


def write_plan(plan: Plan, report: Report) -> dict:
    """Upsert the plan in one transaction; return the summary."""
    stats = WriteStats()
    summary: dict[str, Any] = {"areas": {}, "places": {}}
    with transaction.atomic():
        ids: dict[tuple[str, int, str], Any] = {}
        for (country, level), rows in sorted(plan.areas.items(), key=lambda kv: (kv[0][1], kv[0][0])):
            if level > 0:
                for obj_id, code in AdminArea.objects.filter(country=country, level=level - 1).values_list(
                    "id", "code"
                ):
                    ids.setdefault((country, level - 1, code), obj_id)
            written = _upsert_areas(country, level, rows, ids, stats, report)
            ids.update({(country, level, code): obj_id for code, obj_id in written.items()})
            summary["areas"].setdefault(country, {})[level] = len(rows)
        for (country, kind), rows in sorted(plan.places.items()):
            needed_levels = {row.area[0] for row in rows if row.area}
            for level in needed_levels:
                for obj_id, code in AdminArea.objects.filter(country=country, level=level).values_list("id", "code"):
                    ids.setdefault((country, level, code), obj_id)
            _upsert_places(country, kind, rows, ids, stats, report)
            summary["places"].setdefault(country, {})[kind] = len(rows)
    queries.clear_caches()
    summary.update(created=stats.created, updated=stats.updated, unchanged=stats.unchanged, kept=stats.kept)
    return summary


def _same_geoms(old: list, new: list) -> np.ndarray:
    if not old:
        return np.zeros(0, dtype=bool)
    a = shapely.from_wkb([bytes(g.wkb) for g in old])
    b = np.array(new, dtype=object)
    return shapely.equals_exact(a, b, tolerance=1e-10)


def _upsert_areas(country, level, rows, ids, stats: WriteStats, report: Report) -> dict[str, Any]:
    codes = [r.code for r in rows]
    dupes = [c for c, n in Counter(codes).items() if n > 1]
    if dupes:
        raise GazetteerLoadError(f"{country} level {level}: duplicate codes {', '.join(dupes[:EXAMPLES])}")
    max_length = AdminArea._meta.get_field("code").max_length
    too_long = [c for c in codes if len(c) > max_length]
    if too_long:
        raise GazetteerLoadError(
            f"{country} level {level}: codes longer than {max_length} characters: {_examples(too_long)}"
        )
    existing = {a.code: a for a in AdminArea.objects.filter(country=country, level=level)}
    matched = [r for r in rows if r.code in existing]
    same_geom = _same_geoms([existing[r.code].geom for r in matched], [r.geom for r in matched])
    create, update = [], []
    for row in rows:
        parent_id = None
        if row.parent_code is not None:
            parent_id = ids.get((country, level - 1, row.parent_code))
            if parent_id is None:  # pragma: no cover - the plan always writes parents first
                raise GazetteerLoadError(f"{country} level {level} {row.code}: parent {row.parent_code} not found")
        if row.code not in existing:
            create.append(
                AdminArea(
                    country=country,
                    level=level,
                    code=row.code,
                    name=row.name,
                    parent_id=parent_id,
                    geom=_geos(row.geom),
                    source=row.source,
                )
            )
    for row, geom_same in zip(matched, same_geom, strict=True):
        obj = existing[row.code]
        parent_id = ids.get((country, level - 1, row.parent_code)) if row.parent_code else None
        if obj.name == row.name and obj.parent_id == parent_id and obj.source == row.source and geom_same:
            stats.unchanged += 1
            continue
        obj.name, obj.parent_id, obj.source = row.name, parent_id, row.source
        if not geom_same:
            obj.geom = _geos(row.geom)
        update.append(obj)
    AdminArea.objects.bulk_create(create, batch_size=200)
    if update:
        AdminArea.objects.bulk_update(update, ["name", "parent", "geom", "source"], batch_size=100)
    stats.created += len(create)
    stats.updated += len(update)
    stale = sorted(set(existing) - set(codes))
    if stale:
        stats.kept += len(stale)
        report(
            f"{country} level {level}: {len(stale)} existing area(s) not in this source were kept "
            f"(they may be referenced): {_examples(stale)}"
        )
    out = {code: obj.id for code, obj in existing.items()}
    out.update({obj.code: obj.id for obj in create})
    return out


def _upsert_places(country, kind, rows, ids, stats: WriteStats, report: Report) -> None:
    existing = {p.code: p for p in Place.objects.filter(country=country, kind=kind)}
    create, update = [], []
    for row in rows:
        area_id = ids[(country, *row.area)] if row.area else None
        obj = existing.get(row.code)
        if obj is None:
            create.append(
                Place(
                    country=country,
                    kind=kind,
                    code=row.code,
                    name=row.name,
                    point=_geos(row.point),
                    admin_area_id=area_id,
                    source=row.source,
                )
            )
            continue
        same_point = obj.point is not None and (obj.point.x, obj.point.y) == (row.point.x, row.point.y)
        if obj.name == row.name and obj.admin_area_id == area_id and obj.source == row.source and same_point:
            stats.unchanged += 1
            continue
        obj.name, obj.admin_area_id, obj.source = row.name, area_id, row.source
        if not same_point:
            obj.point = _geos(row.point)
        update.append(obj)
    Place.objects.bulk_create(create, batch_size=1000)
    if update:
        Place.objects.bulk_update(update, ["name", "admin_area", "point", "source"], batch_size=500)
    stats.created += len(create)
    stats.updated += len(update)
    stale = sorted(set(existing) - {r.code for r in rows})
    if stale:
        stats.kept += len(stale)
        report(f"{country} {kind}s: {len(stale)} existing place(s) not in this source were kept: {_examples(stale)}")


# ---------------------------------------------------------------------------------------------
# Reference data: Cambodia, Azerbaijan, Natural Earth towns
# ---------------------------------------------------------------------------------------------

SOURCES = {
    ("KHM", 0): "geoBoundaries KHM ADM0 (OpenStreetMap 2017), ODbL 1.0",
    ("KHM", 1): "Open Development Cambodia admin boundaries 2014 (MoP/NCDD), CC BY 4.0",
    ("KHM", 2): "geoBoundaries KHM ADM2 (ODC 2014), CC BY 4.0; codes: ODC district codes 2011",
    ("KHM", 3): "geoBoundaries KHM ADM3 (ODC 2014), CC BY 4.0; codes: village codes 2013 (ODC)",
    ("KHM", "village"): "MoEYS school inventory 2013 via Open Development Cambodia",
    ("AZE", 0): "union of geoBoundaries AZE ADM2 (coarse), CC BY-SA 3.0",
    ("AZE", 1): "geoBoundaries AZE ADM2 (coarse), CC BY-SA 3.0",
    "town": "Natural Earth 1:10m populated places (public domain)",
}


def load_reference(data_dir: Path | str, report: Report = _noop) -> dict:
    """Load the reference gazetteer of Cambodia and Azerbaijan from `data_dir` (shared/data).

    Returns a summary: {"areas": {country: {level: n}}, "places": {country: {kind: n}},
    "created", "updated", "unchanged", "kept"}.
    """
    data_dir = Path(data_dir)
    plan = Plan()
    outlines: dict[str, Any] = {}
    level1: dict[str, tuple[list[str], np.ndarray]] = {}

    khm = _plan_cambodia(data_dir, plan, report)
    outlines["KHM"], level1["KHM"] = khm
    aze = _plan_azerbaijan(data_dir, plan, report)
    outlines["AZE"], level1["AZE"] = aze
    _plan_towns(data_dir / "world" / "populated-places-ne10m.geojson", plan, outlines, level1, report)
    read = sum(n for n, _ in plan.repairs.values())
    repaired = sum(r for _, r in plan.repairs.values())
    report(f"source polygons: {read} read, {repaired} invalid ones repaired with make_valid")
    return write_plan(plan, report)


def _plan_cambodia(data_dir: Path, plan: Plan, report: Report):
    base = data_dir / "cambodia"
    # Level 0: the national outline.
    country = read_layer(base / "country.geojson")
    geoms, repaired = polygonal(country.geoms, str(country.path))
    outline = shapely.union_all(geoms) if len(geoms) > 1 else geoms[0]
    outline = as_multipolygons(np.array([outline], dtype=object))[0]
    name = _text(country.fields.get("shapeName", ["Cambodia"]))[0] or "Cambodia"
    plan.areas[("KHM", 0)] = [AreaRow("KHM", name, outline, None, SOURCES[("KHM", 0)])]
    _report_repairs(plan, report, "KHM country outline", len(geoms), repaired)

    provinces = _plan_khm_provinces(base, plan, report)
    beyond = shapely.difference(shapely.union_all(provinces["geoms"]), outline)
    if not beyond.is_empty:
        report(
            f"KHM country outline (OSM) vs ODC provinces: {area_m2(beyond) / 1e6:,.1f} km² of the provinces lie "
            "outside the national outline (mostly islands and the border line); the outline is kept as published"
        )
    districts = _plan_khm_districts(base, plan, provinces, report)
    villages = _read_villages(base / "villages-2013.csv", report)
    communes = _plan_khm_communes(base, plan, districts, villages, report)
    _plan_khm_villages(plan, outline, communes, villages, report)
    return outline, (provinces["codes"], provinces["geoms"])


def _report_repairs(plan: Plan, report: Report, what: str, read: int, repaired: int) -> None:
    plan.repairs[what] = (read, repaired)
    if repaired:
        report(f"{what}: {repaired} of {read} source polygon(s) were invalid, repaired with make_valid")


def _plan_khm_provinces(base: Path, plan: Plan, report: Report) -> dict:
    """25 provinces: ODC 2014 geometry and official codes (UTM 48N → 4326), names cross-checked."""
    odc = read_layer(base / "provinces-official-codes-utm48n.geojson")
    codes = _text(odc.field("HRPCode"))
    names = _text(odc.field("HRName"))
    bad = [c for c in codes if not re.fullmatch(r"KH\d\d", c)]
    if bad or len(set(codes)) != len(codes):
        raise GazetteerLoadError(f"{odc.path}: HRPCode must be unique KHnn codes; got {_examples(bad or codes)}")
    geoms, repaired = polygonal(odc.geoms, str(odc.path), codes)
    _report_repairs(plan, report, "KHM provinces (ODC)", len(geoms), repaired)

    # Cross-check against geoBoundaries ADM1 (OSM): join by largest overlap, compare names and numbers.
    gb = read_layer(base / "provinces.geojson")
    gb_geoms, _ = polygonal(gb.geoms, str(gb.path))
    gb_names = _text(gb.field("shapeName"))
    gb_iso = _text(gb.field("shapeISO"))
    best, share = largest_share(geoms, gb_geoms)
    differences = []
    for i, code in enumerate(codes):
        if best[i] < 0:
            differences.append(f"{code} {names[i]}: no overlapping geoBoundaries province")
            continue
        j = int(best[i])
        iso_number = gb_iso[j].rsplit("-", 1)[-1]
        if iso_number.isdigit() and int(iso_number) != int(code[2:]):
            differences.append(f"{code} {names[i]} overlaps geoBoundaries {gb_iso[j]} {gb_names[j]} (code differs)")
        elif name_key(gb_names[j]) != name_key(names[i]):
            differences.append(f"{code} '{names[i]}' = geoBoundaries {gb_iso[j]} '{gb_names[j]}' ({share[i]:.0%})")
    order = np.argsort(codes)
    report(
        f"KHM provinces: {len(codes)} from {odc.path.name} ({odc.crs} reprojected to EPSG:4326), official "
        f"codes {codes[order[0]]}..{codes[order[-1]]}; joined to {gb.path.name} by overlap "
        f"(smallest overlap {share.min():.1%}); ODC names kept, {len(differences)} differ in spelling: "
        + "; ".join(differences)
    )
    plan.areas[("KHM", 1)] = [AreaRow(codes[i], names[i], geoms[i], "KHM", SOURCES[("KHM", 1)]) for i in order.tolist()]
    return {"codes": [codes[i] for i in order], "names": [names[i] for i in order], "geoms": geoms[order]}


def _plan_khm_districts(base: Path, plan: Plan, provinces: dict, report: Report) -> dict:
    """197 districts (2014): parents by overlap, codes joined by name from the 2011 list within the province."""
    layer = read_layer(base / "districts.geojson")
    names = _text(layer.field("shapeName"))
    geoms, repaired = polygonal(layer.geoms, str(layer.path), names)
    _report_repairs(plan, report, "KHM districts", len(geoms), repaired)
    parent_idx, share = _parents(geoms, provinces["geoms"], names, "KHM district", report)
    parents = [provinces["codes"][p] for p in parent_idx]

    code_rows = _read_csv(base / "district-codes-2011.csv", ["DIST_CODE", "DIST_NAME"])
    by_province: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for row in code_rows:
        code = row["DIST_CODE"].strip().zfill(4)
        if not re.fullmatch(r"\d{4}", code):
            raise GazetteerLoadError(
                f"{base / 'district-codes-2011.csv'}: DIST_CODE {row['DIST_CODE']!r} isn't 4 digits"
            )
        by_province["KH" + code[:2]].append((code, row["DIST_NAME"].strip()))

    codes: list[str | None] = [None] * len(names)
    fuzzy, used = [], set()
    for province in provinces["codes"]:
        members = [i for i, p in enumerate(parents) if p == province]
        candidates = by_province.get(province, [])
        matches = match_names([names[i] for i in members], [name for _, name in candidates])
        for k, (j, score) in matches.items():
            i = members[k]
            codes[i] = "KH" + candidates[j][0]
            used.add(candidates[j][0])
            if score < 1.0:
                fuzzy.append(f"{names[i]} ~ {candidates[j][1]} ({candidates[j][0]}, {score:.2f})")
    report(
        f"KHM districts: {len(names)} from {layer.path.name}; {sum(c is not None for c in codes)} coded by name "
        f"from district-codes-2011.csv ({len(code_rows)} rows) within the parent province, "
        f"{len(fuzzy)} of them by spelling variant: " + "; ".join(fuzzy)
    )
    # Districts without a code: stable generated codes, province code + "-D" + sequence by name.
    unmatched = [i for i, c in enumerate(codes) if c is None]
    all_rows = [(code, name) for rows in by_province.values() for code, name in rows]
    notes = []
    for province in sorted({parents[i] for i in unmatched}):
        members = sorted((i for i in unmatched if parents[i] == province), key=lambda i: (name_key(names[i]), i))
        for seq, i in enumerate(members, 1):
            codes[i] = f"{province}-D{seq:02d}"
            elsewhere = [
                f"{code} {name} in KH{code[:2]}" for code, name in all_rows if name_key(name) == name_key(names[i])
            ]
            hint = f"; the 2011 list has {', '.join(elsewhere)}" if elsewhere else "; not in the 2011 list"
            notes.append(f"{codes[i]} {names[i]} ({province}{hint})")
    if unmatched:
        report(
            f"KHM districts: {len(unmatched)} without a 2011 code in their province (created or moved after 2011) "
            f"got generated codes: " + "; ".join(notes)
        )
    unused = sorted(set(code for code, _ in all_rows) - used)
    if unused:
        unused_named = [f"{code} {name}" for code, name in all_rows if code in unused]
        report(f"KHM districts: {len(unused)} 2011 code(s) matched no 2014 district: " + "; ".join(unused_named))
    order = sorted(range(len(names)), key=lambda i: codes[i])
    plan.areas[("KHM", 2)] = [AreaRow(codes[i], names[i], geoms[i], parents[i], SOURCES[("KHM", 2)]) for i in order]
    return {
        "codes": [codes[i] for i in order],
        "names": [names[i] for i in order],
        "geoms": geoms[order],
        "parents": [parents[i] for i in order],
    }


def _parents(children, parents, labels, what: str, report: Report) -> tuple[list[int], np.ndarray]:
    idx, share = largest_share(children, parents)
    orphans = [labels[i] for i in np.flatnonzero(idx < 0)]
    if orphans:
        raise GazetteerLoadError(
            f"{what}: {len(orphans)} unit(s) overlap no unit of the level above: {_examples(orphans)}"
        )
    low = [f"{labels[i]} ({share[i]:.0%})" for i in np.flatnonzero(share < 0.5)]
    if low:
        report(f"{what}: {len(low)} unit(s) have less than half their area in their parent: {_examples(low)}")
    return idx.tolist(), share


@dataclass
class Villages:
    codes: list[str]
    names: list[str]
    points: np.ndarray


def _read_villages(path: Path, report: Report) -> Villages:
    """villages-2013.csv: CR line endings, a few cp1252 lines; bad rows counted and reported, never hidden."""
    rows, cp1252_lines = _read_csv_lines(path)
    header = [h.strip() for h in rows[0]] if rows else []
    required = ["longitude", "latitude", "vil_code", "village"]
    missing = [f for f in required if f not in header]
    if missing:
        raise GazetteerLoadError(f"{path}: no field(s) {', '.join(missing)} (fields: {', '.join(header)})")
    col = {name: header.index(name) for name in required}

    def cell(row: list[str], name: str) -> str:
        return row[col[name]].strip() if col[name] < len(row) else ""

    decoded = [f"line {n}: {cell(rows[n - 1], 'vil_code')} {cell(rows[n - 1], 'village')!r}" for n in cp1252_lines]
    report(
        f"KHM villages: {len(rows) - 1} rows in {path.name} (CR-only line endings handled); "
        f"{len(cp1252_lines)} line(s) not valid UTF-8, decoded as cp1252: {_examples(decoded)}"
    )
    codes, names, xy, bad_coords, bad_codes = [], [], [], [], []
    for line_no, row in enumerate(rows[1:], 2):
        if not any(c.strip() for c in row):
            continue
        code = cell(row, "vil_code")
        if not re.fullmatch(r"\d{7,8}", code):
            bad_codes.append(f"line {line_no}: vil_code {code!r}")
            continue
        try:
            lon, lat = float(cell(row, "longitude")), float(cell(row, "latitude"))
        except ValueError:
            bad_coords.append(f"line {line_no} {code}: {cell(row, 'longitude')!r}, {cell(row, 'latitude')!r}")
            continue
        if not (math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90):
            bad_coords.append(f"line {line_no} {code}: {lon}, {lat}")
            continue
        codes.append(code.zfill(8))
        names.append(cell(row, "village") or code.zfill(8))
        xy.append((lon, lat))
    if bad_codes:
        report(f"KHM villages: {len(bad_codes)} row(s) with a malformed vil_code skipped: {_examples(bad_codes)}")
    if bad_coords:
        report(f"KHM villages: {len(bad_coords)} row(s) with unreadable coordinates skipped: {_examples(bad_coords)}")
    else:
        report("KHM villages: all coordinates parse as longitude/latitude")
    points = shapely.points(np.array(xy, dtype=float).reshape(-1, 2))
    # Duplicate codes: the first row wins, the others are reported and skipped.
    seen: dict[str, int] = {}
    dup_rows, keep = [], []
    for i, code in enumerate(codes):
        if code in seen:
            dup_rows.append(f"{code} {names[i]} (also {names[seen[code]]})")
        else:
            seen[code] = i
            keep.append(i)
    if dup_rows:
        report(f"KHM villages: {len(dup_rows)} duplicate vil_code row(s) skipped (first kept): {_examples(dup_rows)}")
    else:
        report("KHM villages: no duplicate vil_code")
    same_place = Counter(shapely.to_wkb(points).tolist())
    shared = sum(n for n in same_place.values() if n > 1)
    if shared:
        report(f"KHM villages: {shared} villages share their coordinates with another village (all loaded)")
    return Villages([codes[i] for i in keep], [names[i] for i in keep], points[keep])


def _plan_khm_communes(base: Path, plan: Plan, districts: dict, villages: Villages, report: Report) -> dict:
    """1,633 communes: parents by overlap; codes from the 2013 village codes where they agree, else generated.

    A village code is province + district + commune + village (2+2+2+2 digits). The villages lying in a
    commune vote for its 6-digit code; the majority code is used when more than half the commune's
    villages carry it, its first four digits are the parent district's official code, and no other
    commune has more votes for it. Every other commune gets parent code + "-C" + sequence by name.
    """
    layer = read_layer(base / "communes.geojson")
    names = _text(layer.field("shapeName"))
    geoms, repaired = polygonal(layer.geoms, str(layer.path), names)
    _report_repairs(plan, report, "KHM communes", len(geoms), repaired)
    parent_idx, _ = _parents(geoms, districts["geoms"], names, "KHM commune", report)
    parents = [districts["codes"][p] for p in parent_idx]

    where = containing(villages.points, geoms)
    votes: dict[int, Counter] = defaultdict(Counter)
    for v, c in enumerate(where.tolist()):
        if c >= 0:
            votes[c][villages.codes[v][:6]] += 1
    claims: dict[str, list[tuple[int, int]]] = defaultdict(list)  # code -> [(votes, commune)]
    why: dict[int, str] = {}
    for c in range(len(names)):
        counter = votes.get(c)
        if not re.fullmatch(r"KH\d{4}", parents[c]):
            why[c] = "district without an official code"
        elif not counter:
            why[c] = "no village inside"
        else:
            (top, n), total = counter.most_common(1)[0], sum(counter.values())
            tied = len(counter) > 1 and counter.most_common(2)[1][1] == n
            if n * 2 <= total or tied:
                why[c] = "no majority among its villages' codes"
            elif parents[c] != "KH" + top[:4]:
                why[c] = f"its villages' code {top} belongs to another district"
            else:
                claims[top].append((n, c))
    codes: list[str | None] = [None] * len(names)
    for code, claimants in claims.items():
        claimants.sort(key=lambda t: (-t[0], t[1]))
        codes[claimants[0][1]] = "KH" + code
        for _, c in claimants[1:]:
            why[c] = f"KH{code} contested, went to {names[claimants[0][1]]}"
    generated = [i for i, c in enumerate(codes) if c is None]
    by_parent: dict[str, list[int]] = defaultdict(list)
    for i in generated:
        by_parent[parents[i]].append(i)
    for parent, members in by_parent.items():
        members.sort(key=lambda i: (name_key(names[i]), i))
        for seq, i in enumerate(members, 1):
            codes[i] = f"{parent}-C{seq:02d}"
    reasons = Counter(
        "a contested code"
        if why[i].startswith("KH")
        else ("a code of another district" if "another" in why[i] else why[i])
        for i in generated
    )
    report(
        f"KHM communes: {len(names)} from {layer.path.name}; {len(names) - len(generated)} coded KH + 6 digits from "
        f"the 2013 village codes (the code most of the villages inside carry, agreeing with the district code); "
        f"{len(generated)} got generated codes (district code + '-C' + sequence by name): "
        + ", ".join(f"{n} {reason}" for reason, n in reasons.most_common())
    )
    details = [f"{codes[i]} {names[i]} ({why[i]})" for i in sorted(generated, key=lambda i: codes[i])]
    official_parent = [
        d
        for d, i in zip(details, sorted(generated, key=lambda i: codes[i]), strict=True)
        if re.fullmatch(r"KH\d{4}", parents[i])
    ]
    report(f"KHM communes with generated codes in officially coded districts: {'; '.join(official_parent)}")
    order = sorted(range(len(names)), key=lambda i: codes[i])
    plan.areas[("KHM", 3)] = [AreaRow(codes[i], names[i], geoms[i], parents[i], SOURCES[("KHM", 3)]) for i in order]
    return {"codes": [codes[i] for i in order], "geoms": geoms[order]}


def _plan_khm_villages(plan: Plan, outline, communes: dict, villages: Villages, report: Report) -> None:
    """Each village's commune is the one containing its point; a village just outside gets the nearest one.

    Further than VILLAGE_SNAP_M from every commune: loaded without a commune when inside the national
    outline, skipped (wrong coordinates) when outside it.
    """
    where = containing(villages.points, communes["geoms"])
    keep = np.ones(len(where), dtype=bool)
    outside = np.flatnonzero(where < 0)
    if len(outside):
        near, dist = nearest_within(villages.points[outside], communes["geoms"], VILLAGE_SNAP_M)
        where[outside] = near
        snapped = [
            f"{villages.codes[v]} {villages.names[v]} {dist[k]:.0f} m from {communes['codes'][near[k]]}"
            for k, v in enumerate(outside)
            if near[k] >= 0
        ]
        report(
            f"KHM villages: {len(outside)} outside every commune, {len(snapped)} of them within "
            f"{VILLAGE_SNAP_M:.0f} m given the nearest commune: {_examples(snapped)}"
        )
        far = outside[near < 0]
        if len(far):
            shapely.prepare(outline)
            in_country = shapely.contains(outline, villages.points[far])
            swapped = shapely.contains(outline, shapely.transform(villages.points[far], lambda xy: xy[:, ::-1]))
            no_commune = [
                f"{villages.codes[v]} {villages.names[v]} ({villages.points[v].x}, {villages.points[v].y})"
                for v, inside in zip(far, in_country, strict=True)
                if inside
            ]
            skipped = [
                f"{villages.codes[v]} {villages.names[v]} ({villages.points[v].x}, {villages.points[v].y})"
                + (" (latitude/longitude swapped?)" if sw else "")
                for v, inside, sw in zip(far, in_country, swapped, strict=True)
                if not inside
            ]
            keep[far[~in_country]] = False
            if no_commune:
                report(
                    f"KHM villages: {len(no_commune)} further out, loaded without a commune: {_examples(no_commune)}"
                )
            if skipped:
                report(f"KHM villages: {len(skipped)} outside Cambodia, skipped: {_examples(skipped)}")
    codes = communes["codes"]
    disagree = [
        f"{villages.codes[v]} {villages.names[v]} in {codes[c]}"
        for v, c in enumerate(where.tolist())
        if keep[v] and c >= 0 and re.fullmatch(r"KH\d{6}", codes[c]) and codes[c][2:] != villages.codes[v][:6]
    ]
    report(
        f"KHM villages: {int(keep.sum())} loaded; {len(disagree)} lie in a coded commune other than the one their "
        f"own code names (location wins): {_examples(disagree)}"
    )
    source = SOURCES[("KHM", "village")]
    plan.places[("KHM", "village")] = [
        PlaceRow(villages.codes[v], villages.names[v], villages.points[v], (3, codes[c]) if c >= 0 else None, source)
        for v, c in enumerate(where.tolist())
        if keep[v]
    ]


def _name_codes(prefix: str, names: Sequence[str], geoms: np.ndarray) -> list[str]:
    """Readable stable codes from names: 'Fuzuli District' → AZ-FUZULI, 'Shaki City' → AZ-SHAKI-C.

    Not official ISO 3166-2 codes (the source carries none); a repeated name gets -2, -3 … from west to east.
    """
    stems = []
    for name in names:
        words = name.split()
        city = words[-1].lower() == "city"
        if words and words[-1].lower() in {"district", "city", "rayon"}:
            words = words[:-1]
        ascii_name = unicodedata.normalize("NFKD", "".join(words)).encode("ascii", "ignore").decode().upper()
        stems.append(f"{prefix}-{re.sub('[^A-Z0-9]', '', ascii_name)[:12]}" + ("-C" if city else ""))
    codes = list(stems)
    order = sorted(range(len(names)), key=lambda i: (stems[i], geoms[i].centroid.x))
    seen: Counter = Counter()
    for i in order:
        seen[stems[i]] += 1
        if seen[stems[i]] > 1:
            codes[i] = f"{stems[i]}-{seen[stems[i]]}"
    return codes


def _plan_azerbaijan(data_dir: Path, plan: Plan, report: Report):
    layer = read_layer(data_dir / "azerbaijan" / "rayons.geojson")
    names = _text(layer.field("shapeName"))
    geoms, repaired = polygonal(layer.geoms, str(layer.path), names)
    _report_repairs(plan, report, "AZE rayons", len(geoms), repaired)
    iso = _text(layer.fields.get("shapeISO", [""] * len(names)))
    if all(iso) and len(set(iso)) == len(iso) and "AZE" not in iso:
        codes = iso
        how = "shapeISO"
    else:
        codes = _name_codes("AZ", names, geoms)
        values = Counter(iso).most_common(2)
        how = (
            "'AZ-' + the name, '-C' for cities, '-2' for a repeated name (west to east); shapeISO is not a unit "
            f"code: {', '.join(f'{v!r} x{n}' for v, n in values)}"
        )
    report(f"AZE rayons: {len(names)} first-level units (rayons and cities) from {layer.path.name}; codes {how}")
    dupes = {n: [codes[i] for i in range(len(names)) if names[i] == n] for n, k in Counter(names).items() if k > 1}
    for name, dup_codes in dupes.items():
        report(f"AZE rayons: name {name!r} is used by {len(dup_codes)} features ({', '.join(dup_codes)}); both kept")
    outline = as_multipolygons(np.array([shapely.union_all(geoms)], dtype=object))[0]
    holes = [
        shapely.Polygon(ring) for part in outline.geoms for ring in part.interiors if shapely.Polygon(ring).area > 0
    ]
    hole_text = "; ".join(
        f"{area_m2(h) / 1e6:,.0f} km² at {h.centroid.x:.2f}, {h.centroid.y:.2f}"
        for h in sorted(holes, key=lambda h: -h.area)
    )
    report(
        f"AZE country outline: union of the {len(names)} rayons, {len(outline.geoms)} part(s) (Nakhchivan and "
        f"exclaves included); the boundaries are coarse (traced from a small-scale map); "
        f"{len(holes)} hole(s) covered by no rayon (water bodies or enclaves): {hole_text or 'none'}"
    )
    plan.areas[("AZE", 0)] = [AreaRow("AZE", queries.country_name("AZE"), outline, None, SOURCES[("AZE", 0)])]
    order = sorted(range(len(names)), key=lambda i: codes[i])
    plan.areas[("AZE", 1)] = [AreaRow(codes[i], names[i], geoms[i], "AZE", SOURCES[("AZE", 1)]) for i in order]
    return outline, ([codes[i] for i in order], geoms[order])


def _plan_towns(path: Path, plan: Plan, outlines: dict, level1: dict, report: Report) -> None:
    """Natural Earth towns of the loaded countries; a town outside its country's outline is skipped."""
    countries = sorted(outlines)
    where = "adm0_a3 IN ({})".format(", ".join(f"'{c}'" for c in countries))
    layer = read_layer(path, where=where)
    adm0 = _text(layer.field("adm0_a3"))
    names = _text(layer.field("name"))
    geonameid = layer.field("geonameid")
    for country in countries:
        idx = [i for i, c in enumerate(adm0) if c == country]
        points = layer.geoms[idx]
        bad_type = [names[i] for i, g in zip(idx, points, strict=True) if g is None or g.geom_type != "Point"]
        if bad_type:
            raise GazetteerLoadError(f"{path}: towns must be points; not: {_examples(bad_type)}")
        outline = outlines[country]
        shapely.prepare(outline)
        inside = shapely.contains(outline, points)
        skipped = []
        for k in np.flatnonzero(~inside):
            i = idx[k]
            metres = _geodesic_distance(points[k], outline)
            skipped.append(f"{names[i]} ({points[k].x:.4f}, {points[k].y:.4f}) lies {metres:,.0f} m outside {country}")
        if skipped:
            report(
                f"{country} towns: {len(skipped)} Natural Earth town(s) assigned to {country} but outside its "
                f"outline skipped: " + "; ".join(skipped)
            )
        codes_1, geoms_1 = level1[country]
        keep = [k for k in range(len(idx)) if inside[k]]
        kept_points = points[keep]
        area = containing(kept_points, geoms_1)
        loose = np.flatnonzero(area < 0)
        if len(loose):
            near, dist = nearest_within(kept_points[loose], geoms_1, math.inf)
            area[loose] = near
            report(
                f"{country} towns: {len(loose)} inside the national outline but outside every level-1 unit given "
                "the nearest: " + _examples([f"{names[idx[keep[k]]]} {dist[n]:,.0f} m" for n, k in enumerate(loose)])
            )
        rows, generated = [], []
        for n, k in enumerate(keep):
            i = idx[k]
            gid = geonameid[i]
            if gid is not None and not (isinstance(gid, float) and math.isnan(gid)) and float(gid) > 0:
                code = f"GN{int(gid)}"
            else:
                code = "NE-" + re.sub(r"[^A-Z0-9]", "", name_key(names[i]).upper())[:17]
                generated.append(f"{code} {names[i]}")
            rows.append(PlaceRow(code, names[i], points[k], (1, codes_1[area[n]]), SOURCES["town"]))
        dupes = [c for c, m in Counter(r.code for r in rows).items() if m > 1]
        if dupes:
            raise GazetteerLoadError(f"{path}: duplicate town codes for {country}: {', '.join(dupes)}")
        report(
            f"{country} towns: {len(rows)} of {len(idx)} loaded (code 'GN' + GeoNames id"
            + (f"; no GeoNames id, code from the name: {'; '.join(generated)})" if generated else ")")
        )
        plan.places[(country, "town")] = rows


def _read_csv_lines(path: Path) -> tuple[list[list[str]], list[int]]:
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


def _read_csv(path: Path, required: list[str]) -> list[dict[str, str]]:
    rows, _ = _read_csv_lines(path)
    if not rows:
        raise GazetteerLoadError(f"{path}: empty file")
    header = [h.strip() for h in rows[0]]
    missing = [f for f in required if f not in header]
    if missing:
        raise GazetteerLoadError(f"{path}: no field(s) {', '.join(missing)} (fields: {', '.join(header)})")
    return [dict(zip(header, row, strict=False)) for row in rows[1:] if any(c.strip() for c in row)]


# ---------------------------------------------------------------------------------------------
# Any file, any programme
# ---------------------------------------------------------------------------------------------

_NAME_CANDIDATES = ("name", "shapename", "name_en", "adm{level}_en", "name_{level}", "hrname", "nom")


def load_file(
    path: Path | str,
    country: str,
    level: int | None = None,
    code_field: str | None = None,
    name_field: str | None = None,
    layer: str | int | None = None,
    report: Report = _noop,
    *,
    places: bool = False,
    kind: str = "village",
    crs: str | None = None,
    source: str | None = None,
) -> dict:
    """Load one file of admin areas (level 0-3) or, with `places=True`, of places (points).

    Geometries are reprojected to EPSG:4326 from the file's CRS (or `crs`). Parents are the units of
    the level above in the same country holding the largest share of each area; loading level 1 of a
    country without a level 0 creates level 0 as the union. Codes come from `code_field` (unique,
    required non-empty) or are generated (parent code + level letter + sequence by name) and
    reported. Nothing is written unless the whole file is good.
    """
    path = Path(path)
    country = (country or "").strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", country):
        raise GazetteerLoadError(f"country must be an ISO 3166-1 alpha-3 code such as KHM, got {country!r}")
    if places:
        return _load_places_file(path, country, kind, code_field, name_field, layer, report, crs, source)
    if level is None or level not in (0, 1, 2, 3):
        raise GazetteerLoadError(f"level must be 0, 1, 2 or 3, got {level!r}")
    data = read_layer(path, layer=layer, crs=crs)
    if not len(data):
        raise GazetteerLoadError(f"{path}: layer has no features")
    if code_field is not None:
        codes = _text(data.field(code_field))  # raises naming the file and the field
    name_field = _pick_name_field(data, name_field, level)
    names = _text(data.field(name_field))
    labels = [f"feature {i + 1} ({names[i] or 'no name'})" for i in range(len(data))]
    empty = [labels[i] for i, n in enumerate(names) if not n]
    if empty and level > 0:
        raise GazetteerLoadError(f"{path}: field {name_field!r} is empty for {_examples(empty)}")
    geoms, repaired = polygonal(data.geoms, str(path), labels)
    plan = Plan()
    _report_repairs(plan, report, f"{path.name}", len(geoms), repaired)
    source = source or f"{path.name} (loaded with safeground gazetteer load)"

    if level == 0:
        outline = as_multipolygons(np.array([shapely.union_all(geoms)], dtype=object))[0]
        name = names[0] if len(set(names)) == 1 and names[0] else queries.country_name(country)
        plan.areas[(country, 0)] = [AreaRow(country, name, outline, None, source)]
        report(f"{country} level 0: outline from {len(geoms)} feature(s) of {path.name}")
        return write_plan(plan, report)

    if code_field is not None:
        blank = [labels[i] for i, c in enumerate(codes) if not c]
        if blank:
            raise GazetteerLoadError(f"{path}: field {code_field!r} is empty for {_examples(blank)}")
        dupes = [c for c, n in Counter(codes).items() if n > 1]
        if dupes:
            raise GazetteerLoadError(f"{path}: field {code_field!r} has duplicate codes: {_examples(dupes)}")
        too_long = [c for c in codes if len(c) > AdminArea._meta.get_field("code").max_length]
        if too_long:
            raise GazetteerLoadError(
                f"{path}: field {code_field!r} has codes longer than 20 characters: {too_long[0]!r}"
            )

    above = list(AdminArea.objects.filter(country=country, level=level - 1).values_list("code", "geom"))
    if not above:
        if level > 1:
            raise GazetteerLoadError(
                f"{path}: no level {level - 1} areas for {country} to attach level {level} to; "
                f"load level {level - 1} first"
            )
        outline = as_multipolygons(np.array([shapely.union_all(geoms)], dtype=object))[0]
        plan.areas[(country, 0)] = [AreaRow(country, queries.country_name(country), outline, None, source)]
        report(f"{country} level 0: none in the gazetteer; created as the union of the {len(geoms)} level-1 units")
        parent_codes = [country] * len(geoms)
    else:
        parent_geoms = shapely.from_wkb([bytes(g.wkb) for _, g in above])
        idx, share = largest_share(geoms, parent_geoms)
        outside = [labels[i] for i in np.flatnonzero(idx < 0)]
        if outside and level > 1:
            raise GazetteerLoadError(
                f"{path}: {len(outside)} feature(s) overlap no {country} level-{level - 1} area: {_examples(outside)}"
            )
        low = [f"{labels[i]} ({share[i]:.0%})" for i in np.flatnonzero((idx >= 0) & (share < 0.5))]
        if low or outside:
            report(
                f"{path.name}: {len(low) + len(outside)} feature(s) lie mostly outside the {country} level-{level - 1} "
                f"areas (check the CRS and the country): {_examples(outside + low)}"
            )
        parent_codes = [above[i][0] if i >= 0 else above[0][0] for i in idx.tolist()]

    if code_field is None:
        codes = [""] * len(names)
        letter = LEVEL_LETTERS[level]
        for parent in sorted(set(parent_codes)):
            members = sorted(
                (i for i, p in enumerate(parent_codes) if p == parent), key=lambda i: (name_key(names[i]), i)
            )
            for seq, i in enumerate(members, 1):
                codes[i] = f"{parent}-{letter}{seq:02d}"
        report(
            f"{path.name}: no code field given; generated codes (parent code + '-{letter}' + sequence by name): "
            + _examples([f"{codes[i]} {names[i]}" for i in range(len(names))])
        )
    plan.areas[(country, level)] = [
        AreaRow(codes[i], names[i], geoms[i], parent_codes[i], source) for i in range(len(names))
    ]
    report(f"{country} level {level}: {len(names)} area(s) from {path.name} ({data.crs} → EPSG:4326)")
    return write_plan(plan, report)


def _pick_name_field(data: Layer, name_field: str | None, level: int) -> str:
    if name_field is not None:
        data.field(name_field)  # raises naming the file and the field
        return name_field
    lower = {name.lower(): name for name in data.fields}
    for candidate in _NAME_CANDIDATES:
        found = lower.get(candidate.format(level=level))
        if found:
            return found
    raise GazetteerLoadError(
        f"{data.path}: no name field found; give one with --name-field (fields: {', '.join(data.fields) or 'none'})"
    )


def _load_places_file(path, country, kind, code_field, name_field, layer, report, crs, source) -> dict:
    kinds = dict(Place.KIND_CHOICES)
    if kind not in kinds:
        raise GazetteerLoadError(f"kind must be one of {', '.join(kinds)}, got {kind!r}")
    if code_field is None:
        raise GazetteerLoadError(f"{path}: places need a code field (--code-field)")
    data = read_layer(path, layer=layer, crs=crs)
    codes = _text(data.field(code_field))
    name_field = _pick_name_field(data, name_field, 0)
    names = _text(data.field(name_field))
    types = shapely.get_type_id(data.geoms)
    if (types != 0).any():
        i = int(np.flatnonzero(types != 0)[0])
        raise GazetteerLoadError(f"{path}: places must be points; feature {i + 1} ({codes[i]}) is not")
    blank = [str(i + 1) for i, c in enumerate(codes) if not c]
    if blank:
        raise GazetteerLoadError(f"{path}: field {code_field!r} is empty for feature(s) {_examples(blank)}")
    dupes = [c for c, n in Counter(codes).items() if n > 1]
    if dupes:
        raise GazetteerLoadError(f"{path}: field {code_field!r} has duplicate codes: {_examples(dupes)}")
    points = shapely.force_2d(data.geoms)
    keep = np.ones(len(points), dtype=bool)
    outline = queries.country_outline(country)
    if outline is not None:
        keep = shapely.contains(outline, points)
        if (~keep).any():
            report(
                f"{path.name}: {int((~keep).sum())} place(s) outside {country} skipped: "
                + _examples([f"{codes[i]} {names[i]}" for i in np.flatnonzero(~keep)])
            )
    area: list[tuple[int, str] | None] = [None] * len(points)
    for level in (1, 2, 3):
        rows = list(AdminArea.objects.filter(country=country, level=level).values_list("code", "geom"))
        if not rows:
            continue
        found = containing(points, shapely.from_wkb([bytes(g.wkb) for _, g in rows]))
        for i, j in enumerate(found.tolist()):
            if j >= 0:
                area[i] = (level, rows[j][0])
    source = source or f"{path.name} (loaded with safeground gazetteer load)"
    plan = Plan()
    plan.places[(country, kind)] = [
        PlaceRow(codes[i], names[i] or codes[i], points[i], area[i], source) for i in np.flatnonzero(keep)
    ]
    report(
        f"{country} {kind}s: {int(keep.sum())} from {path.name}; "
        f"{sum(1 for i in np.flatnonzero(keep) if area[i] is None)} in no admin area"
    )
    return write_plan(plan, report)
