import json

from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status

from safeground.core import versions
from safeground.core.auth import needs
from safeground.core.contracts import Choice, Country, Limit, Note, Offset, Ref
from safeground.core.geojson import FeatureCollectionOut, FeatureOut, detail, feature, page
from safeground.core.history import history_entries
from safeground.core.schemas import ErrorOut, HistoryEntry
from safeground.hazards import queries, services
from safeground.hazards.models import Hazard
from safeground.hazards.schemas import HazardIn, HazardPatch, TraverseSummary

router = Router(tags=["hazards"])


class HazardFilters(Schema):
    bbox: Note | None = None
    hazard_class: Choice | None = None
    status: Choice | None = None
    country: Country | None = None
    admin_area: Ref | None = None
    organisation: Ref | None = None
    contamination_type: Choice | None = None
    shape: Choice | None = None
    limit: Limit = 1000
    offset: Offset = 0


@router.get("", response=FeatureCollectionOut, summary="List hazards (GeoJSON)")
def list_hazards(request, filters: Query[HazardFilters]):
    """Polygon hazards are MultiPolygons, point hazards Points (`properties.radius_m`: the declared
    radius, if any). Filters: `bbox=minlon,minlat,maxlon,maxlat`, `hazard_class` (SHA/CHA), `status`, `country` (ISO3),
    `admin_area` (province, district or commune code), `organisation` (acronym), `contamination_type`,
    `shape` (polygon or point)."""
    f = filters.dict()
    limit, offset = f.pop("limit"), f.pop("offset")
    return page(
        queries.hazards(**f),
        request=request,
        limit=limit,
        offset=offset,
        geom_field=queries.shape(),
        properties=queries.hazard_properties,
    )


def _get(code: str) -> Hazard:
    return get_object_or_404(queries.hazards(), code=code)


@router.get("/{code}", response=FeatureOut, summary="One hazard (GeoJSON Feature)")
def get_hazard(request, code: str):
    """The `ETag` header (and `properties.version`) is the version to send back as `If-Match` with a change."""
    return detail(request, queries.hazards(), code, geom_field=queries.shape(), properties=queries.hazard_properties)


@router.get("/{code}/history", response=list[HistoryEntry], summary="Change history of a hazard")
def hazard_history(request, code: str):
    return history_entries(_get(code))


@router.post("", response={201: FeatureOut, 422: ErrorOut}, auth=needs("hazards.add_hazard"), summary="Create a hazard")
def create_hazard(request, payload: HazardIn):
    """The perimeter is `geometry` (GeoJSON) or `traverse` (a bearing/distance chain, kept with the
    hazard; the response's `properties.traverse` gives its closure error and warnings)."""
    hazard, row, result = services.create_hazard_from_input(payload, user=request.user)
    body = feature(queries.hazards(), hazard.code, geom_field=queries.shape(), properties=queries.hazard_properties)
    if row is not None:
        body["properties"]["traverse"] = {
            "id": str(row.id),
            "closure_error_m": _rounded(result.closure_error_m, 3),
            "closure_ratio": result.closure_ratio,
            "perimeter_m": round(result.perimeter_m, 3),
            "warnings": result.warnings,
        }
    return Status(201, body)


def _rounded(value, digits):
    return None if value is None else round(value, digits)


def _geojson(geom):
    return json.loads(geom.geojson) if geom else None


@router.get("/{code}/traverses", response=list[TraverseSummary], summary="Traverses recorded for a hazard")
def hazard_traverses(request, code: str):
    """Newest first: each bearing/distance chain as entered, with the polygon and closure it gave."""
    hazard = _get(code)
    return [
        {
            "id": str(t.id),
            "created_at": t.created_at,
            "created_by": t.created_by.get_username() if t.created_by else None,
            "chain": t.chain,
            "polygon": _geojson(t.polygon),
            "start_point": _geojson(t.start_point),
            "benchmark": _geojson(t.benchmark),
            "reference_point": _geojson(t.reference_point),
            "closure_error_m": t.closure_error_m,
            "perimeter_m": t.perimeter_m,
            "area_m2": t.area_m2,
            "utm_epsg": t.utm_epsg,
            "datum": t.datum,
            "declination": t.declination,
            "bearing_unit": t.bearing_unit,
            "adjustment": t.adjustment,
        }
        for t in hazard.traverses.select_related("created_by").order_by("-created_at")
    ]


@router.patch(
    "/{code}",
    response={200: FeatureOut, 412: ErrorOut, 422: ErrorOut, 428: ErrorOut},
    auth=needs("hazards.change_hazard"),
    summary="Update a hazard",
)
def update_hazard(request, response: HttpResponse, code: str, payload: HazardPatch):
    """Needs `If-Match: "<version>"` (the `ETag` of the hazard as read): 428 without it, 412 when
    someone changed the hazard since (both name the current version); nothing is written then."""
    hazard = _get(code)
    expected = versions.required(request, hazard, f"hazard {hazard.code}")
    with transaction.atomic():
        hazard = services.update_hazard_from_input(
            hazard, payload.dict(exclude_unset=True), user=request.user, expected_version=expected
        )
    body = feature(queries.hazards(), hazard.code, geom_field=queries.shape(), properties=queries.hazard_properties)
    response["ETag"] = versions.tag(body["properties"]["version"])
    return body
