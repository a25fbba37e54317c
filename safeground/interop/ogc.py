"""OGC API – Features, Part 1: Core, with the GeoJSON and OpenAPI 3.0 conformance classes.

Framework-neutral, in pygeoapi's shape: each endpoint is a function from (base URL, query
parameters) to (status, body, media type); `views.py` adapts them to Django. Collections are the
layer registry's layers (`layer_registry.py`), backed by the apps' own read queries
(hazards.queries, operations.queries, landrelease.queries) and paged with the API's GeoJSON helper,
so the OGC API and /api/v1 return the same features.
See docs/decisions/0007-ogc-api-features-in-django.md for why this is not pygeoapi itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

import orjson
from django.contrib.gis.db.models import Extent
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from safeground.core import features
from safeground.core.errors import ValidationFailed
from safeground.core.geojson import MAX_LIMIT, parse_bbox
from safeground.core.geometry import GeometryError
from safeground.interop.layer_registry import registry

GEOJSON = "application/geo+json"
JSON = "application/json"
OPENAPI = "application/vnd.oai.openapi+json;version=3.0"
HTML = "text/html"
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
DEFAULT_LIMIT = 10

CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
]
#: Query parameters every items request accepts (besides a collection's property filters).
STANDARD_PARAMS = {"limit", "offset", "bbox", "bbox-crs", "datetime", "f"}


class OGCError(Exception):
    def __init__(self, status: int, code: str, description: str):
        super().__init__(description)
        self.status, self.code, self.description = status, code, description

    def body(self) -> dict:
        return {"code": self.code, "description": self.description}


@dataclass(frozen=True)
class Collection:
    id: str
    title: str
    description: str
    select: Callable[..., QuerySet]
    properties: Callable
    geom_field: str
    filters: tuple[str, ...]
    temporal: str | None = None
    property_types: dict[str, str] = field(default_factory=dict)


def collections() -> dict[str, Collection]:
    """The registry's layers that have a query (`layer_registry.py`), in its order."""
    return {
        layer.key: Collection(
            layer.key,
            layer.name,
            str(layer.description),
            layer.select,
            layer.properties,
            layer.geom_field,
            layer.filters,
            layer.temporal,
        )
        for layer in registry().values()
        if layer.select is not None and layer.properties is not None
    }


def _collection(collection_id: str) -> Collection:
    found = collections().get(collection_id)
    if found is None:
        raise OGCError(404, "NotFound", _("no collection %(id)s") % {"id": collection_id})
    return found


def _model_of(c: Collection):
    return c.select().model


# ------------------------------------------------------------------------------------------------
# Endpoints
# ------------------------------------------------------------------------------------------------


def landing(base: str) -> dict:
    return {
        "title": _("SafeGround OGC API – Features"),
        "description": _(
            "Hazards, land release, devices, activities and the gazetteer of SafeGround, "
            "for QGIS, GDAL and any OGC API – Features client."
        ),
        "links": [
            {"rel": "self", "type": JSON, "title": _("This document"), "href": f"{base}?f=json"},
            {"rel": "alternate", "type": HTML, "title": _("This document as HTML"), "href": f"{base}?f=html"},
            {"rel": "service-desc", "type": OPENAPI, "title": _("The API definition"), "href": f"{base}/api"},
            {"rel": "service-doc", "type": HTML, "title": _("API documentation"), "href": f"{base}?f=html"},
            {"rel": "conformance", "type": JSON, "title": _("Conformance classes"), "href": f"{base}/conformance"},
            {"rel": "data", "type": JSON, "title": _("Collections"), "href": f"{base}/collections"},
        ],
    }


def conformance() -> dict:
    return {"conformsTo": CONFORMANCE}


def _extent(c: Collection) -> list[float] | None:
    box = _model_of(c).objects.aggregate(e=Extent(c.geom_field))["e"]
    return [round(v, 6) for v in box] if box else None


def collection_info(base: str, c: Collection, with_extent: bool = True) -> dict:
    body = {
        "id": c.id,
        "title": c.title,
        "description": c.description,
        "itemType": "feature",
        "crs": [CRS84],
        "storageCrs": CRS84,
        "links": [
            {"rel": "self", "type": JSON, "title": c.title, "href": f"{base}/collections/{c.id}"},
            {"rel": "items", "type": GEOJSON, "title": c.title, "href": f"{base}/collections/{c.id}/items"},
        ],
    }
    box = _extent(c) if with_extent else None
    if box:
        body["extent"] = {"spatial": {"bbox": [box], "crs": CRS84}}
    return body


