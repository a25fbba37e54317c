"""The hazard page (/hazards/<code>/): summary, a small map, the land release ledger card, evidence,
beneficiaries, activities, products, devices and history.

It shows rows of hazards, operations and land release, so it lives in the top layer; the ledger card's
context and markup come from `safeground.landrelease.panels`. The page is rendered from the database and
embeds its own geometry, so it works without the API.
"""

from __future__ import annotations

import json

import shapely
from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from safeground.core import record_pages
from safeground.core.access import page
from safeground.core.geojson import to_shapely
from safeground.core.geometry import project, unproject
from safeground.gazetteer.models import AdminArea
from safeground.gazetteer.queries import country_and_levels
from safeground.hazards.models import Hazard
from safeground.hazards.queries import has_synthetic
from safeground.landrelease import panels
from safeground.landrelease.models import Device

HISTORY_LIMIT = 100
# Simplification (degrees), by admin level, of the outline drawn behind a hazard on its page.
CONTEXT_SIMPLIFY = {1: 0.001, 2: 0.0005, 3: 0.0002}


@page("hazards.view_hazard")
def hazard_detail(request: HttpRequest, code: str) -> HttpResponse:
    """One hazard: summary, a small map, evidence, beneficiaries, activities, products, devices, history."""
    hazard = get_object_or_404(
        Hazard.objects.select_related("province", "district", "commune", "reporting_organisation", "ledger").defer(
            "province__geom", "district__geom"
        ),
        code=code,
    )
    suspected_models = [m.name for m in hazard.suspected_models.all()]
    evidence = list(hazard.evidence.all())
    beneficiaries = list(hazard.beneficiaries.all())
    activities = list(hazard.activities.select_related("organisation").order_by("start_date", "code"))
    products = list(
        hazard.products.select_related("activity")
        .annotate(device_items=Coalesce(Sum("devices__count"), 0))
        .order_by("released_on", "code")
    )
    devices = list(
        Device.objects.filter(product__hazard=hazard)
        .select_related("product", "activity", "model")
        .order_by("found_on", "code")
    )
    history = record_pages.history_rows(hazard, HISTORY_LIMIT)
    ledger = panels.ledger_panel(hazard, evidence, products)

    features = {
        "hazard": {
            "type": "Feature",
            "geometry": json.loads(hazard.shape.geojson),
            "properties": {
                "code": hazard.code,
                "hazard_class": hazard.hazard_class,
                "status": hazard.status,
                "radius_m": hazard.radius_m,
            },
        },
        "radius": _radius_ring(hazard),
        "benchmark": json.loads(hazard.benchmark.geojson) if hazard.benchmark else None,
        "products": {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "geometry": json.loads(p.geom.geojson),
                    "properties": {"code": p.code, "outcome": p.outcome},
                }
                for p in products
            ],
        },
        "devices": {
            "type": "FeatureCollection",
            "features": [
                {"type": "Feature", "geometry": json.loads(d.point.geojson), "properties": {"code": d.code}}
                for d in devices
            ],
        },
        "context": None,
        "remaining": panels.remaining_feature(hazard, ledger["row"]),
    }
    context_area = _context_area(hazard)
    if context_area is not None:
        tolerance = CONTEXT_SIMPLIFY.get(context_area.level, 0.001)
        features["context"] = {
            "type": "Feature",
            "geometry": json.loads(context_area.geom.simplify(tolerance, preserve_topology=True).geojson),
            "properties": {"code": context_area.code, "name": context_area.name, "level": context_area.level},
        }

    country, levels = country_and_levels(hazard.country)
    return render(
        request,
        "portal/hazard_detail.html",
        {
            "hazard": hazard,
            "can_propose": can_propose_change(request.user, hazard),
            "country_name": country,
            "levels": levels,
            "suspected_models": suspected_models,
            "area_ha": hazard.area_m2 / 10_000,
            "evidence": evidence,
            "beneficiaries": beneficiaries,
            "people_total": sum(b.people for b in beneficiaries),
            "activities": activities,
            "products": products,
            "devices": devices,
            "device_items": sum(d.count for d in devices),
            "history": history,
            "history_limit": HISTORY_LIMIT,
            "map_features": features,
            "context_area": context_area,
            "ledger": ledger,
            "has_synthetic": hazard.is_synthetic or has_synthetic(),
            "attachment_parts": [
                (f"{_('Evidence')} {i}: {_(e.get_evidence_type_display())}", e) for i, e in enumerate(evidence, 1)
            ],
        },
    )


def _radius_ring(hazard: Hazard) -> dict | None:
    """A point hazard's declared radius as a circle (drawn in its UTM zone) for the map, or None.

    Only drawn, never measured into the ledger: the radius is what was declared, not surveyed ground."""
    if hazard.point is None or not hazard.radius_m:
        return None
    point = to_shapely(hazard.point)
    ring = unproject(project(point, hazard.utm_epsg).buffer(hazard.radius_m, quad_segs=16), hazard.utm_epsg)
    geometry = json.loads(shapely.to_geojson(ring))
    return {"type": "Feature", "geometry": geometry, "properties": {"radius_m": hazard.radius_m}}


def _context_area(hazard: Hazard) -> AdminArea | None:
    """The smallest admin area the hazard lies in (commune, else district, else province), with its outline.

    The commune's geometry came with the hazard; a district's or province's costs one more query.
    """
    if hazard.commune is not None:
        return hazard.commune
    area = hazard.district or hazard.province
    if area is None:
        return None
    return AdminArea.objects.only("code", "name", "level", "geom").get(pk=area.pk)


def can_propose_change(user, hazard) -> bool:
    """Offer "Propose a change" only where the workbench will take it: an account that may submit, and,
    for an operator, only on the hazards its own organisations reported (the others are refused at submit)."""
    from safeground.organisations.roles import is_scoped, organisation_ids

    if not user.has_perm("workbench.add_submission"):
        return False
    return not is_scoped(user) or hazard.reporting_organisation_id in set(organisation_ids(user))
