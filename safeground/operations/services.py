"""Writes on activities: starting one, assigning teams and assets, recording progress.

Every write here applies the accreditation rule (safeground.organisations.services) on the date of
the work, and progress reports keep each method's running total within the activity's hazard area.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any, cast

import shapely
from django.contrib.gis.db.models.functions import PointOnSurface
from django.contrib.gis.geos import Point
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from safeground.core import bulk, columns
from safeground.core.codes import allocate_codes
from safeground.core.columns import BulkResult, Checked
from safeground.core.contracts import check_code, check_finite
from safeground.core.errors import BulkError, ValidationFailed
from safeground.core.geojson import to_geos, to_shapely
from safeground.core.geometry import GeometryError, validate_point
from safeground.core.history import record_author
from safeground.core.models import Batch
from safeground.core.purge import purge_synthetic
from safeground.gazetteer.queries import code_stems, locate_all, settle_countries
from safeground.hazards.models import Hazard
from safeground.operations.models import METHOD_CHOICES, Activity, ActivityAsset, ProgressReport
from safeground.organisations.models import Accreditation, AnimalAccreditation, Asset, Organisation, Team
from safeground.organisations.services import (
    ACCREDITATION_FOR,
    ANIMAL_METHODS,
    METHOD_LABELS,
    require_accreditation,
    suspension_gaps_many,
)

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
            raise ValidationFailed(_("%(field)s is required") % {"field": name}, field=name, reason="required")
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
    for name in ("area_m2", "days_worked", "hours_per_day", "stoppage_hours"):
        check_finite(fields.get(name), name)
    if area < 0:
        raise ValidationFailed(
            _("%(field)s cannot be negative") % {"field": "area_m2"}, field="area_m2", reason="negative"
        )
    if float(fields.get("days_worked", 1)) <= 0:
        raise ValidationFailed(
            _("%(field)s must be more than 0") % {"field": "days_worked"}, field="days_worked", reason="not_positive"
        )
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
#: Statuses the accreditation gate applies to: work ahead or under way (as `create_activity` and
#: `start_activity` gate it). Completed, cancelled and suspended rows record work already done.
GATED_STATUSES = ("planned", "ongoing")


# ------------------------------------------------------------------------------------------------
# The rules over whole columns (a single write checks columns of one row)
# ------------------------------------------------------------------------------------------------


def _methods(values: list) -> list[BulkError]:
    errors = []
    for i, methods in enumerate(values):
        unknown = [m for m in methods or [] if m not in METHODS]
        if not methods or unknown:
            detail = f"; unknown: {', '.join(map(str, unknown))}" if unknown else ""
            message = f"methods must be one or more of {', '.join(METHODS)}{detail}"
            errors.append(BulkError(i + 1, "methods", ", ".join(map(str, methods or [])), message, "not a choice"))
    return errors


def _references(field: str, model, key: str, values: list, what: str, many: bool = False):
    """Rows' references by code/acronym (one query per chunk): ids (lists of ids with `many`), and the unknown."""
    wanted = [v for vs in values for v in (vs or [])] if many else values
    found = columns.lookup(model, key, wanted, "id")
    errors = []
    for i, vs in enumerate(values):
        missing = [v for v in (vs or [] if many else [vs]) if v and v not in found]
        if missing:
            message = f"unknown {what}: {', '.join(missing)}"
            errors.append(BulkError(i + 1, field, ", ".join(missing), message, "unknown"))
    if many:
        return [[found[v] for v in vs or [] if v in found] for vs in values], errors
    return [found.get(v) if v else None for v in values], errors


