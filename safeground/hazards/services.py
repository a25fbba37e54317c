"""Every write to hazards: validation, computed area and location, history — in one transaction."""

from __future__ import annotations

import datetime as dt
from typing import Any

import shapely
from django.contrib.gis.geos import MultiPolygon, Point, Polygon
from django.db import transaction

from safeground.core.codes import next_code
from safeground.core.errors import ValidationFailed
from safeground.core.geojson import to_geos
from safeground.core.geometry import GeometryError, area_m2, utm_epsg_for, validate_point
from safeground.core.history import record_author
from safeground.gazetteer import traverse as traverse_lib
from safeground.gazetteer.coordinates import get_datum
from safeground.gazetteer.models import AdminArea
from safeground.gazetteer.queries import locate, place_polygon
from safeground.hazards.models import Hazard, Traverse
from safeground.hazards.signals import hazard_changed
from safeground.ordnance.models import OrdnanceModel
from safeground.organisations.models import Organisation

COUNTRY_PREFIX = {"KHM": "KH", "AZE": "AZ"}


def _benchmark(value: shapely.Geometry | None):
    if value is None:
        return None
    try:
        validate_point(value, "benchmark")
    except GeometryError as exc:
        raise ValidationFailed.from_geometry(exc, field="benchmark") from exc
    return to_geos(value)


def _organisation(acronym: str | None) -> Organisation | None:
    if not acronym:
        return None
    org = Organisation.objects.filter(acronym=acronym).first()
    if org is None:
        raise ValidationFailed(f"unknown organisation {acronym!r}", field="reporting_organisation")
    return org


def _models(names: list[str] | None) -> list[OrdnanceModel]:
    names = names or []
    found = {m.name: m for m in OrdnanceModel.objects.filter(name__in=names)}
    missing = [n for n in names if n not in found]
    if missing:
        raise ValidationFailed(f"unknown ordnance model(s): {', '.join(missing)}", field="suspected_models")
    return [found[n] for n in names]


def _check_choice(field: str, value: Any, choices) -> None:
    allowed = [c[0] for c in choices]
    if value not in allowed:
        raise ValidationFailed(f"{field} must be one of {', '.join(allowed)}; got {value!r}", field=field)


def apply_geometry(hazard: Hazard, geom: shapely.Geometry, country: str | None) -> None:
    """Validate the geometry and set it with everything derived from it: country, area, UTM zone, location."""
    multi, country = place_polygon(geom, country, "hazard geometry")
    where = locate([multi], country)[0]
    hazard.geom = to_geos(multi, MultiPolygon)
    hazard.country = country
    hazard.area_m2 = area_m2(multi)
    hazard.utm_epsg = utm_epsg_for(multi)
    hazard.province_id, hazard.district_id, hazard.commune_id = (
        where.province_id,
        where.district_id,
        where.commune_id,
    )


def hazard_code(hazard: Hazard) -> str:
    prefix = COUNTRY_PREFIX.get(hazard.country, hazard.country)
    if hazard.province_id:
        prefix = AdminArea.objects.values_list("code", flat=True).get(pk=hazard.province_id)
    return next_code(Hazard, prefix, "HAZ")


@transaction.atomic
def create_hazard(
    *,
    geometry: shapely.Geometry,
    hazard_class: str,
    contamination_type: str,
    recorded_on: dt.date,
    user=None,
    code: str | None = None,
    name: str = "",
    status: str = "open",
    country: str | None = None,
    benchmark: shapely.Geometry | None = None,
    reporting_organisation: str | None = None,
    suspected_models: list[str] | None = None,
) -> Hazard:
    _check_choice("hazard_class", hazard_class, Hazard.CLASS_CHOICES)
    _check_choice("status", status, Hazard.STATUS_CHOICES)
    _check_choice("contamination_type", contamination_type, Hazard._meta.get_field("contamination_type").choices)
    if code and Hazard.objects.filter(code=code).exists():
        raise ValidationFailed(f"a hazard with code {code!r} already exists", field="code")
    hazard = Hazard(
        name=name,
        hazard_class=hazard_class,
        status=status,
        contamination_type=contamination_type,
        recorded_on=recorded_on,
        status_changed_on=recorded_on,
        benchmark=_benchmark(benchmark),
        reporting_organisation=_organisation(reporting_organisation),
    )
    models = _models(suspected_models)
    apply_geometry(hazard, geometry, country)
    hazard.code = code or hazard_code(hazard)
    record_author(hazard, user)
    hazard.save()
    hazard.suspected_models.set(models)
    hazard_changed.send(sender=Hazard, hazard=hazard, old_geom=None)
    return hazard


UPDATABLE = {"name", "hazard_class", "status", "contamination_type", "recorded_on"}


