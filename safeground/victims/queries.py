"""Read side of accidents and victims: selections, pseudonymised rows and casualty statistics.

Nothing here decrypts: personal data is read only through victims.services (audited). Statistics
are counted in SQL and passed through small-cell suppression (victims.disclosure) before anyone sees them.
"""

from __future__ import annotations

import math

import shapely
from django.contrib.gis.geos import Polygon
from django.db.models import Count, F, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce, ExtractYear

from safeground.core.errors import ValidationFailed
from safeground.core.features import Derived, Properties
from safeground.core.geojson import parse_bbox
from safeground.core.geometry import project, utm_epsg_for
from safeground.gazetteer.models import AdminArea
from safeground.hazards.queries import admin_area_filter, intersecting
from safeground.victims import disclosure
from safeground.victims.models import NEED_CHOICES, Accident, Referral, Victim

RELATED_GEOMETRY = (
    "province__geom",
    "district__geom",
    "hazard__geom",
    "hazard__benchmark",
    "product__geom",
    "activity__reference_point",
)
#: Statistics dimensions: name → (ORM expression on Victim, label).
DIMENSIONS = {
    "year": (ExtractYear("accident__occurred_on"), "Year"),
    "country": (F("accident__country"), "Country"),
    "province": (F("accident__province__code"), "Province"),
    "sex": (F("sex"), "Sex"),
    "age_group": (F("age_group"), "Age group"),
    "victim_type": (F("victim_type"), "Civilian, deminer or military"),
    "outcome": (F("outcome"), "Killed or injured"),
    "device_category": (F("accident__device_category"), "Device category"),
    "accident_type": (F("accident__accident_type"), "Accident type"),
    "amputation": (F("amputation"), "Amputation"),
}


def accidents(
    *,
    bbox: str | None = None,
    country: str | None = None,
    year: int | None = None,
    admin_area: str | None = None,
    accident_type: str | None = None,
    device_category: str | None = None,
    hazard: str | None = None,
    evidence_status: str | None = None,
    organisation: str | None = None,
) -> QuerySet[Accident]:
    people = Victim.objects.filter(accident=OuterRef("pk")).order_by().values("accident").annotate(n=Count("id"))
    qs = (
        Accident.objects.select_related(
            "province", "district", "hazard", "product", "device_model", "organisation", "activity"
        )
        # Related records' geometries are never shown here; province outlines are large.
        .defer(*RELATED_GEOMETRY)
        .annotate(casualties=Coalesce(Subquery(people.values("n")), 0))
    )
    box = parse_bbox(bbox)
    if box is not None:
        qs = qs.filter(point__intersects=box)
    if country:
        qs = qs.filter(country=country)
    if year:
        qs = qs.filter(occurred_on__year=year)
    if admin_area:
        qs = qs.filter(admin_area_filter("", admin_area))
    if accident_type:
        qs = qs.filter(accident_type=accident_type)
    if device_category:
        qs = qs.filter(device_category=device_category)
    if hazard:
        qs = qs.filter(hazard__code=hazard)
    if evidence_status:
        qs = qs.filter(evidence_status=evidence_status)
    if organisation:
        qs = qs.filter(organisation__acronym=organisation)
    return qs.order_by("-occurred_on", "code")


def _reported(prefix: str):
    def total(row) -> int:
        return sum(n for k, n in (row["reported_casualties"] or {}).items() if k.startswith(prefix))

    return Derived(("reported_casualties",), total)


#: An accident without its casualties' identities: the count of people only.
accident_properties = Properties(
    code="code",
    occurred_on="occurred_on",
    occurred_on_precision="occurred_on_precision",
    occurred_time=Derived(
        ("occurred_time",),
        lambda row: row["occurred_time"].isoformat(timespec="minutes") if row["occurred_time"] else None,
    ),
    country="country",
    province_code="province__code",
    province_name="province__name",
    district_code="district__code",
    accident_type="accident_type",
    device_category="device_category",
    device_model="device_model__name",
    hazard="hazard__code",
    evidence_status="evidence_status",
    product="product__code",
    residual_contamination=Derived(("product_id",), lambda row: row["product_id"] is not None),
    activity="activity__code",
    organisation="organisation__acronym",
    casualties="casualties",
    victim_activity="victim_activity",
    reported_casualties="reported_casualties",
    reported_killed=_reported("killed_"),
    reported_injured=_reported("injured_"),
    is_synthetic="is_synthetic",
)