def accreditation_errors(
    organisations: list, methods: list[list[str]], on: list, teams: list[list], rows: list[int]
) -> list[BulkError]:
    """The accreditation rule (`organisations.services`) for many rows at once, in three queries.

    For each row index in `rows`: the organisation must hold a valid accreditation for every method
    on the date, and the dogs and rats of its teams one of their own, as `require_accreditation` says.
    """
    if not rows:
        return []
    org_ids = {organisations[i] for i in rows}
    held: dict = defaultdict(list)
    for org, method, start, end in Accreditation.objects.filter(organisation_id__in=org_ids).values_list(
        "organisation_id", "method", "valid_from", "valid_until"
    ):
        held[(org, method)].append((start, end))
    team_ids = {t for i in rows for t in teams[i]}
    animals: dict = defaultdict(list)
    for team, asset, kind, identifier in Asset.objects.filter(
        team_id__in=team_ids, kind__in=("dog", "rat")
    ).values_list("team_id", "id", "kind", "identifier"):
        animals[team].append((asset, kind, identifier))
    valid: dict = defaultdict(list)
    asset_ids = [a[0] for group in animals.values() for a in group]
    for offset in range(0, len(asset_ids), columns.CHUNK):
        for asset, a, b in AnimalAccreditation.objects.filter(
            asset_id__in=asset_ids[offset : offset + columns.CHUNK]
        ).values_list("asset_id", "valid_from", "valid_until"):
            valid[asset].append((a, b))
    acronyms = dict(Organisation.objects.filter(id__in=org_ids).values_list("id", "acronym"))
    suspended = suspension_gaps_many([(organisations[i], methods[i], on[i], teams[i]) for i in rows])
    errors = []
    for n, i in enumerate(rows):
        day = on[i]
        gaps = []
        for method in methods[i]:
            needed = ACCREDITATION_FOR.get(method, method)
            if not any(a <= day <= b for a, b in held[(organisations[i], needed)]):
                label = METHOD_LABELS.get(needed, needed)
                gaps.append(
                    f"{acronyms[organisations[i]]} holds no valid accreditation for {label} on {day.isoformat()}"
                )
        kinds = {ANIMAL_METHODS[m] for m in methods[i] if m in ANIMAL_METHODS}
        for team in teams[i]:
            for asset, kind, identifier in animals[team]:
                if kind in kinds and not any(a <= day <= b for a, b in valid[asset]):
                    gaps.append(f"{kind} {identifier} is not accredited on {day.isoformat()}")
        gaps += suspended[n]
        if gaps:
            message = "Not accredited: " + "; ".join(gaps) + "."
            errors.append(BulkError(i + 1, "methods", ", ".join(methods[i]), message, "not_accredited"))
    return errors


