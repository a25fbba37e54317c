"""Workbench API: submit proposed records, list and read submissions, approve or return them.

The same services as the pages; the API has no form tokens, so decisions take the `revision` the
client last read (a stale or replayed decision gets 409), and bearer-token clients have no CSRF.
"""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError

from safeground.core.auth import needs
from safeground.core.contracts import Choice, Limit, Note, Offset
from safeground.core.schemas import ErrorOut
from safeground.workbench import queries, services
from safeground.workbench.models import Submission

router = Router(tags=["workbench"])


class SubmissionIn(Schema):
    kind: Choice
    action: Choice = "create"
    target_code: Note = ""
    payload: dict[str, Any]


class DecisionIn(Schema):
    revision: int
    comment: Note = ""
    override_reason: Note = ""  # approve: required when must-fix findings remain (recorded with them)


class ListFilters(Schema):
    status: Choice | None = None
    kind: Choice | None = None
    limit: Limit = 100
    offset: Offset = 0


def _out(s: Submission) -> dict:
    return {
        "code": s.code,
        "kind": s.kind,
        "action": s.action,
        "target_code": s.target_code or None,
        "status": s.status,
        "revision": s.revision,
        "organisation": s.organisation.acronym if s.organisation else None,
        "submitted_by": s.submitted_by.get_username(),
        "submitted_at": s.created_at.isoformat(),
        "reviewed_by": s.reviewed_by.get_username() if s.reviewed_by else None,
        "reviewed_at": s.reviewed_at.isoformat() if s.reviewed_at else None,
        "review_comment": s.review_comment,
        "last_error": s.last_error,
        "result_code": s.result_code or None,
        "findings": s.findings,
        "override_reason": s.override_reason or None,
        "overridden": s.overridden,
        "base_version": s.base_version,
        "origin": queries.origin(s),  # a field office's package: office, package, item, base and current version
        "payload": s.payload,
    }


def _get(request, code: str) -> Submission:
    return get_object_or_404(queries.visible(request.user), code=code)


@router.get(
    "/submissions",
    response=dict,
    auth=needs("workbench.view_submission"),
    summary="Submissions you may see (operators: own organisation)",
)
def list_submissions(request, filters: Query[ListFilters]):
    rows = queries.visible(request.user).order_by("-created_at")
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.kind:
        rows = rows.filter(kind=filters.kind)
    limit = max(1, min(filters.limit, 1000))
    return {
        "count": rows.count(),
        "items": [_out(s) for s in rows[filters.offset : filters.offset + limit]],
    }


@router.post(
    "/submissions",
    response={201: dict, 403: ErrorOut, 422: ErrorOut},
    auth=needs("workbench.add_submission"),
    summary="Submit",
)
def submit(request, body: SubmissionIn):
    """Queue a hazard (create or update), activity, product with devices, progress report, or a field
    form's EOD spot task (`eod`), risk education session (`eore`), accident with casualty counts (`accident`)
    or QA visit (`qa_visit`) for review. `payload` is the body the matching create endpoint takes (field
    kinds: docs/workbench.md); refused (422, `field` naming the payload field) when approval would fail."""
    submission = services.submit(
        kind=body.kind, action=body.action, target_code=body.target_code, payload=body.payload, user=request.user
    )
    return Status(201, _out(submission))


@router.get("/submissions/{code}", response=dict, auth=needs("workbench.view_submission"), summary="One submission")
def get_submission(request, code: str):
    submission = _get(request, code)
    return {**_out(submission), "comparison": queries.comparison(submission)}


def _decide(request, code: str, action: str, body: DecisionIn):
    submission = _get(request, code)
    try:
        if action == "approve":
            submission = services.approve(
                submission,
                user=request.user,
                revision=body.revision,
                comment=body.comment,
                override_reason=body.override_reason,
            )
        elif action == "return":
            submission = services.return_for_changes(
                submission, user=request.user, comment=body.comment, revision=body.revision
            )
        else:
            submission = services.withdraw(submission, user=request.user, revision=body.revision)
    except services.ReviewRefused as exc:
        raise HttpError(409, str(exc)) from exc
    return _out(submission)


@router.post(
    "/submissions/{code}/approve",
    response={200: dict, 409: ErrorOut, 422: ErrorOut},
    auth=needs("workbench.review_submission"),
)
def approve(request, code: str, body: DecisionIn):
    """Apply it (one transaction, with history). 422 when the record can't be written: nothing applied."""
    return _decide(request, code, "approve", body)


@router.post(
    "/submissions/{code}/return",
    response={200: dict, 409: ErrorOut, 422: ErrorOut},
    auth=needs("workbench.review_submission"),
)
def return_for_changes(request, code: str, body: DecisionIn):
    return _decide(request, code, "return", body)


@router.post(
    "/submissions/{code}/withdraw",
    response={200: dict, 409: ErrorOut, 422: ErrorOut},
    auth=needs("workbench.add_submission"),
)
def withdraw(request, code: str, body: DecisionIn):
    return _decide(request, code, "withdraw", body)
