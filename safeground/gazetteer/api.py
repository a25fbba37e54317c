import json
from typing import Any

from django.contrib.gis.db.models.functions import AsGeoJSON, PointOnSurface
from django.db.models import Func
from django.http import HttpResponse
from ninja import Query, Router, Schema
from pydantic import Field

from safeground.core import ratelimit
from safeground.core.auth import BearerToken
from safeground.core.errors import ValidationFailed
from safeground.core.geojson import FeatureCollectionOut, FeatureOut, check_paging, page_json, parse_bbox
from safeground.core.schemas import ErrorOut
from safeground.gazetteer import coordinates, traverse
from safeground.gazetteer import queries as gazetteer_queries
from safeground.gazetteer.models import AdminArea, Place

router = Router(auth=None, tags=["gazetteer"])


#: Most features per page of the full form (signed in); more is a 422 (page with offset).
ADMIN_AREAS_MAX_LIMIT = 1000
PLACES_MAX_LIMIT = 5000
#: Most degrees of `simplify`: beyond it a province is a speck.
MAX_SIMPLIFY = 1.0
LIGHT_PRECISION = 5  # decimals of the light form's points: about a metre
ADMIN_FIELDS = ("code", "name", "country", "level", "parent__code")
PLACE_FIELDS = ("code", "name", "kind", "country", "admin_area__code")


class AdminAreaFilters(Schema):
    country: str | None = None
    level: int | None = None
    parent: str | None = None
    bbox: str | None = None
    simplify: float | None = Field(None, description="degrees (0–1); thins the boundaries (full form only)")
    limit: int = Field(1000, description=f"1–{ADMIN_AREAS_MAX_LIMIT:,}")
    offset: int = 0
    points: bool = Field(False, description="the light form (a point inside each area) signed in too: map labels")


class SimplifyPreserveTopology(Func):
    function = "ST_SimplifyPreserveTopology"


def _signed_in(request) -> bool:
    """Whether the request comes from an account: a session, or a bearer token (these routes are
    public, so Ninja reads no credentials for them; a valid token sets `request.user`)."""
    if request.user.is_authenticated:
        return True
    if request.headers.get("Authorization", "").startswith("Bearer "):
        return BearerToken()(request) is not None
    return False


def _light(request, build) -> HttpResponse:
    """The anonymous answer, from the gazetteer's cache while it is unchanged (keyed by the query)."""
    body = gazetteer_queries.cached_answer(f"{request.path}?{request.GET.urlencode()}", build)
    return HttpResponse(body, content_type="application/json")


GAZETTEER_ERRORS: dict[int, Any] = {422: ErrorOut, 429: ErrorOut}


@router.get(
    "/admin-areas",
    response={200: FeatureCollectionOut, **GAZETTEER_ERRORS},
    summary="Administrative areas (GeoJSON; boundaries signed in, points for anyone)",
)
def list_admin_areas(request, filters: Query[AdminAreaFilters]):
    """`/admin-areas?country=<ISO3>&level=1` lists a country's level-1 areas (provinces, departments, rayons).

    Signed in: the boundaries, `limit` 1–1,000 a page; `simplify` (degrees) thins them for
    small-scale maps. Anonymous: the light form, each area as a point inside it with its code,
    name and parent (no boundaries), served from a cache; `points=true` asks for that form signed in
    too (the maps' labels). Both are rate limited per client."""
    signed_in = _signed_in(request)
    ratelimit.check(request, "gazetteer")
    check_paging(filters.limit, filters.offset, ADMIN_AREAS_MAX_LIMIT)
    if filters.simplify is not None and not 0 <= filters.simplify <= MAX_SIMPLIFY:  # NaN fails too
        raise ValidationFailed(
            f"simplify must be between 0 and {MAX_SIMPLIFY} degrees; got {filters.simplify}",
            field="simplify",
            reason="range",
        )
    # The boundaries leave the database only as GeoJSON text: never as geometry objects (theirs or the parent's).
    qs = AdminArea.objects.select_related("parent").only(*ADMIN_FIELDS).order_by("country", "level", "code")
    if filters.country:
        qs = qs.filter(country=filters.country)
    if filters.level is not None:
        qs = qs.filter(level=filters.level)
    if filters.parent:
        qs = qs.filter(parent__code=filters.parent)
    box = parse_bbox(filters.bbox)
    if box is not None:
        qs = qs.filter(geom__intersects=box)
    if not signed_in or filters.points:
        return _light(request, lambda: _page_json(qs, request, filters, PointOnSurface("geom"), LIGHT_PRECISION))
    geom_field: Any = "geom"
    if filters.simplify:
        qs = qs.annotate(_simple=SimplifyPreserveTopology("geom", filters.simplify, output_field=AdminArea.geom.field))
        geom_field = "_simple"
    # Admin areas carry their code in `code`; the page uses it as the feature id.
    return HttpResponse(_page_json(qs, request, filters, geom_field, 6), content_type="application/json")