def check_activities(rows: Mapping[str, Any], *, single: bool = False, gate: bool = True) -> Checked:
    """Check activities given column by column and derive what the services set, set-based.

    Columns: activity_type, organisation (acronym), methods (list), start_date, and hazards (codes) or
    reference_point (Shapely point; default: the first hazard's point on surface); optional code,
    teams (codes), end_date, status (default planned), country, is_synthetic, id. Derived: the country
    (`gazetteer.queries.settle_countries`, border rule included) and the code (`<province or country
    stem>-<NTS|TS|CLR|BAC|EOD>-000001`, `core.codes`). The accreditation gate applies to planned and
    ongoing rows (`gate=False` only for callers that check it afterwards, see the demo). Raises
    BulkValidationFailed naming every bad row (a single write: its first problem); nothing is written.
    """
    n = columns.row_count(rows, ["activity_type"])

    def col(name: str, default: Any = None) -> list:
        return columns.column(rows, name, n, default)

    codes, start, end, status = col("code"), col("start_date"), col("end_date"), col("status", "planned")
    activity_type, methods = col("activity_type"), [list(m or []) for m in col("methods")]
    errors = [
        *columns.choices("activity_type", activity_type, Activity.TYPE_CHOICES),
        *columns.choices("status", status, Activity.STATUS_CHOICES),
        *_methods(methods),
        *columns.dates("start_date", start),
        *columns.dates("end_date", end, required=False),
        *columns.not_before("end_date", end, "start_date", start),
        *columns.new_codes(Activity, codes, "an activity"),
    ]
    organisations, more = _references("organisation", Organisation, "acronym", col("organisation"), "organisation")
    teams, more2 = _references("teams", Team, "code", col("teams"), "team(s)", many=True)
    hazards, more3 = _references("hazards", Hazard, "code", col("hazards"), "hazard(s)", many=True)
    errors += more + more2 + more3
    errors += [
        BulkError(i + 1, "organisation", "", "organisation is required", "required")
        for i, o in enumerate(col("organisation"))
        if not o
    ]
    inactive = set(
        Organisation.objects.filter(id__in={o for o in organisations if o}, is_active=False).values_list(
            "id", flat=True
        )
    )
    errors += [  # deactivated organisations keep their past work but take no new work
        BulkError(
            i + 1, "organisation", acronym, f"{acronym} is deactivated: no new planned or ongoing work", "inactive"
        )
        for i, (o, acronym, s) in enumerate(zip(organisations, col("organisation"), status, strict=True))
        if o in inactive and s in ("planned", "ongoing")
    ]
    points, given, named = col("reference_point"), col("country"), col("hazards")
    first = {}
    need = [hs[0] for hs, p in zip(hazards, points, strict=True) if p is None and hs]
    for hid, country, point, spot in (
        Hazard.objects.filter(id__in=need)
        .annotate(p=PointOnSurface("geom"))
        .values_list("id", "country", "p", "point")  # a point hazard (an EOD spot task): its point
    ):
        where = point if point is not None else spot
        if where is not None:
            first[hid] = (country, shapely.from_wkb(bytes(where.wkb)))
    for i, (hs, p) in enumerate(zip(hazards, points, strict=True)):
        if p is None and hs and hs[0] in first:
            given[i] = given[i] or first[hs[0]][0]
            points[i] = first[hs[0]][1]
        elif p is None and not named[i]:
            message = "give the hazards the activity works on, or a reference point"
            errors.append(BulkError(i + 1, "hazards", "", message, "required"))
        elif p is not None:
            try:
                validate_point(p, "reference point")
            except GeometryError as exc:
                errors.append(BulkError(i + 1, "reference_point", exc.reason, str(exc), exc.reason, exc.location))
                points[i] = None
    settled, more4 = settle_countries(points, given, "reference point")
    errors += more4
    if gate and not errors:
        gated = [i for i in range(n) if status[i] in GATED_STATUSES]
        errors += accreditation_errors(organisations, methods, start, teams, gated)
    columns.refuse(errors, single=single)
    missing = [i for i, c in enumerate(codes) if not c]
    if missing:
        where = locate_all([points[i] for i in missing], [settled[i] for i in missing])
        stems = code_stems(where, [cast(str, settled[i]) for i in missing])  # refuse() ran: all settled
        kinds = [TYPE_CODES[activity_type[i]] for i in missing]
        for kind in sorted(set(kinds)):
            idx = [i for i, k in zip(missing, kinds, strict=True) if k == kind]
            mine = [s for s, k in zip(stems, kinds, strict=True) if k == kind]
            for i, code in zip(idx, allocate_codes(Activity, kind, mine, taken=[c for c in codes if c]), strict=True):
                codes[i] = code
    data = {
        "code": codes,
        "activity_type": activity_type,
        "organisation": organisations,
        "methods": methods,
        "reference_point": points,
        "country": settled,
        "start_date": start,
        "end_date": end,
        "status": status,
        "is_synthetic": [bool(v) for v in col("is_synthetic", False)],
    }
    if "id" in rows:
        data["id"] = col("id")
    for name in ("source_id", "source_attributes"):  # an import's provenance, kept as given
        if name in rows:
            data[name] = col(name)
    return Checked("activities", n, data, {"teams": teams, "hazards": hazards})


@transaction.atomic
def bulk_create_activities(
    rows: Mapping[str, Any] | Checked, *, user=None, source: str = "", reason: str = "", progress=None
) -> BulkResult:
    """Check and write many activities in one set-based write (columns as in `check_activities`, or its result).

    One `core.Batch(kind="activities")` stamped on every row and no per-row history, teams and hazards
    linked in one insert each (decision 0015).
    """
    checked = rows if isinstance(rows, Checked) else check_activities(rows)
    batch, data = columns.stamp(checked, "activities", user=user, source=source, reason=reason)
    with bulk.loading(Activity, checked.n):
        bulk.insert(Activity, data, progress=progress)
    for name, other in (("teams", "team"), ("hazards", "hazard")):
        pairs = [(a, x) for a, xs in zip(data["id"], checked.extra[name], strict=True) for x in xs]
        through = getattr(Activity, name).through
        bulk.insert(through, {"activity": [a for a, _x in pairs], other: [x for _a, x in pairs]})
    return BulkResult(batch, list(data["code"]), list(data["id"]))


