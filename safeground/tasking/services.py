"""Every write of tasking: task orders and their life, activity links, priority weights and snapshots,
development requests. API, pages, CLI and demo call these; each refusal names the field and writes nothing.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import Decimal, InvalidOperation

import shapely
from django.contrib.gis.geos import MultiPolygon
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safeground.core import versions
from safeground.core.codes import next_code
from safeground.core.contracts import check_choice as _choice
from safeground.core.contracts import check_code
from safeground.core.contracts import check_text as _text
from safeground.core.errors import ValidationFailed
from safeground.core.geojson import to_geos
from safeground.core.history import record_author
from safeground.gazetteer.queries import country_prefix, place_polygon
from safeground.hazards.models import Hazard
from safeground.landrelease.models import HazardLedger
from safeground.operations.models import Activity
from safeground.organisations.models import ACCREDITATION_METHODS, Organisation
from safeground.organisations.roles import is_scoped, organisation_ids
from safeground.tasking import priorities, queries
from safeground.tasking.models import (
    DEVELOPMENT_PURPOSE_CHOICES,
    DEVELOPMENT_STATUS_CHOICES,
    NEEDS_REASON,
    OPERATOR_MOVES,
    PRIORITY_CHOICES,
    TASK_STATUS_CHOICES,
    TRANSITIONS,
    DevelopmentRequest,
    PrioritySnapshot,
    PriorityWeights,
    Task,
)

CURRENCY = re.compile(r"^[A-Z]{3}$")
MAX_BUDGET = Decimal("1000000000000")
MAX_AREA_M2 = 1e11
NAME_MAX = 200
#: Organisations that do no field work: never tasked.
NOT_TASKED = ("donor", "training_centre")


def _date(field: str, value) -> dt.date:
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value.strip())
        except ValueError:
            value = None
    if not isinstance(value, dt.date):
        raise ValidationFailed(_("%(field)s must be a date (YYYY-MM-DD)") % {"field": field}, field=field)
    if not dt.date(1990, 1, 1) <= value <= dt.date(2200, 12, 31):
        raise ValidationFailed(
            _("%(field)s %(date)s is out of range") % {"field": field, "date": value.isoformat()}, field=field
        )
    return value


def _budget(amount, currency) -> tuple[Decimal | None, str]:
    if amount is None or amount == "":
        if currency:
            raise ValidationFailed(_("budget_currency needs a budget_amount"), field="budget_amount")
        return None, ""
    try:
        value = Decimal(str(amount))
    except (InvalidOperation, ValueError):
        value = Decimal("NaN")
    if not value.is_finite() or value < 0 or value > MAX_BUDGET:
        raise ValidationFailed(
            _("budget_amount must be a number from 0 to %(most)s; got %(value)s")
            % {"most": f"{MAX_BUDGET:,}", "value": repr(amount)},
            field="budget_amount",
        )
    currency = (currency or "").strip().upper()
    if not CURRENCY.match(currency):
        raise ValidationFailed(
            _("budget_currency must be a three-letter ISO 4217 code such as USD; got %(value)s")
            % {"value": repr(currency)},
            field="budget_currency",
        )
    return value.quantize(Decimal("0.01")), currency


def _area(value, field: str = "planned_area_m2") -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValidationFailed(_("%(field)s must be a number of square metres") % {"field": field}, field=field)
    if not 0 <= value <= MAX_AREA_M2:
        raise ValidationFailed(
            _("%(field)s must be from 0 to %(most)s m²") % {"field": field, "most": f"{MAX_AREA_M2:,.0f}"},
            field=field,
        )
    return float(value)


def _methods(values) -> list[str]:
    if not isinstance(values, list | tuple) or not values:
        raise ValidationFailed(_("methods: give at least one method"), field="methods")
    allowed = [m for m, _label in ACCREDITATION_METHODS]
    for v in values:
        if v not in allowed:
            raise ValidationFailed(
                _("methods must be among %(choices)s; got %(value)s")
                % {"choices": ", ".join(allowed), "value": repr(v)},
                field="methods",
            )
    return list(dict.fromkeys(values))


def _hazards(codes, field: str = "hazards", required: bool = True) -> list[Hazard]:
    codes = [str(c).strip() for c in codes or [] if str(c).strip()]
    if required and not codes:
        raise ValidationFailed(_("%(field)s: give at least one hazard code") % {"field": field}, field=field)
    found = {h.code: h for h in Hazard.objects.filter(code__in=codes).defer("geom", "benchmark")}
    missing = [c for c in codes if c not in found]
    if missing:
        raise ValidationFailed(
            _("unknown %(field)s %(codes)s") % {"field": field, "codes": ", ".join(missing[:5])}, field=field
        )
    return [found[c] for c in dict.fromkeys(codes)]


def _organisation(acronym: str) -> Organisation:
    org = Organisation.objects.filter(acronym=acronym).first()
    if org is None:
        raise ValidationFailed(
            _("unknown %(field)s %(code)s") % {"field": "organisation", "code": repr(acronym)}, field="organisation"
        )
    return org


def _may_act_for(user, task: Task, what: str) -> None:
    if user is not None and is_scoped(user) and task.organisation_id not in organisation_ids(user):
        raise PermissionDenied(f"{user.get_username()} may not {what} task {task.code}: it is another organisation's")


def _province(hazards: list[Hazard]):
    provinces = [h.province_id for h in hazards if h.province_id]
    return max(set(provinces), key=provinces.count) if provinces else None


def remaining_m2(hazards: list[Hazard]) -> float:
    """The hazards' remaining area in the ledger (their area where the ledger has no row)."""
    stored = dict(HazardLedger.objects.filter(hazard__in=hazards).values_list("hazard_id", "remaining_m2"))
    return round(sum(stored.get(h.pk, h.area_m2 or 0.0) for h in hazards), 1)


