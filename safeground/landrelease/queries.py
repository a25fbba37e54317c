"""Read-side selections of land release products and devices."""

from typing import Any

from django.db.models import Count, OuterRef, Q, QuerySet, Sum

from safeground.core.geojson import parse_bbox
from safeground.core.listing import total
from safeground.hazards.queries import admin_area_filter
from safeground.landrelease.models import Device, Product


def in_country(country: str, prefix: str = "") -> Q:
    """Products (or, with `prefix` "product__", what points at one) of a country: their hazard's, or
    for a product outside every hazard (no hazard), their activity's."""
    return Q(**{f"{prefix}hazard__country": country}) | Q(
        **{f"{prefix}hazard__isnull": True, f"{prefix}activity__country": country}
    )


def products(
    *,
    bbox: str | None = None,
    outcome: str | None = None,
    country: str | None = None,
    hazard: str | None = None,
    activity: str | None = None,
    organisation: str | None = None,
    admin_area: str | None = None,
    outside_hazards: bool | None = None,
) -> QuerySet[Product]:
    """Products matching the filters; `outside_hazards` True: only those filed under no hazard."""
    qs = (
        Product.objects.select_related("hazard", "activity__organisation")
        .defer("hazard__geom", "hazard__benchmark", "activity__reference_point")
        # A correlated subquery, not a join and GROUP BY: a page of 50 sums its own devices only.
        .annotate(device_count=total(Device.objects.filter(product=OuterRef("pk")), "SUM", "count"))
    )
    box = parse_bbox(bbox)
    if box is not None:
        qs = qs.filter(geom__intersects=box)
    if outcome:
        qs = qs.filter(outcome=outcome)
    if country:
        qs = qs.filter(in_country(country))
    if hazard:
        qs = qs.filter(hazard__code=hazard)
    if outside_hazards is not None:
        qs = qs.filter(hazard__isnull=outside_hazards)
    if activity:
        qs = qs.filter(activity__code=activity)
    if organisation:
        qs = qs.filter(activity__organisation__acronym=organisation)
    if admin_area:
        qs = qs.filter(admin_area_filter("hazard__", admin_area))
    return qs.order_by("code")


def product_properties(p: Product) -> dict:
    return {
        "code": p.code,
        "version": p.version,
        "outcome": p.outcome,
        "hazard_code": p.hazard.code if p.hazard else None,  # None: released outside every hazard
        "activity_code": p.activity.code,
        "organisation": p.activity.organisation.acronym,
        "area_m2": p.area_m2,
        "reported_area_m2": p.reported_area_m2,
        "clearance_depth_cm": p.clearance_depth_cm,
        "released_on": p.released_on.isoformat(),
        "devices": getattr(p, "device_count", None) or 0,
        "country": p.hazard.country if p.hazard else p.activity.country,
        "is_synthetic": p.is_synthetic,
    }


def devices(
    *,
    bbox: str | None = None,
    category: str | None = None,
    country: str | None = None,
    product: str | None = None,
    activity: str | None = None,
    hazard: str | None = None,
    model: str | None = None,
    organisation: str | None = None,
) -> QuerySet[Device]:
    qs = Device.objects.select_related("product__hazard", "activity__organisation", "model").defer(
        "product__geom", "product__hazard__geom", "product__hazard__benchmark", "activity__reference_point"
    )
    box = parse_bbox(bbox)
    if box is not None:
        qs = qs.filter(point__intersects=box)
    if category:
        qs = qs.filter(category=category)
    if country:
        qs = qs.filter(Q(product__hazard__country=country) | Q(activity__country=country))
    if product:
        qs = qs.filter(product__code=product)
    if activity:
        qs = qs.filter(activity__code=activity)
    if hazard:
        qs = qs.filter(product__hazard__code=hazard)
    if model:
        qs = qs.filter(model__name=model)
    if organisation:
        qs = qs.filter(
            Q(product__activity__organisation__acronym=organisation) | Q(activity__organisation__acronym=organisation)
        )
    return qs.order_by("code")


def device_properties(d: Device) -> dict:
    return {
        "code": d.code,
        "category": d.category,
        "model": d.model.name if d.model else None,
        "condition": d.condition,
        "depth_cm": d.depth_cm,
        "disposal": d.disposal,
        "found_on": d.found_on.isoformat(),
        "count": d.count,
        "product_code": d.product.code if d.product else None,
        "hazard_code": d.product.hazard.code if d.product and d.product.hazard else None,
        "activity_code": d.activity.code if d.activity else None,
        "is_synthetic": d.is_synthetic,
    }


def device_totals_by_category(qs: QuerySet[Device]) -> list[dict[str, Any]]:
    return [
        dict(r) for r in qs.values("category").annotate(items=Sum("count"), records=Count("id")).order_by("category")
    ]
