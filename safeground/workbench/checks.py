"""The checks a reviewer sees beside a submission, at the data quality report's severities.

What the services refuse is refused at submission already (services.dry_run). These are the record
rules every way in shares (landrelease.rules: a date after today, an organisation of another
country, an implausible area) and the relations the data quality report checks (`/quality/`):
overlaps with recorded hazards, a product reaching outside its hazard, devices outside their
product, a reported area far from the drawn one. A must-fix finding blocks approval unless an IM
officer overrides it with a reason (services.approve); an advisory one is for a person to look at.

The findings are computed again when the submission is shown and when it is approved: a hazard
recorded since the submission counts.
"""

from __future__ import annotations

import datetime as dt

import shapely
from django.utils.translation import gettext as _

from safeground.core.geojson import geometry_from_geojson, to_geos, to_shapely
from safeground.core.geometry import area_m2, project, unproject, utm_epsg_for
from safeground.gazetteer.queries import country_at
from safeground.hazards.models import Hazard
from safeground.landrelease import rules
from safeground.landrelease.rules import ADVISORY, MUST_FIX
from safeground.organisations.models import Organisation

DUPLICATE_SHARE = 0.8  # overlap share of the smaller polygon above which a duplicate is suspected
OVERLAP_M2, OVERLAP_SHARE = 100.0, 0.01  # an overlap both this large and this share is must-fix (/quality/)
REPORTED_AREA_TOLERANCE = 0.05  # relative gap between reported and drawn area worth a look (/quality/)
DUPLICATE_DISTANCE_M = 100.0  # two point hazards this close are likely the same spot reported twice
MIN_AREA_M2 = 1.0  # parts of a product outside its hazard smaller than this are rounding
LISTED = 10  # overlaps listed one by one; the rest are counted in one finding


def _finding(check: str, severity: str, message: str, **extra) -> dict:
    return {"check": check, "severity": severity, "message": message, **extra}


def _rule(found: rules.RuleFinding | None) -> list[dict]:
    return [_finding(found.check, found.severity, found.message)] if found is not None else []


def _geometry(payload: dict, field: str = "geometry"):
    value = payload.get(field)
    return geometry_from_geojson(value, field) if value else None


def _date(value) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def must_fix(found: list[dict]) -> list[dict]:
    return [f for f in found if f.get("severity") == MUST_FIX]


# ------------------------------------------------------------------------------------------------
# Hazards
# ------------------------------------------------------------------------------------------------


def hazard_overlaps(geom, exclude_code: str = "") -> list[dict]:
    if geom.geom_type == "Point":
        return point_neighbours(geom, exclude_code)
    found = []
    own_area = area_m2(geom)
    for code in (
        Hazard.objects.filter(point__intersects=to_geos(geom)).exclude(code=exclude_code).values_list("code", flat=True)
    ):
        message = _("holds point hazard %(code)s") % {"code": code}
        found.append(_finding("holds_point_hazard", ADVISORY, message, code=code))
    overlaps = []
    nearby = Hazard.objects.filter(geom__intersects=to_geos(geom)).exclude(code=exclude_code)
    rows = nearby.values_list("code", "geom", "ledger__remaining_geom", "ledger__hazard")
    for code, other, remaining, ledgered in rows:
        other = to_shapely(other)
        shared = geom.intersection(other)
        if shared.is_empty:
            continue
        if ledgered is not None:
            # Ground released from a hazard is no longer that hazard: a proposal over it reopens it (a
            # failed QC sample, new evidence); it does not duplicate it. Compare with what remains.
            released = shared.difference(to_shapely(remaining)) if remaining is not None else shared
            if area_m2(released) >= OVERLAP_M2:
                message = _("lies on %(area)s released from %(code)s: reopening released ground") % {
                    "code": code,
                    "area": rules.format_area(area_m2(released)),
                }
                found.append(_finding("reopens-released", ADVISORY, message, code=code))
                shared = shared.difference(released)
                if shared.is_empty or area_m2(shared) < MIN_AREA_M2:
                    continue
        shared_m2 = area_m2(shared)
        share = shared_m2 / max(min(own_area, area_m2(other)), 1e-9)
        severity = MUST_FIX if shared_m2 >= OVERLAP_M2 and share >= OVERLAP_SHARE else ADVISORY
        template = (
            _("possible duplicate of %(code)s: %(area)s shared (%(share)s of the smaller)")
            if share >= DUPLICATE_SHARE
            else _("overlaps %(code)s: %(area)s shared (%(share)s of the smaller)")
        )
        message = template % {"code": code, "area": rules.format_area(shared_m2), "share": f"{share:.0%}"}
        overlaps.append((share, _finding("hazard-overlap", severity, message, code=code)))
    overlaps.sort(key=lambda pair: (pair[1]["severity"] != MUST_FIX, -pair[0]))
    found += [f for _share, f in overlaps[:LISTED]]
    rest = [f for _share, f in overlaps[LISTED:]]
    if rest:
        severity = MUST_FIX if must_fix(rest) else ADVISORY
        message = _("other recorded hazards overlapping it: %(n)s") % {"n": len(rest)}
        found.append(_finding("hazard-overlap", severity, message, codes=[f["code"] for f in rest]))
    return found


