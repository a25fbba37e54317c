"""Read-side selections of land release products and devices."""

from typing import Any

from django.db.models import Count, OuterRef, Q, QuerySet, Sum

from safeground.core.features import Derived, Properties
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


def _product_country(row) -> str:
    """The hazard's country, or for a product released outside every hazard its activity's."""
    return row["hazard__country"] if row["hazard__code"] is not None else row["activity__country"]


product_properties = Properties(
    code="code",
    version="version",
    outcome="outcome",
    hazard_code="hazard__code",  # None: released outside every hazard
    activity_code="activity__code",
    organisation="activity__organisation__acronym",
    area_m2="area_m2",
    reported_area_m2="reported_area_m2",
    clearance_depth_cm="clearance_depth_cm",
    released_on="released_on",
    devices=Derived(("device_count",), lambda row: row["device_count"] or 0),
    country=Derived(("hazard__code", "hazard__country", "activity__country"), _product_country),
    is_synthetic="is_synthetic",
)


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


device_properties = Properties(
    code="code",
    category="category",
    model="model__name",
    condition="condition",
    depth_cm="depth_cm",
    disposal="disposal",
    found_on="found_on",
    count="count",
    product_code="product__code",
    hazard_code="product__hazard__code",
    activity_code="activity__code",
    is_synthetic="is_synthetic",
)


def device_totals_by_category(qs: QuerySet[Device]) -> list[dict[str, Any]]:
    return [
        dict(r) for r in qs.values("category").annotate(items=Sum("count"), records=Count("id")).order_by("category")
    ]
