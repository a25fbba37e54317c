from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema

from safeground.core.contracts import Choice, Country, Limit, Note, Offset, Ref
from safeground.core.geojson import FeatureCollectionOut, FeatureOut, detail, page
from safeground.core.history import history_entries
from safeground.core.schemas import ErrorOut, HistoryEntry
from safeground.operations import queries

router = Router(tags=["activities"])


class ActivityFilters(Schema):
    bbox: Note | None = None
    activity_type: Choice | None = None
    status: Choice | None = None
    country: Country | None = None
    organisation: Ref | None = None
    hazard: Ref | None = None
    admin_area: Ref | None = None
    limit: Limit = 1000
    offset: Offset = 0


@router.get("", response=FeatureCollectionOut, summary="List activities (GeoJSON, reference points)")
def list_activities(request, filters: Query[ActivityFilters]):
    f = filters.dict()
    limit, offset = f.pop("limit"), f.pop("offset")
    return page(
        queries.activities(**f),
        request=request,
        limit=limit,
        offset=offset,
        geom_field="reference_point",
        properties=queries.activity_properties,
    )


@router.get("/{code}", response=FeatureOut, summary="One activity")
def get_activity(request, code: str):
    return detail(
        request, queries.activities(), code, geom_field="reference_point", properties=queries.activity_properties
    )


@router.get("/{code}/history", response=list[HistoryEntry], summary="Change history of an activity")
def activity_history(request, code: str):
    return history_entries(get_object_or_404(queries.activities(), code=code))


# ---- writes: start, assign, progress ---------------------------------------------------------------

from django.db.models import Sum  # noqa: E402

from safeground.core.auth import needs  # noqa: E402
from safeground.core.errors import ValidationFailed  # noqa: E402
from safeground.operations import services  # noqa: E402
from safeground.operations.models import ProgressReport  # noqa: E402
from safeground.operations.schemas import AssignAssetIn, AssignTeamIn, ProgressIn, StartIn  # noqa: E402


def _activity(code: str):
    from safeground.operations.models import Activity

    return get_object_or_404(Activity.objects.select_related("organisation"), code=code)


def progress_dict(r: ProgressReport) -> dict:
    return {
        "code": r.code,
        "activity": r.activity.code,
        "team": r.team.code,
        "hazard": r.hazard.code if r.hazard else None,
        "period": r.period,
        "date": r.date.isoformat(),
        "method": r.method,
        "area_m2": r.area_m2,
        "days_worked": r.days_worked,
        "searchers": r.searchers,
        "hours_per_day": r.hours_per_day,
        "assets_deployed": r.assets_deployed,
        "devices_found": r.devices_found,
        "terrain": r.terrain,
        "vegetation": r.vegetation,
        "soil_metal": r.soil_metal,
        "weather": r.weather,
        "stoppage_hours": r.stoppage_hours,
        "stoppages": r.stoppages,
        "cost_usd": float(r.cost_usd) if r.cost_usd is not None else None,
    }


@router.post(
    "/{code}/start",
    response={200: dict, 403: ErrorOut, 422: ErrorOut},
    auth=needs("operations.change_activity"),
    summary="Start an activity (accreditation rule)",
)
def start(request, code: str, body: StartIn):
    a = services.start_activity(_activity(code), on=body.on)
    return {"code": a.code, "status": a.status, "start_date": a.start_date.isoformat()}


@router.post(
    "/{code}/teams",
    response={200: dict, 403: ErrorOut, 422: ErrorOut},
    auth=needs("operations.change_activity"),
    summary="Assign a team (accreditation rule)",
)
def assign_team(request, code: str, body: AssignTeamIn):
    from safeground.organisations.models import Team

    act = _activity(code)
    team = Team.objects.filter(code=body.team).select_related("organisation").first()
    if team is None:
        raise ValidationFailed(f"no team {body.team!r}", field="team", reason="unknown")
    services.assign_team(act, team, body.on)
    return {"code": act.code, "teams": sorted(act.teams.values_list("code", flat=True))}


@router.post(
    "/{code}/assets",
    response={200: dict, 403: ErrorOut, 422: ErrorOut},
    auth=needs("operations.change_activity"),
    summary="Assign a dog, rat or machine (accreditation rule)",
)
def assign_asset(request, code: str, body: AssignAssetIn):
    from safeground.organisations.models import Asset

    act = _activity(code)
    asset = Asset.objects.filter(identifier=body.asset).select_related("team__organisation").first()
    if asset is None:
        raise ValidationFailed(f"no asset {body.asset!r}", field="asset", reason="unknown")
    services.assign_asset(act, asset, body.on)
    return {"code": act.code, "assets": sorted(act.asset_assignments.values_list("asset__identifier", flat=True))}


@router.get(
    "/{code}/progress-reports", response=dict, summary="Progress reports of an activity and the totals per method"
)
def list_progress(request, code: str):
    act = _activity(code)
    rows = act.progress_reports.select_related("activity", "team", "hazard").order_by("date", "code")
    return {
        "activity": act.code,
        "hazard_area_m2": services.hazard_area_m2(act),
        "totals_m2": services.method_totals(act),
        "devices_found": act.progress_reports.aggregate(n=Sum("devices_found"))["n"] or 0,
        "items": [progress_dict(r) for r in rows],
    }


@router.post(
    "/{code}/progress-reports",
    response={201: dict, 403: ErrorOut, 422: ErrorOut},
    auth=needs("operations.add_progressreport"),
    summary="Record a daily or weekly progress report",
)
def create_progress(request, code: str, body: ProgressIn):
    from safeground.organisations.models import Team

    act = _activity(code)
    data = body.dict()
    team = Team.objects.filter(code=data.pop("team")).select_related("organisation").first()
    if team is None:
        raise ValidationFailed(f"no team {body.team!r}", field="team", reason="unknown")
    hazard_code = data.pop("hazard")
    if hazard_code:
        data["hazard"] = act.hazards.filter(code=hazard_code).first()
        if data["hazard"] is None:
            raise ValidationFailed(
                f"{hazard_code} is not one of {act.code}'s hazards", field="hazard", reason="unknown"
            )
    report = services.record_progress(act, team, user=request.user, **data)
    return 201, progress_dict(report)