@transaction.atomic
def issue_task(
    *,
    organisation: str,
    hazards: list[str],
    methods: list[str],
    planned_start,
    planned_end,
    priority: str = "medium",
    planned_area_m2: float | None = None,
    funding_source: str = "",
    budget_amount=None,
    budget_currency: str = "",
    notes: str = "",
    code: str | None = None,
    user=None,
    reason: str | None = None,
    synthetic: bool = False,
    source_id: str | None = None,
    source_attributes: dict | None = None,
    past: bool = False,
) -> Task:
    """Issue a task order to an operator: its hazards (open, of one programme), methods, priority, plan.

    `source_id`/`source_attributes`: provenance of a task brought from another system. `past`: a task
    recorded after the fact (a migration): its hazards may have closed since, so they need not be open."""
    check_code(code)
    org = _organisation(organisation)
    if not org.is_active:
        raise ValidationFailed(
            _("%(organisation)s is deactivated: it cannot be tasked") % {"organisation": org.acronym},
            field="organisation",
        )
    if org.kind in NOT_TASKED:
        raise ValidationFailed(
            _("%(organisation)s does no field work (%(kind)s): task an operator")
            % {"organisation": org.acronym, "kind": org.kind},
            field="organisation",
        )
    rows = _hazards(hazards)
    countries = {h.country for h in rows}
    if len(countries) > 1:
        raise ValidationFailed(_("hazards: a task's hazards lie in one programme"), field="hazards")
    country = countries.pop()
    if org.country and org.country != country:
        raise ValidationFailed(
            _("%(organisation)s works in %(theirs)s, not in %(country)s")
            % {"organisation": org.acronym, "theirs": org.country, "country": country},
            field="organisation",
        )
    closed = [h.code for h in rows if h.status not in ("open", "suspended")]
    if closed and not past:
        raise ValidationFailed(
            _("hazards %(codes)s are no longer open") % {"codes": ", ".join(closed[:5])}, field="hazards"
        )
    chosen = _methods(methods)
    _choice("priority", priority, PRIORITY_CHOICES)
    start, end = _date("planned_start", planned_start), _date("planned_end", planned_end)
    if end < start:
        raise ValidationFailed(_("planned_end is before planned_start"), field="planned_end")
    amount, currency = _budget(budget_amount, budget_currency)
    area = remaining_m2(rows) if planned_area_m2 is None else _area(planned_area_m2)
    if code and Task.objects.filter(code=code).exists():
        raise ValidationFailed(_("a task with code %(code)s already exists") % {"code": repr(code)}, field="code")
    task = Task(
        country=country,
        organisation=org,
        province_id=_province(rows),
        methods=chosen,
        priority=priority,
        planned_start=start,
        planned_end=end,
        planned_area_m2=area,
        funding_source=_text("funding_source", funding_source, NAME_MAX),
        budget_amount=amount,
        budget_currency=currency,
        notes=_text("notes", notes),
        issued_by=user if getattr(user, "is_authenticated", False) else None,
        status_changed_at=timezone.now(),
        is_synthetic=synthetic,
        source_id=source_id or None,
        source_attributes=source_attributes,
    )
    task.code = code or next_code(Task, country_prefix(country), "TASK")
    record_author(task, user, reason)
    task.save()
    task.hazards.set(rows)
    return task


