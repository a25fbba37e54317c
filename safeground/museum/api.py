"""Museum API (/api/v1/museum): exhibits (list, detail with ETag, create, PATCH with If-Match), movements,
loans (lend, return), visits (list, record; a guided EORE visit is also an EORE session), and the public
catalogue (`/public/exhibits`, anonymous, redacted as the public page: museum/public.py).

Every signed-in role reads; museum.* (administrator, IM officer) writes: 403 otherwise. Bad input: 422
naming the field; PATCH without If-Match 428, with a stale one 412."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.translation import get_language
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError

from safeground.core import ratelimit, versions
from safeground.core.auth import needs
from safeground.core.contracts import Choice, Limit, Offset, Ref, Year
from safeground.core.history import history_entries
from safeground.core.schemas import ErrorOut, HistoryEntry
from safeground.museum import public, queries, services
from safeground.museum.models import Exhibit, Loan, Museum
from safeground.museum.schemas import (
    MuseumExhibitIn,
    MuseumExhibitOut,
    MuseumExhibitPage,
    MuseumExhibitPatch,
    MuseumLoanIn,
    MuseumLoanOut,
    MuseumLoanReturnIn,
    MuseumMovementIn,
    MuseumMovementOut,
    MuseumPublicExhibitOut,
    MuseumPublicExhibitPage,
    MuseumVisitIn,
    MuseumVisitOut,
    MuseumVisitPage,
)

router = Router(tags=["museum"])
WRITE = {403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
PATCH = {403: ErrorOut, 404: ErrorOut, 412: ErrorOut, 422: ErrorOut, 428: ErrorOut}


def _exhibit(code: str) -> Exhibit:
    found = queries.exhibits().filter(code=code).first()
    if found is None:
        raise Http404(f"no exhibit {code}")
    return found


def _museum(code: str) -> Museum:
    from safeground.core.errors import ValidationFailed

    found = Museum.objects.select_related("organisation").filter(code=code).first()
    if found is None:
        raise ValidationFailed(f"unknown museum {code!r}", field="museum", reason="unknown")
    return found


def exhibit_properties(e: Exhibit) -> dict:
    """Staff view of an exhibit: provenance with the device record and the find's position."""
    return {
        "code": e.code,
        "museum": e.museum.code,
        "inventory_number": e.inventory_number,
        "model": e.model.slug,
        "model_name": e.model.name,
        "category": e.model.category,
        "title": e.title,
        "description": e.description,
        "device": e.device.code if e.device is not None else None,
        "found_on": e.found_on,
        "found_point": [e.found_point.x, e.found_point.y] if e.found_point else None,
        "found_province": e.found_province.code if e.found_province is not None else None,
        "found_place": e.found_place,
        "operator": e.operator.acronym if e.operator is not None else None,
        "acquired_on": e.acquired_on,
        "demil_certificate": e.demil_certificate,
        "demil_certified_on": e.demil_certified_on,
        "demil_certified_by": e.demil_certified_by,
        "condition": e.condition,
        "status": e.status,
        "location": e.location,
        "public": e.public,
        "safety_message": e.safety_message,
        "version": e.version,
        "is_synthetic": e.is_synthetic,
    }


def loan_properties(x: Loan) -> dict:
    return {
        "code": x.code,
        "exhibit": x.exhibit.code,
        "borrower": x.borrower,
        "borrower_kind": x.borrower_kind,
        "borrower_organisation": x.borrower_organisation.acronym if x.borrower_organisation is not None else None,
        "purpose": x.purpose,
        "lent_on": x.lent_on,
        "due_on": x.due_on,
        "returned_on": x.returned_on,
        "condition_out": x.condition_out,
        "condition_back": x.condition_back,
        "overdue": x.returned_on is None and x.due_on < dt.date.today(),
    }