def point_neighbours(point, exclude_code: str = "") -> list[dict]:
    """A proposed point hazard: the polygon hazards it lies in, and point hazards within
    DUPLICATE_DISTANCE_M of it (a possible duplicate of the same spot)."""
    found = []
    inside = Hazard.objects.filter(geom__intersects=to_geos(point)).exclude(code=exclude_code)
    for code in inside.values_list("code", flat=True).order_by("code"):
        found.append(_finding("overlapping_hazard", ADVISORY, _("lies inside %(code)s") % {"code": code}, code=code))
    epsg = utm_epsg_for(point)
    here = project(point, epsg)
    window = to_geos(unproject(here.buffer(DUPLICATE_DISTANCE_M).envelope, epsg))
    near = Hazard.objects.filter(point__intersects=window).exclude(code=exclude_code).order_by("code")
    for code, other in near.values_list("code", "point"):
        metres = here.distance(project(to_shapely(other), epsg))
        if metres <= DUPLICATE_DISTANCE_M:
            message = _("possible duplicate of point hazard %(code)s: %(m)s m away") % {
                "code": code,
                "m": f"{metres:,.0f}",
            }
            found.append(_finding("duplicate_hazard", ADVISORY, message, code=code))
    return found


def area_percentile(country: str | None) -> float | None:
    """The 99.9th percentile of the programme's recorded hazard areas (None below 100 hazards)."""
    if not country:
        return None
    return rules.area_percentile(
        Hazard.objects.filter(country=country, area_m2__isnull=False).values_list("area_m2", flat=True)
    )


def hazard_checks(payload: dict, target: str = "") -> list[dict]:
    current = Hazard.objects.filter(code=target).select_related("reporting_organisation").first() if target else None
    geom = _geometry(payload)
    shape = geom if geom is not None else (to_shapely(current.shape) if current is not None else None)
    country = country_at(shape) if shape is not None else None
    found: list[dict] = []
    acronym = payload.get("reporting_organisation") or (
        current.reporting_organisation.acronym if current is not None and current.reporting_organisation else None
    )
    organisation = Organisation.objects.filter(acronym=acronym).first() if acronym else None
    if organisation is not None:
        found += _rule(rules.organisation_country(organisation.acronym, organisation.country, country))
    found += _rule(rules.future_date(_date(payload.get("recorded_on")), _("recorded on")))
    if geom is not None and geom.geom_type != "Point":
        found += _rule(rules.implausible_area(area_m2(geom), area_percentile(country)))
    if geom is not None:
        found += hazard_overlaps(geom, exclude_code=target)
    return found


# ------------------------------------------------------------------------------------------------
# Products and their devices
# ------------------------------------------------------------------------------------------------


def _outside_hazard(geom, hazard: Hazard) -> list[dict]:
    """The part of the product outside its hazard: must fix where it lies outside every hazard,
    advisory where a neighbouring hazard holds it (one task across two hazards), as /quality/ says."""
    outside = geom.difference(to_shapely(hazard.geom))
    if area_m2(outside) < MIN_AREA_M2:
        return []
    others = [
        to_shapely(g)
        for g in Hazard.objects.filter(geom__intersects=to_geos(outside))
        .exclude(pk=hazard.pk)
        .values_list("geom", flat=True)
    ]
    nowhere = outside.difference(shapely.union_all(others)) if others else outside
    nowhere_m2 = area_m2(nowhere) if not nowhere.is_empty else 0.0
    if nowhere_m2 >= MIN_AREA_M2:
        message = _("%(area)s lie outside %(code)s and outside every other hazard") % {
            "area": rules.format_area(nowhere_m2),
            "code": hazard.code,
        }
        return [_finding("product-outside-hazard", MUST_FIX, message)]
    message = _("%(area)s lie outside %(code)s, in a neighbouring hazard") % {
        "area": rules.format_area(area_m2(outside)),
        "code": hazard.code,
    }
    return [_finding("product-outside-hazard", ADVISORY, message)]


def product_checks(payload: dict) -> list[dict]:
    geom = _geometry(payload)
    found = _rule(rules.future_date(_date(payload.get("released_on")), _("released on")))
    hazard = Hazard.objects.filter(code=payload.get("hazard")).first()
    if hazard is not None and hazard.geom is not None and geom is not None:  # a point hazard has no outline
        found += _outside_hazard(geom, hazard)
    reported = payload.get("reported_area_m2")
    if reported and geom is not None:
        drawn = area_m2(geom)
        if abs(drawn - reported) > REPORTED_AREA_TOLERANCE * drawn:
            message = _("reported %(reported)s, drawn %(drawn)s") % {
                "reported": rules.format_area(reported),
                "drawn": rules.format_area(drawn),
            }
            found.append(_finding("area-mismatch", ADVISORY, message))
    for i, device in enumerate(payload.get("devices") or []):
        point = geometry_from_geojson(device.get("point"), f"devices[{i}].point")
        if geom is not None and not geom.buffer(1e-6).contains(point):
            message = _("device %(n)s lies outside the product's polygon") % {"n": i + 1}
            found.append(_finding("device-outside-product", MUST_FIX, message))
        dated = rules.future_date(_date(device.get("found_on")), _("device %(n)s found on") % {"n": i + 1})
        found += _rule(dated)
    return found


def findings(kind: str, payload: dict, target: str = "") -> list[dict]:
    """Findings for a payload that passed validation (so its geometry parses), must-fix first."""
    if kind == "hazard":
        found = hazard_checks(payload, target)
    elif kind == "product" and target:  # a change: checked against the product's own hazard
        from safeground.landrelease.models import Product

        hazard = Product.objects.filter(code=target).values_list("hazard__code", flat=True).first()
        found = product_checks({"hazard": hazard, **payload})
    elif kind == "product":
        found = product_checks(payload)
    else:
        found = []
    return sorted(found, key=lambda f: f["severity"] != MUST_FIX)