def collections_list(base: str) -> dict:
    return {
        "links": [{"rel": "self", "type": JSON, "href": f"{base}/collections"}],
        "collections": [collection_info(base, c) for c in collections().values()],
    }


def collection(base: str, collection_id: str) -> dict:
    return collection_info(base, _collection(collection_id))


def _int(params: dict, name: str, default: int, low: int, high: int | None = None) -> int:
    raw = params.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise OGCError(400, "InvalidParameterValue", _("%(name)s must be a whole number") % {"name": name}) from exc
    if value < low:
        raise OGCError(
            400, "InvalidParameterValue", _("%(name)s must be at least %(low)d") % {"name": name, "low": low}
        )
    return min(value, high) if high else value


def _bbox(params: dict) -> str | None:
    raw = params.get("bbox")
    if not raw:
        return None
    crs = params.get("bbox-crs")
    if crs and crs != CRS84:
        raise OGCError(400, "InvalidParameterValue", _("bbox-crs must be %(crs)s") % {"crs": CRS84})
    parts = raw.split(",")
    if len(parts) == 6:  # 3D box: drop the heights
        parts = [parts[0], parts[1], parts[3], parts[4]]
    if len(parts) != 4:
        raise OGCError(400, "InvalidParameterValue", _("bbox must be minlon,minlat,maxlon,maxlat"))
    value = ",".join(parts)
    try:
        parse_bbox(value)
    except GeometryError as exc:
        raise OGCError(400, "InvalidParameterValue", str(exc)) from exc
    return value


def _date(text: str) -> dt.date | None:
    if text in ("", ".."):
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError as exc:
        raise OGCError(400, "InvalidParameterValue", _("datetime must be RFC 3339 dates or intervals")) from exc


def _datetime_filter(qs: QuerySet, c: Collection, raw: str | None) -> QuerySet:
    if not raw or not c.temporal:
        return qs
    if "/" in raw:
        start, end = (_date(p) for p in raw.split("/", 1))
    else:
        start = end = _date(raw)
    if start:
        qs = qs.filter(**{f"{c.temporal}__gte": start})
    if end:
        qs = qs.filter(**{f"{c.temporal}__lte": end})
    return qs


