"""Read side of tasking: tasks as each role may see them, plan against actual, the ranking, snapshots
and development requests.

Plan against actual is set-based: one query each for the released area (the land release ledger's
per-product credits, `landrelease.ProductRelease`, of the linked activities' products), the
activities' dates and the progress reports' costs, for any number of tasks.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, Max, Min, Prefetch, Q, QuerySet, Sum

from safeground.core.errors import ValidationFailed
from safeground.hazards.models import Hazard
from safeground.landrelease.models import ProductRelease
from safeground.operations.models import Activity, ProgressReport
from safeground.organisations.roles import is_scoped, organisation_ids
from safeground.tasking import priorities
from safeground.tasking.models import (
    OPEN_REQUESTS,
    OPEN_STATUSES,
    TASK_STATUS_CHOICES,
    DevelopmentRequest,
    PrioritySnapshot,
    PriorityWeights,
    Task,
)

GROUPS = ("organisation", "province", "status")


def visible_tasks(user) -> QuerySet[Task]:
    """Tasks the user may see: an operator its own organisation's, national roles all."""
    qs = Task.objects.all()
    if user is not None and is_scoped(user):
        qs = qs.filter(organisation_id__in=organisation_ids(user))
    return qs


def tasks(
    user=None,
    *,
    country: str | None = None,
    status: str | None = None,
    organisation: str | None = None,
    province: str | None = None,
    hazard: str | None = None,
) -> QuerySet[Task]:
    qs = (
        visible_tasks(user)
        .select_related("organisation", "province")
        .defer("province__geom")
        .prefetch_related(
            Prefetch("hazards", queryset=Hazard.objects.only("id", "code")),
            Prefetch("activities", queryset=Activity.objects.only("id", "code", "status")),
        )
    )
    if country:
        qs = qs.filter(country=country)
    if status:
        if status not in dict(TASK_STATUS_CHOICES) and status != "open":
            raise ValidationFailed(
                f"status must be one of open, {', '.join(dict(TASK_STATUS_CHOICES))}; got {status!r}", field="status"
            )
        qs = qs.filter(status__in=OPEN_STATUSES) if status == "open" else qs.filter(status=status)
    if organisation:
        qs = qs.filter(organisation__acronym=organisation)
    if province:
        qs = qs.filter(province__code=province)
    if hazard:
        qs = qs.filter(hazards__code=hazard)
    return qs.order_by("-created_at", "code")


def actuals(task_ids: list) -> dict:
    """Per task id: released m² by outcome (cleared, reduced, cancelled), the activities' first start and
    last end, how many are finished, and the progress reports' cost (USD). Three queries."""
    out: dict = defaultdict(
        lambda: {
            "cleared_m2": 0.0,
            "reduced_m2": 0.0,
            "cancelled_m2": 0.0,
            "released_m2": 0.0,
            "actual_start": None,
            "actual_end": None,
            "activities": 0,
            "activities_finished": 0,
            "cost_usd": None,
        }
    )
    if not task_ids:
        return {}
    for task_id, outcome, m2 in (
        ProductRelease.objects.filter(product__activity__tasks__in=task_ids)
        .values("product__activity__tasks", "outcome")
        .annotate(m2=Sum("released_m2"))
        .values_list("product__activity__tasks", "outcome", "m2")
    ):
        row = out[task_id]
        row[f"{outcome}_m2"] = row.get(f"{outcome}_m2", 0.0) + (m2 or 0.0)
        row["released_m2"] += m2 or 0.0
    for task_id, first, last, n, finished in (
        Activity.objects.filter(tasks__in=task_ids)
        .values("tasks")
        .annotate(
            first=Min("start_date"),
            last=Max("end_date"),
            n=Count("id"),
            finished=Count("id", filter=Q(status="completed", end_date__isnull=False)),
        )
        .values_list("tasks", "first", "last", "n", "finished")
    ):
        row = out[task_id]
        row.update(actual_start=first, activities=n, activities_finished=finished)
        row["actual_end"] = last if n and finished == n else None
    for task_id, cost in (
        ProgressReport.objects.filter(activity__tasks__in=task_ids)
        .values("activity__tasks")
        .annotate(c=Sum("cost_usd"))
        .values_list("activity__tasks", "c")
    ):
        out[task_id]["cost_usd"] = float(cost) if cost is not None else None
    return {k: dict(v) for k, v in out.items()}


def plan_vs_actual(task: Task, actual: dict | None = None) -> dict:
    """One task's plan and what its linked activities achieved."""
    a = actual if actual is not None else actuals([task.pk]).get(task.pk, {})
    released = a.get("released_m2", 0.0)
    planned = task.planned_area_m2 or 0.0
    late_days = None
    if a.get("actual_end") and task.planned_end:
        late_days = (a["actual_end"] - task.planned_end).days
    return {
        "planned_area_m2": planned,
        "released_m2": round(released, 1),
        "cleared_m2": round(a.get("cleared_m2", 0.0), 1),
        "reduced_m2": round(a.get("reduced_m2", 0.0), 1),
        "cancelled_m2": round(a.get("cancelled_m2", 0.0), 1),
        "area_percent": round(100 * released / planned, 1) if planned else None,
        "planned_start": task.planned_start,
        "planned_end": task.planned_end,
        "actual_start": a.get("actual_start"),
        "actual_end": a.get("actual_end"),
        "days_late": late_days,
        "activities_count": a.get("activities", 0),
        "activities_finished": a.get("activities_finished", 0),
        "budget_amount": float(task.budget_amount) if task.budget_amount is not None else None,
        "budget_currency": task.budget_currency,
        "cost_usd": round(a["cost_usd"], 2) if a.get("cost_usd") is not None else None,
    }


