"""The one GeoJSON helper of the API: Ninja's ModelSchema can't map geometry fields.

Spatial lists are GeoJSON FeatureCollections (RFC 7946, lon/lat WGS 84) whose feature `id` is the
record's human code; paging follows OGC API Features (`numberMatched`, `numberReturned`, `links`).
"""

from __future__ import annotations

import json
from typing import Any, Literal, TypeVar, overload

import numpy as np
import shapely
from django.contrib.gis.db.models.functions import AsGeoJSON
from django.contrib.gis.geos import GEOSGeometry, Polygon
from ninja import Schema
from pydantic import Field

from safeground.core.errors import ValidationFailed
from safeground.core.geometry import GeometryError

MAX_LIMIT = 10000
MAX_OFFSET = 10_000_000  # deeper than any table SafeGround holds; bounds the database's skip


def check_paging(limit: int, offset: int, max_limit: int = MAX_LIMIT) -> None:
    """Refuse a page outside 1 ≤ limit ≤ `max_limit`, 0 ≤ offset ≤ MAX_OFFSET: a 422 naming the field.

    Clamping silently would hide a client's mistake and let it believe it got everything it asked for."""
    if not 1 <= limit <= max_limit:
        raise ValidationFailed(
            f"limit must be between 1 and {max_limit:,}; got {limit} (page with offset)", field="limit", reason="range"
        )
    if not 0 <= offset <= MAX_OFFSET:
        raise ValidationFailed(
            f"offset must be between 0 and {MAX_OFFSET:,}; got {offset}", field="offset", reason="range"
        )


class Geometry(Schema):
    type: str = Field(examples=["MultiPolygon"])
    coordinates: Any


class Link(Schema):
    rel: str
    href: str
    type: str = "application/geo+json"


class FeatureOut(Schema):
    type: Literal["Feature"] = "Feature"
    id: str
    geometry: Geometry | None
    properties: dict[str, Any]


class FeatureCollectionOut(Schema):
    type: Literal["FeatureCollection"] = "FeatureCollection"
    numberMatched: int
    numberReturned: int
    links: list[Link]
    features: list[FeatureOut]


def parse_bbox(bbox: str | None) -> Polygon | None:
    """`minlon,minlat,maxlon,maxlat` → a polygon; a clear error for anything else."""
    if not bbox:
        return None
    try:
        minx, miny, maxx, maxy = (float(v) for v in bbox.split(","))
    except ValueError as exc:
        raise GeometryError(f"bbox must be minlon,minlat,maxlon,maxlat; got {bbox!r}", reason="bbox") from exc
    if minx > maxx or miny > maxy:
        raise GeometryError(f"bbox {bbox!r}: minimum larger than maximum", reason="bbox")
    return Polygon.from_bbox((minx, miny, maxx, maxy))


def geometry_from_geojson(value: dict | None, what: str) -> shapely.Geometry:
    """A GeoJSON geometry object (dict) → a Shapely geometry, or a GeometryError naming `what`."""
    if value is None:
        raise GeometryError(f"{what} is required", reason="missing")
    try:
        geom = shapely.from_geojson(json.dumps(value, allow_nan=False))
    except (shapely.errors.GEOSException, ValueError, TypeError) as exc:
        raise GeometryError(f"{what} is not valid GeoJSON geometry: {exc}", reason="unparseable") from exc
    if shapely.has_z(geom):  # refused, not flattened: a height is never dropped silently (docs/api.md)
        raise GeometryError(f"{what} has 3D coordinates; send longitude and latitude only", reason="3d")
    if not geom.is_empty and not bool(np.isfinite(shapely.get_coordinates(geom)).all()):
        raise GeometryError(f"{what} has coordinates that are not finite numbers", reason="not finite")
    return geom


def input_geometry(value: dict | None, field: str) -> shapely.Geometry:
    """A geometry from a request or submission payload: a ValidationFailed naming `field` when it is bad."""
    from safeground.core.errors import ValidationFailed

    try:
        return geometry_from_geojson(value, field)
    except GeometryError as exc:
        raise ValidationFailed.from_geometry(exc, field=field) from exc


G = TypeVar("G", bound=GEOSGeometry)


@overload
def to_geos(geom: shapely.Geometry) -> GEOSGeometry: ...
@overload
def to_geos(geom: shapely.Geometry, kind: type[G]) -> G: ...
def to_geos(geom: shapely.Geometry, kind: type[GEOSGeometry] = GEOSGeometry) -> GEOSGeometry:
    """A Shapely geometry as GEOS (EPSG:4326); `kind` (e.g. MultiPolygon) states, and checks, what a field needs."""
    out = GEOSGeometry(memoryview(shapely.to_wkb(geom)), srid=4326)
    if not isinstance(out, kind):
        raise TypeError(f"expected a {kind.__name__}, got a {out.geom_type}")
    return out


def to_shapely(geom: GEOSGeometry) -> shapely.Geometry:
    return shapely.from_wkb(bytes(geom.wkb))


def page(queryset, *, request, limit: int, offset: int, geom_field, properties, precision: int = 8) -> dict:
    """One page of a spatial queryset as a FeatureCollection; GeoJSON is produced by the database.

    `geom_field`: a geometry field's name, or a geometry expression (hazards: polygon, else point)."""
    limit = max(1, min(limit, MAX_LIMIT))
    matched = queryset.count()
    rows = list(queryset.annotate(_geojson=AsGeoJSON(geom_field, precision=precision))[offset : offset + limit])
    features = [
        {
            "type": "Feature",
            "id": row.code,
            "geometry": json.loads(row._geojson) if row._geojson else None,
            "properties": properties(row),
        }
        for row in rows
    ]
    return {
        "type": "FeatureCollection",
        "numberMatched": matched,
        "numberReturned": len(features),
        "links": _links(request, limit, offset, matched),
        "features": features,
    }


def _links(request, limit: int, offset: int, matched: int) -> list[dict]:
    links = [{"rel": "self", "href": request.get_full_path()}]
    if offset + limit < matched:
        query = request.GET.copy()
        query["offset"] = str(offset + limit)
        query["limit"] = str(limit)
        links.append({"rel": "next", "href": f"{request.path}?{query.urlencode()}"})
    return links


def page_json(queryset, *, request, limit: int, offset: int, geom_field, properties, precision: int = 8) -> bytes:
    """`page` as JSON text, each geometry spliced in as the database wrote it.

    For large geometries (admin boundaries): parsing the database's GeoJSON into Python, checking it
    against the response schema and writing it out again took 30–90 times the query itself."""
    limit = max(1, min(limit, MAX_LIMIT))
    matched = queryset.count()
    rows = list(queryset.annotate(_geojson=AsGeoJSON(geom_field, precision=precision))[offset : offset + limit])
    compact = {"separators": (",", ":"), "ensure_ascii": False}
    features = ",".join(
        json.dumps({"type": "Feature", "id": row.code, "properties": properties(row)}, **compact)[:-1]
        + ',"geometry":'
        + (row._geojson or "null")
        + "}"
        for row in rows
    )
    head = json.dumps(
        {
            "type": "FeatureCollection",
            "numberMatched": matched,
            "numberReturned": len(rows),
            "links": _links(request, limit, offset, matched),
        },
        **compact,
    )
    return (head[:-1] + ',"features":[' + features + "]}").encode()


def feature(row, *, geom_field: str, properties) -> dict:
    geom = getattr(row, geom_field)
    return {
        "type": "Feature",
        "id": row.code,
        "geometry": json.loads(geom.geojson) if geom else None,
        "properties": properties(row),
    }
