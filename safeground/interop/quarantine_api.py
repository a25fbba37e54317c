"""`/api/v1/quarantine`: the rows imports held, to fix and re-submit or discard (IM officers)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404
from ninja import Field, Query, Router, Schema, Status

from safeground.core import versions
from safeground.core.auth import needs, require_permission
from safeground.core.contracts import Choice, Note
from safeground.core.schemas import ErrorOut
from safeground.interop import quarantine, queries
from safeground.interop.importers import IMPORT_PERMISSION
from safeground.interop.models import QuarantinedRow

router = Router(tags=["import quarantine"])
PERMISSION = "interop.change_quarantinedrow"


class ProblemOut(Schema):
    field: str
    value: str
    reason: str
    kind: str


class QuarantinedOut(Schema):
    id: str
    import_id: str
    kind: str
    source: str
    layer: str
    row: int
    attributes: dict[str, Any]
    geometry: str = Field(description="WKT in EPSG:4326 as read; empty when the row had none")
    errors: list[ProblemOut]
    status: str
    result_code: str
    created_at: dt.datetime
    version: int = Field(description='raised by every change; send it back as If-Match: "<version>"')


class QuarantineFilters(Schema):
    status: Choice = Field("held", description="held, approved, discarded, or empty for all")
    kind: Choice = ""
    import_id: Note = ""
    limit: int = Field(100, ge=1, le=1000)
    offset: int = Field(0, ge=0, le=10_000_000)


class FixIn(Schema):
    attributes: dict[str, Any] | None = Field(None, description="the row's attributes; left out: as held")
    geometry: Note | None = Field(None, description="WKT in EPSG:4326; left out: as held")


class DiscardIn(Schema):
    reason: Note = Field("", max_length=100)


def _out(row: QuarantinedRow) -> dict:
    return {
        **{f: getattr(row, f) for f in ("kind", "source", "layer", "row", "attributes", "geometry", "errors")},
        **{f: getattr(row, f) for f in ("status", "result_code", "created_at", "version")},
        "id": str(row.id),
        "import_id": str(row.import_id),
    }


def _row(row_id: str) -> QuarantinedRow:
    row = queries.get(row_id)
    if row is None:
        raise Http404("no such quarantined row")
    return row


@router.get("", response=list[QuarantinedOut], auth=needs(PERMISSION), summary="Rows imports held")
def list_rows(request, filters: Query[QuarantineFilters]):
    rows = queries.held(filters.status, filters.kind, filters.import_id)
    return [_out(r) for r in rows[filters.offset : filters.offset + filters.limit]]


@router.get("/{row_id}", response={200: QuarantinedOut, 404: ErrorOut}, auth=needs(PERMISSION), summary="One held row")
def get_row(request, row_id: str):
    return _out(_row(row_id))


@router.post(
    "/{row_id}/resubmit",
    response={200: QuarantinedOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 412: ErrorOut, 422: Any},
    auth=needs(PERMISSION),
    summary="Re-submit a fixed row: written when it passes the import's checks",
)
def resubmit(request, row_id: str, body: FixIn):
    """200 with status "approved" and the new record's `result_code`; 422 with the problems the fix still
    has (the fix is kept on the row, nothing is written); 412 when the row changed since `If-Match`."""
    row = _row(row_id)
    require_permission(request, IMPORT_PERMISSION[row.kind])
    try:
        done, problems = quarantine.resubmit(
            row.pk,
            attributes=row.attributes if body.attributes is None else body.attributes,
            geometry=row.geometry if body.geometry is None else body.geometry,
            user=request.user,
            expected_version=versions.if_match(request),
        )
    except quarantine.QuarantineRefused as exc:
        return Status(409, {"detail": str(exc), "field": "status", "reason": "not held"})
    if problems:
        return Status(
            422,
            {
                "detail": "the fixed row still has problems; nothing was written",
                "errors": [e.__dict__ for e in problems],
                "row": _out(done),
            },
        )
    return _out(done)


@router.post(
    "/{row_id}/discard",
    response={200: QuarantinedOut, 404: ErrorOut, 409: ErrorOut, 412: ErrorOut},
    auth=needs(PERMISSION),
    summary="Discard a held row (it stays, marked discarded)",
)
def discard(request, row_id: str, body: DiscardIn):
    row = _row(row_id)
    try:
        done = quarantine.discard(
            row.pk, user=request.user, expected_version=versions.if_match(request), reason=body.reason
        )
    except quarantine.QuarantineRefused as exc:
        return Status(409, {"detail": str(exc), "field": "status", "reason": "not held"})
    return _out(done)
