"""The activity page (/activities/<code>/): summary, map, hazards, products, devices, progress, history.

The map is drawn by static/js/map.js like the hazard page's ([data-map="hazard"] with its features in
<script id="hazard-map-data">): the activity's hazards, its products by outcome, the devices found
and the activity's reference point in the benchmark's place.
"""

from __future__ import annotations

from django.db.models import Count, F, FloatField, OuterRef, Q, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from safeground.core.access import page
from safeground.core.listing import total
from safeground.core.record_pages import HISTORY_LIMIT, collection, feature, history_rows
from safeground.landrelease.models import Device, Product
from safeground.operations.models import METHOD_CHOICES, Activity

DEVICE_LIMIT = 500  # most devices listed and drawn; the device list has them all (search by the code)


@page("operations.view_activity")
def activity_detail(request: HttpRequest, code: str) -> HttpResponse:
    """One activity and what it produced."""
    activity = get_object_or_404(Activity.objects.select_related("organisation"), code=code)
    hazards = list(
        activity.hazards.select_related("province")
        .defer("province__geom")
        .annotate(area_ha=F("area_m2") / 10_000.0)
        .order_by("code")
    )
    products = list(
        activity.products.select_related("hazard")
        .defer("hazard__geom")
        .annotate(
            area_ha=F("area_m2") / 10_000.0,
            device_items=total(Device.objects.filter(product=OuterRef("pk")), "SUM", "count"),
        )
        .order_by("released_on", "code")
    )
    device_qs = Device.objects.filter(Q(activity=activity) | Q(product__activity=activity))
    device_items = device_qs.aggregate(n=Sum("count"), records=Count("pk"))
    devices = list(device_qs.select_related("model", "product").order_by("found_on", "code")[:DEVICE_LIMIT])
    teams = list(activity.teams.order_by("code"))
    progress = list(
        activity.progress_reports.values("method")
        .annotate(area=Sum("area_m2", output_field=FloatField()), reports=Count("pk"), found=Sum("devices_found"))
        .order_by("method")
    )
    method_labels = dict(METHOD_CHOICES)
    for row in progress:
        row["label"] = _(method_labels.get(row["method"], row["method"]))
        row["area_ha"] = (row["area"] or 0) / 10_000

    features = {
        "hazard": collection(
            [feature(h.shape, code=h.code, hazard_class=h.hazard_class, status=h.status) for h in hazards]
        ),
        "benchmark": feature(activity.reference_point)["geometry"],
        "products": collection([feature(p.geom, code=p.code, outcome=p.outcome) for p in products]),
        "devices": collection([feature(d.point, code=d.code) for d in devices]),
        "context": None,
        "remaining": None,
    }
    outcome_labels = dict(Product.OUTCOME_CHOICES)
    released: dict[str, float] = {}
    for p in products:
        released[p.outcome] = released.get(p.outcome, 0.0) + p.area_m2
    released_parts = [
        {"key": key, "label": _(outcome_labels[key]), "ha": released[key] / 10_000}
        for key in ("cancelled", "reduced", "cleared")
        if key in released
    ]
    return render(
        request,
        "portal/activity_detail.html",
        {
            "activity": activity,
            "methods": [_(method_labels.get(m, m)) for m in activity.methods or []],
            "teams": teams,
            "hazards": hazards,
            "products": products,
            "released_parts": released_parts,
            "released_total_ha": sum(released.values()) / 10_000,
            "devices": devices,
            "device_records": device_items["records"] or 0,
            "device_items": device_items["n"] or 0,
            "device_limit": DEVICE_LIMIT,
            "progress": progress,
            "history": history_rows(activity),
            "history_limit": HISTORY_LIMIT,
            "map_features": features,
            "reference_label": _("Reference point"),
            "has_synthetic": activity.is_synthetic,
        },
    )
