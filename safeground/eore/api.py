"""Risk education API (/api/v1/eore): sessions as GeoJSON, beneficiaries by sex and age."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError

from safeground.core.auth import needs
from safeground.core.contracts import Choice, Country, Limit, Note, Offset, Ref, Year
from safeground.core.geojson import FeatureCollectionOut, FeatureOut, detail, feature, input_geometry, page
from safeground.core.history import history_entries
from safeground.core.schemas import ErrorOut, HistoryEntry
from safeground.eore import queries, services
from safeground.eore.schemas import BeneficiariesOut, SessionIn

router = Router(tags=["risk education"])


class SessionFilters(Schema):
    bbox: Note | None = None
    country: Country | None = None
    year: Year | None = None
    admin_area: Ref | None = None
    method: Choice | None = None
    organisation: Ref | None = None
    hazard: Ref | None = None
    limit: Limit = 1000
    offset: Offset = 0


@router.get("/sessions", response=FeatureCollectionOut, summary="List risk education sessions (GeoJSON)")
def list_sessions(request, filters: Query[SessionFilters]):
    """Filters: `bbox`, `country`, `year`, `admin_area`, `method`, `organisation` (acronym), `hazard` (code)."""
    f = filters.dict()
    limit, offset = f.pop("limit"), f.pop("offset")
    return page(
        queries.sessions(**f),
        request=request,
        limit=limit,
        offset=offset,
        geom_field="point",
        properties=queries.session_properties,
    )


@router.get("/beneficiaries", response={200: BeneficiariesOut, 422: ErrorOut}, summary="Beneficiaries by sex and age")
def beneficiaries(
    request, by: str = "year", country: str | None = None, year: Year | None = None, admin_area: str | None = None
):
    """People reached (girls, boys, women, men) and sessions per `by`: year, country, province, method,
    audience or organisation."""
    return queries.beneficiaries(queries.parse_dimension(by), country=country, year=year, admin_area=admin_area)


def _get(code: str):
    return get_object_or_404(queries.sessions(), code=code)


@router.get("/sessions/{code}", response=FeatureOut, summary="One risk education session")
def get_session(request, code: str):
    return detail(request, queries.sessions(), code, geom_field="point", properties=queries.session_properties)


@router.get("/sessions/{code}/history", response=list[HistoryEntry], summary="Change history of a session")
def session_history(request, code: str):
    return history_entries(_get(code))


@router.post("/sessions", response={201: FeatureOut, 403: ErrorOut, 422: ErrorOut}, auth=needs("eore.add_session"))
def create_session(request, payload: SessionIn):
    """Record a session; the hazards within 5 km of its point are linked to it. Operators record
    their own organisation's sessions."""
    data = payload.dict()
    if data.get("point") is not None:
        data["point"] = input_geometry(data["point"], "point")
    try:
        session = services.create_session(user=request.user, **data)
    except PermissionDenied as exc:
        raise HttpError(403, str(exc)) from exc
    return Status(
        201, feature(queries.sessions(), session.code, geom_field="point", properties=queries.session_properties)
    )
