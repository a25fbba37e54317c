"""Cooperation API (/api/v1/cooperation): partners, agreements and their documents, visits, follow-up
actions (with the due-soon list), joint training, loans, and the lessons-learned base with its search.

Every signed-in role reads; national roles (administrator, IM officer) write. PATCH needs If-Match
(428 without, 412 stale). Records are never deleted: a status ends them (ended, dropped, returned)."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.utils.translation import get_language
from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile

from safeground.cooperation import queries, services
from safeground.cooperation.schemas import (
    CoopActionIn,
    CoopActionOut,
    CoopActionPage,
    CoopActionPatch,
    CoopAgreementIn,
    CoopAgreementOut,
    CoopAgreementPage,
    CoopAgreementPatch,
    CoopDocumentOut,
    CoopLessonIn,
    CoopLessonOut,
    CoopLessonPage,
    CoopLessonPatch,
    CoopLoanIn,
    CoopLoanOut,
    CoopLoanPage,
    CoopLoanPatch,
    CoopParticipantIn,
    CoopPartnerIn,
    CoopPartnerOut,
    CoopPartnerPage,
    CoopPartnerPatch,
    CoopSiteIn,
    CoopTrainingIn,
    CoopTrainingOut,
    CoopTrainingPage,
    CoopTrainingPatch,
    CoopVisitDetailOut,
    CoopVisitIn,
    CoopVisitPage,
    CoopVisitPatch,
)
from safeground.core import versions
from safeground.core.auth import needs
from safeground.core.contracts import Choice, Country, Limit, Name, Offset, Ref
from safeground.core.history import history_entries
from safeground.core.schemas import ErrorOut, HistoryEntry

router = Router(tags=["cooperation"])
WRITE = {403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
PATCH = {403: ErrorOut, 404: ErrorOut, 412: ErrorOut, 422: ErrorOut, 428: ErrorOut}


def _found(row, what: str, code: str):
    if row is None:
        raise Http404(f"no {what} {code}")
    return row


def _page(qs, limit: int, offset: int, to_dict) -> dict:
    return {"count": qs.count(), "items": [to_dict(x) for x in qs[offset : offset + limit]]}


def _patched(request, response, row, what: str, edit, payload, reread, to_dict):
    expected = versions.required(request, row, f"{what} {row.code}")
    edit(row, expected_version=expected, user=request.user, **payload.dict(exclude_unset=True))
    changed = reread(row.code)
    response["ETag"] = versions.etag(changed)
    return to_dict(changed)


class CoopPaging(Schema):
    limit: Limit = 100
    offset: Offset = 0


# --- partners --------------------------------------------------------------------------------------


class CoopPartnerFilters(CoopPaging):
    kind: Choice | None = None


@router.get("/partners", response=CoopPartnerPage, summary="Partners")
def list_partners(request, filters: Query[CoopPartnerFilters]):
    return _page(queries.partners(filters.kind), filters.limit, filters.offset, queries.partner_properties)


@router.post(
    "/partners", response={201: CoopPartnerOut, **WRITE}, auth=needs("cooperation.add_partner"), summary="Add a partner"
)
def create_partner(request, payload: CoopPartnerIn):
    partner = services.create_partner(user=request.user, **payload.dict())
    return Status(201, queries.partner_properties(_found(queries.partner(partner.code), "partner", partner.code)))


@router.get("/partners/{code}", response={200: CoopPartnerOut, 404: ErrorOut}, summary="One partner")
def get_partner(request, response: HttpResponse, code: str):
    partner = _found(queries.partner(code), "partner", code)
    response["ETag"] = versions.etag(partner)
    return queries.partner_properties(partner)


@router.patch(
    "/partners/{code}",
    response={200: CoopPartnerOut, **PATCH},
    auth=needs("cooperation.change_partner"),
    summary="Change a partner",
)
def update_partner(request, response: HttpResponse, code: str, payload: CoopPartnerPatch):
    partner = _found(queries.partner(code), "partner", code)
    return _patched(
        request,
        response,
        partner,
        "partner",
        services.edit_partner,
        payload,
        queries.partner,
        queries.partner_properties,
    )


# --- agreements ------------------------------------------------------------------------------------


class CoopAgreementFilters(CoopPaging):
    country: Country | None = None
    status: Choice | None = None
    partner: Ref | None = None


def _agreement_detail(agreement) -> dict:
    return queries.agreement_properties(agreement, documents=True)


def _agreement(code: str):
    return queries.agreement(code)


@router.get("/agreements", response=CoopAgreementPage, summary="Agreements and MoUs")
def list_agreements(request, filters: Query[CoopAgreementFilters]):
    f = filters.dict()
    limit, offset = f.pop("limit"), f.pop("offset")
    return _page(queries.agreements(**f), limit, offset, queries.agreement_properties)


@router.post(
    "/agreements",
    response={201: CoopAgreementOut, **WRITE},
    auth=needs("cooperation.add_agreement"),
    summary="Record an agreement",
)
def create_agreement(request, payload: CoopAgreementIn):
    agreement = services.create_agreement(user=request.user, **payload.dict())
    return Status(201, _agreement_detail(_agreement(agreement.code)))


@router.get(
    "/agreements/{code}", response={200: CoopAgreementOut, 404: ErrorOut}, summary="One agreement with its documents"
)
def get_agreement(request, response: HttpResponse, code: str):
    agreement = _found(_agreement(code), "agreement", code)
    response["ETag"] = versions.etag(agreement)
    return _agreement_detail(agreement)


@router.patch(
    "/agreements/{code}",
    response={200: CoopAgreementOut, **PATCH},
    auth=needs("cooperation.change_agreement"),
    summary="Change an agreement",
)
def update_agreement(request, response: HttpResponse, code: str, payload: CoopAgreementPatch):
    agreement = _found(_agreement(code), "agreement", code)
    return _patched(
        request, response, agreement, "agreement", services.edit_agreement, payload, _agreement, _agreement_detail
    )


@router.get(
    "/agreements/{code}/history",
    response={200: list[HistoryEntry], 404: ErrorOut},
    summary="Change history of an agreement",
)
def agreement_history(request, code: str):
    return history_entries(_found(_agreement(code), "agreement", code))


@router.post(
    "/agreements/{code}/documents",
    response={201: CoopDocumentOut, **WRITE},
    auth=needs("cooperation.add_agreementdocument"),
    summary="Attach a document (PDF, text, office document or picture; at most 10 MiB)",
)
def attach_document(request, code: str, file: File[UploadedFile]):
    agreement = _found(_agreement(code), "agreement", code)
    doc = services.attach_document(
        agreement, name=file.name or "", content=file.read(services.MAX_DOCUMENT_BYTES + 1), user=request.user
    )
    return Status(
        201, {"id": str(doc.id), "name": doc.name, "media_type": doc.media_type, "size": doc.size, "sha256": doc.sha256}
    )


@router.get(
    "/agreements/{code}/documents/{document_id}",
    response={200: None, 403: ErrorOut, 404: ErrorOut},
    auth=needs("cooperation.view_agreementdocument"),
    summary="Download an attached document (national roles and QA)",
)
def download_document(request, code: str, document_id: str):
    doc = queries.document(code, document_id)
    if doc is None:
        raise Http404(f"no document {document_id} on {code}")
    return queries.document_response(doc)


# --- visits ----------------------------------------------------------------------------------------


class CoopVisitFilters(CoopPaging):
    country: Country | None = None
    partner: Ref | None = None
    topic: Choice | None = None


def _visit_detail(visit) -> dict:
    return queries.visit_properties(visit, detail=True)


@router.get("/visits", response=CoopVisitPage, summary="Exchange visits and delegations")
def list_visits(request, filters: Query[CoopVisitFilters]):
    f = filters.dict()
    limit, offset = f.pop("limit"), f.pop("offset")
    return _page(queries.visits(**f), limit, offset, queries.visit_properties)


@router.post(
    "/visits",
    response={201: CoopVisitDetailOut, **WRITE},
    auth=needs("cooperation.add_visit"),
    summary="Record a visit or delegation",
)
def create_visit(request, payload: CoopVisitIn):
    data = payload.dict()
    visit = services.create_visit(user=request.user, **data)
    return Status(201, _visit_detail(queries.visit(visit.code)))


@router.get(
    "/visits/{code}",
    response={200: CoopVisitDetailOut, 404: ErrorOut},
    summary="One visit: who, where, topics, actions, lessons",
)
def get_visit(request, response: HttpResponse, code: str):
    visit = _found(queries.visit(code), "visit", code)
    response["ETag"] = versions.etag(visit)
    return _visit_detail(visit)


@router.patch(
    "/visits/{code}",
    response={200: CoopVisitDetailOut, **PATCH},
    auth=needs("cooperation.change_visit"),
    summary="Change a visit",
)
def update_visit(request, response: HttpResponse, code: str, payload: CoopVisitPatch):
    visit = _found(queries.visit(code), "visit", code)
    return _patched(request, response, visit, "visit", services.edit_visit, payload, queries.visit, _visit_detail)


@router.get(
    "/visits/{code}/history", response={200: list[HistoryEntry], 404: ErrorOut}, summary="Change history of a visit"
)
def visit_history(request, code: str):
    return history_entries(_found(queries.visit(code), "visit", code))


@router.post(
    "/visits/{code}/participants",
    response={201: CoopVisitDetailOut, **WRITE},
    auth=needs("cooperation.change_visit"),
    summary="Add a participant",
)
def add_participant(request, code: str, payload: CoopParticipantIn):
    visit = _found(queries.visit(code), "visit", code)
    services.add_participant(visit, user=request.user, **payload.dict())
    return Status(201, _visit_detail(queries.visit(code)))


@router.post(
    "/visits/{code}/sites",
    response={201: CoopVisitDetailOut, **WRITE},
    auth=needs("cooperation.change_visit"),
    summary="Add a site visited",
)
def add_site(request, code: str, payload: CoopSiteIn):
    visit = _found(queries.visit(code), "visit", code)
    services.add_site(visit, user=request.user, **payload.dict(exclude_none=True))
    return Status(201, _visit_detail(queries.visit(code)))


# --- follow-up actions -----------------------------------------------------------------------------


class CoopActionFilters(CoopPaging):
    status: Choice | None = None
    visit: Ref | None = None
    agreement: Ref | None = None
    partner: Ref | None = None
    due_within: int | None = Query(
        None, ge=0, le=3650, description="Open actions due within this many days (overdue first)"
    )


@router.get("/actions", response=CoopActionPage, summary="Follow-up actions, by due date (overdue first)")
def list_actions(request, filters: Query[CoopActionFilters]):
    f = filters.dict()
    limit, offset = f.pop("limit"), f.pop("offset")
    return _page(queries.actions(**f), limit, offset, queries.action_properties)


@router.post(
    "/actions",
    response={201: CoopActionOut, **WRITE},
    auth=needs("cooperation.add_action"),
    summary="Add a follow-up action to a visit or agreement",
)
def create_action(request, payload: CoopActionIn):
    action = services.create_action(user=request.user, **payload.dict())
    return Status(201, queries.action_properties(_found(queries.action(action.code), "action", action.code)))


@router.get("/actions/{code}", response={200: CoopActionOut, 404: ErrorOut}, summary="One follow-up action")
def get_action(request, response: HttpResponse, code: str):
    action = _found(queries.action(code), "action", code)
    response["ETag"] = versions.etag(action)
    return queries.action_properties(action)


@router.patch(
    "/actions/{code}",
    response={200: CoopActionOut, **PATCH},
    auth=needs("cooperation.change_action"),
    summary="Change an action (status done or dropped closes it)",
)
def update_action(request, response: HttpResponse, code: str, payload: CoopActionPatch):
    action = _found(queries.action(code), "action", code)
    return _patched(
        request, response, action, "action", services.edit_action, payload, queries.action, queries.action_properties
    )


# --- joint training and loans ----------------------------------------------------------------------


@router.get("/joint-trainings", response=CoopTrainingPage, summary="Joint training sessions")
def list_trainings(request, filters: Query[CoopPaging]):
    return _page(queries.joint_trainings(), filters.limit, filters.offset, queries.training_properties)


@router.post(
    "/joint-trainings",
    response={201: CoopTrainingOut, **WRITE},
    auth=needs("cooperation.add_jointtraining"),
    summary="Link a training session to partners",
)
def create_training(request, payload: CoopTrainingIn):
    row = services.create_joint_training(user=request.user, **payload.dict())
    return Status(
        201, queries.training_properties(_found(queries.joint_training(row.code), "joint training", row.code))
    )


@router.get("/joint-trainings/{code}", response={200: CoopTrainingOut, 404: ErrorOut}, summary="One joint training")
def get_training(request, response: HttpResponse, code: str):
    row = _found(queries.joint_training(code), "joint training", code)
    response["ETag"] = versions.etag(row)
    return queries.training_properties(row)


@router.patch(
    "/joint-trainings/{code}",
    response={200: CoopTrainingOut, **PATCH},
    auth=needs("cooperation.change_jointtraining"),
    summary="Change a joint training",
)
def update_training(request, response: HttpResponse, code: str, payload: CoopTrainingPatch):
    row = _found(queries.joint_training(code), "joint training", code)
    return _patched(
        request,
        response,
        row,
        "joint training",
        services.edit_joint_training,
        payload,
        queries.joint_training,
        queries.training_properties,
    )


class CoopLoanFilters(CoopPaging):
    status: Choice | None = None
    visit: Ref | None = None
    agreement: Ref | None = None


@router.get("/loans", response=CoopLoanPage, summary="Loans of experts, dogs and rats")
def list_loans(request, filters: Query[CoopLoanFilters]):
    f = filters.dict()
    limit, offset = f.pop("limit"), f.pop("offset")
    return _page(queries.loans(**f), limit, offset, queries.loan_properties)


@router.post(
    "/loans", response={201: CoopLoanOut, **WRITE}, auth=needs("cooperation.add_loan"), summary="Record a loan"
)
def create_loan(request, payload: CoopLoanIn):
    row = services.create_loan(user=request.user, **payload.dict())
    return Status(201, queries.loan_properties(_found(queries.loan(row.code), "loan", row.code)))


@router.get("/loans/{code}", response={200: CoopLoanOut, 404: ErrorOut}, summary="One loan")
def get_loan(request, response: HttpResponse, code: str):
    row = _found(queries.loan(code), "loan", code)
    response["ETag"] = versions.etag(row)
    return queries.loan_properties(row)


@router.patch(
    "/loans/{code}",
    response={200: CoopLoanOut, **PATCH},
    auth=needs("cooperation.change_loan"),
    summary="Change a loan (its status, its end)",
)
def update_loan(request, response: HttpResponse, code: str, payload: CoopLoanPatch):
    row = _found(queries.loan(code), "loan", code)
    return _patched(request, response, row, "loan", services.edit_loan, payload, queries.loan, queries.loan_properties)


# --- lessons ---------------------------------------------------------------------------------------


class CoopLessonFilters(CoopPaging):
    q: Name | None = None
    tag: Choice | None = None
    source_kind: Choice | None = None
    country: Country | None = None


def _lesson_out(lesson) -> dict:
    return queries.lesson_properties(lesson, get_language())


@router.get(
    "/lessons", response=CoopLessonPage, summary="Lessons learned; `q` searches titles (every language), text and tags"
)
def list_lessons(request, filters: Query[CoopLessonFilters]):
    """`q` ignores case and accents; `title_shown` is the title in the request's language where there is one."""
    f = filters.dict()
    limit, offset = f.pop("limit"), f.pop("offset")
    return _page(queries.lessons(language=get_language(), **f), limit, offset, _lesson_out)


@router.post(
    "/lessons", response={201: CoopLessonOut, **WRITE}, auth=needs("cooperation.add_lesson"), summary="Record a lesson"
)
def create_lesson(request, payload: CoopLessonIn):
    data = payload.dict()
    if data.get("recorded_on") is None:
        data.pop("recorded_on", None)
    lesson = services.create_lesson(user=request.user, **data)
    return Status(201, _lesson_out(queries.lesson(lesson.code)))


@router.get("/lessons/{code}", response={200: CoopLessonOut, 404: ErrorOut}, summary="One lesson")
def get_lesson(request, response: HttpResponse, code: str):
    lesson = _found(queries.lesson(code), "lesson", code)
    response["ETag"] = versions.etag(lesson)
    return _lesson_out(lesson)


@router.patch(
    "/lessons/{code}",
    response={200: CoopLessonOut, **PATCH},
    auth=needs("cooperation.change_lesson"),
    summary="Change a lesson (tags, titles, evidence replace the lesson's own)",
)
def update_lesson(request, response: HttpResponse, code: str, payload: CoopLessonPatch):
    lesson = _found(queries.lesson(code), "lesson", code)
    return _patched(request, response, lesson, "lesson", services.edit_lesson, payload, queries.lesson, _lesson_out)
