"""Writes on activities: starting one, assigning teams and assets, recording progress.

Every write here applies the accreditation rule (safeground.organisations.services) on the date of
the work, and progress reports keep each method's running total within the activity's hazard area.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction
from django.db.models import Sum

from safeground.core.errors import ValidationFailed
from safeground.core.history import record_author
from safeground.operations.models import METHOD_CHOICES, Activity, ActivityAsset, ProgressReport
from safeground.organisations.services import require_accreditation

METHODS = dict(METHOD_CHOICES)
#: Slack for rounding when comparing a reported total with the hazard area (m²).
AREA_TOLERANCE_M2 = 1.0


def _lock(activity: Activity) -> Activity:
    return Activity.objects.select_for_update().get(pk=activity.pk)


@transaction.atomic
def start_activity(activity: Activity, on: dt.date | None = None) -> Activity:
    """Planned → ongoing on `on` (default: its start date), if its organisation, teams and animals are accredited."""
    activity = _lock(activity)
    on = on or activity.start_date
    if activity.status not in ("planned", "suspended"):
        raise ValidationFailed(
            f"{activity.code} is {activity.status}: only a planned or suspended activity can start",
            field="status",
            reason="bad_status",
        )
    require_accreditation(
        activity.organisation,
        activity.methods,
        on,
        teams=list(activity.teams.prefetch_related("assets")),
        assets=[a.asset for a in activity.asset_assignments.select_related("asset")],
    )
    activity.status = "ongoing"
    activity.start_date = min(activity.start_date, on)
    activity.save()
    return activity


@transaction.atomic
def assign_team(activity: Activity, team, on: dt.date) -> None:
    """Add a team to an activity from `on`; the team's organisation and animals must be accredited then."""
    activity = _lock(activity)
    require_accreditation(team.organisation, activity.methods, on, teams=[team], field="team")
    activity.teams.add(team)


@transaction.atomic
def assign_asset(activity: Activity, asset, on: dt.date) -> ActivityAsset:
    activity = _lock(activity)
    org = asset.team.organisation if asset.team_id else activity.organisation
    methods = [m for m in activity.methods if m != "manual"] or activity.methods
    require_accreditation(org, methods, on, assets=[asset], field="asset")
    row, _ = ActivityAsset.objects.get_or_create(activity=activity, asset=asset, defaults={"assigned_on": on})
    return row


def hazard_area_m2(activity: Activity) -> float:
    return float(activity.hazards.aggregate(s=Sum("area_m2"))["s"] or 0.0)


def method_totals(activity: Activity) -> dict[str, float]:
    """Area searched so far per method (the roll-up to the activity)."""
    rows = activity.progress_reports.values("method").annotate(total=Sum("area_m2")).order_by("method")
    return {r["method"]: float(r["total"]) for r in rows}


_REQUIRED = ("date", "method", "area_m2", "searchers", "hours_per_day", "terrain", "vegetation", "soil_metal")


