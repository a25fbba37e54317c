"""Mapbox vector tiles (MVT) of the registry's layers, from PostGIS or SpatiaLite.

Framework-neutral, like `ogc.py`: `render(layer, z, x, y)` gives the tile's bytes; `tile_views.py`
adapts it to Django (permissions, ETag, cache). Both databases read the same rows: the layer's
`Tile.rows(z)` filtered by the tile's bounding box (buffered by `BUFFER` units, the MVT edge
margin) on the layer's spatial index, with the same properties read through the ORM.

- **PostGIS** encodes in SQL: `ST_AsMVT` over `ST_AsMVTGeom(ST_Transform(geom, 3857),
  ST_TileEnvelope(z, x, y), 4096, 64, true)`; the bbox filter is `geom && envelope` in EPSG:4326
  (the column's SRID, so its GiST index is used).
- **SpatiaLite** cannot: the rows' geometries are read as WKB (simplified in SQL to a tile unit
  first), projected to tile units, clipped to the buffered tile and snapped to the integer grid with
  Shapely (vectorised), and encoded by `mapbox-vector-tile`. The bbox filter reads the R*Tree
  (`rowid IN (SELECT pkid FROM idx_<table>_<column> WHERE ...)`): SpatiaLite uses no spatial index
  unless asked this way.

A feature whose geometry collapses to nothing at the tile's scale (it only grazes the buffer) is
left out by both. Features carry no MVT id (SafeGround's ids are UUIDs): `code` identifies them.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import mapbox_vector_tile
import numpy as np
import shapely
from django.contrib.gis.db.models import GeometryField
from django.contrib.gis.db.models.functions import AsWKB, Centroid, Envelope, Transform
from django.contrib.gis.geos import Polygon
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import (
    Avg,
    BooleanField,
    Case,
    CharField,
    Count,
    DateField,
    F,
    FloatField,
    Func,
    IntegerField,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Floor

from safeground.interop.layer_registry import MAX_ZOOM, Layer

EXTENT = 4096  # tile units across a tile
BUFFER = 64  # units drawn beyond each edge (lines and fills join across tiles)
CLUSTER_CELLS = 16  # grid cells across a tile for clustered layers
HALF = 20037508.342789244  # half the Web Mercator world, metres
MEDIA_TYPE = "application/vnd.mapbox-vector-tile"


class TileError(ValueError):
    """A tile that cannot exist: `status` 404 (no such layer or tile) with a message saying why."""

    def __init__(self, message: str, status: int = 404):
        super().__init__(message)
        self.status = status


def parse(z: str, x: str, y: str) -> tuple[int, int, int]:
    """Whole numbers in range, or a TileError naming what is wrong."""
    try:
        zi, xi, yi = int(z), int(x), int(y)
    except ValueError as exc:
        raise TileError(f"z, x and y must be whole numbers; got {z}/{x}/{y}") from exc
    if not 0 <= zi <= MAX_ZOOM:
        raise TileError(f"zoom must be between 0 and {MAX_ZOOM}; got {zi} (clients draw deeper zooms from {MAX_ZOOM})")
    top = 2**zi - 1
    if not (0 <= xi <= top and 0 <= yi <= top):
        raise TileError(f"at zoom {zi}, x and y must be between 0 and {top}; got {xi}/{yi}")
    return zi, xi, yi


def mercator_bounds(z: int, x: int, y: int, buffer: float = 0.0) -> tuple[float, float, float, float]:
    """(minx, miny, maxx, maxy) of the tile in EPSG:3857 metres, widened by `buffer` tile units."""
    size = 2 * HALF / 2**z
    pad = size * buffer / EXTENT
    minx = -HALF + x * size
    maxy = HALF - y * size
    return minx - pad, maxy - size - pad, minx + size + pad, maxy + pad


def _lon(mx: float) -> float:
    return mx / HALF * 180.0


def _lat(my: float) -> float:
    return math.degrees(2 * math.atan(math.exp(my / HALF * math.pi)) - math.pi / 2)


def lonlat_bounds(z: int, x: int, y: int, buffer: float = BUFFER) -> tuple[float, float, float, float]:
    """(west, south, east, north) in degrees of the buffered tile (Mercator is separable: a box stays a box)."""
    minx, miny, maxx, maxy = mercator_bounds(z, x, y, buffer)
    lat_limit = 85.05112877980659
    return (
        max(-180.0, _lon(minx)),
        max(-lat_limit, _lat(miny)),
        min(180.0, _lon(maxx)),
        min(lat_limit, _lat(maxy)),
    )


# ------------------------------------------------------------------------------------------------
# The rows of a tile (both databases)
# ------------------------------------------------------------------------------------------------


class _X(Func):
    function = "ST_X"
    output_field = FloatField()


class _Y(Func):
    function = "ST_Y"
    output_field = FloatField()


class SimplifyPreserveTopology(Func):
    function = "ST_SimplifyPreserveTopology"


def model_field(model, path: str):
    *hops, last = path.split("__")
    for hop in hops:
        model = model._meta.get_field(hop).related_model
    return model._meta.get_field(last)


def _geometry(layer: Layer, z: int):
    tile = layer.tile
    assert tile is not None
    expr = tile.geom() if callable(tile.geom) else F(tile.geom)
    if tile.dots_of is not None and z < tile.points_below:
        # The centre of the bounding box: a dot per feature (both databases compute it the same way).
        expr = Centroid(Envelope(expr))
    return expr


def _dots(layer: Layer, z: int) -> str | None:
    """Which features are dots at this zoom: "all" (instead of polygons), "also" (beside them), or None."""
    tile = layer.tile
    if tile is None or tile.dots_of is None or z >= tile.dots_below:
        return None
    return "all" if z < tile.points_below else "also"


def in_bbox(qs: QuerySet, layer: Layer, z: int, x: int, y: int) -> QuerySet:
    """Rows whose bounding box meets the buffered tile, through the layer's spatial index."""
    tile = layer.tile
    assert tile is not None
    west, south, east, north = lonlat_bounds(z, x, y)
    if connection.vendor == "postgresql":
        box = Polygon.from_bbox((west, south, east, north))
        box.srid = 4326
        query = Q()
        for column in tile.index:
            query |= Q(**{f"{column}__bboverlaps": box})  # `&&`: the GiST index
        return qs.filter(query)
    table = qs.model._meta.db_table
    parts = []
    params: list[float] = []
    for column in tile.index:
        col = qs.model._meta.get_field(column).column
        parts.append(
            f'"{table}".rowid IN (SELECT pkid FROM "idx_{table}_{col}" '
            "WHERE xmin <= %s AND xmax >= %s AND ymin <= %s AND ymax >= %s)"
        )
        params += [east, west, north, south]
    return qs.extra(where=["(" + " OR ".join(parts) + ")"], params=params)


