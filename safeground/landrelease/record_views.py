"""The product page (/products/<code>/): summary, map, ledger credit, devices found, history.

The map is drawn by static/js/map.js like the hazard page's ([data-map="hazard"], features in
<script id="hazard-map-data">): the product's hazard (none for a product released outside every
hazard), the product coloured by outcome, its devices.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from safeground.core.access import page
from safeground.core.record_pages import HISTORY_LIMIT, collection, feature, history_rows
from safeground.gazetteer.queries import admin_level_labels
from safeground.landrelease.models import Product, ProductRelease


@page("landrelease.view_product")
def product_detail(request: HttpRequest, code: str) -> HttpResponse:
    """One land release product with the devices found on it."""
    product = get_object_or_404(
        Product.objects.select_related("hazard__province", "activity__organisation").defer(
            "hazard__province__geom", "activity__reference_point"
        ),
        code=code,
    )
    hazard = product.hazard
    devices = list(product.devices.select_related("model", "activity").order_by("found_on", "code"))
    credits = list(ProductRelease.objects.filter(product=product).select_related("hazard").order_by("hazard__code"))
    credited_m2 = sum(c.released_m2 for c in credits)
    by_category: dict[str, dict] = {}
    for d in devices:
        row = by_category.setdefault(d.category, {"label": _(d.get_category_display()), "records": 0, "items": 0})
        row["records"] += 1
        row["items"] += d.count
    features = {  # no hazard: a product released outside every hazard, drawn alone
        "hazard": (
            feature(hazard.shape, code=hazard.code, hazard_class=hazard.hazard_class, status=hazard.status)
            if hazard
            else None
        ),
        "benchmark": None,
        "products": collection([feature(product.geom, code=product.code, outcome=product.outcome)]),
        "devices": collection([feature(d.point, code=d.code) for d in devices]),
        "context": None,
        "remaining": None,
    }
    return render(
        request,
        "landrelease/product_detail.html",
        {
            "product": product,
            "hazard": hazard,
            "levels": admin_level_labels(hazard.country if hazard else product.activity.country),
            "area_ha": product.area_m2 / 10_000,
            "reported_ha": product.reported_area_m2 / 10_000 if product.reported_area_m2 is not None else None,
            "reported_diff_pct": (
                100 * (product.reported_area_m2 - product.area_m2) / product.area_m2
                if product.reported_area_m2 and product.area_m2
                else None
            ),
            "credits": credits,
            "credited_m2": credited_m2,
            "credited_ha": credited_m2 / 10_000,
            "devices": devices,
            "device_items": sum(d.count for d in devices),
            "by_category": sorted(by_category.values(), key=lambda r: -r["items"]),
            "history": history_rows(product),
            "history_limit": HISTORY_LIMIT,
            "map_features": features,
            "has_synthetic": product.is_synthetic,
            "attachment_parts": [(f"{_('Device')} {d.code}", d) for d in devices],
        },
    )
