import json

from django.contrib.gis.db.models.functions import AsGeoJSON
from django.http import Http404
from ninja import Query, Router, Schema

from safeground.core.auth import needs
from safeground.core.contracts import Choice, Code, Country, Finite, Limit, Note, Offset, Ref
from safeground.core.errors import ValidationFailed
from safeground.core.schemas import ErrorOut
from safeground.landrelease.ledger import queries as ledger_queries
from safeground.landrelease.ledger.proposals import confirm

router = Router(tags=["land release ledger"])

DEFAULT_LIMIT = 1000
MAX_LIMIT = 10_000  # rows per page of the ledger list; more → 422 (page with offset)


class LedgerRow(Schema):
    code: Code
    country: Country
    province_code: Note | None
    hazard_class: Choice
    status: Choice
    contamination_type: Choice
    estimated_m2: Finite
    cancelled_m2: Finite
    reduced_m2: Finite
    cleared_m2: Finite
    remaining_m2: Finite
    outside_m2: Finite
    overlap_m2: Finite
    estimated_overlap_m2: Finite
    remaining_overlap_m2: Finite
    devices_outside: int


class LedgerPage(Schema):
    count: int
    items: list[LedgerRow]


class LedgerFilters(Schema):
    country: Country | None = None
    admin_area: Ref | None = None
    hazard_class: Choice | None = None
    status: Choice | None = None
    contamination_type: Choice | None = None
    organisation: Ref | None = None
    limit: Limit = DEFAULT_LIMIT
    offset: Offset = 0


@router.get("/hazards", response={200: LedgerPage, 422: ErrorOut}, summary="Ledger per hazard")
def ledger_hazards(request, filters: Query[LedgerFilters]):
    """Estimated, cancelled, reduced, cleared, remaining, outside and overlapping m² of each hazard, by code.

    `limit`: 1 to 10,000 rows per page (default 1,000); page on with `offset`. `overlap_m2`: ground two
    of the hazard's own products share; `estimated_overlap_m2` / `remaining_overlap_m2`: ground of the
    hazard already counted by hazards recorded earlier (subtract them to add hazards up without
    counting shared ground twice)."""
    f = filters.dict()
    limit, offset = f.pop("limit"), f.pop("offset")
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationFailed(f"limit must be between 1 and {MAX_LIMIT:,}; got {limit}", field="limit")
    if offset < 0:
        raise ValidationFailed(f"offset must be 0 or more; got {offset}", field="offset")
    qs = ledger_queries.hazard_rows(**f)
    return {"count": qs.count(), "items": list(ledger_queries.as_dicts(qs[offset : offset + limit]))}


@router.get(
    "/hazards/{code}",
    response={200: dict, 404: ErrorOut},
    summary="Ledger of one hazard, with its remaining geometry (GeoJSON)",
)
def ledger_hazard(request, code: str):
    qs = ledger_queries.hazard_rows(code=code).annotate(g=AsGeoJSON("remaining_geom"))
    row = next(ledger_queries.as_dicts(qs, "g"), None)
    if row is None:
        raise Http404(f"no ledger row for hazard {code}")
    geometry = row.pop("g")
    return {"type": "Feature", "id": code, "geometry": json.loads(geometry) if geometry else None, "properties": row}


@router.get("/summary", response={200: dict, 422: ErrorOut}, summary="Ledger aggregates")
def ledger_summary(request, group_by: str = "country", country: str | None = None, tolerance_m2: Finite = 1.0):
    """`group_by`: country, province, district, commune, type, class, reporting_organisation (hazard figures:
    remaining SHA/CHA counts and m², release by outcome) or organisation, year, quarter, month, method,
    activity_type (release credited to products, devices destroyed, contamination newly recorded).

    Hazard figures come three ways: `estimated_m2` / `remaining_m2` sum the hazards;
    `estimated_unique_m2` / `remaining_unique_m2` are the group's share of the union of all hazards
    (ground shared by overlapping hazards counts once, for the one recorded first, so the groups add
    up to the national unique area); `estimated_overlap_m2` / `remaining_overlap_m2` = sum − unique.
    Periods give `new_contamination_m2` with its `_unique_m2` and `_overlap_m2` the same way.
    By country and by the release groupings, products filed under no hazard (ground released outside
    every hazard) are counted apart from the hazards' figures: `outside_hazards_products`, `outside_hazards_m2`."""
    try:
        return {"group_by": group_by, "groups": ledger_queries.summary(group_by, country, tolerance_m2)}
    except ValueError as exc:
        raise ValidationFailed(str(exc), field="group_by") from exc


@router.get("/discrepancies", summary="Products whose reported area differs from the computed one")
def ledger_discrepancies(request, tolerance: Finite = 0.05, country: str | None = None):
    return ledger_queries.discrepancies(tolerance, country)


@router.get("/proposals", summary="Status changes proposed by the ledger and the evidence")
def ledger_proposals(request, tolerance_m2: Finite = 1.0, country: str | None = None):
    return ledger_queries.proposals(tolerance_m2, country)


@router.post(
    "/proposals/{code}/confirm", auth=needs("hazards.change_hazard"), summary="Confirm the proposals for one hazard"
)
def ledger_confirm(request, code: str, tolerance_m2: Finite = 1.0):
    try:
        return confirm(code, tolerance_m2=tolerance_m2, user=request.user)
    except ValueError as exc:
        raise ValidationFailed(str(exc), field="code") from exc
