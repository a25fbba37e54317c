from django.db import transaction
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status

from safeground.core.auth import write_auth
from safeground.core.errors import ValidationFailed
from safeground.core.geojson import FeatureCollectionOut, FeatureOut, feature, geometry_from_geojson, page
from safeground.core.geometry import GeometryError
from safeground.core.history import history_entries
from safeground.core.schemas import ErrorOut, HistoryEntry
from safeground.hazards import queries, services
from safeground.hazards.models import Hazard
from safeground.hazards.schemas import HazardIn, HazardPatch

router = Router(tags=["hazards"])


class HazardFilters(Schema):
    bbox: str | None = None
    hazard_class: str | None = None
    status: str | None = None
    country: str | None = None
    admin_area: str | None = None
    organisation: str | None = None
    contamination_type: str | None = None
    limit: int = 1000
    offset: int = 0


@router.get("", response=FeatureCollectionOut, summary="List hazards (GeoJSON)")
def list_hazards(request, filters: Query[HazardFilters]):
    """Filters: `bbox=minlon,minlat,maxlon,maxlat`, `hazard_class` (SHA/CHA), `status`, `country` (ISO3),
    `admin_area` (province, district or commune code), `organisation` (acronym), `contamination_type`."""
    f = filters.dict()
    limit, offset = f.pop("limit"), f.pop("offset")
    return page(
        queries.hazards(**f),
        request=request,
        limit=limit,
        offset=offset,
        geom_field="geom",
        properties=queries.hazard_properties,
    )


def _get(code: str) -> Hazard:
    return get_object_or_404(queries.hazards(), code=code)


@router.get("/{code}", response=FeatureOut, summary="One hazard (GeoJSON Feature)")
def get_hazard(request, code: str):
    return feature(_get(code), geom_field="geom", properties=queries.hazard_properties)


@router.get("/{code}/history", response=list[HistoryEntry], summary="Change history of a hazard")
def hazard_history(request, code: str):
    return history_entries(_get(code))


def _geometry(value, field):
    try:
        return geometry_from_geojson(value, field)
    except GeometryError as exc:
        raise ValidationFailed.from_geometry(exc, field=field) from exc


@router.post("", response={201: FeatureOut, 422: ErrorOut}, auth=write_auth, summary="Create a hazard")
def create_hazard(request, payload: HazardIn):
    data = payload.dict()
    data["geometry"] = _geometry(data["geometry"], "geometry")
    if data.get("benchmark") is not None:
        data["benchmark"] = _geometry(data["benchmark"], "benchmark")
    hazard = services.create_hazard(user=request.user, **data)
    return Status(201, feature(_get(hazard.code), geom_field="geom", properties=queries.hazard_properties))


@router.patch("/{code}", response={200: FeatureOut, 422: ErrorOut}, auth=write_auth, summary="Update a hazard")
def update_hazard(request, code: str, payload: HazardPatch):
    changes = payload.dict(exclude_unset=True)
    for field in ("geometry", "benchmark"):
        if changes.get(field) is not None:
            changes[field] = _geometry(changes[field], field)
    with transaction.atomic():
        hazard = services.update_hazard(_get(code), user=request.user, **changes)
    return feature(_get(hazard.code), geom_field="geom", properties=queries.hazard_properties)