def _locked(task: Task, expected: int | None) -> Task:
    return versions.lock(task, expected, f"task {task.code}")


@transaction.atomic
def change_status(
    task: Task,
    status: str,
    *,
    reason: str = "",
    user=None,
    expected_version: int | None = None,
    at: dt.datetime | None = None,
) -> Task:
    """Move a task along its life (models.TRANSITIONS). Operators accept, decline, start and complete
    their own organisation's tasks; only the national authority cancels. Declining and cancelling
    need a reason."""
    _choice("status", status, TASK_STATUS_CHOICES)
    _may_act_for(user, task, "change")
    if user is not None and is_scoped(user) and status not in OPERATOR_MOVES:
        raise PermissionDenied(f"{user.get_username()} may not set task {task.code} to {status}: the authority does")
    why = _text("reason", reason)
    task = _locked(task, expected_version)
    if status not in TRANSITIONS[task.status]:
        raise ValidationFailed(
            _("status: a task that is %(current)s cannot become %(status)s")
            % {"current": task.status, "status": status},
            field="status",
        )
    if status in NEEDS_REASON and not why:
        raise ValidationFailed(_("reason: say why the task is %(status)s") % {"status": status}, field="reason")
    task.status = status
    task.status_reason = why if status in NEEDS_REASON else task.status_reason
    task.status_changed_at = at or timezone.now()
    record_author(task, user, why or None)
    task.save()
    return task


EDITABLE = (
    "priority",
    "planned_start",
    "planned_end",
    "planned_area_m2",
    "funding_source",
    "budget_amount",
    "budget_currency",
    "notes",
    "methods",
)


@transaction.atomic
def update_task(
    task: Task, *, user=None, expected_version: int | None = None, reason: str | None = None, **changes
) -> Task:
    """Change a task's plan (EDITABLE fields) while it is still open; `reason` goes on its history row."""
    unknown = [k for k in changes if k not in EDITABLE]
    if unknown:
        raise ValidationFailed(_("%(field)s cannot be changed here") % {"field": unknown[0]}, field=unknown[0])
    task = _locked(task, expected_version)
    if task.status not in ("issued", "accepted", "in_progress"):
        raise ValidationFailed(
            _("status: a %(status)s task is closed; its plan is kept as it was") % {"status": task.status},
            field="status",
        )
    if "priority" in changes:
        _choice("priority", changes["priority"], PRIORITY_CHOICES)
        task.priority = changes["priority"]
    if "methods" in changes:
        task.methods = _methods(changes["methods"])
    if "planned_start" in changes:
        task.planned_start = _date("planned_start", changes["planned_start"])
    if "planned_end" in changes:
        task.planned_end = _date("planned_end", changes["planned_end"])
    if task.planned_end < task.planned_start:
        raise ValidationFailed(_("planned_end is before planned_start"), field="planned_end")
    if "planned_area_m2" in changes:
        task.planned_area_m2 = _area(changes["planned_area_m2"])
    if "funding_source" in changes:
        task.funding_source = _text("funding_source", changes["funding_source"], NAME_MAX)
    if "notes" in changes:
        task.notes = _text("notes", changes["notes"])
    if "budget_amount" in changes or "budget_currency" in changes:
        task.budget_amount, task.budget_currency = _budget(
            changes.get("budget_amount", task.budget_amount), changes.get("budget_currency", task.budget_currency)
        )
    record_author(task, user, reason)
    task.save()
    return task