def visit_properties(v) -> dict:
    return {
        "code": v.code,
        "museum": v.museum.code,
        "visited_on": v.visited_on,
        "group": v.group,
        "guided": v.guided,
        "is_eore": v.is_eore,
        "guide": v.guide,
        "girls": v.girls,
        "boys": v.boys,
        "women": v.women,
        "men": v.men,
        "audience": v.audience,
        "eore_session": v.eore_session.code if v.eore_session is not None else None,
        "version": v.version,
    }


# --- exhibits ---------------------------------------------------------------------------------------------


class MuseumExhibitFilters(Schema):
    museum: Ref | None = None
    model: Ref | None = None
    category: Choice | None = None
    status: Choice | None = None
    on_loan: bool | None = None
    overdue: bool | None = None
    limit: Limit = 100
    offset: Offset = 0


@router.get("/exhibits", response={200: MuseumExhibitPage, 422: ErrorOut}, summary="The collection")
def list_exhibits(request, filters: Query[MuseumExhibitFilters]):
    """Filters: `museum` (code), `model` (slug), `category`, `status`, `on_loan`, `overdue`."""
    f = filters.dict()
    limit, offset = f.pop("limit"), f.pop("offset")
    qs = queries.exhibits(**f)
    return {"count": qs.count(), "items": [exhibit_properties(e) for e in qs[offset : offset + limit]]}


@router.get("/exhibits/{code}", response={200: MuseumExhibitOut, 404: ErrorOut}, summary="One exhibit (ETag)")
def get_exhibit(request, response: HttpResponse, code: str):
    exhibit = _exhibit(code)
    response["ETag"] = versions.etag(exhibit)
    return exhibit_properties(exhibit)


@router.get(
    "/exhibits/{code}/history", response={200: list[HistoryEntry], 404: ErrorOut}, summary="An exhibit's history"
)
def exhibit_history(request, code: str):
    return history_entries(_exhibit(code))


@router.post(
    "/exhibits", response={201: MuseumExhibitOut, **WRITE}, auth=needs("museum.add_exhibit"), summary="Add an exhibit"
)
def create_exhibit(request, payload: MuseumExhibitIn):
    """With `device` (a device record's code) the find's date, position, province and operator are copied
    from it. The demilitarisation certificate (number, date, who) is required."""
    data = payload.dict()
    museum = _museum(data.pop("museum"))
    exhibit = services.add_exhibit(museum=museum, user=request.user, **data)
    return Status(201, exhibit_properties(_exhibit(exhibit.code)))


@router.patch(
    "/exhibits/{code}",
    response={200: MuseumExhibitOut, **PATCH},
    auth=needs("museum.change_exhibit"),
    summary="Change an exhibit",
)
def update_exhibit(request, response: HttpResponse, code: str, payload: MuseumExhibitPatch):
    exhibit = _exhibit(code)
    expected = versions.required(request, exhibit, f"exhibit {code}")
    data = payload.dict(exclude_unset=True)
    reason = data.pop("reason", None)
    services.update_exhibit(exhibit, expected_version=expected, user=request.user, reason=reason, **data)
    changed = _exhibit(code)
    response["ETag"] = versions.etag(changed)
    return exhibit_properties(changed)


@router.get("/exhibits/{code}/movements", response={200: list[MuseumMovementOut], 404: ErrorOut}, summary="Movements")
def list_movements(request, code: str):
    return list(_exhibit(code).movements.order_by("moved_on", "id"))


@router.post(
    "/exhibits/{code}/movements",
    response={201: MuseumMovementOut, **WRITE},
    auth=needs("museum.change_exhibit"),
    summary="Record a movement",
)
def create_movement(request, code: str, payload: MuseumMovementIn):
    return Status(201, services.move_exhibit(_exhibit(code), user=request.user, **payload.dict()))


# --- loans ------------------------------------------------------------------------------------------------


class MuseumLoanFilters(Schema):
    open: bool = True
    overdue: bool = False