@dataclass(frozen=True)
class Rows:
    """A tile's rows as a values() queryset: properties as `_p0…`, the geometry (or cluster centre)."""

    qs: QuerySet
    names: list[str]  # property names, in the order of `_p0…`
    cluster: bool


def tile_rows(layer: Layer, z: int, x: int, y: int, geometry: Callable | None = None) -> Rows:
    """The rows the tile shows, before encoding. `geometry(expr)` wraps the geometry expression
    (the encoder's: ST_Transform on PostGIS, WKB on SpatiaLite)."""
    tile = layer.tile
    assert tile is not None
    qs = in_bbox(tile.rows(z), layer, z, x, y).order_by()
    expr = _geometry(layer, z)
    if tile.cluster_below is not None and z < tile.cluster_below:
        cell = 360.0 / 2**z / CLUSTER_CELLS
        point = expr
        qs = (
            qs.annotate(_cx=Floor(_X(point) / cell, output_field=IntegerField()))
            .annotate(_cy=Floor(_Y(point) / cell, output_field=IntegerField()))
            .values("_cx", "_cy")
            .annotate(
                _p0=Cast("_cx", IntegerField()),
                _p1=Cast("_cy", IntegerField()),
                _p2=Count("pk"),
                _p3=Sum(tile.cluster_sum) if tile.cluster_sum else Count("pk"),
                _lon=Avg(_X(point)),
                _lat=Avg(_Y(point)),
            )
            .values("_p0", "_p1", "_p2", "_p3", "_lon", "_lat")
        )
        return Rows(qs, ["cx", "cy", "devices", "items"], cluster=True)
    values = {}
    for k, path in enumerate(tile.props.values()):
        field = model_field(qs.model, path)
        values[f"_p{k}"] = Cast(path, CharField()) if isinstance(field, DateField) else F(path)
    names = list(tile.props)
    wrap = geometry or (lambda e: e)
    dots = _dots(layer, z)
    if dots is None:
        return Rows(qs.values(**values, _g=wrap(expr)), names, cluster=False)
    # `dot`: true on the centre of a polygon (absent elsewhere: MVT leaves out null properties).
    dot = f"_p{len(names)}"
    names.append("dot")
    polygon = Q(**{f"{tile.dots_of}__isnull": False})
    if dots == "all":
        flag = Case(When(polygon, then=Value(True)), default=Value(None), output_field=BooleanField())
        return Rows(qs.values(**values, **{dot: flag}, _g=wrap(expr)), names, cluster=False)
    shapes = qs.values(**values, **{dot: Value(None, output_field=BooleanField())}, _g=wrap(expr))
    centres = qs.filter(polygon).values(
        **values, **{dot: Value(True, output_field=BooleanField())}, _g=wrap(Centroid(Envelope(expr)))
    )
    return Rows(shapes.union(centres, all=True), names, cluster=False)