@transaction.atomic
def link_activities(
    task: Task, activities: list[str], *, user=None, expected_version: int | None = None, unlink: bool = False
) -> Task:
    """Link (or with `unlink`, unlink) activities to a task: the task's organisation's, in its programme."""
    _may_act_for(user, task, "link activities to")
    codes = [str(c).strip() for c in activities or [] if str(c).strip()]
    if not codes:
        raise ValidationFailed(_("activities: give at least one activity code"), field="activities")
    found = {
        a.code: a for a in Activity.objects.filter(code__in=codes).only("id", "code", "organisation_id", "country")
    }
    missing = [c for c in codes if c not in found]
    if missing:
        raise ValidationFailed(
            _("unknown %(field)s %(codes)s") % {"field": "activities", "codes": ", ".join(missing[:5])},
            field="activities",
        )
    task = _locked(task, expected_version)
    if task.status in ("declined", "cancelled"):
        raise ValidationFailed(
            _("status: a %(status)s task takes no activities") % {"status": task.status}, field="status"
        )
    for a in found.values():
        if a.organisation_id != task.organisation_id or a.country != task.country:
            raise ValidationFailed(
                _("activity %(activity)s is not %(organisation)s's work in %(country)s")
                % {"activity": a.code, "organisation": task.organisation.acronym, "country": task.country},
                field="activities",
            )
    record_author(task, user)
    task.save()
    if unlink:
        task.activities.remove(*found.values())
    else:
        task.activities.add(*found.values())
    return task


# --- priority weights and snapshots ---------------------------------------------------------------


def _weights(values) -> dict[str, float]:
    if not isinstance(values, dict):
        raise ValidationFailed(_("weights: give a weight per criterion"), field="weights")
    out = {}
    for key, value in values.items():
        if key not in priorities.KEYS:
            raise ValidationFailed(
                _("weights: unknown criterion %(key)s; the criteria are %(keys)s")
                % {"key": repr(key), "keys": ", ".join(priorities.KEYS)},
                field=f"weights.{key}"[:60],
            )
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
            or not 0 <= value <= priorities.MAX_WEIGHT
        ):
            raise ValidationFailed(
                _("weights.%(key)s must be a number from 0 to %(most)s; got %(value)s")
                % {"key": key, "most": int(priorities.MAX_WEIGHT), "value": repr(value)},
                field=f"weights.{key}",
            )
        out[key] = float(value)
    return out


def _parameters(casualty_distance_m, casualty_years, village_distance_m) -> dict:
    for field, value in (("casualty_distance_m", casualty_distance_m), ("village_distance_m", village_distance_m)):
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
            or not 0 < value <= priorities.MAX_DISTANCE_M
        ):
            raise ValidationFailed(
                _("%(field)s must be a distance from 0 to %(most)s metres; got %(value)s")
                % {"field": field, "most": f"{priorities.MAX_DISTANCE_M:,.0f}", "value": repr(value)},
                field=field,
            )
    if isinstance(casualty_years, bool) or not isinstance(casualty_years, int) or not 1 <= casualty_years <= 50:
        raise ValidationFailed(
            _("casualty_years must be a whole number from 1 to 50; got %(value)s") % {"value": repr(casualty_years)},
            field="casualty_years",
        )
    return {
        "casualty_distance_m": float(casualty_distance_m),
        "casualty_years": casualty_years,
        "village_distance_m": float(village_distance_m),
    }


