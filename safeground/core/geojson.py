"""The one GeoJSON helper of the API: Ninja's ModelSchema can't map geometry fields.

Spatial lists are GeoJSON FeatureCollections (RFC 7946, lon/lat WGS 84) whose feature `id` is the
record's human code; paging follows OGC API Features (`numberMatched`, `numberReturned`, `links`).
"""

from __future__ import annotations

import json
from typing import Any, Literal, TypeVar, overload

import numpy as np
import orjson
import shapely
from django.contrib.gis.geos import GEOSGeometry, Polygon
from django.http import Http404
from ninja import Schema
from pydantic import Field

from safeground.core import conditional, versions
from safeground.core.errors import ValidationFailed
from safeground.core.features import LIST_PRECISION, Properties, collection, one
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


def page(
    queryset,
    *,
    request,
    limit: int,
    offset: int,
    geom_field,
    properties: Properties,
    precision: int = LIST_PRECISION,
    content_type: str = "application/json",
):
    """One page of a spatial queryset as a FeatureCollection response, built from the database's rows
    and GeoJSON (core.features); `304 Not Modified` when `If-None-Match` names the list's ETag.

    `geom_field`: a geometry field's name, or a geometry expression (hazards: polygon, else point)."""
    etag = conditional.list_etag(request, queryset, properties)
    if conditional.matches(request, etag):
        return conditional.not_modified(etag)
    body = _collection(queryset, request, limit, offset, geom_field, properties, precision)
    return conditional.send(body, etag=etag, content_type=content_type)


def _links(request, limit: int, offset: int, matched: int) -> list[dict]:
    links = [{"rel": "self", "href": request.get_full_path()}]
    if offset + limit < matched:
        query = request.GET.copy()
        query["offset"] = str(offset + limit)
        query["limit"] = str(limit)
        links.append({"rel": "next", "href": f"{request.path}?{query.urlencode()}"})
    return [{**link, "type": "application/geo+json"} for link in links]


def detail(request, queryset, code: str, *, geom_field, properties: Properties, status: int = 200):
    """One record as a GeoJSON Feature response (one query): 404 when there is none, 304 when
    `If-None-Match` names its version (its ETag, also what `If-Match` names for a change)."""
    body, row = one(queryset, code, geom=geom_field, properties=properties)
    if body is None:
        raise Http404(f"no record with code {code!r}")
    etag = versions.tag(row["version"]) if "version" in row else None
    if status == 200 and conditional.matches(request, etag):
        return conditional.not_modified(etag)
    return conditional.send_one(body, etag=etag, status=status)


def feature(queryset, code: str, *, geom_field, properties: Properties) -> dict:
    """One record as a GeoJSON Feature dictionary (write responses that add to it); Http404 when missing."""
    body, _row = one(queryset, code, geom=geom_field, properties=properties)
    if body is None:
        raise Http404(f"no record with code {code!r}")
    return orjson.loads(body)


def page_json(
    queryset, *, request, limit: int, offset: int, geom_field, properties: Properties, precision: int = LIST_PRECISION
) -> bytes:
    """`page`'s body as bytes, whole (the gazetteer keeps its light pages in a cache)."""
    return _collection(queryset, request, limit, offset, geom_field, properties, precision).read()


def _collection(queryset, request, limit: int, offset: int, geom_field, properties: Properties, precision: int):
    limit = max(1, min(limit, MAX_LIMIT))
    return collection(
        queryset,
        limit=limit,
        offset=offset,
        geom=geom_field,
        properties=properties,
        links=lambda matched: _links(request, limit, offset, matched),
        precision=precision,
    )
