"""Read-side selections of activities."""

from django.db.models import Q, QuerySet

from safeground.core.features import Many, Properties
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


activity_properties = Properties(
    code="code",
    activity_type="activity_type",
    status="status",
    organisation="organisation__acronym",
    teams=Many("teams"),
    methods="methods",
    hazard_codes=Many("hazards"),
    country="country",
    start_date="start_date",
    end_date="end_date",
    is_synthetic="is_synthetic",
)
