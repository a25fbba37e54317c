"""`GET /api/v1/imsma/runs` and `GET /api/v1/imsma/runs/{run_id}`: the migration runs and one run's report.

Same rule as the pages (imsma.view_migrationrun: administrator, IM officer; decision 0041).
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from safeground.core.auth import needs
from safeground.core.schemas import ErrorOut
from safeground.imsma import queries
from safeground.imsma.queries import VIEW

router = Router(tags=["imsma"])


class ImsmaCountsOut(Schema):
    read: int
    migrated: int
    updated: int
    unchanged: int
    merged: int
    refused: int


class ImsmaRunOut(Schema):
    id: uuid.UUID
    source: str
    country: str
    started_at: dt.datetime
    finished_at: dt.datetime | None
    status: str
    user: str | None
    dry_run: bool
    balanced: bool | None
    counts: ImsmaCountsOut
    problems: int


class ImsmaRunListOut(Schema):
    items: list[ImsmaRunOut]


class ImsmaRunReportOut(ImsmaRunOut):
    report: dict  # reconcile.Reconciliation.as_dict(): tables, problems, enums, totals, notes


@router.get(
    "/runs",
    response={200: ImsmaRunListOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
    auth=needs(VIEW),
    summary="IMSMA NG migration runs, newest first, with their counts",
)
def list_runs(request, limit: int = 100):
    limit = max(1, min(limit, 500))
    return {"items": [queries.summary(run) for run in queries.runs()[:limit]]}


@router.get(
    "/runs/{run_id}",
    response={200: ImsmaRunReportOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    auth=needs(VIEW),
    summary="One IMSMA NG migration run with its reconciliation report",
)
def get_run(request, run_id: uuid.UUID):
    run = get_object_or_404(queries.runs(), pk=run_id)
    return {**queries.summary(run), "report": run.report or {}}