def _page_json(qs, request, filters, geom_field, precision: int) -> bytes:
    properties = (
        gazetteer_queries.admin_area_properties if qs.model is AdminArea else gazetteer_queries.place_properties
    )
    return page_json(
        qs,
        request=request,
        limit=filters.limit,
        offset=filters.offset,
        geom_field=geom_field,
        properties=properties,
        precision=precision,
    )


class PlaceFilters(Schema):
    country: str | None = None
    kind: str | None = None
    admin_area: str | None = None
    bbox: str | None = None
    q: str | None = None
    limit: int = Field(1000, description=f"1–{PLACES_MAX_LIMIT:,}")
    offset: int = 0


@router.get("/places", response={200: FeatureCollectionOut, **GAZETTEER_ERRORS}, summary="Villages and towns (GeoJSON)")
def list_places(request, filters: Query[PlaceFilters]):
    """`limit` 1–5,000 a page. Anonymous clients get the same features (places are points) at
    metre precision, served from a cache; both are rate limited per client."""
    signed_in = _signed_in(request)
    ratelimit.check(request, "gazetteer")
    check_paging(filters.limit, filters.offset, PLACES_MAX_LIMIT)
    qs = Place.objects.select_related("admin_area").only(*PLACE_FIELDS).order_by("country", "code")
    if filters.country:
        qs = qs.filter(country=filters.country)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.admin_area:
        qs = qs.filter(admin_area__code=filters.admin_area)
    if filters.q:
        qs = qs.filter(name__folded_contains=filters.q)
    box = parse_bbox(filters.bbox)
    if box is not None:
        qs = qs.filter(point__intersects=box)
    if not signed_in:
        return _light(request, lambda: _page_json(qs, request, filters, "point", LIGHT_PRECISION))
    return HttpResponse(_page_json(qs, request, filters, "point", 6), content_type="application/json")


@router.get(
    "/admin-areas/{country}/{level}/{code}",
    response={200: FeatureOut, 404: ErrorOut, 429: ErrorOut},
    summary="One administrative area (GeoJSON Feature; its boundary signed in, a point for anyone)",
)
def get_admin_area(request, country: str, level: int, code: str):
    """Signed in: the area with its boundary. Anonymous: the light form (a point inside it)."""
    from django.shortcuts import get_object_or_404

    signed_in = _signed_in(request)
    ratelimit.check(request, "gazetteer")
    geometry = AsGeoJSON("geom", precision=6) if signed_in else AsGeoJSON(PointOnSurface("geom"), precision=5)
    area = get_object_or_404(
        AdminArea.objects.select_related("parent").annotate(_geojson=geometry),
        country=country,
        level=level,
        code=code,
    )
    return {
        "type": "Feature",
        "id": area.code,
        "geometry": json.loads(area._geojson),  # type: ignore[attr-defined]  # annotate()d; django-stubs loses it
        "properties": gazetteer_queries.admin_area_properties(area),
    }