@transaction.atomic
def update_hazard(hazard: Hazard, *, user=None, status_changed_on: dt.date | None = None, **changes) -> Hazard:
    """Apply a partial update. Geometry changes recompute area and location; status changes are dated."""
    unknown = set(changes) - UPDATABLE - {"geometry", "benchmark", "reporting_organisation", "suspected_models"}
    if unknown:
        raise ValidationFailed(f"cannot update field(s): {', '.join(sorted(unknown))}", field=sorted(unknown)[0])
    if "hazard_class" in changes:
        _check_choice("hazard_class", changes["hazard_class"], Hazard.CLASS_CHOICES)
    if "status" in changes:
        _check_choice("status", changes["status"], Hazard.STATUS_CHOICES)
        if changes["status"] != hazard.status:
            hazard.status_changed_on = status_changed_on or dt.date.today()
    if "contamination_type" in changes:
        _check_choice(
            "contamination_type", changes["contamination_type"], Hazard._meta.get_field("contamination_type").choices
        )
    for field in UPDATABLE & set(changes):
        setattr(hazard, field, changes[field])
    old_geom = hazard.geom.clone() if "geometry" in changes else None
    if "geometry" in changes:
        apply_geometry(hazard, changes["geometry"], hazard.country)
    if "benchmark" in changes:
        hazard.benchmark = _benchmark(changes["benchmark"])
    if "reporting_organisation" in changes:
        hazard.reporting_organisation = _organisation(changes["reporting_organisation"])
    models = _models(changes["suspected_models"]) if "suspected_models" in changes else None
    record_author(hazard, user)
    hazard.save()
    if models is not None:
        hazard.suspected_models.set(models)
    hazard_changed.send(sender=Hazard, hazard=hazard, old_geom=old_geom)
    return hazard


def save_traverse(result, *, hazard: Hazard | None = None, product=None, user=None) -> Traverse:
    """Keep a computed traverse: the chain as entered and the polygon and closure it gave."""
    start = result.start
    first_fixed = next(p for p in result.points if p.coordinate)
    benchmark = result.point("benchmark")
    reference = result.point("reference")
    traverse = Traverse(
        hazard=hazard,
        product=product,
        chain=result.chain.dump(),
        start_coordinate=first_fixed.coordinate,
        datum=get_datum(result.chain.datum).name,
        declination=result.chain.declination,
        bearing_unit=result.chain.bearing_unit,
        adjustment=result.chain.adjustment,
        polygon=to_geos(result.polygon, Polygon),
        start_point=to_geos(shapely.Point(start.lon, start.lat), Point),
        benchmark=to_geos(shapely.Point(benchmark.lon, benchmark.lat), Point) if benchmark else None,
        reference_point=to_geos(shapely.Point(reference.lon, reference.lat), Point) if reference else None,
        closure_error_m=result.closure_error_m,
        perimeter_m=result.perimeter_m,
        area_m2=result.area_m2,
        utm_epsg=result.utm_epsg,
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )
    record_author(traverse, user)
    traverse.save()
    return traverse


def compute_traverse(chain, field: str = "traverse"):
    """Compute a chain; bad input becomes a ValidationFailed naming `field` and the place in the chain."""
    try:
        return traverse_lib.compute_traverse(chain)
    except traverse_lib.TraverseError as exc:
        where = f"{field}.{exc.field}" if exc.field else field
        raise ValidationFailed(str(exc), field=where, reason=exc.reason, location=exc.location) from exc


@transaction.atomic
def create_hazard_from_traverse(*, traverse, user=None, benchmark: shapely.Geometry | None = None, **fields):
    """Create a hazard whose perimeter is computed from a bearing/distance chain; keep the chain.

    The benchmark comes from the chain's benchmark point unless one is given. A poor closure is a
    warning on the result, not a refusal. Returns (hazard, traverse row, computed result).
    """
    result = compute_traverse(traverse)
    if benchmark is None and result.point("benchmark") is not None:
        point = result.point("benchmark")
        benchmark = shapely.Point(point.lon, point.lat)
    hazard = create_hazard(geometry=result.polygon, benchmark=benchmark, user=user, **fields)
    row = save_traverse(result, hazard=hazard, user=user)
    return hazard, row, result


def create_hazard_from_input(data, *, user=None):
    """A new hazard from an input payload (`HazardIn`: the API's body, a workbench submission).

    The perimeter is `geometry` (GeoJSON) or `traverse` (a bearing/distance chain), never both.
    Returns (hazard, traverse row, traverse result); the last two are None for a GeoJSON perimeter.
    """
    from safeground.core.geojson import input_geometry

    fields = data.dict(exclude={"traverse", "geometry"})
    if fields.get("benchmark") is not None:
        fields["benchmark"] = input_geometry(fields["benchmark"], "benchmark")
    if data.traverse is not None:
        if data.geometry is not None:
            raise ValidationFailed("give either geometry or traverse, not both", field="traverse")
        return create_hazard_from_traverse(traverse=data.traverse, user=user, **fields)
    if data.geometry is None:
        raise ValidationFailed("geometry is required (GeoJSON), or a traverse instead", field="geometry")
    return create_hazard(geometry=input_geometry(data.geometry, "geometry"), user=user, **fields), None, None


def update_hazard_from_input(hazard: Hazard, changes: dict, *, user=None) -> Hazard:
    """Apply the set fields of an input payload (`HazardPatch`), its GeoJSON geometries parsed."""
    from safeground.core.geojson import input_geometry

    for field in ("geometry", "benchmark"):
        if changes.get(field) is not None:
            changes[field] = input_geometry(changes[field], field)
    return update_hazard(hazard, user=user, **changes)