# ------------------------------------------------------------------------------------------------
# Encoding
# ------------------------------------------------------------------------------------------------


def render(layer: Layer, z: int, x: int, y: int) -> bytes:
    """The tile's bytes (empty when nothing is in it or the zoom is outside the layer's range)."""
    tile = layer.tile
    if tile is None or not layer.minzoom <= z <= tile.maxzoom:
        return b""
    if connection.vendor == "postgresql":
        return _render_postgis(layer, z, x, y)
    return _render_python(layer, z, x, y)


def postgis_sql(layer: Layer, z: int, x: int, y: int) -> tuple[str, list]:
    """The one SQL statement that makes the tile on PostGIS (also used by the bench)."""
    rows = tile_rows(layer, z, x, y, geometry=lambda e: Transform(e, 3857))
    inner, params = rows.qs.query.sql_with_params()
    q = connection.ops.quote_name
    props = ", ".join(f"s._p{k} AS {q(name)}" for k, name in enumerate(rows.names))
    source = "ST_Transform(ST_SetSRID(ST_MakePoint(s._lon, s._lat), 4326), 3857)" if rows.cluster else "s._g"
    sql = (
        f"SELECT ST_AsMVT(t, %s, {EXTENT}, 'g') FROM ("
        f"SELECT {props}, ST_AsMVTGeom({source}, ST_TileEnvelope(%s, %s, %s), {EXTENT}, {BUFFER}, true) AS g "
        f"FROM ({inner}) s) t WHERE t.g IS NOT NULL"
    )
    return sql, [layer.key, z, x, y, *params]


def _render_postgis(layer: Layer, z: int, x: int, y: int) -> bytes:
    try:
        sql, params = postgis_sql(layer, z, x, y)
    except EmptyResultSet:  # the layer shows nothing at this zoom
        return b""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return bytes(row[0]) if row and row[0] is not None else b""


def _to_tile_units(z: int, x: int, y: int) -> Callable[[np.ndarray], np.ndarray]:
    minx, miny, maxx, maxy = mercator_bounds(z, x, y)
    scale = EXTENT / (maxx - minx)

    def project(coords: np.ndarray) -> np.ndarray:
        lon, lat = coords[:, 0], np.clip(coords[:, 1], -85.0511287798, 85.0511287798)
        mx = lon * HALF / 180.0
        my = np.log(np.tan(np.pi / 4 + np.radians(lat) / 2)) * HALF / np.pi
        return np.column_stack(((mx - minx) * scale, (maxy - my) * scale))

    return project


