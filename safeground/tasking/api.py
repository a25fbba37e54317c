"""Tasking API: task orders (/api/v1/tasks), the prioritisation (/api/v1/priorities) and development
requests (/api/v1/development-requests)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError

from safeground.core import versions
from safeground.core.auth import needs
from safeground.core.contracts import Choice, Country, Limit, Offset, Ref
from safeground.core.geojson import input_geometry
from safeground.core.history import history_entries
from safeground.core.schemas import ErrorOut, HistoryEntry
from safeground.tasking import queries, services
from safeground.tasking.models import DevelopmentRequest, PrioritySnapshot
from safeground.tasking.schemas import (
    ActivitiesIn,
    DevelopmentRequestChange,
    DevelopmentRequestIn,
    DevelopmentRequestOut,
    DevelopmentRequestPage,
    PlanOut,
    RankingOut,
    SnapshotIn,
    SnapshotOut,
    SnapshotSummary,
    StatusIn,
    TaskChange,
    TaskIn,
    TaskOut,
    TaskPage,
    WeightsChange,
    WeightsOut,
)

tasks_router = Router(tags=["tasking"])
priorities_router = Router(tags=["tasking"])
requests_router = Router(tags=["tasking"])


def _refused(exc: PermissionDenied) -> HttpError:
    return HttpError(403, str(exc))


# --- tasks ------------------------------------------------------------------------------------------


class TaskFilters(Schema):
    country: Country | None = None
    status: Choice | None = None
    organisation: Ref | None = None
    province: Ref | None = None
    hazard: Ref | None = None
    limit: Limit = 100
    offset: Offset = 0


def _task(request, code: str):
    """The task if the caller may see it (an operator: its own organisation's), else 404."""
    task = queries.tasks(request.user).filter(code=code).first()
    if task is None:
        raise Http404(f"no task {code}")
    return task


def _task_out(task) -> dict:
    return queries.task_properties(task, queries.actuals([task.pk]).get(task.pk, {}))


@tasks_router.get("", response={200: TaskPage, 422: ErrorOut}, summary="List task orders with plan against actual")
def list_tasks(request, filters: Query[TaskFilters]):
    """Operators see their own organisation's tasks; national roles every task. `status` may be `open`
    (issued, accepted or in progress)."""
    f = filters.dict()
    limit, offset = f.pop("limit"), f.pop("offset")
    qs = queries.tasks(request.user, **f)
    rows = list(qs[offset : offset + limit])
    done = queries.actuals([t.pk for t in rows])
    return {"count": qs.count(), "results": [queries.task_properties(t, done.get(t.pk, {})) for t in rows]}


@tasks_router.get("/plan", response={200: PlanOut, 422: ErrorOut}, summary="Plan against actual per group")
def plan(request, by: Choice = "organisation", country: Country | None = None):
    """Planned and released area, tasks open, completed and declined per `by`: organisation, province or status."""
    return {"by": by, "rows": queries.aggregate(queries.tasks(request.user, country=country), by)}


@tasks_router.post(
    "",
    response={201: TaskOut, 403: ErrorOut, 422: ErrorOut},
    auth=needs("tasking.add_task"),
    summary="Issue a task order to an operator",
)
def issue_task(request, payload: TaskIn):
    task = services.issue_task(user=request.user, **payload.dict())
    return Status(201, _task_out(_task(request, task.code)))


@tasks_router.get("/{code}", response={200: TaskOut, 404: ErrorOut}, summary="One task with plan against actual")
def get_task(request, response: HttpResponse, code: str):
    task = _task(request, code)
    response["ETag"] = versions.etag(task)
    return _task_out(task)


@tasks_router.get("/{code}/history", response={200: list[HistoryEntry], 404: ErrorOut}, summary="A task's history")
def task_history(request, code: str):
    return history_entries(_task(request, code))


@tasks_router.patch(
    "/{code}",
    response={200: TaskOut, 403: ErrorOut, 404: ErrorOut, 412: ErrorOut, 422: ErrorOut, 428: ErrorOut},
    auth=needs("tasking.change_task"),
    summary="Change a task's plan",
)
def change_task(request, response: HttpResponse, code: str, payload: TaskChange):
    """Needs `If-Match: "<version>"`: 428 without it, 412 when the task changed since."""
    task = _task(request, code)
    expected = versions.required(request, task, f"task {task.code}")
    changed = services.update_task(
        task, user=request.user, expected_version=expected, **payload.dict(exclude_unset=True)
    )
    response["ETag"] = versions.etag(changed)
    return _task_out(_task(request, code))


@tasks_router.post(
    "/{code}/status",
    response={200: TaskOut, 403: ErrorOut, 404: ErrorOut, 412: ErrorOut, 422: ErrorOut},
    auth=needs("tasking.respond_task"),
    summary="Accept, decline, start, complete or cancel a task",
)
def task_status(request, response: HttpResponse, code: str, payload: StatusIn):
    """Operators accept or decline (with a reason), start and complete their own organisation's tasks;
    the national authority also cancels. An `If-Match` header, when sent, must name the current version."""
    task = _task(request, code)
    try:
        changed = services.change_status(
            task, payload.status, reason=payload.reason, user=request.user, expected_version=versions.if_match(request)
        )
    except PermissionDenied as exc:
        raise _refused(exc) from exc
    response["ETag"] = versions.etag(changed)
    return _task_out(_task(request, code))


@tasks_router.post(
    "/{code}/activities",
    response={200: TaskOut, 403: ErrorOut, 404: ErrorOut, 412: ErrorOut, 422: ErrorOut},
    auth=needs("tasking.respond_task"),
    summary="Link activities to a task (or unlink them)",
)
def task_activities(request, response: HttpResponse, code: str, payload: ActivitiesIn):
    """The activities must be the task's organisation's, in its programme."""
    task = _task(request, code)
    try:
        changed = services.link_activities(
            task,
            payload.activities,
            unlink=payload.unlink,
            user=request.user,
            expected_version=versions.if_match(request),
        )
    except PermissionDenied as exc:
        raise _refused(exc) from exc
    response["ETag"] = versions.etag(changed)
    return _task_out(_task(request, code))


# --- priorities -------------------------------------------------------------------------------------


def _weights_out(record) -> dict:
    return {
        "country": record.country,
        "code": record.code or None,
        "version": record.version,
        "weights": record.weights,
        "casualty_distance_m": record.casualty_distance_m,
        "casualty_years": record.casualty_years,
        "village_distance_m": record.village_distance_m,
        "notes": record.notes,
    }


@priorities_router.get("", response={200: RankingOut, 422: ErrorOut}, summary="Open hazards ranked, explained")
def ranking(request, country: Country, limit: Limit = 100):
    """Every open hazard of the programme scored with its weights: each criterion's raw value, its
    normalised value (0..1) and its contribution to the score (they add up to the score)."""
    iso3 = services.check_programme(country)
    record = queries.weights(iso3)
    r = queries.ranking(iso3, record)
    return {
        "country": iso3,
        "weights_version": record.version or None,
        "weights": r.weights,
        "parameters": r.parameters,
        "maxima": r.maxima,
        "count": len(r.rows),
        "rows": r.rows[:limit],
    }


@priorities_router.get("/weights/{country}", response={200: WeightsOut, 422: ErrorOut}, summary="A programme's weights")
def get_weights(request, response: HttpResponse, country: str):
    record = queries.weights(services.check_programme(country))
    response["ETag"] = versions.etag(record)
    return _weights_out(record)


@priorities_router.patch(
    "/weights/{country}",
    response={200: WeightsOut, 403: ErrorOut, 412: ErrorOut, 422: ErrorOut, 428: ErrorOut},
    auth=needs("tasking.change_priorityweights"),
    summary="Change a programme's weights",
)
def change_weights(request, response: HttpResponse, country: str, payload: WeightsChange):
    """Needs `If-Match` (`"0"` for a programme that has no weights yet)."""
    iso3 = services.check_programme(country)
    record = queries.weights(iso3)
    expected = versions.required(request, record, f"the priority weights of {iso3}")
    changed = services.set_weights(
        iso3, user=request.user, expected_version=expected, **payload.dict(exclude_unset=True)
    )
    response["ETag"] = versions.etag(changed)
    return _weights_out(changed)


def _snapshot_summary(s: PrioritySnapshot) -> dict:
    return {
        "code": s.code,
        "country": s.country,
        "created_at": s.created_at,
        "taken_by": s.taken_by.get_username() if s.taken_by else None,
        "weights_version": s.weights_version,
        "weights": s.weights,
        "note": s.note,
    }


@priorities_router.get("/snapshots", response=list[SnapshotSummary], summary="Kept rankings")
def list_snapshots(request, country: Country | None = None, limit: Limit = 100):
    return [_snapshot_summary(s) for s in queries.snapshots(country)[:limit]]


@priorities_router.post(
    "/snapshots",
    response={201: SnapshotOut, 403: ErrorOut, 422: ErrorOut},
    auth=needs("tasking.add_prioritysnapshot"),
    summary="Keep the current ranking",
)
def take_snapshot(request, country: Country, payload: SnapshotIn):
    s = services.take_snapshot(country, note=payload.note, user=request.user)
    return Status(201, {**_snapshot_summary(s), "parameters": s.parameters, "maxima": s.maxima, "rows": s.rows})


@priorities_router.get("/snapshots/{code}", response={200: SnapshotOut, 404: ErrorOut}, summary="One kept ranking")
def get_snapshot(request, code: str):
    s = get_object_or_404(PrioritySnapshot.objects.select_related("taken_by"), code=code)
    return {**_snapshot_summary(s), "parameters": s.parameters, "maxima": s.maxima, "rows": s.rows}


# --- development requests ---------------------------------------------------------------------------


@requests_router.get("", response={200: DevelopmentRequestPage}, summary="List development requests")
def list_requests(
    request, country: Country | None = None, status: Choice | None = None, limit: Limit = 100, offset: Offset = 0
):
    """`status` may be `open` (received or planned)."""
    qs = queries.development_requests(country=country, status=status)
    rows = qs[offset : offset + limit]
    return {"count": qs.count(), "results": [queries.development_request_properties(r) for r in rows]}


@requests_router.post(
    "",
    response={201: DevelopmentRequestOut, 403: ErrorOut, 422: ErrorOut},
    auth=needs("tasking.add_developmentrequest"),
    summary="Record a development request",
)
def add_request(request, payload: DevelopmentRequestIn):
    data = payload.dict()
    area = data.pop("area")
    geometry = input_geometry(area, "area") if area is not None else None
    r = services.add_development_request(user=request.user, geometry=geometry, **data)
    return Status(201, queries.development_request_properties(r))


@requests_router.get("/{code}", response={200: DevelopmentRequestOut, 404: ErrorOut}, summary="One development request")
def get_request(request, response: HttpResponse, code: str):
    r = get_object_or_404(DevelopmentRequest, code=code)
    response["ETag"] = versions.etag(r)
    return queries.development_request_properties(r)


@requests_router.patch(
    "/{code}",
    response={200: DevelopmentRequestOut, 403: ErrorOut, 404: ErrorOut, 412: ErrorOut, 422: ErrorOut, 428: ErrorOut},
    auth=needs("tasking.change_developmentrequest"),
    summary="Change a development request's status",
)
def change_request(request, response: HttpResponse, code: str, payload: DevelopmentRequestChange):
    r = get_object_or_404(DevelopmentRequest, code=code)
    expected = versions.required(request, r, f"development request {r.code}")
    changed = services.set_development_request_status(r, payload.status, user=request.user, expected_version=expected)
    response["ETag"] = versions.etag(changed)
    return queries.development_request_properties(changed)
