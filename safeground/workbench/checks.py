"""The automatic checks a reviewer sees beside a submission: warnings, not refusals.

What would make approval fail is refused at submission already (services.dry_run); these are the
things a person should look at: overlaps with recorded hazards (a possible duplicate; for a point
hazard, the polygons it lies in and point hazards close by), a product
reaching outside its hazard, devices outside their product, a reported area far from the drawn one.
"""

from __future__ import annotations

from safeground.core.geojson import geometry_from_geojson, to_geos, to_shapely
from safeground.core.geometry import area_m2, project, unproject, utm_epsg_for
from safeground.hazards.models import Hazard

DUPLICATE_SHARE = 0.8  # overlap share of the smaller polygon above which a duplicate is suspected
REPORTED_AREA_TOLERANCE = 0.10  # relative gap between reported and drawn area worth a look
DUPLICATE_DISTANCE_M = 100.0  # two point hazards this close are likely the same spot reported twice


def _finding(check: str, severity: str, message: str, **extra) -> dict:
    return {"check": check, "severity": severity, "message": message, **extra}


def _geometry(payload: dict, field: str = "geometry"):
    value = payload.get(field)
    return geometry_from_geojson(value, field) if value else None


def hazard_overlaps(geom, exclude_code: str = "") -> list[dict]:
    if geom.geom_type == "Point":
        return point_neighbours(geom, exclude_code)
    found = []
    own_area = area_m2(geom)
    for code in (
        Hazard.objects.filter(point__intersects=to_geos(geom)).exclude(code=exclude_code).values_list("code", flat=True)
    ):
        found.append(_finding("holds_point_hazard", "warning", f"holds point hazard {code}", code=code))
    nearby = Hazard.objects.filter(geom__intersects=to_geos(geom)).exclude(code=exclude_code)
    for code, other in nearby.values_list("code", "geom"):
        other = to_shapely(other)
        shared = geom.intersection(other)
        if shared.is_empty:
            continue
        shared_m2 = area_m2(shared)
        share = shared_m2 / max(min(own_area, area_m2(other)), 1e-9)
        duplicate = share >= DUPLICATE_SHARE
        found.append(
            _finding(
                "duplicate_hazard" if duplicate else "overlapping_hazard",
                "warning",
                f"{'possible duplicate of' if duplicate else 'overlaps'} {code}: "
                f"{shared_m2:,.0f} m² shared ({share:.0%} of the smaller)",
                code=code,
            )
        )
    return found


def point_neighbours(point, exclude_code: str = "") -> list[dict]:
    """A proposed point hazard: the polygon hazards it lies in, and point hazards within
    DUPLICATE_DISTANCE_M of it (a possible duplicate of the same spot)."""
    found = []
    inside = Hazard.objects.filter(geom__intersects=to_geos(point)).exclude(code=exclude_code)
    for code in inside.values_list("code", flat=True).order_by("code"):
        found.append(_finding("overlapping_hazard", "warning", f"lies inside {code}", code=code))
    epsg = utm_epsg_for(point)
    here = project(point, epsg)
    window = to_geos(unproject(here.buffer(DUPLICATE_DISTANCE_M).envelope, epsg))
    near = Hazard.objects.filter(point__intersects=window).exclude(code=exclude_code).order_by("code")
    for code, other in near.values_list("code", "point"):
        metres = here.distance(project(to_shapely(other), epsg))
        if metres <= DUPLICATE_DISTANCE_M:
            message = f"possible duplicate of point hazard {code}: {metres:,.0f} m away"
            found.append(_finding("duplicate_hazard", "warning", message, code=code))
    return found


def product_checks(payload: dict) -> list[dict]:
    geom = _geometry(payload)
    found = []
    hazard = Hazard.objects.filter(code=payload.get("hazard")).first()
    if hazard is not None and hazard.geom is not None and geom is not None:  # a point hazard has no outline
        outside = area_m2(geom.difference(to_shapely(hazard.geom)))
        if outside >= 1.0:
            found.append(_finding("product_outside_hazard", "warning", f"{outside:,.0f} m² lie outside {hazard.code}"))
    reported = payload.get("reported_area_m2")
    if reported and geom is not None:
        drawn = area_m2(geom)
        if abs(drawn - reported) > REPORTED_AREA_TOLERANCE * drawn:
            found.append(_finding("reported_area", "warning", f"reported {reported:,.0f} m², drawn {drawn:,.0f} m²"))
    for i, device in enumerate(payload.get("devices") or []):
        point = geometry_from_geojson(device.get("point"), f"devices[{i}].point")
        if geom is not None and not geom.buffer(1e-6).contains(point):
            found.append(
                _finding("device_outside_product", "warning", f"device {i + 1} lies outside the product's polygon")
            )
    return found


def findings(kind: str, action: str, payload: dict, target: str = "") -> list[dict]:
    """Findings for a payload that passed validation (so its geometry parses)."""
    if kind == "hazard" and payload.get("geometry"):
        return hazard_overlaps(_geometry(payload), exclude_code=target)
    if kind == "product":
        return product_checks(payload)
    return []