@router.get("/loans", response={200: list[MuseumLoanOut], 422: ErrorOut}, summary="Loans (open by default; overdue)")
def list_loans(request, filters: Query[MuseumLoanFilters]):
    return [loan_properties(x) for x in queries.loans(open_only=filters.open, overdue=filters.overdue)]


@router.post("/loans", response={201: MuseumLoanOut, **WRITE}, auth=needs("museum.add_loan"), summary="Lend an exhibit")
def create_loan(request, payload: MuseumLoanIn):
    """One open loan per exhibit; `due_on` on or after `lent_on`; the exhibit's status becomes "loan"."""
    data = payload.dict()
    loan = services.lend(_exhibit(data.pop("exhibit")), user=request.user, **data)
    return Status(201, loan_properties(loan))


@router.post(
    "/loans/{code}/return",
    response={200: MuseumLoanOut, **WRITE},
    auth=needs("museum.change_loan"),
    summary="Record a loan's return",
)
def return_loan(request, code: str, payload: MuseumLoanReturnIn):
    loan = Loan.objects.select_related("exhibit").filter(code=code).first()
    if loan is None:
        raise Http404(f"no loan {code}")
    return loan_properties(services.return_loan(loan, user=request.user, **payload.dict()))


# --- visits -----------------------------------------------------------------------------------------------


class MuseumVisitFilters(Schema):
    museum: Ref | None = None
    year: Year | None = None
    limit: Limit = 100
    offset: Offset = 0


@router.get("/visits", response={200: MuseumVisitPage, 422: ErrorOut}, summary="Visits and their totals")
def list_visits(request, filters: Query[MuseumVisitFilters], by: str = "month"):
    """The visits (newest first) and totals per `by` (month or year): visitors, guided visits, EORE
    sessions and the people they reached."""
    qs = queries.visits(museum=filters.museum, year=filters.year)
    totals = queries.visit_totals(queries.parse_period(by), museum=filters.museum, year=filters.year)
    return {
        "count": qs.count(),
        "items": [visit_properties(v) for v in qs[filters.offset : filters.offset + filters.limit]],
        "totals": totals,
    }


@router.post(
    "/visits", response={201: MuseumVisitOut, **WRITE}, auth=needs("museum.add_visit"), summary="Record a visit"
)
def create_visit(request, payload: MuseumVisitIn):
    """A guided visit with `is_eore` is also an EORE session (method "museum"); EORE not guided is refused."""
    data = payload.dict()
    try:
        visit = services.record_visit(_museum(data.pop("museum")), user=request.user, **data)
    except PermissionDenied as exc:
        raise HttpError(403, str(exc)) from exc
    return Status(201, visit_properties(visit))


# --- the public catalogue ---------------------------------------------------------------------------------


def _public_card(e: Exhibit) -> dict:
    image = lambda ex, a: reverse("museum-public-image", kwargs={"code": ex.code, "attachment_id": a.pk})  # noqa: E731
    return public.card(e, get_language(), image)


@router.get(
    "/public/exhibits",
    response={200: MuseumPublicExhibitPage, 429: ErrorOut},
    auth=None,
    summary="The public catalogue (anonymous; no positions)",
)
def public_exhibits(request, limit: Limit = 100, offset: Offset = 0):
    """The public exhibits as the public page shows them: identification, label, safety messages, and the
    find only as a province name and a year."""
    ratelimit.check(request, "catalogue")
    qs = queries.public_exhibits()
    return {"count": qs.count(), "items": [_public_card(e) for e in qs[offset : offset + limit]]}


@router.get(
    "/public/exhibits/{code}",
    response={200: MuseumPublicExhibitOut, 404: ErrorOut, 429: ErrorOut},
    auth=None,
    summary="One public exhibit (anonymous; no positions)",
)
def public_exhibit(request, code: str):
    ratelimit.check(request, "catalogue")
    found = queries.public_exhibits().filter(code=code).first()
    if found is None:
        raise Http404(f"no public exhibit {code}")
    return _public_card(found)
