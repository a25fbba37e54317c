"""Read-side selections of hazards used by the API and the pages."""

from django.db.models import Q, QuerySet

from safeground.core.geojson import parse_bbox
from safeground.hazards.models import Hazard


def admin_area_filter(prefix: str, code: str) -> Q:
    """Records whose province, district or commune has this code."""
    return (
        Q(**{f"{prefix}province__code": code})
        | Q(**{f"{prefix}district__code": code})
        | Q(**{f"{prefix}commune__code": code})
    )


def hazards(
    *,
    bbox: str | None = None,
    hazard_class: str | None = None,
    status: str | None = None,
    country: str | None = None,
    admin_area: str | None = None,
    organisation: str | None = None,
    contamination_type: str | None = None,
) -> QuerySet[Hazard]:
    # The admin areas are joined for their codes and names only: their polygons stay in the database
    # (reading them made a national hazard list 19 times slower on SpatiaLite).
    qs = Hazard.objects.select_related("province", "district", "commune", "reporting_organisation").defer(
        "province__geom", "district__geom", "commune__geom"
    )
    box = parse_bbox(bbox)
    if box is not None:
        qs = qs.filter(geom__intersects=box)
    if hazard_class:
        qs = qs.filter(hazard_class=hazard_class)
    if status:
        qs = qs.filter(status=status)
    if country:
        qs = qs.filter(country=country)
    if admin_area:
        qs = qs.filter(admin_area_filter("", admin_area))
    if organisation:
        qs = qs.filter(reporting_organisation__acronym=organisation)
    if contamination_type:
        qs = qs.filter(contamination_type=contamination_type)
    return qs.order_by("code")


def hazard_properties(h: Hazard) -> dict:
    return {
        "code": h.code,
        "name": h.name,
        "hazard_class": h.hazard_class,
        "status": h.status,
        "contamination_type": h.contamination_type,
        "area_m2": h.area_m2,
        "utm_epsg": h.utm_epsg,
        "country": h.country,
        "province_code": h.province.code if h.province else None,
        "province_name": h.province.name if h.province else None,
        "district_code": h.district.code if h.district else None,
        "commune_code": h.commune.code if h.commune else None,
        "reporting_organisation": h.reporting_organisation.acronym if h.reporting_organisation else None,
        "recorded_on": h.recorded_on.isoformat(),
        "status_changed_on": h.status_changed_on.isoformat() if h.status_changed_on else None,
        "is_synthetic": h.is_synthetic,
    }


def has_synthetic() -> bool:
    """Whether the database holds generated demo data (the pages then show the synthetic banner)."""
    return Hazard.objects.filter(is_synthetic=True).exists()
