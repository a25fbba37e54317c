"""Quality management API (/api/v1/qm): visits with checklists, non-conformities, QC sampling, hand-overs
and the non-conformity statistics. Operators read their own organisation's visits and non-conformities."""

from __future__ import annotations

from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status

from safeground.core import versions
from safeground.core.auth import needs
from safeground.core.contracts import Choice, Country, Limit, Offset, Ref, Year
from safeground.core.history import history_entries
from safeground.core.schemas import ErrorOut, HistoryEntry
from safeground.gazetteer.models import Programme
from safeground.qm import queries, services
from safeground.qm.models import Handover, SamplingPlan
from safeground.qm.schemas import (
    CloseIn,
    HandoverIn,
    HandoverOut,
    HandoverPage,
    NonConformityIn,
    NonConformityOut,
    NonConformityPage,
    PlanIn,
    PlanPage,
    QmStatisticsOut,
    RuleOut,
    RulePatch,
    SampleResultIn,
    SamplingPlanOut,
    TemplateOut,
    VisitDetailOut,
    VisitIn,
    VisitPage,
    VisitPatch,
)

router = Router(tags=["quality management"])


def _visit(request, code: str):
    visit = queries.visit(request.user, code)
    if visit is None:
        raise Http404(f"no visit {code}")
    return visit


def _nc(request, code: str):
    nc = queries.non_conformity(request.user, code)
    if nc is None:
        raise Http404(f"no non-conformity {code}")
    return nc


def _detail(visit) -> dict:
    return {
        **queries.visit_properties(visit),
        "checklist": queries.answers(visit),
        "non_conformities": [queries.nc_properties(n) for n in visit.non_conformities.select_related("owner", "visit")],
    }


class VisitFilters(Schema):
    country: Country | None = None
    visit_type: Choice | None = None
    organisation: Ref | None = None
    activity: Ref | None = None
    product: Ref | None = None
    limit: Limit = 100
    offset: Offset = 0


@router.get("/visits", response=VisitPage, summary="QA/QC visits")
def list_visits(request, filters: Query[VisitFilters]):
    """Newest first. Filters: `country`, `visit_type`, `organisation` (inspected, acronym), `activity`, `product`."""
    f = filters.dict()
    limit, offset = f.pop("limit"), f.pop("offset")
    qs = queries.visits(request.user, **f)
    return {"count": qs.count(), "items": [queries.visit_properties(v) for v in qs[offset : offset + limit]]}


@router.post(
    "/visits",
    response={201: VisitDetailOut, 403: ErrorOut, 422: ErrorOut},
    auth=needs("qm.add_visit"),
    summary="Record a visit",
)
def create_visit(request, payload: VisitIn):
    visit = services.record_visit(user=request.user, **payload.dict())
    return Status(201, _detail(_visit(request, visit.code)))


@router.get("/visits/{code}", response=VisitDetailOut, summary="One visit with its checklist and non-conformities")
def get_visit(request, response: HttpResponse, code: str):
    """The `ETag` header is the version to send back as `If-Match` with a change."""
    visit = _visit(request, code)
    response["ETag"] = versions.etag(visit)
    return _detail(visit)


@router.patch(
    "/visits/{code}",
    response={200: VisitDetailOut, 412: ErrorOut, 422: ErrorOut, 428: ErrorOut},
    auth=needs("qm.change_visit"),
    summary="Change a visit's findings or checklist answers",
)
def update_visit(request, response: HttpResponse, code: str, payload: VisitPatch):
    """Needs `If-Match: "<version>"`: 428 without it, 412 when someone changed the visit since."""
    visit = _visit(request, code)
    expected = versions.required(request, visit, f"visit {visit.code}")
    changes = payload.dict(exclude_unset=True)
    with transaction.atomic():
        services.update_visit(visit, expected_version=expected, user=request.user, **changes)
    changed = _visit(request, code)
    response["ETag"] = versions.etag(changed)
    return _detail(changed)