def _render_python(layer: Layer, z: int, x: int, y: int) -> bytes:
    tile = layer.tile
    assert tile is not None
    # A quarter of a tile unit in degrees: simplification invisible at this zoom, for layers of large
    # detailed polygons (boundaries: megabytes of vertices per tile otherwise).
    tolerance = 360.0 / 2**z / EXTENT / 4

    def wkb(expr):
        if tile.simplify:
            expr = SimplifyPreserveTopology(expr, tolerance, output_field=GeometryField(srid=4326))
        return AsWKB(expr)

    rows = tile_rows(layer, z, x, y, geometry=wkb)
    found = list(rows.qs)
    if rows.cluster:
        geoms = shapely.points([r["_lon"] for r in found], [r["_lat"] for r in found]) if found else np.array([])
    else:
        geoms = shapely.from_wkb([bytes(r["_g"]) if r["_g"] is not None else None for r in found])
    if not found:
        return b""
    geoms = on_grid(shapely.transform(geoms, _to_tile_units(z, x, y)))
    keep = ~(shapely.is_empty(geoms) | shapely.is_missing(geoms))
    features = []
    for row, geom in zip(np.array(found, dtype=object)[keep], geoms[keep], strict=True):
        props = {name: row[f"_p{k}"] for k, name in enumerate(rows.names) if row[f"_p{k}"] is not None}
        features.append({"geometry": geom, "properties": props})
    if not features:
        return b""
    return mapbox_vector_tile.encode(
        [{"name": layer.key, "features": features}],
        default_options={"quantize_bounds": None, "y_coord_down": True, "extents": EXTENT},
    )


def on_grid(geoms: np.ndarray) -> np.ndarray:
    """Geometries in tile units as `ST_AsMVTGeom` makes them: vertices rounded to the integer grid
    (`rint`, as PostGIS), repaired when that made them invalid (polygons keep only their polygons),
    then clipped to the buffered tile (points kept on its edge). Collapsed geometries come back empty.

    Stored geometries may be invalid (a ledger's remaining ground after many differences, a legacy
    import), and rounding can make them so: they are repaired, never a reason for an error."""
    geoms = shapely.transform(np.asarray(geoms, dtype=object), np.rint)
    low, high = -BUFFER, EXTENT + BUFFER
    points = shapely.get_type_id(geoms) == 0
    if points.any():
        px, py = shapely.get_x(geoms[points]), shapely.get_y(geoms[points])
        geoms[np.flatnonzero(points)[(px < low) | (px > high) | (py < low) | (py > high)]] = None
    shapes = ~points & ~shapely.is_missing(geoms)
    if shapes.any():
        originals = geoms[shapes]
        invalid = ~shapely.is_valid(originals)
        fixed = originals.copy()
        fixed[invalid] = shapely.make_valid(originals[invalid])
        # A repaired polygon may be a collection (polygons and slivers): the rectangle clip takes none.
        fixed = np.array([_polygonal(g, o) for g, o in zip(fixed, originals, strict=True)], dtype=object)
        # Intersections at the edges and repairs may leave fractions: the encoder rounds them.
        clipped = shapely.clip_by_rect(fixed, low, low, high, high)
        # What is left of a polygon in the buffer alone, under one unit², is nothing (PostGIS drops it).
        box = shapely.bounds(clipped)
        with np.errstate(invalid="ignore"):
            in_buffer = (box[:, 2] <= 0) | (box[:, 0] >= EXTENT) | (box[:, 3] <= 0) | (box[:, 1] >= EXTENT)
        polygons = np.isin(shapely.get_type_id(clipped), (3, 6))
        clipped[in_buffer & polygons & (shapely.area(clipped) < 1.0)] = None
        geoms[shapes] = [_polygonal(g, o) for g, o in zip(clipped, originals, strict=True)]
    return geoms


def _polygonal(geom, original):
    """A polygon keeps its polygons only: one that collapsed to lines or points (or a collection of
    polygons and slivers) after rounding is reduced to its polygons, or empty (dropped), as PostGIS
    drops a polygon whose type changed."""
    if geom is None or original is None or shapely.get_type_id(original) not in (3, 6):  # polygons
        return geom
    if shapely.get_type_id(geom) in (3, 6):
        return geom
    parts = [p for p in shapely.get_parts(geom) if shapely.get_type_id(p) in (3, 6)]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def decode(data: bytes) -> dict:
    """The tile's layers and features (tests and the bench), y down as encoded."""
    if not data:
        return {}
    return mapbox_vector_tile.decode(data, default_options={"y_coord_down": True})