def check_programme(country: str) -> str:
    from safeground.gazetteer.queries import countries

    value = (country or "").strip().upper()
    if value not in countries():
        raise ValidationFailed(_("unknown programme %(country)s") % {"country": repr(country)}, field="country")
    return value


@transaction.atomic
def set_weights(
    country: str,
    *,
    weights: dict | None = None,
    casualty_distance_m: float | None = None,
    casualty_years: int | None = None,
    village_distance_m: float | None = None,
    notes: str | None = None,
    user=None,
    expected_version: int | None = None,
    synthetic: bool = False,
) -> PriorityWeights:
    """Create or change a programme's weights (unset criteria keep theirs; a new record starts from
    DEFAULT_WEIGHTS). Each change raises the version and keeps the old weights in the history."""
    country = check_programme(country)
    record = PriorityWeights.objects.filter(country=country).first()
    if record is None:
        record = PriorityWeights(
            country=country,
            weights=dict(priorities.DEFAULT_WEIGHTS),
            code=next_code(PriorityWeights, country_prefix(country), "PRW"),
            is_synthetic=synthetic,
        )
    else:
        record = versions.lock(record, expected_version, f"the priority weights of {country}")
    merged = {**record.weights, **_weights(weights or {})}
    if not any(v > 0 for v in merged.values()):
        raise ValidationFailed(_("weights: at least one criterion needs a weight above 0"), field="weights")
    params = _parameters(
        record.casualty_distance_m if casualty_distance_m is None else casualty_distance_m,
        record.casualty_years if casualty_years is None else casualty_years,
        record.village_distance_m if village_distance_m is None else village_distance_m,
    )
    record.weights = {k: merged.get(k, 0.0) for k in priorities.KEYS}
    for k, v in params.items():
        setattr(record, k, v)
    if notes is not None:
        record.notes = _text("notes", notes)
    record_author(record, user)
    record.save()
    return record


def parameters_of(record: PriorityWeights) -> priorities.Parameters:
    return priorities.Parameters(record.casualty_distance_m, record.casualty_years, record.village_distance_m)


@transaction.atomic
def take_snapshot(country: str, *, note: str = "", user=None, synthetic: bool = False) -> PrioritySnapshot:
    """Compute the programme's ranking now and keep it, with the weights and every criterion value."""
    country = check_programme(country)
    record = queries.weights(country)
    ranking = priorities.compute(country, record.weights, parameters_of(record))
    snapshot = PrioritySnapshot(
        country=country,
        taken_by=user if getattr(user, "is_authenticated", False) else None,
        weights_version=record.version,
        weights=ranking.weights,
        parameters=ranking.parameters,
        maxima=ranking.maxima,
        rows=ranking.rows,
        note=_text("note", note),
        is_synthetic=synthetic,
        code=next_code(PrioritySnapshot, country_prefix(country), "PRS"),
    )
    snapshot.save()
    return snapshot


# --- development requests -------------------------------------------------------------------------