@router.get("/visits/{code}/history", response=list[HistoryEntry], summary="Change history of a visit")
def visit_history(request, code: str):
    return history_entries(_visit(request, code))


@router.post(
    "/visits/{code}/non-conformities",
    response={201: NonConformityOut, 403: ErrorOut, 422: ErrorOut},
    auth=needs("qm.add_nonconformity"),
    summary="Raise a non-conformity found on a visit",
)
def raise_non_conformity(request, code: str, payload: NonConformityIn):
    """A critical one suspends the visited team (or the inspected organisation's accreditation for a method)
    until it is closed: the accreditation gate then refuses that team or method, naming it."""
    nc = services.raise_non_conformity(_visit(request, code), user=request.user, **payload.dict())
    return Status(201, queries.nc_properties(nc))


class NonConformityFilters(Schema):
    status: Choice | None = None
    severity: Choice | None = None
    organisation: Ref | None = None
    country: Country | None = None
    limit: Limit = 100
    offset: Offset = 0


@router.get("/non-conformities", response=NonConformityPage, summary="Non-conformities")
def list_non_conformities(request, filters: Query[NonConformityFilters]):
    """Newest first. Filters: `status` (open, closed), `severity`, `organisation` (owner), `country`."""
    f = filters.dict()
    limit, offset = f.pop("limit"), f.pop("offset")
    qs = queries.non_conformities(request.user, **f)
    return {"count": qs.count(), "items": [queries.nc_properties(n) for n in qs[offset : offset + limit]]}


@router.get("/non-conformities/{code}", response=NonConformityOut, summary="One non-conformity")
def get_non_conformity(request, response: HttpResponse, code: str):
    nc = _nc(request, code)
    response["ETag"] = versions.etag(nc)
    return queries.nc_properties(nc)


@router.post(
    "/non-conformities/{code}/close",
    response={200: NonConformityOut, 403: ErrorOut, 412: ErrorOut, 422: ErrorOut, 428: ErrorOut},
    auth=needs("qm.change_nonconformity"),
    summary="Close a non-conformity with the evidence of its correction",
)
def close_non_conformity(request, response: HttpResponse, code: str, payload: CloseIn):
    """Needs `If-Match: "<version>"`. A critical one's suspension is lifted from the closing date."""
    nc = _nc(request, code)
    expected = versions.required(request, nc, f"non-conformity {nc.code}")
    services.close_non_conformity(nc, expected_version=expected, user=request.user, **payload.dict())
    changed = _nc(request, code)
    response["ETag"] = versions.etag(changed)
    return queries.nc_properties(changed)


@router.get("/templates", response=list[TemplateOut], summary="Checklist templates")
def list_templates(request):
    return [
        {
            "key": t.key,
            "name": t.name,
            "reference": t.reference,
            "is_default": t.is_default,
            "items": [{"key": i.key, "order": i.order, "text": i.text} for i in t.items.all()],
        }
        for t in queries.templates()
    ]


@router.get("/sampling-rules", response=list[RuleOut], summary="Each programme's QC sampling option and rule")
def list_rules(request):
    """One row per programme: its stored rule, or the default (sampling off, version 0)."""
    return [
        queries.rule_properties(services.rule_for(iso3))
        for iso3 in Programme.objects.order_by("iso3").values_list("iso3", flat=True)
    ]


@router.patch(
    "/sampling-rules/{iso3}",
    response={200: RuleOut, 403: ErrorOut, 412: ErrorOut, 422: ErrorOut, 428: ErrorOut},
    auth=needs("qm.change_samplingrule"),
    summary="Switch QC sampling on or off for a programme; set its rule",
)
def update_rule(request, response: HttpResponse, iso3: str, payload: RulePatch):
    """Needs `If-Match: "<version>"` (0 for a programme that still has the default)."""
    rule = services.rule_for(iso3.upper())
    expected = versions.required(request, rule, f"sampling rule {iso3}")
    changes = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    changed = services.set_sampling_rule(iso3, expected_version=expected, user=request.user, **changes)
    response["ETag"] = versions.etag(changed)
    return queries.rule_properties(changed)