def task_properties(t: Task, actual: dict | None = None) -> dict:
    return {
        "code": t.code,
        "country": t.country,
        "organisation": t.organisation.acronym,
        "province_code": t.province.code if t.province else None,
        "province_name": t.province.name if t.province else None,
        "hazards": sorted(h.code for h in t.hazards.all()),
        "activities": sorted(a.code for a in t.activities.all()),
        "methods": list(t.methods),
        "priority": t.priority,
        "status": t.status,
        "status_reason": t.status_reason,
        "status_changed_at": t.status_changed_at,
        "funding_source": t.funding_source,
        "notes": t.notes,
        "version": t.version,
        "is_synthetic": t.is_synthetic,
        **plan_vs_actual(t, actual),
    }


def aggregate(rows: QuerySet[Task], by: str) -> list[dict]:
    """Plan against actual summed per organisation, province (admin level 1) or status."""
    if by not in GROUPS:
        raise ValidationFailed(f"by must be one of {', '.join(GROUPS)}; got {by!r}", field="by")
    key = {"organisation": "organisation__acronym", "province": "province__code", "status": "status"}[by]
    listed = list(rows.order_by().values_list("pk", key, "planned_area_m2", "status", "province__name"))
    done = actuals([pk for pk, *_rest in listed])
    groups: dict = {}
    for pk, group, planned, status, province_name in listed:
        g = groups.setdefault(
            group,
            {
                "group": group,
                "label": province_name if by == "province" else group,
                "tasks": 0,
                "open": 0,
                "completed": 0,
                "declined": 0,
                "planned_area_m2": 0.0,
                "released_m2": 0.0,
            },
        )
        g["tasks"] += 1
        g["open"] += status in OPEN_STATUSES
        g["completed"] += status == "completed"
        g["declined"] += status == "declined"
        if status not in ("declined", "cancelled"):
            g["planned_area_m2"] += planned or 0.0
        g["released_m2"] += done.get(pk, {}).get("released_m2", 0.0)
    out = sorted(groups.values(), key=lambda g: (-g["planned_area_m2"], str(g["group"])))
    for g in out:
        g["planned_area_m2"] = round(g["planned_area_m2"], 1)
        g["released_m2"] = round(g["released_m2"], 1)
        g["area_percent"] = round(100 * g["released_m2"] / g["planned_area_m2"], 1) if g["planned_area_m2"] else None
    return out


def weights(country: str) -> PriorityWeights:
    found = PriorityWeights.objects.filter(country=country).first()
    return found or PriorityWeights(country=country, weights=dict(priorities.DEFAULT_WEIGHTS), version=0)


def ranking(country: str, record: PriorityWeights | None = None) -> priorities.Ranking:
    """The programme's open hazards ranked with its weights (the stored ones unless `record` is given)."""
    record = record or weights(country)
    params = priorities.Parameters(record.casualty_distance_m, record.casualty_years, record.village_distance_m)
    return priorities.compute(country, record.weights, params)


def tasked_hazards(codes: list[str]) -> dict[str, list[str]]:
    """Open tasks per hazard code (the ranking marks the hazards already tasked)."""
    out: dict[str, list[str]] = defaultdict(list)
    for hazard, task in (
        Task.hazards.through.objects.filter(hazard__code__in=codes, task__status__in=OPEN_STATUSES)
        .order_by("task__code")
        .values_list("hazard__code", "task__code")
    ):
        out[hazard].append(task)
    return dict(out)


def snapshots(country: str | None = None) -> QuerySet[PrioritySnapshot]:
    qs = PrioritySnapshot.objects.select_related("taken_by").defer("rows")
    if country:
        qs = qs.filter(country=country)
    return qs.order_by("-created_at", "-code")


def development_requests(*, country: str | None = None, status: str | None = None) -> QuerySet[DevelopmentRequest]:
    qs = DevelopmentRequest.objects.prefetch_related(Prefetch("hazards", queryset=Hazard.objects.only("id", "code")))
    if country:
        qs = qs.filter(country=country)
    if status == "open":
        qs = qs.filter(status__in=OPEN_REQUESTS)
    elif status:
        qs = qs.filter(status=status)
    return qs.order_by("-requested_on", "code")


def development_request_properties(r: DevelopmentRequest) -> dict:
    return {
        "code": r.code,
        "country": r.country,
        "requester": r.requester,
        "project": r.project,
        "purpose": r.purpose,
        "requested_on": r.requested_on,
        "status": r.status,
        "hazards": sorted(h.code for h in r.hazards.all()),
        "has_area": r.geom is not None,
        "notes": r.notes,
        "version": r.version,
        "is_synthetic": r.is_synthetic,
    }


def development_request_status_history(r: DevelopmentRequest) -> list[dict]:
    """The request's status changes, oldest first: status, when and by whom (its historical records)."""
    rows, last = [], None
    for h in r.history.select_related("history_user").order_by("history_date", "history_id"):
        if h.status != last:
            user = h.history_user
            rows.append({"status": h.status, "at": h.history_date, "by": user.get_username() if user else ""})
            last = h.status
    return rows
