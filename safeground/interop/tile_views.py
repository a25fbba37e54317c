"""The vector tiles and their TileJSON: `/tiles/{layer}/{z}/{x}/{y}.mvt`, `/tiles/{layer}.json`.

A thin Django adapter of `tiles.py`. Who may open a layer's tiles is the layer's own rule
(`Layer.permission`, or `public` for the administrative boundaries): a session or a bearer token
(QGIS); anonymous clients get 401 for any other layer, accounts without the permission 403.

Caching (docs/decisions/0026): each tile's ETag is made of the change tokens of the tables the
layer reads (`core.table_versions`, replaced after every committed write), so a tile is never
served stale: `Cache-Control: private, no-cache` makes the browser ask every time, and a tile
whose tables did not change since answers `304 Not Modified` without being made again. The bytes
are also kept in the `tiles` cache under the same key (a new write makes a new key). Which layers a
session may see is remembered between writes to the tables that decide it (`tile_access.py`).
"""

from __future__ import annotations

import hashlib

from django.core.cache import caches
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_GET
from ninja.errors import HttpError

from safeground.core import table_versions
from safeground.core.access import _bearer_user, page
from safeground.gazetteer import queries as gazetteer_queries
from safeground.interop import tile_access, tiles
from safeground.interop.layer_registry import Layer, tile_layers

#: Bumped when the tiles' content changes shape (a new property, another encoding): old ETags miss.
TILE_FORMAT = 2
#: Tiles larger than this are made again rather than kept in the cache.
CACHE_MAX_BYTES = 1024 * 1024
NO_STORE_HEADERS = {"Cache-Control": "private, no-cache", "Vary": "Cookie, Authorization"}


def _headers(response: HttpResponse) -> HttpResponse:
    for key, value in NO_STORE_HEADERS.items():
        response[key] = value
    return response


def _error(detail: str, status: int) -> JsonResponse:
    response = JsonResponse({"detail": detail}, status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="safeground"'
    return response


def _layer(request: HttpRequest, key: str) -> Layer | JsonResponse:
    """The layer, if it exists and the caller may see it; else the refusal."""
    found = tile_layers().get(key)
    if found is None:
        return _error(f"no tile layer {key!r}; layers: {', '.join(tile_layers())}", 404)
    if not found.public and not request.user.is_authenticated:
        try:
            request.user = _bearer_user(request) or request.user
        except HttpError as refused:  # an expired or revoked token: say so
            return _error(str(refused), 401)
    if found.allows(request.user):
        return found
    if not request.user.is_authenticated:
        return _error("Unauthorized: sign in or send a bearer token", 401)
    return _error(f"this layer needs the permission {found.permission}", 403)


def etag(layer: Layer, z: int, x: int, y: int, versions: dict[str, str] | None = None) -> str:
    """The tile's ETag: the tokens of the layer's own tables (`versions` may hold more: ignored)."""
    if versions is None:
        versions = table_versions.tokens(layer.tables)
    mine = [f"{t}={versions[t]}" for t in layer.tables]
    key = "|".join([str(TILE_FORMAT), layer.key, *mine, f"{z}/{x}/{y}"])
    return '"' + hashlib.sha1(key.encode(), usedforsecurity=False).hexdigest() + '"'


@page(public=True)  # the layer decides: see _layer
@require_GET
def tile(request: HttpRequest, layer: str, z: str, x: str, y: str) -> HttpResponse:
    known = tile_layers().get(layer)
    versions = tile_access.tokens(known.tables) if known is not None else {}
    if known is None or not (known.public or known.key in (tile_access.remembered(request, versions) or ())):
        found = _layer(request, layer)
        if isinstance(found, JsonResponse):
            return found
        allowed = {key for key, each in tile_layers().items() if each.allows(request.user)}
        tile_access.remember(request, versions, allowed)
    else:
        found = known
    try:
        zi, xi, yi = tiles.parse(z, x, y)
    except tiles.TileError as exc:
        return _error(str(exc), exc.status)
    tag = etag(found, zi, xi, yi, versions)
    if tag in [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]:
        response = HttpResponse(status=304)
    else:
        store = caches["tiles"]
        body = store.get(tag)
        if body is None:
            body = tiles.render(found, zi, xi, yi)
            if len(body) <= CACHE_MAX_BYTES:
                store.set(tag, body)
        response = HttpResponse(body, content_type=tiles.MEDIA_TYPE)
    response["ETag"] = tag
    return _headers(response)


def tile_template(key: str) -> str:
    """The layer's tile URL with `{z}/{x}/{y}` placeholders (a path: the TileJSON makes it absolute)."""
    return reverse("tile", args=[key, 0, 0, 0]).replace(*_PLACEHOLDERS)


_PLACEHOLDERS = ("/0/0/0.mvt", "/{z}/{x}/{y}.mvt")


def tile_bounds() -> list[float]:
    """Where tiles may hold anything: the box around every country in the gazetteer (or the world)."""
    boxes = [c["bbox"] for c in gazetteer_queries.map_countries()] or [[-180.0, -85.0511, 180.0, 85.0511]]
    bounds = [min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes)]
    return [round(v, 6) for v in bounds]


def map_source(layer: Layer) -> dict:
    """What a MapLibre vector source needs of the TileJSON, for a page to embed it: the map then asks
    for its tiles at once instead of fetching the TileJSON first (one round trip per layer less)."""
    assert layer.tile is not None
    return {
        "tiles": [tile_template(layer.key)],
        "minzoom": layer.minzoom,
        "maxzoom": layer.tile.maxzoom,
        "bounds": tile_bounds(),
    }


def _field_type(layer: Layer, path: str) -> str:
    field = tiles.model_field(layer.tile.rows(0).model, path)  # type: ignore[union-attr]
    kind = field.get_internal_type()
    if kind == "BooleanField":
        return "Boolean"
    if kind.endswith(("IntegerField", "FloatField", "DecimalField")):
        return "Number"
    return "String"


@page(public=True)  # the layer decides: see _layer
@require_GET
def tilejson(request: HttpRequest, layer: str) -> HttpResponse:
    """TileJSON 3.0.0 of one layer: its tile URL, zoom range, bounds and properties."""
    found = _layer(request, layer)
    if isinstance(found, JsonResponse):
        return found
    spec = found.tile
    assert spec is not None
    template = request.build_absolute_uri(reverse("tile", args=[found.key, 0, 0, 0])).replace(*_PLACEHOLDERS)
    bounds = tile_bounds()
    if spec.cluster_below is not None:
        fields = {"cx": "Number", "cy": "Number", "devices": "Number", "items": "Number"}
        fields.update({name: _field_type(found, path) for name, path in spec.props.items()})
    else:
        fields = {name: _field_type(found, path) for name, path in spec.props.items()}
    body = {
        "tilejson": "3.0.0",
        "name": found.name,
        "description": str(found.description),
        "version": "1.0.0",
        "scheme": "xyz",
        "tiles": [template],
        "minzoom": found.minzoom,
        "maxzoom": spec.maxzoom,
        "bounds": bounds,
        "vector_layers": [
            {
                "id": found.key,
                "description": str(found.description),
                "minzoom": found.minzoom,
                "maxzoom": spec.maxzoom,
                "fields": fields,
            }
        ],
    }
    if spec.dots_of is not None:
        fields["dot"] = "Boolean"
        body["vector_layers"][0].update(points_below=spec.points_below, dots_below=spec.dots_below)
    if spec.cluster_below is not None:
        body["vector_layers"][0]["cluster_below"] = spec.cluster_below
    return _headers(JsonResponse(body))