class PlanFilters(Schema):
    country: Country | None = None
    result: Choice | None = None
    product: Ref | None = None
    limit: Limit = 100
    offset: Offset = 0


@router.get("/sampling-plans", response=PlanPage, summary="QC sampling plans")
def list_plans(request, filters: Query[PlanFilters]):
    f = filters.dict()
    limit, offset = f.pop("limit"), f.pop("offset")
    qs = queries.sampling_plans(**f)
    return {"count": qs.count(), "items": [queries.plan_properties(p) for p in qs[offset : offset + limit]]}


@router.post(
    "/sampling-plans",
    response={201: SamplingPlanOut, 403: ErrorOut, 422: ErrorOut},
    auth=needs("qm.add_samplingplan"),
    summary="Plan the QC sample of a product",
)
def create_plan(request, payload: PlanIn):
    """Sample units and acceptance number from the product's programme rule (refused where sampling is off)."""
    plan = services.plan_sample(user=request.user, **payload.dict())
    return Status(201, queries.plan_properties(plan))


@router.get("/sampling-plans/{code}", response=SamplingPlanOut, summary="One QC sampling plan")
def get_plan(request, response: HttpResponse, code: str):
    plan = get_object_or_404(SamplingPlan, code=code)
    response["ETag"] = versions.etag(plan)
    return queries.plan_properties(plan)


@router.post(
    "/sampling-plans/{code}/result",
    response={200: SamplingPlanOut, 403: ErrorOut, 412: ErrorOut, 422: ErrorOut, 428: ErrorOut},
    auth=needs("qm.change_samplingplan"),
    summary="Record a QC sample's result",
)
def record_result(request, response: HttpResponse, code: str, payload: SampleResultIn):
    """Needs `If-Match`. Pass when `failed_units` ≤ the acceptance number; a failed sample proposes the
    product's area as a hazard in the review workbench (`proposal`), for an IM officer to confirm."""
    plan = get_object_or_404(SamplingPlan, code=code)
    expected = versions.required(request, plan, f"sampling plan {plan.code}")
    changed = services.record_sample_result(plan, expected_version=expected, user=request.user, **payload.dict())
    response["ETag"] = versions.etag(changed)
    return queries.plan_properties(changed)


class HandoverFilters(Schema):
    country: Country | None = None
    limit: Limit = 100
    offset: Offset = 0


@router.get("/handovers", response=HandoverPage, summary="Hand-overs of released land (IMAS 08.30)")
def list_handovers(request, filters: Query[HandoverFilters]):
    qs = queries.handovers(country=filters.country)
    return {
        "count": qs.count(),
        "items": [queries.handover_properties(h) for h in qs[filters.offset : filters.offset + filters.limit]],
    }


@router.post(
    "/handovers",
    response={201: HandoverOut, 403: ErrorOut, 422: ErrorOut},
    auth=needs("qm.add_handover"),
    summary="Record a hand-over",
)
def create_handover(request, payload: HandoverIn):
    """Refused while a product's QC sample has not passed or a non-conformity on it is open (IMAS 08.30)."""
    handover = services.record_handover(user=request.user, **payload.dict())
    return Status(201, queries.handover_properties(handover))


@router.get("/handovers/{code}", response=HandoverOut, summary="One hand-over")
def get_handover(request, code: str):
    return queries.handover_properties(get_object_or_404(Handover, code=code))


@router.get("/statistics", response=QmStatisticsOut, summary="Non-conformities per visit")
def statistics(request, country: Country | None = None, year: Year | None = None):
    """Non-conformities per visit, overall and by inspected organisation, method and severity."""
    return queries.statistics(request.user, country=country, year=year)