def nearest_hazards(accident: Accident, limit: int = 3, within_m: float = 2000.0) -> list[dict]:
    """Hazards within `within_m` of an accident, nearest first, measured in the local UTM zone
    (a hint for the person deciding a proposal)."""
    from safeground.hazards.models import Hazard

    point = shapely.from_wkb(bytes(accident.point.wkb))
    epsg = utm_epsg_for(point)
    pad = within_m / 111_320 / max(math.cos(math.radians(abs(point.y))), 0.2)
    box = Polygon.from_bbox((point.x - pad, point.y - pad, point.x + pad, point.y + pad))
    local = project(point, epsg)
    found = []
    nearby = Hazard.objects.filter(intersecting(box)).values_list("code", "status", "geom", "point")
    for code, status, geom, spot in nearby:  # a point hazard: the distance to its point
        shape = geom if geom is not None else spot
        if shape is None:
            continue
        metres = float(local.distance(project(shapely.from_wkb(bytes(shape.wkb)), epsg)))
        if metres <= within_m:
            found.append({"code": code, "status": status, "distance_m": round(metres, 1)})
    return sorted(found, key=lambda r: (r["distance_m"], r["code"]))[:limit]


def victims(
    *,
    country: str | None = None,
    year: int | None = None,
    admin_area: str | None = None,
    outcome: str | None = None,
    victim_type: str | None = None,
    accident: str | None = None,
) -> QuerySet[Victim]:
    qs = Victim.objects.select_related("accident", "accident__province").defer(
        "accident__province__geom", "accident__point"
    )
    if country:
        qs = qs.filter(accident__country=country)
    if year:
        qs = qs.filter(accident__occurred_on__year=year)
    if admin_area:
        qs = qs.filter(admin_area_filter("accident__", admin_area))
    if outcome:
        qs = qs.filter(outcome=outcome)
    if victim_type:
        qs = qs.filter(victim_type=victim_type)
    if accident:
        qs = qs.filter(accident__code=accident)
    return qs.order_by("-accident__occurred_on", "code")


def victim_properties(v: Victim) -> dict:
    """The pseudonymised record: no name, no date of birth, no address, no notes."""
    a = v.accident
    return {
        "code": v.code,
        "version": v.version,
        "accident": a.code,
        "year": a.occurred_on.year,
        "country": a.country,
        "province_code": a.province.code if a.province else None,
        "province_name": a.province.name if a.province else None,
        "sex": v.sex,
        "age_group": v.age_group,
        "outcome": v.outcome,
        "injuries": v.injuries,
        "amputation": v.amputation,
        "victim_type": v.victim_type,
        "activity": v.activity,
        "device_tampered": v.device_tampered,
        "device_category": a.device_category,
        "needs": v.needs,
        "personal_data_erased": v.erased_at is not None,
        "is_synthetic": v.is_synthetic,
    }


def parse_dimensions(by: str | None, default: str = "year") -> list[str]:
    dims = [d.strip() for d in (by or default).split(",") if d.strip()]
    unknown = [d for d in dims if d not in DIMENSIONS]
    if unknown or not 1 <= len(dims) <= 2 or len(set(dims)) != len(dims):
        raise ValidationFailed(
            f"by must name one or two different dimensions of: {', '.join(DIMENSIONS)}; got {by!r}",
            field="by",
        )
    return dims


def casualty_table(
    by: list[str], *, country: str | None = None, year: int | None = None, admin_area: str | None = None
) -> disclosure.Table:
    """Casualties counted by one or two dimensions, with counts under 5 suppressed."""
    qs = victims(country=country, year=year, admin_area=admin_area).order_by()
    annotations = {f"d{i}": DIMENSIONS[d][0] for i, d in enumerate(by)}
    rows = qs.annotate(**annotations).values(*annotations).annotate(n=Count("id")).order_by(*annotations)
    counts = {tuple(r[f"d{i}"] for i in range(len(by))): r["n"] for r in rows}
    return disclosure.suppress(by, counts)


def province_names(codes) -> dict[str, str]:
    return dict(AdminArea.objects.filter(level=1, code__in=[c for c in codes if c]).values_list("code", "name"))


def assistance_table(*, country: str | None = None) -> dict[str, disclosure.Table]:
    """Survivors' needs and referral outcomes, counted and suppressed like the casualty tables."""
    survivors = victims(country=country).filter(outcome="injured").order_by()
    needs: dict[tuple, int] = {}
    for values in survivors.values_list("needs", flat=True):
        for need in values or []:
            needs[(need,)] = needs.get((need,), 0) + 1
    referrals = Referral.objects.filter(victim__in=survivors.values("pk")).order_by()
    by_status = {(r["need"], r["status"]): r["n"] for r in referrals.values("need", "status").annotate(n=Count("id"))}
    order = [n for n, _label in NEED_CHOICES]
    return {
        "needs": disclosure.suppress(["need"], dict(sorted(needs.items(), key=lambda kv: order.index(kv[0][0])))),
        "referrals": disclosure.suppress(["need", "status"], by_status),
    }