@transaction.atomic
def add_development_request(
    *,
    requester: str,
    project: str,
    purpose: str,
    requested_on,
    country: str | None = None,
    hazards: list[str] | None = None,
    geometry: shapely.Geometry | None = None,
    status: str = "received",
    notes: str = "",
    code: str | None = None,
    user=None,
    synthetic: bool = False,
) -> DevelopmentRequest:
    """Record a development project's request for land: linked hazards, an area, or both."""
    check_code(code)
    who = _text("requester", requester, NAME_MAX, required=True)
    what = _text("project", project, NAME_MAX, required=True)
    _choice("purpose", purpose, DEVELOPMENT_PURPOSE_CHOICES)
    _choice("status", status, DEVELOPMENT_STATUS_CHOICES)
    on = _date("requested_on", requested_on)
    if on > timezone.localdate():
        raise ValidationFailed(
            _("%(field)s %(date)s is in the future") % {"field": "requested_on", "date": on}, field="requested_on"
        )
    rows = _hazards(hazards, required=False)
    if not rows and geometry is None:
        raise ValidationFailed(_("hazards: give the hazards the project needs, or its area"), field="hazards")
    countries = {h.country for h in rows}
    if country:
        countries.add(check_programme(country))
    geom = None
    if geometry is not None:
        multi, placed = place_polygon(geometry, country or (next(iter(countries)) if countries else None), "area")
        countries.add(placed)
        geom = to_geos(multi, MultiPolygon)
    if len(countries) != 1:
        raise ValidationFailed(_("country: a request's hazards and area lie in one programme"), field="country")
    country = countries.pop()
    if code and DevelopmentRequest.objects.filter(code=code).exists():
        raise ValidationFailed(_("a request with code %(code)s already exists") % {"code": repr(code)}, field="code")
    request = DevelopmentRequest(
        country=country,
        requester=who,
        project=what,
        purpose=purpose,
        requested_on=on,
        status=status,
        geom=geom,
        notes=_text("notes", notes),
        is_synthetic=synthetic,
    )
    request.code = code or next_code(DevelopmentRequest, country_prefix(country), "DEV")
    record_author(request, user)
    request.save()
    request.hazards.set(rows)
    return request


@transaction.atomic
def set_development_request_status(
    request: DevelopmentRequest, status: str, *, user=None, expected_version: int | None = None
) -> DevelopmentRequest:
    _choice("status", status, DEVELOPMENT_STATUS_CHOICES)
    request = versions.lock(request, expected_version, f"development request {request.code}")
    request.status = status
    record_author(request, user)
    request.save()
    return request


def delete_synthetic() -> dict[str, int]:
    """Remove every synthetic tasking row with its links and history (the demo's rebuild, before the
    demo hazards and activities go). Set-based, limited to `is_synthetic` rows."""
    from django.apps import apps

    counts = {}
    synthetic_tasks = Task.objects.filter(is_synthetic=True)
    synthetic_requests = DevelopmentRequest.objects.filter(is_synthetic=True)
    task_history = Task.history.filter(is_synthetic=True)
    request_history = DevelopmentRequest.history.filter(is_synthetic=True)
    for name, qs in (
        (
            "task hazard history",
            apps.get_model("tasking", "HistoricalTask_hazards").objects.filter(history__in=task_history),
        ),
        (
            "task activity history",
            apps.get_model("tasking", "HistoricalTask_activities").objects.filter(history__in=task_history),
        ),
        ("task hazards", Task.hazards.through.objects.filter(task__in=synthetic_tasks)),
        ("task activities", Task.activities.through.objects.filter(task__in=synthetic_tasks)),
        ("task history", task_history),
        ("tasks", synthetic_tasks),
        (
            "request hazard history",
            apps.get_model("tasking", "HistoricalDevelopmentRequest_hazards").objects.filter(
                history__in=request_history
            ),
        ),
        (
            "request hazards",
            DevelopmentRequest.hazards.through.objects.filter(developmentrequest__in=synthetic_requests),
        ),
        ("request history", request_history),
        ("development requests", synthetic_requests),
        ("snapshots", PrioritySnapshot.objects.filter(is_synthetic=True)),
        ("weights history", PriorityWeights.history.filter(is_synthetic=True)),
        ("weights", PriorityWeights.objects.filter(is_synthetic=True)),
    ):
        counts[name] = qs._raw_delete(qs.db)
    return counts