def _shapely(point):
    return to_shapely(point) if point is not None and not isinstance(point, shapely.Geometry) else point


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
    status: str = "planned",
    source_id: str | None = None,
    source_attributes: dict | None = None,
    reason: str | None = None,
    historical: bool = False,
) -> Activity:
    """A planned activity of one organisation on one or more hazards, its teams assigned.

    `check_activities` on a row of one: the accreditation gate applies (the organisation and each
    team's animals accredited for every method on the start date); the reference point defaults to the
    first hazard's point on surface; the code's stem is the province of the reference point.
    `status` "completed" records work reported after it was done (an EOD spot task from the field):
    the gate applies to it too, on its start date, as the work was done under that day's accreditation.
    `historical`: work recorded in another system before SafeGround kept the accreditation register (a
    migration): done work is taken as that system recorded it, as a bulk import does (`check_activities`);
    planned and ongoing work is gated all the same."""
    check_code(code)
    if status not in GATED_STATUSES and not historical:
        gaps = accreditation_errors([organisation.pk], [list(methods)], [start_date], [[t.pk for t in teams]], [0])
        columns.refuse(gaps, single=True)
    checked = check_activities(
        {
            "organisation": [organisation.acronym],
            "activity_type": [activity_type],
            "methods": [list(methods)],
            "hazards": [[h.code for h in hazards]],
            "teams": [[t.code for t in teams]],
            "start_date": [start_date],
            "end_date": [end_date],
            "reference_point": [_shapely(reference_point)],
            "code": [code],
            "status": [status],
        },
        single=True,
    )
    row = {k: v[0] for k, v in checked.data.items()}
    activity = Activity(
        **{k: row[k] for k in ("code", "activity_type", "methods", "country", "start_date", "end_date", "status")},
        organisation=organisation,
        reference_point=to_geos(row["reference_point"], Point),
        source_id=source_id,
        source_attributes=source_attributes,
    )
    record_author(activity, user, reason)
    activity.save()
    activity.hazards.set(hazards)
    activity.teams.set(teams)
    return activity