def select(collection_id: str, params: dict) -> tuple[Collection, QuerySet, int, int]:
    """The items query of a collection for these parameters (checked), with the page's limit and offset."""
    c = _collection(collection_id)
    unknown = set(params) - STANDARD_PARAMS - set(c.filters)
    if unknown:
        raise OGCError(
            400,
            "InvalidParameterValue",
            _("unknown parameter(s) %(names)s; this collection takes %(allowed)s")
            % {"names": ", ".join(sorted(unknown)), "allowed": ", ".join(sorted(STANDARD_PARAMS | set(c.filters)))},
        )
    limit = _int(params, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
    offset = _int(params, "offset", 0, 0)
    filters = {k: params[k] for k in c.filters if params.get(k) not in (None, "")}
    try:
        qs = c.select(bbox=_bbox(params), **filters)
    except (GeometryError, ValidationFailed) as exc:
        raise OGCError(400, "InvalidParameterValue", str(exc)) from exc
    return c, _datetime_filter(qs, c, params.get("datetime")), limit, offset


def items(base: str, params: dict, selected: tuple[Collection, QuerySet, int, int]) -> features.Collection:
    """A page of the items `select` gave as a FeatureCollection (read and written by core.features)."""
    c, qs, limit, offset = selected
    path = f"{base}/collections/{c.id}/items"

    def link(rel: str, off: int | None = None) -> dict:
        query = {k: v for k, v in params.items() if k != "f"}
        if off is not None:
            query.update(offset=str(off), limit=str(limit))
        return {"rel": rel, "type": GEOJSON, "href": f"{path}?{urlencode(query)}" if query else path}

    def links(matched: int) -> list[dict]:
        found = [link("self"), {"rel": "collection", "type": JSON, "href": f"{base}/collections/{c.id}"}]
        if offset + limit < matched:
            found.append(link("next", offset + limit))
        if offset > 0:
            found.append(link("prev", max(0, offset - limit)))
        return found

    return features.collection(
        qs,
        limit=limit,
        offset=offset,
        geom=c.geom_field,
        properties=c.properties,
        links=links,
        extra={"timeStamp": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")},
    )


def item(base: str, collection_id: str, feature_id: str) -> dict:
    c = _collection(collection_id)
    body, _row = features.one(c.select(), feature_id, geom=c.geom_field, properties=c.properties)
    if body is None:
        raise OGCError(
            404, "NotFound", _("no feature %(id)s in %(collection)s") % {"id": feature_id, "collection": c.id}
        )
    found = orjson.loads(body)
    found["links"] = [
        {"rel": "self", "type": GEOJSON, "href": f"{base}/collections/{c.id}/items/{feature_id}"},
        {"rel": "collection", "type": JSON, "href": f"{base}/collections/{c.id}"},
    ]
    return found


# ------------------------------------------------------------------------------------------------
# OpenAPI 3.0 document (the oas30 conformance class)
# ------------------------------------------------------------------------------------------------


def _param(name: str, where: str, schema: dict, description: str = "", required: bool = False, **extra) -> dict:
    p = {"name": name, "in": where, "required": required, "schema": schema, **extra}
    if description:
        p["description"] = description
    return p


def openapi(base: str) -> dict:
    json_content = {JSON: {"schema": {"type": "object"}}}
    geo_content = {GEOJSON: {"schema": {"type": "object"}}}
    error = {"description": _("Bad request or not found"), "content": json_content}
    limit = _param(
        "limit",
        "query",
        {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT},
        _("Features per page"),
        style="form",
        explode=False,
    )
    common = [
        limit,
        _param("offset", "query", {"type": "integer", "minimum": 0, "default": 0}, _("Features to skip")),
        _param(
            "bbox",
            "query",
            {"type": "array", "minItems": 4, "maxItems": 6, "items": {"type": "number"}},
            _("minlon,minlat,maxlon,maxlat (CRS84)"),
            style="form",
            explode=False,
        ),
        _param("datetime", "query", {"type": "string"}, _("A date or an interval (a/b, ../b, a/..)")),
    ]
    paths = {
        "/": {
            "get": {
                "summary": _("Landing page"),
                "operationId": "getLandingPage",
                "responses": {"200": {"description": "OK", "content": json_content}},
            }
        },
        "/conformance": {
            "get": {
                "summary": _("Conformance classes"),
                "operationId": "getConformanceDeclaration",
                "responses": {"200": {"description": "OK", "content": json_content}},
            }
        },
        "/collections": {
            "get": {
                "summary": _("Collections"),
                "operationId": "getCollections",
                "responses": {"200": {"description": "OK", "content": json_content}},
            }
        },
    }
    for c in collections().values():
        filters = [_param(f, "query", {"type": "string"}, _("Property filter")) for f in c.filters]
        paths[f"/collections/{c.id}"] = {
            "get": {
                "summary": c.title,
                "operationId": f"describe_{c.id}",
                "responses": {"200": {"description": "OK", "content": json_content}, "404": error},
            }
        }
        paths[f"/collections/{c.id}/items"] = {
            "get": {
                "summary": _("Features of %(title)s") % {"title": c.title},
                "operationId": f"get_{c.id}_items",
                "parameters": common + filters,
                "responses": {"200": {"description": "OK", "content": geo_content}, "400": error},
            }
        }
        paths[f"/collections/{c.id}/items/{{featureId}}"] = {
            "get": {
                "summary": _("One feature of %(title)s") % {"title": c.title},
                "operationId": f"get_{c.id}_item",
                "parameters": [_param("featureId", "path", {"type": "string"}, _("The record's code"), True)],
                "responses": {"200": {"description": "OK", "content": geo_content}, "404": error},
            }
        }
    return {
        "openapi": "3.0.3",
        "info": {
            "title": _("SafeGround OGC API – Features"),
            "version": "1.0.0",
            "description": _("OGC API – Features Part 1: Core, GeoJSON, OpenAPI 3.0"),
        },
        "servers": [{"url": base}],
        "paths": paths,
    }
