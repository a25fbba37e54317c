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

from safeground.core.geometry import GeometryError

MAX_LIMIT = 10000


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
    links = [{"rel": "self", "href": request.get_full_path()}]
    if offset + limit < matched:
        query = request.GET.copy()
        query["offset"] = str(offset + limit)
        query["limit"] = str(limit)
        links.append({"rel": "next", "href": f"{request.path}?{query.urlencode()}"})
    return {
        "type": "FeatureCollection",
        "numberMatched": matched,
        "numberReturned": len(features),
        "links": links,
        "features": features,
    }


def feature(row, *, geom_field: str, properties) -> dict:
    geom = getattr(row, geom_field)
    return {
        "type": "Feature",
        "id": row.code,
        "geometry": json.loads(geom.geojson) if geom else None,
        "properties": properties(row),
    }
