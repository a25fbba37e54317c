from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema

from safeground.core.geojson import FeatureCollectionOut, FeatureOut, feature, page
from safeground.core.history import history_entries
from safeground.core.schemas import HistoryEntry
from safeground.operations import queries

router = Router(tags=["activities"])


class ActivityFilters(Schema):
    bbox: str | None = None
    activity_type: str | None = None
    status: str | None = None
    country: str | None = None
    organisation: str | None = None
    hazard: str | None = None
    admin_area: str | None = None
    limit: int = 1000
    offset: int = 0


@router.get("", response=FeatureCollectionOut, summary="List activities (GeoJSON, reference points)")
def list_activities(request, filters: Query[ActivityFilters]):
    f = filters.dict()
    limit, offset = f.pop("limit"), f.pop("offset")
    return page(
        queries.activities(**f),
        request=request,
        limit=limit,
        offset=offset,
        geom_field="reference_point",
        properties=queries.activity_properties,
    )


@router.get("/{code}", response=FeatureOut, summary="One activity")
def get_activity(request, code: str):
    return feature(
        get_object_or_404(queries.activities(), code=code),
        geom_field="reference_point",
        properties=queries.activity_properties,
    )


@router.get("/{code}/history", response=list[HistoryEntry], summary="Change history of an activity")
def activity_history(request, code: str):
    return history_entries(get_object_or_404(queries.activities(), code=code))
