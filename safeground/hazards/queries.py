"""Read-side selections of hazards used by the API and the pages."""

from django.contrib.gis.db.models import GeometryField
from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce

from safeground.core.errors import ValidationFailed
from safeground.core.features import Properties
from safeground.core.geojson import parse_bbox
from safeground.hazards.models import Hazard


def shape(prefix: str = "") -> Coalesce:
    """A hazard's polygon, else its point, as one geometry expression (GeoJSON made by the database)."""
    return Coalesce(f"{prefix}geom", f"{prefix}point", output_field=GeometryField(srid=4326))


def intersecting(box, prefix: str = "") -> Q:
    """Hazards whose polygon or point meets `box` (a GEOS geometry)."""
    return Q(**{f"{prefix}geom__intersects": box}) | Q(**{f"{prefix}point__intersects": box})


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
    shape: str | None = None,
) -> QuerySet[Hazard]:
    """Hazards matching the filters, by code. `shape`: "polygon" or "point" keeps only those hazards."""
    # The admin areas are joined for their codes and names only: their polygons stay in the database
    # (reading them made a national hazard list 19 times slower on SpatiaLite).
    qs = Hazard.objects.select_related("province", "district", "commune", "reporting_organisation").defer(
        "province__geom", "district__geom", "commune__geom"
    )
    box = parse_bbox(bbox)
    if box is not None:
        qs = qs.filter(intersecting(box))
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
    if shape:
        if shape not in SHAPES:
            raise ValidationFailed(
                f"shape must be one of {', '.join(SHAPES)}; got {shape!r}", field="shape", reason="not a choice"
            )
        qs = qs.filter(**{f"{SHAPES[shape]}__isnull": False})
    return qs.order_by("code")


#: What a hazard is drawn as → the field holding it.
SHAPES = {"polygon": "geom", "point": "point"}


#: A hazard's GeoJSON properties (the API, the OGC collections and the pages share them).
hazard_properties = Properties(
    code="code",
    version="version",
    name="name",
    hazard_class="hazard_class",
    status="status",
    contamination_type="contamination_type",
    area_m2="area_m2",
    radius_m="radius_m",
    utm_epsg="utm_epsg",
    country="country",
    province_code="province__code",
    province_name="province__name",
    district_code="district__code",
    commune_code="commune__code",
    reporting_organisation="reporting_organisation__acronym",
    recorded_on="recorded_on",
    recorded_on_precision="recorded_on_precision",
    status_changed_on="status_changed_on",
    is_synthetic="is_synthetic",
    source_id="source_id",
    source_attributes="source_attributes",
)


def has_synthetic() -> bool:
    """Whether the database holds generated demo data (the pages then show the synthetic banner)."""
    return Hazard.objects.filter(is_synthetic=True).exists()
