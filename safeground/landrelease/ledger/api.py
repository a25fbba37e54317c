import json

from django.contrib.gis.db.models.functions import AsGeoJSON
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema

from safeground.core.auth import needs
from safeground.core.errors import ValidationFailed
from safeground.landrelease.ledger import queries as ledger_queries
from safeground.landrelease.ledger.proposals import confirm

router = Router(tags=["land release ledger"])


class LedgerRow(Schema):
    code: str
    country: str
    province_code: str | None
    hazard_class: str
    status: str
    contamination_type: str
    estimated_m2: float
    cancelled_m2: float
    reduced_m2: float
    cleared_m2: float
    remaining_m2: float
    outside_m2: float
    overlap_m2: float
    devices_outside: int


class LedgerPage(Schema):
    count: int
    items: list[LedgerRow]


class LedgerFilters(Schema):
    country: str | None = None
    admin_area: str | None = None
    hazard_class: str | None = None
    status: str | None = None
    contamination_type: str | None = None
    organisation: str | None = None
    limit: int = 1000
    offset: int = 0


@router.get("/hazards", response=LedgerPage, summary="Ledger per hazard")
def ledger_hazards(request, filters: Query[LedgerFilters]):
    """Estimated, cancelled, reduced, cleared, remaining, outside and overlapping m² of each hazard."""
    f = filters.dict()
    limit, offset = max(1, min(f.pop("limit"), 10000)), f.pop("offset")
    qs = ledger_queries.hazard_rows(**f)
    return {"count": qs.count(), "items": [ledger_queries.as_dict(r) for r in qs[offset : offset + limit]]}


@router.get("/hazards/{code}", summary="Ledger of one hazard, with its remaining geometry (GeoJSON)")
def ledger_hazard(request, code: str):
    row = get_object_or_404(ledger_queries.hazard_rows(code=code).annotate(g=AsGeoJSON("remaining_geom")))
    return {
        "type": "Feature",
        "id": code,
        "geometry": json.loads(row.g) if row.g else None,  # type: ignore[attr-defined]  # annotate()d; stubs lose it
        "properties": ledger_queries.as_dict(row),
    }


@router.get("/summary", summary="Ledger aggregates")
def ledger_summary(request, group_by: str = "country", country: str | None = None, tolerance_m2: float = 1.0):
    """`group_by`: country, province, district, commune, type, class, reporting_organisation (hazard figures:
    remaining SHA/CHA counts and m², release by outcome) or organisation, year, quarter, month, method,
    activity_type (release credited to products, devices destroyed, contamination newly recorded)."""
    try:
        return {"group_by": group_by, "groups": ledger_queries.summary(group_by, country, tolerance_m2)}
    except ValueError as exc:
        raise ValidationFailed(str(exc), field="group_by") from exc


@router.get("/discrepancies", summary="Products whose reported area differs from the computed one")
def ledger_discrepancies(request, tolerance: float = 0.05, country: str | None = None):
    return ledger_queries.discrepancies(tolerance, country)


@router.get("/proposals", summary="Status changes proposed by the ledger and the evidence")
def ledger_proposals(request, tolerance_m2: float = 1.0, country: str | None = None):
    return ledger_queries.proposals(tolerance_m2, country)


@router.post(
    "/proposals/{code}/confirm", auth=needs("hazards.change_hazard"), summary="Confirm the proposals for one hazard"
)
def ledger_confirm(request, code: str, tolerance_m2: float = 1.0):
    try:
        return confirm(code, tolerance_m2=tolerance_m2, user=request.user)
    except ValueError as exc:
        raise ValidationFailed(str(exc), field="code") from exc
