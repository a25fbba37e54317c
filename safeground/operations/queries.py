"""Read-side selections of activities."""

from django.db.models import Q, QuerySet

from safeground.core.geojson import parse_bbox
from safeground.operations.models import Activity


def activities(
    *,
    bbox: str | None = None,
    activity_type: str | None = None,
    status: str | None = None,
    country: str | None = None,
    organisation: str | None = None,
    hazard: str | None = None,
    admin_area: str | None = None,
) -> QuerySet[Activity]:
    qs = Activity.objects.select_related("organisation").prefetch_related("teams", "hazards")
    box = parse_bbox(bbox)
    if box is not None:
        qs = qs.filter(reference_point__intersects=box)
    if activity_type:
        qs = qs.filter(activity_type=activity_type)
    if status:
        qs = qs.filter(status=status)
    if country:
        qs = qs.filter(country=country)
    if organisation:
        qs = qs.filter(organisation__acronym=organisation)
    if hazard:
        qs = qs.filter(hazards__code=hazard)
    if admin_area:
        qs = qs.filter(
            Q(hazards__province__code=admin_area)
            | Q(hazards__district__code=admin_area)
            | Q(hazards__commune__code=admin_area)
        ).distinct()
    return qs.order_by("code")


def activity_properties(a: Activity) -> dict:
    return {
        "code": a.code,
        "activity_type": a.activity_type,
        "status": a.status,
        "organisation": a.organisation.acronym,
        "teams": [t.code for t in a.teams.all()],
        "methods": a.methods,
        "hazard_codes": [h.code for h in a.hazards.all()],
        "country": a.country,
        "start_date": a.start_date.isoformat(),
        "end_date": a.end_date.isoformat() if a.end_date else None,
        "is_synthetic": a.is_synthetic,
    }