class CoordinateQuery(Schema):
    text: str = Field(description="the coordinate as written, e.g. 13°03'04.3\"N 103°03'07.6\"E or 48PUV0500043000")
    format: str | None = Field(None, description="dd | dms | ddm | utm | mgrs; default: detect")
    datum: str = Field("WGS84", description="datum the text is written in: WGS84, Indian 1960, Pulkovo 1942")
    crs: str | None = Field(None, description="instead of format/datum: 'x y' in this CRS, e.g. EPSG:3148")
    country: str | None = Field(None, description="ISO3: check the position lies in this country")


class CoordinateOut(Schema):
    lon: float
    lat: float
    format: str
    datum: str
    transformation: str
    formats: dict[str, str]
    warnings: list[str]


@router.get(
    "/coordinates", response={200: CoordinateOut, 422: ErrorOut}, summary="Read and convert a coordinate (WGS 84)"
)
def convert_coordinate(request, query: Query[CoordinateQuery]):
    """Reads DD, DMS, DDM, UTM or MGRS (or plain x y in `crs`), converts legacy datums with the
    transformation named in `transformation`, and gives the position in every format. With
    `country`, a position outside it (or with latitude and longitude swapped) is a warning."""
    try:
        if query.crs:
            parts = query.text.replace(",", " ").split()
            if len(parts) != 2:
                raise coordinates.CoordinateError(f"{query.text!r}: expected two numbers, x then y, in {query.crs}")
            try:
                x, y = (float(v) for v in parts)
            except ValueError as exc:
                raise coordinates.CoordinateError(f"{query.text!r}: x and y must be numbers") from exc
            lon, lat = coordinates.to_wgs84(x, y, query.crs)
            _, description = coordinates.wgs84_transformer(query.crs)
            reading = coordinates.Reading(lon, lat, "xy", query.crs, description)
        else:
            reading = coordinates.read_coordinate(query.text, query.format, query.datum)
    except coordinates.CoordinateError as exc:
        raise ValidationFailed(str(exc), field="text", reason=exc.reason) from exc
    warnings = []
    if query.country:
        try:
            coordinates.check_position(reading.lon, reading.lat, query.country.upper())
        except coordinates.CoordinateError as exc:
            warnings.append(str(exc))
    return {
        "lon": reading.lon,
        "lat": reading.lat,
        "format": reading.format,
        "datum": reading.datum,
        "transformation": reading.transformation,
        "formats": coordinates.all_formats(reading.lon, reading.lat),
        "warnings": warnings,
    }


class TraverseComputed(Schema):
    polygon: dict[str, Any]
    points: dict[str, Any]
    closure_error_m: float | None = Field(description="distance from the closing leg's end to the start point")
    closure_ratio: int | None = Field(description="N in 1:N (perimeter / closure error)")
    perimeter_m: float
    area_m2: float
    utm_epsg: int
    convergence_deg: float
    scale_factor: float
    adjustment: str
    closing_point: dict[str, Any] | None
    start_formats: dict[str, str]
    warnings: list[str]


@router.post(
    "/traverses/compute",
    response={200: TraverseComputed, 422: ErrorOut, 429: ErrorOut},
    summary="Compute a bearing/distance traverse (writes nothing)",
)
def compute_traverse(request, chain: traverse.Chain):
    """Vertices (GeoJSON), polygon, closure error and warnings for a chain: reference point →
    benchmark → start → turning/intermediate points → end → closing leg. To keep it with a new
    hazard, send the same chain as `traverse` to POST /hazards. At most SAFEGROUND_TRAVERSE_MAX_LEGS
    legs (1,000 by default); rate limited per client."""
    _signed_in(request)  # counts an account's requests by the account
    ratelimit.check(request, "compute")
    try:
        result = traverse.compute_traverse(chain)
    except traverse.TraverseError as exc:
        raise ValidationFailed(str(exc), field=exc.field, reason=exc.reason, location=exc.location) from exc
    body = result.as_dict()
    problem = traverse.country_warning(result)
    if problem:
        body["warnings"].append(problem)
    return body