@transaction.atomic
def bulk_create_tasks(
    tasks: list[Task],
    hazards: list[list],
    activities: list[list] | None = None,
    *,
    user=None,
    source: str = "",
    reason: str = "",
) -> int:
    """Write many tasks (unsaved, codes and countries set) with their hazard and activity links at once:
    an import of a programme's past tasking or the demo. `issue_task`'s checks on every row (status,
    priority, methods, dates, area, budget, a new code, hazards of the task's programme, activities of its
    organisation) except that the hazards be open now: a past task's hazards may have been released since.
    Any problem refuses the whole write, naming the row. One `core.Batch(kind="tasks")`, no per-row
    history (decision 0015)."""
    from safeground.core import bulk
    from safeground.core.errors import BulkError
    from safeground.core.models import Batch

    activities = activities if activities is not None else [[] for _ in tasks]
    if not len(tasks) == len(hazards) == len(activities):
        raise ValueError(f"{len(tasks)} tasks, {len(hazards)} hazard lists, {len(activities)} activity lists")
    problems: list[BulkError] = []
    statuses = dict(TASK_STATUS_CHOICES)
    allowed_methods = {m for m, _label in ACCREDITATION_METHODS}
    hazard_country = dict(Hazard.objects.filter(pk__in=[h for hs in hazards for h in hs]).values_list("pk", "country"))
    activity_owner = dict(
        Activity.objects.filter(pk__in=[a for acts in activities for a in acts]).values_list("pk", "organisation_id")
    )
    taken = set(bulk.existing_values(Task, "code", [t.code for t in tasks]))
    seen: set[str] = set()
    for i, (t, hs, acts) in enumerate(zip(tasks, hazards, activities, strict=True), start=1):

        def refuse(field: str, value, why: str, row: int = i, code: str = t.code) -> None:
            problems.append(BulkError(row, field, str(value)[:100], f"task {code}: {why}"))

        if not t.code or t.code in taken or t.code in seen:
            refuse("code", t.code, "a new, unique code is required")
        seen.add(t.code)
        if t.status not in statuses:
            refuse("status", t.status, f"status must be one of {', '.join(statuses)}")
        if t.priority not in dict(PRIORITY_CHOICES):
            refuse("priority", t.priority, "priority must be high, medium or low")
        if not t.methods or any(m not in allowed_methods for m in t.methods):
            refuse("methods", t.methods, "methods must be accreditation methods")
        if t.planned_end is None or t.planned_start is None or t.planned_end < t.planned_start:
            refuse("planned_end", t.planned_end, "planned_end is before planned_start")
        if not isinstance(t.planned_area_m2, int | float) or not 0 <= t.planned_area_m2 <= MAX_AREA_M2:
            refuse("planned_area_m2", t.planned_area_m2, "planned_area_m2 must be from 0 m²")
        if t.budget_amount is not None and (t.budget_amount < 0 or not CURRENCY.match(t.budget_currency or "")):
            refuse("budget_amount", t.budget_amount, "a budget is 0 or more, with a three-letter currency")
        if t.status in NEEDS_REASON and not t.status_reason:
            refuse("status_reason", "", f"a {t.status} task needs its reason")
        if not hs:
            refuse("hazards", "", "at least one hazard")
        elif any(hazard_country.get(h) != t.country for h in hs):
            refuse("hazards", ", ".join(str(h) for h in hs)[:100], f"hazards unknown or outside {t.country}")
        if any(activity_owner.get(a) != t.organisation_id for a in acts):
            refuse("activities", ", ".join(str(a) for a in acts)[:100], "activities unknown or of another organisation")
    if problems:
        from safeground.core.errors import BulkValidationFailed

        raise BulkValidationFailed(problems)
    batch = Batch.objects.create(kind="tasks", source=source[:300], reason=reason[:300], user=user, rows=len(tasks))
    for t in tasks:
        t.batch = batch
        t.status_changed_at = t.status_changed_at or timezone.now()
    Task.objects.bulk_create(tasks, batch_size=1000)
    hazard_links, activity_links = Task.hazards.through, Task.activities.through
    hazard_links.objects.bulk_create(
        [hazard_links(task_id=t.pk, hazard_id=h) for t, hs in zip(tasks, hazards, strict=True) for h in hs],
        batch_size=2000,
    )
    activity_links.objects.bulk_create(
        [activity_links(task_id=t.pk, activity_id=a) for t, acts in zip(tasks, activities, strict=True) for a in acts],
        batch_size=2000,
    )
    return len(tasks)