@transaction.atomic
def bulk_record_progress(reports: list, *, user=None, source: str = "", reason: str = "") -> int:
    """Record many progress reports (unsaved `ProgressReport`s, codes set) with `record_progress`'s checks.

    Set-based: the method is the activity's, the team is on it, the date within its dates, area not
    negative, days worked above 0, the team's organisation and animals accredited that day, and each
    method's total (already reported + these rows) within the activity's hazard area. Any problem
    refuses the whole write, naming the row. One `core.Batch(kind="progress reports")` on every row and
    no per-row history (decision 0015). A report without a hazard gets its activity's only hazard.
    """
    n = len(reports)
    problems = columns.instances(ProgressReport, reports, "progress report")
    for name in _REQUIRED:
        problems += [
            BulkError(i + 1, name, "", f"progress report {r.code}: {name} is required", "required")
            for i, r in enumerate(reports)
            if getattr(r, name) in (None, "")
        ]
    activity_ids = {r.activity_id for r in reports}
    acts = {
        a.pk: a
        for a in Activity.objects.filter(pk__in=activity_ids)
        .annotate(hazard_area=Sum("hazards__area_m2"))
        .only("id", "code", "methods", "start_date", "end_date")
    }
    assigned = set(
        Activity.teams.through.objects.filter(activity_id__in=activity_ids).values_list("activity_id", "team_id")
    )
    only_hazard: dict = {}
    for activity_id, hazard in Activity.hazards.through.objects.filter(activity_id__in=activity_ids).values_list(
        "activity_id", "hazard_id"
    ):
        only_hazard[activity_id] = hazard if activity_id not in only_hazard else None
    done: dict = defaultdict(float)
    for activity_id, method, total in (
        ProgressReport.objects.filter(activity_id__in=activity_ids)
        .values_list("activity_id", "method")
        .annotate(s=Sum("area_m2"))
        .values_list("activity_id", "method", "s")
    ):
        done[(activity_id, method)] = float(total or 0)
    team_org = columns.lookup(Team, "id", [r.team_id for r in reports], "organisation_id")
    gated = []
    for i, r in enumerate(reports):
        act = acts.get(r.activity_id)
        if act is None or r.date is None or r.method in (None, "") or r.area_m2 is None:
            continue
        what = f"progress report {r.code}"
        if r.method not in act.methods:
            message = f"{what}: {act.code} uses {', '.join(act.methods) or 'no method'}, not {r.method}"
            problems.append(BulkError(i + 1, "method", r.method, message, "not_the_activitys_method"))
        if (act.pk, r.team_id) not in assigned:
            message = f"{what}: team {r.team_id} is not assigned to {act.code}"
            problems.append(BulkError(i + 1, "team", str(r.team_id), message, "not_assigned"))
        if r.date < act.start_date or (act.end_date and r.date > act.end_date):
            message = f"{what}: {r.date.isoformat()} is outside {act.code}'s dates"
            problems.append(BulkError(i + 1, "date", r.date.isoformat(), message, "outside_activity"))
        if not math.isfinite(float(r.area_m2)) or not math.isfinite(float(r.days_worked or 1)):
            problems.append(
                BulkError(i + 1, "area_m2", str(r.area_m2), f"{what}: numbers must be finite", "not finite")
            )
        elif float(r.area_m2) < 0:
            problems.append(
                BulkError(i + 1, "area_m2", str(r.area_m2), f"{what}: area_m2 cannot be negative", "negative")
            )
        if float(r.days_worked if r.days_worked is not None else 1) <= 0:
            message = f"{what}: days_worked must be more than 0"
            problems.append(BulkError(i + 1, "days_worked", str(r.days_worked), message, "not_positive"))
        if r.team_id in team_org:
            gated.append(i)
        key = (act.pk, r.method)
        done[key] += float(r.area_m2)
        limit = float(act.hazard_area or 0)
        if done[key] > limit + AREA_TOLERANCE_M2:
            message = (
                f"{what}: {act.code}: {METHODS.get(r.method, r.method)} would total {done[key]:,.0f} m², "
                f"more than its hazard area of {limit:,.0f} m²"
            )
            problems.append(BulkError(i + 1, "area_m2", str(r.area_m2), message, "exceeds_hazard_area"))
        if r.hazard_id is None:
            r.hazard_id = only_hazard.get(act.pk)
    problems += [
        BulkError(e.row, "method", e.value, f"progress report {reports[e.row - 1].code}: {e.reason}", e.kind)
        for e in accreditation_errors(
            [team_org.get(r.team_id) for r in reports],
            [[r.method] for r in reports],
            [r.date for r in reports],
            [[r.team_id] for r in reports],
            gated,
        )
    ]
    columns.refuse(problems)
    batch = Batch.objects.create(kind="progress reports", source=source[:300], reason=reason[:300], user=user, rows=n)
    for r in reports:
        r.batch = batch
    ProgressReport.objects.bulk_create(reports, batch_size=2000)
    return n


def delete_synthetic_reports() -> dict[str, int]:
    """Remove the synthetic progress reports and asset assignments with their history (the demo's rebuild,
    before the synthetic personnel and assets they name go). Set-based through `core.purge`."""
    counts: dict[str, int] = {}
    for model in (ProgressReport, ActivityAsset):
        for table, n in purge_synthetic(model).items():
            counts[table] = counts.get(table, 0) + n
    return counts


def delete_synthetic() -> dict[str, int]:
    """Remove every synthetic activity with its progress reports, asset and team links and history (the
    demo's rebuild, after the land release rows that point at activities are gone).

    The only hard delete of these tables, limited to `is_synthetic` rows: set-based through `core.purge`,
    which refuses (deleting nothing) if a real record depends on one.
    """
    counts = delete_synthetic_reports()
    for model in (Activity,):
        for table, n in purge_synthetic(model).items():
            counts[table] = counts.get(table, 0) + n
    return counts