@transaction.atomic
def record_progress(activity: Activity, team, *, user=None, **fields) -> ProgressReport:
    """Record one team's progress with one method. Refused, with nothing written, when the method is not
    the activity's, the team is not on it, the work was not accredited that day, or the method's total
    would exceed the hazard area (methods are counted apart: a machine and the manual follow-up search
    the same ground)."""
    activity = _lock(activity)
    for name in _REQUIRED:
        if fields.get(name) in (None, ""):
            raise ValidationFailed(f"{name} is required", field=name, reason="required")
    method, on, area = fields["method"], fields["date"], float(fields["area_m2"])
    if method not in activity.methods:
        raise ValidationFailed(
            f"{activity.code} uses {', '.join(activity.methods) or 'no method'}, not {method}",
            field="method",
            reason="not_the_activitys_method",
        )
    if not activity.teams.filter(pk=team.pk).exists():
        raise ValidationFailed(
            f"team {team.code} is not assigned to {activity.code}", field="team", reason="not_assigned"
        )
    if on < activity.start_date or (activity.end_date and on > activity.end_date):
        raise ValidationFailed(
            f"{on.isoformat()} is outside {activity.code}'s dates ({activity.start_date.isoformat()} – "
            f"{activity.end_date.isoformat() if activity.end_date else 'ongoing'})",
            field="date",
            reason="outside_activity",
        )
    if area < 0:
        raise ValidationFailed("area_m2 cannot be negative", field="area_m2", reason="negative")
    if float(fields.get("days_worked", 1)) <= 0:
        raise ValidationFailed("days_worked must be more than 0", field="days_worked", reason="not_positive")
    require_accreditation(team.organisation, [method], on, teams=[team], field="method")
    limit = hazard_area_m2(activity)
    done = method_totals(activity).get(method, 0.0)
    if done + area > limit + AREA_TOLERANCE_M2:
        raise ValidationFailed(
            f"{activity.code}: {METHODS.get(method, method)} would total {done + area:,.0f} m² "
            f"({done:,.0f} m² already reported + {area:,.0f} m²), more than its hazard area of {limit:,.0f} m²",
            field="area_m2",
            reason="exceeds_hazard_area",
        )
    hazard = fields.pop("hazard", None)
    if hazard is None and activity.hazards.count() == 1:
        hazard = activity.hazards.first()
    code = fields.pop("code", None) or _next_code(activity)
    report = ProgressReport(activity=activity, team=team, hazard=hazard, code=code, **fields)
    if user is not None:
        record_author(report, user)
    report.save()
    return report


def _next_code(activity: Activity) -> str:
    prefix = f"{activity.code}-PR-"
    n = ProgressReport.objects.filter(code__startswith=prefix).count() + 1
    while ProgressReport.objects.filter(code=f"{prefix}{n:04d}").exists():
        n += 1
    return f"{prefix}{n:04d}"


TYPE_CODES = {"nts": "NTS", "ts": "TS", "clearance": "CLR", "bac": "BAC", "eod": "EOD"}


@transaction.atomic
def create_activity(
    *,
    organisation,
    activity_type: str,
    methods: list[str],
    hazards: list,
    start_date: dt.date,
    teams: Sequence = (),
    reference_point=None,
    end_date: dt.date | None = None,
    code: str | None = None,
    user=None,
) -> Activity:
    """A planned activity of one organisation on one or more hazards, its teams assigned.

    The accreditation gate applies: the organisation (and each team) must be accredited for every
    method on the start date. The reference point defaults to the first hazard's centroid."""
    from safeground.core.codes import next_code

    if activity_type not in TYPE_CODES:
        raise ValidationFailed(f"activity_type must be one of {', '.join(TYPE_CODES)}", field="activity_type")
    unknown = [m for m in methods if m not in METHODS]
    if not methods or unknown:
        detail = f"; unknown: {', '.join(unknown)}" if unknown else ""
        raise ValidationFailed(f"methods must be one or more of {', '.join(METHODS)}{detail}", field="methods")
    if not hazards and reference_point is None:
        raise ValidationFailed("give the hazards the activity works on, or a reference point", field="hazards")
    if end_date and end_date < start_date:
        raise ValidationFailed("end_date is before start_date", field="end_date")
    require_accreditation(organisation, methods, start_date, teams=list(teams))
    country = hazards[0].country if hazards else organisation.country
    point = reference_point if reference_point is not None else hazards[0].geom.point_on_surface
    prefix = f"{country[:2]}-{organisation.acronym}"
    if code and Activity.objects.filter(code=code).exists():
        raise ValidationFailed(f"an activity with code {code!r} already exists", field="code")
    activity = Activity(
        code=code or next_code(Activity, prefix, TYPE_CODES[activity_type]),
        activity_type=activity_type,
        organisation=organisation,
        methods=list(methods),
        reference_point=point,
        country=country,
        start_date=start_date,
        end_date=end_date,
        status="planned",
    )
    record_author(activity, user)
    activity.save()
    activity.hazards.set(hazards)
    activity.teams.set(teams)
    return activity
