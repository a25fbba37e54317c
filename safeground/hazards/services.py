"""Every write to hazards: validation, computed area and location, history — in one transaction."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Mapping, Sequence
from typing import Any

import shapely
from django.contrib.gis.geos import MultiPolygon, Point, Polygon
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from safeground.core import bulk, columns, versions
from safeground.core.codes import allocate_codes, next_code
from safeground.core.columns import BulkResult, Checked
from safeground.core.contracts import check_code
from safeground.core.dates import PRECISION_CHOICES
from safeground.core.errors import BulkError, ValidationFailed
from safeground.core.geojson import to_geos, to_shapely
from safeground.core.geometry import GeometryError, areas_m2, utm_epsg_for, validate_point
from safeground.core.history import record_author
from safeground.core.purge import purge, purge_synthetic
from safeground.gazetteer import traverse as traverse_lib
from safeground.gazetteer.coordinates import get_datum
from safeground.gazetteer.queries import (
    Location,
    code_stems,
    locate_all,
    place_points,
    place_polygons,
    radius_area_countries,
)
from safeground.hazards.models import MAX_RADIUS_M, Beneficiary, Evidence, Hazard, Traverse
from safeground.hazards.signals import hazard_changed
from safeground.ordnance.models import OrdnanceModel
from safeground.organisations.models import Organisation

CONTAMINATION = Hazard._meta.get_field("contamination_type").choices


# ------------------------------------------------------------------------------------------------
# The rules over whole columns (a single write checks columns of one row)
# ------------------------------------------------------------------------------------------------


def _points(values: list, field: str = "benchmark") -> list[BulkError]:
    errors = []
    for i, value in enumerate(values):
        if value is None:
            continue
        try:
            validate_point(value, field)
        except GeometryError as exc:
            errors.append(BulkError(i + 1, field, exc.reason, str(exc), exc.reason, exc.location))
    return errors


def _organisations(acronyms: list) -> tuple[list, list[BulkError]]:
    """Reporting organisations by acronym (one query): their ids, and the unknown ones refused."""
    found = columns.lookup(Organisation, "acronym", acronyms, "id")
    errors = [
        BulkError(i + 1, "reporting_organisation", a, f"unknown organisation {a!r}", "unknown")
        for i, a in enumerate(acronyms)
        if a and a not in found
    ]
    return [found.get(a) if a else None for a in acronyms], errors


def _ordnance_models(names: list) -> tuple[list[list], list[BulkError]]:
    """Suspected ordnance models by name (one query): their ids per row, and the unknown ones refused."""
    names = [list(ns or []) for ns in names]
    found = columns.lookup(OrdnanceModel, "name", [n for ns in names for n in ns], "id")
    errors = []
    for i, ns in enumerate(names):
        missing = [n for n in ns if n not in found]
        if missing:
            message = f"unknown ordnance model(s): {', '.join(missing)}"
            errors.append(BulkError(i + 1, "suspected_models", ", ".join(missing), message, "unknown"))
    return [[found[n] for n in ns if n in found] for ns in names], errors


WHAT = "hazard geometry"
POLYGONAL = ("Polygon", "MultiPolygon")


def _is_point(geom) -> bool:
    return geom is not None and getattr(geom, "geom_type", None) == "Point" and not geom.is_empty


def _radii(values: list, points: list[bool]) -> list[BulkError]:
    """A declared radius is a number of metres, 0 < r ≤ MAX_RADIUS_M, and only a point hazard has one."""
    from django.utils.translation import gettext as _

    errors = []
    for i, (r, point) in enumerate(zip(values, points, strict=True)):
        if r is None:
            continue
        if isinstance(r, bool) or not isinstance(r, (int, float)) or not math.isfinite(r):
            message = _("radius_m must be a number of metres; got %(value)r") % {"value": r}
            errors.append(BulkError(i + 1, "radius_m", str(r), message, "not a number"))
        elif not 0 < r <= MAX_RADIUS_M:
            message = _("radius_m must be more than 0 and at most %(most)s m; got %(value)s") % {
                "most": f"{MAX_RADIUS_M:,.0f}",
                "value": r,
            }
            errors.append(BulkError(i + 1, "radius_m", str(r), message, "out of range"))
        elif not point:
            message = _("radius_m is only for a point hazard; a polygon's area is measured")
            errors.append(BulkError(i + 1, "radius_m", str(r), message, "not a point"))
    return errors


def _renumbered(errors: list[BulkError], rows: list[int]) -> list[BulkError]:
    """Errors of a subset of the rows, numbered as rows of the whole input."""
    return [dataclasses.replace(e, row=rows[e.row - 1] + 1) for e in errors]


def _placed(geometries: list, countries: list, radii: list) -> tuple[dict, list, list[BulkError]]:
    """Validate each hazard's polygon or point (with its radius) and derive what they decide: country,
    admin areas, area and UTM zone, by the same country rule whatever the shape.

    A point hazard's area is π r² of its declared radius where its programme counts one as estimated
    area (`Programme.point_radius_area`), else 0: no invented area."""
    from django.utils.translation import gettext as _

    n = len(geometries)
    points = [_is_point(g) for g in geometries]
    errors = _radii(radii, points)
    polygons: list[int] = []
    for i, g in enumerate(geometries):
        if points[i]:
            continue
        kind = getattr(g, "geom_type", None)
        if g is not None and kind is not None and kind not in POLYGONAL and not g.is_empty:
            message = _("%(what)s must be a Polygon, MultiPolygon or Point, not %(kind)s") % {
                "what": WHAT,
                "kind": kind,
            }
            errors.append(BulkError(i + 1, "geometry", kind, message, "type"))
        else:
            polygons.append(i)
    at = [i for i in range(n) if points[i]]
    multis, settled_p, more = place_polygons([geometries[i] for i in polygons], [countries[i] for i in polygons], WHAT)
    spots, settled_q, more2 = place_points([geometries[i] for i in at], [countries[i] for i in at], WHAT)
    errors += _renumbered(more, polygons) + _renumbered(more2, at)
    if errors:
        return {}, [], errors
    geom: list = [None] * n
    point: list = [None] * n
    settled: list = [None] * n
    for k, i in enumerate(polygons):
        geom[i], settled[i] = multis[k], settled_p[k]
    for k, i in enumerate(at):
        point[i], settled[i] = spots[k], settled_q[k]
    shapes = [geom[i] if geom[i] is not None else point[i] for i in range(n)]
    where = locate_all(shapes, settled)
    measured = areas_m2([geom[i] for i in polygons])
    counted = radius_area_countries() if at else set()
    area = [0.0] * n
    for k, i in enumerate(polygons):
        area[i] = measured[k]
    for i in at:
        area[i] = point_area(radii[i], settled[i] in counted)
    placed = {
        "geom": geom,
        "point": point,
        "radius_m": [float(r) if r is not None else None for r in radii],
        "country": settled,
        "province": [w.province_id if w else None for w in where],
        "district": [w.district_id if w else None for w in where],
        "commune": [w.commune_id if w else None for w in where],
        "area_m2": area,
        "utm_epsg": [utm_epsg_for(g) for g in shapes],
    }
    return placed, where, []


def check_hazards(rows: Mapping[str, Any], *, single: bool = False) -> Checked:
    """Check hazards given column by column and derive what the services set, set-based.

    Columns, as `create_hazard`'s arguments: geometry (Shapely polygons or points), hazard_class,
    contamination_type, recorded_on (required); code, name, status, status_changed_on, country,
    radius_m (a point's declared radius), benchmark (Shapely point), reporting_organisation
    (acronym), suspected_models (names), is_synthetic, id. Derived: the code (province or country
    stem, `core.codes`), country and admin areas (`gazetteer.queries`), area and UTM zone. Raises
    BulkValidationFailed naming every bad row (a single write: its first problem as ValidationFailed);
    nothing is written.
    """
    n = columns.row_count(rows, ["geometry"])

    def col(name: str, default: Any = None) -> list:
        return columns.column(rows, name, n, default)

    codes, recorded_on, changed_on = col("code"), col("recorded_on"), col("status_changed_on")
    status = col("status", "open")
    errors = [
        *columns.choices("hazard_class", col("hazard_class"), Hazard.CLASS_CHOICES),
        *columns.choices("status", status, Hazard.STATUS_CHOICES),
        *columns.choices("contamination_type", col("contamination_type"), CONTAMINATION),
        *columns.dates("recorded_on", recorded_on),
        *columns.choices("recorded_on_precision", col("recorded_on_precision", "day"), PRECISION_CHOICES),
        *columns.dates("status_changed_on", changed_on, required=False),
        *columns.not_before("status_changed_on", changed_on, "recorded_on", recorded_on),
        *columns.new_codes(Hazard, codes, "a hazard"),
        *_points(col("benchmark")),
    ]
    organisations, more = _organisations(col("reporting_organisation"))
    models, more2 = _ordnance_models(col("suspected_models"))
    placed, where, more3 = _placed(col("geometry"), col("country"), col("radius_m"))
    columns.refuse([*errors, *more, *more2, *more3], single=single)
    missing = [i for i, c in enumerate(codes) if not c]
    if missing:
        stems = code_stems([where[i] for i in missing], [placed["country"][i] for i in missing])
        for i, code in zip(missing, allocate_codes(Hazard, "HAZ", stems, taken=[c for c in codes if c]), strict=True):
            codes[i] = code
    data = {
        "code": codes,
        "name": [v or "" for v in col("name", "")],
        "hazard_class": col("hazard_class"),
        "status": status,
        "contamination_type": col("contamination_type"),
        "recorded_on": recorded_on,
        "status_changed_on": [b or a for a, b in zip(recorded_on, changed_on, strict=True)],
        "benchmark": col("benchmark"),
        "reporting_organisation": organisations,
        "is_synthetic": [bool(v) for v in col("is_synthetic", False)],
        **placed,
    }
    if "id" in rows:
        data["id"] = col("id")
    for name in ("source_id", "source_attributes", "is_reconstructed", "recorded_on_precision"):  # as given
        if name in rows:
            data[name] = col(name)
    return Checked("hazards", n, data, {"suspected_models": models})


@transaction.atomic
def bulk_create_hazards(
    rows: Mapping[str, Any] | Checked, *, user=None, source: str = "", reason: str = "", progress=None
) -> BulkResult:
    """Check and write many hazards in one set-based write (columns as in `check_hazards`, or its result).

    One `core.Batch(kind="hazards")` stamped on every row and no per-row history (decision 0015); the
    suspected models in one insert. The land release ledger is the caller's to refresh (it sits above
    hazards; single writes reach it through `hazard_changed`).
    """
    checked = rows if isinstance(rows, Checked) else check_hazards(rows)
    batch, data = columns.stamp(checked, "hazards", user=user, source=source, reason=reason)
    with bulk.loading(Hazard, checked.n):
        bulk.insert(Hazard, data, progress=progress)
    through = Hazard.suspected_models.through
    pairs = [(h, m) for h, ms in zip(data["id"], checked.extra["suspected_models"], strict=True) for m in ms]
    bulk.insert(through, {"hazard": [h for h, _m in pairs], "ordnancemodel": [m for _h, m in pairs]})
    return BulkResult(batch, list(data["code"]), list(data["id"]))


def _evidence_errors(rows: Mapping[str, Any], n: int) -> list[BulkError]:
    """The evidence rules, shared by the bulk and the single write."""
    return [
        *columns.choices("kind", columns.column(rows, "kind", n), Evidence.KIND_CHOICES),
        *columns.choices("evidence_type", columns.column(rows, "evidence_type", n), Evidence.TYPE_CHOICES),
        *columns.dates("observed_on", columns.column(rows, "observed_on", n), required=False),
        *_points(columns.column(rows, "point", n), "point"),
    ]


def add_evidence(hazard: Hazard, items: Sequence[Mapping[str, Any]], *, user=None) -> list[Evidence]:
    """A survey's evidence for one hazard (a workbench non-technical survey, a field form's repeat), in
    the items' order: the bulk rules, the first problem named by its place (`evidence[1].kind`); each row
    saved with its author in the history. Keys: kind, evidence_type, point (Shapely point or None),
    observed_on, description."""
    keys = ("kind", "evidence_type", "point", "observed_on", "description")
    rows = {k: [item.get(k) for item in items] for k in keys}
    errors = sorted(_evidence_errors(rows, len(items)), key=lambda e: e.row)
    if errors:
        first = errors[0]
        where = f"evidence[{first.row - 1}].{first.field}"
        raise ValidationFailed(f"{where}: {first.reason}", field=where, reason=first.kind, location=first.location)
    created = []
    for item in items:
        point = item.get("point")
        row = Evidence(
            hazard=hazard,
            kind=item["kind"],
            evidence_type=item["evidence_type"],
            point=to_geos(point, Point) if point is not None else None,
            observed_on=item.get("observed_on"),
            description=item.get("description") or "",
        )
        record_author(row, user)
        row.save()
        created.append(row)
    return created


def bulk_add_evidence(rows: Mapping[str, Any], *, reason: str = "") -> int:
    """Evidence for many hazards, set-based. Columns: hazard (id), kind, evidence_type, point (Shapely
    point or None), observed_on, description. Evidence is no `Record` (no batch): its "created" history
    rows are written in bulk beside it."""
    n = columns.row_count(rows, ["hazard"])
    kind, etype = columns.column(rows, "kind", n), columns.column(rows, "evidence_type", n)
    points = columns.column(rows, "point", n)
    columns.refuse(_evidence_errors(rows, n))
    objs = [
        Evidence(
            hazard_id=h,
            kind=k,
            evidence_type=t,
            point=to_geos(p, Point) if p is not None else None,
            observed_on=o,
            description=d or "",
        )
        for h, k, t, p, o, d in zip(
            rows["hazard"],
            kind,
            etype,
            points,
            columns.column(rows, "observed_on", n),
            columns.column(rows, "description", n, ""),
            strict=True,
        )
    ]
    _with_history(Evidence, objs, reason)
    return n


def bulk_add_beneficiaries(rows: Mapping[str, Any], *, reason: str = "") -> int:
    """Beneficiaries for many hazards, set-based. Columns: hazard (id), status, people, land_use."""
    n = columns.row_count(rows, ["hazard"])
    status, land_use = columns.column(rows, "status", n), columns.column(rows, "land_use", n)
    people = columns.column(rows, "people", n)
    errors = [
        *columns.choices("status", status, Beneficiary.STATUS_CHOICES),
        *columns.choices("land_use", land_use, Beneficiary.LAND_USE_CHOICES),
        *[
            BulkError(i + 1, "people", str(v), "people must be a whole number of 0 or more", "negative")
            for i, v in enumerate(people)
            if not isinstance(v, int) or v < 0
        ],
    ]
    columns.refuse(errors)
    objs = [
        Beneficiary(hazard_id=h, status=s, people=p, land_use=u)
        for h, s, p, u in zip(rows["hazard"], status, people, land_use, strict=True)
    ]
    _with_history(Beneficiary, objs, reason)
    return n


def _with_history(model, objs: list, reason: str) -> None:
    model.objects.bulk_create(objs, batch_size=2000)
    model.history.bulk_history_create(
        objs, batch_size=2000, default_change_reason=reason[:100] or None, default_date=timezone.now()
    )


def apply_geometry(hazard: Hazard, geom: shapely.Geometry, country: str | None, radius_m: float | None = None) -> None:
    """Validate the polygon or point (with its declared radius) and set it with everything derived from
    it: country, area, UTM zone, location."""
    placed, _where, errors = _placed([geom], [country], [radius_m])
    columns.refuse(errors, single=True)
    _set_placed(hazard, {k: v[0] for k, v in placed.items()})


def _set_placed(hazard: Hazard, row: dict) -> None:
    hazard.geom = to_geos(row["geom"], MultiPolygon) if row["geom"] is not None else None
    hazard.point = to_geos(row["point"], Point) if row["point"] is not None else None
    hazard.radius_m = row["radius_m"]
    hazard.country = row["country"]
    hazard.area_m2 = row["area_m2"]
    hazard.utm_epsg = row["utm_epsg"]
    hazard.province_id = row["province"]
    hazard.district_id = row["district"]
    hazard.commune_id = row["commune"]


def check_shape(geom: shapely.Geometry | None, country: str | None, radius_m: float | None, both: bool = False) -> None:
    """Refuse (ValidationFailed) what `apply_geometry` would refuse; `both`: a polygon and a point given."""
    if both:
        from django.utils.translation import gettext as _

        raise ValidationFailed(_("a hazard is a polygon or a point, not both"), field="geometry", reason="both")
    columns.refuse(_placed([geom], [country], [radius_m])[2], single=True)


def point_area(radius_m: float | None, counted: bool) -> float:
    """A point hazard's estimated area: π r² of its declared radius where its programme counts it, else 0."""
    return math.pi * radius_m**2 if counted and radius_m is not None else 0.0


@transaction.atomic
def refresh_point_areas(country: str, *, reason: str = "") -> int:
    """Set the area of the country's point hazards again from their radius and the programme profile
    (after `point_radius_area` changed); a history row per hazard changed. Returns how many changed."""
    counted = country in radius_area_countries()
    changed = []
    for hazard in Hazard.objects.filter(country=country, point__isnull=False).only("id", "radius_m", "area_m2"):
        area = point_area(hazard.radius_m, counted)
        if hazard.area_m2 != area:
            hazard.area_m2 = area
            changed.append(hazard)
    if changed:
        bulk_update_with_history(
            changed, Hazard, ["area_m2"], batch_size=2000, default_change_reason=reason[:100] or None
        )
    return len(changed)


def hazard_code(hazard: Hazard) -> str:
    """The next code for a hazard placed by `apply_geometry`: its province's stem, else its country's."""
    where = Location(hazard.country, hazard.province_id, hazard.district_id, hazard.commune_id)
    return next_code(Hazard, code_stems([where], [hazard.country])[0], "HAZ")


def _benchmark(value: shapely.Geometry | None):
    columns.refuse(_points([value]), single=True)
    return to_geos(value, Point) if value is not None else None


def _organisation(acronym: str | None) -> Organisation | None:
    ids, errors = _organisations([acronym])
    columns.refuse(errors, single=True)
    return Organisation.objects.get(pk=ids[0]) if ids[0] else None


def _models(names: list[str] | None) -> list[OrdnanceModel]:
    ids, errors = _ordnance_models([names])
    columns.refuse(errors, single=True)
    found = OrdnanceModel.objects.in_bulk(ids[0])
    return [found[i] for i in ids[0]]


def _check_choice(field: str, value: Any, choices) -> None:
    columns.refuse(columns.choices(field, [value], choices), single=True)


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
    radius_m: float | None = None,
    benchmark: shapely.Geometry | None = None,
    reporting_organisation: str | None = None,
    suspected_models: list[str] | None = None,
    recorded_on_precision: str = "day",
    source_id: str | None = None,
    source_attributes: dict | None = None,
    reason: str | None = None,
) -> Hazard:
    """One hazard: `check_hazards` on a row of one (same rules, same derived fields), saved with its history.

    `geometry` is its polygon, or a point (with an optional declared `radius_m`). `source_id` and
    `source_attributes`: where a migrated or imported hazard came from; `reason` goes in the history."""
    check_code(code)
    checked = check_hazards(
        {
            "geometry": [geometry],
            "hazard_class": [hazard_class],
            "contamination_type": [contamination_type],
            "recorded_on": [recorded_on],
            "code": [code],
            "name": [name],
            "status": [status],
            "country": [country],
            "radius_m": [radius_m],
            "benchmark": [benchmark],
            "reporting_organisation": [reporting_organisation],
            "suspected_models": [suspected_models or []],
            "recorded_on_precision": [recorded_on_precision],
            "source_id": [source_id],
            "source_attributes": [source_attributes],
        },
        single=True,
    )
    row = {k: v[0] for k, v in checked.data.items()}
    hazard = Hazard(
        **{k: row[k] for k in ("code", "name", "hazard_class", "status", "contamination_type", "recorded_on")},
        status_changed_on=row["status_changed_on"],
        benchmark=to_geos(row["benchmark"], Point) if row["benchmark"] is not None else None,
        reporting_organisation_id=row["reporting_organisation"],
        recorded_on_precision=row["recorded_on_precision"],
        source_id=row["source_id"],
        source_attributes=row["source_attributes"],
    )
    _set_placed(hazard, row)
    record_author(hazard, user, reason)
    hazard.save()
    hazard.suspected_models.set(checked.extra["suspected_models"][0])
    hazard_changed.send(sender=Hazard, hazard=hazard, old_geom=None)
    return hazard


UPDATABLE = {
    "name",
    "hazard_class",
    "status",
    "contamination_type",
    "recorded_on",
    "recorded_on_precision",
    "source_attributes",
}


@transaction.atomic
def update_hazard(
    hazard: Hazard,
    *,
    user=None,
    status_changed_on: dt.date | None = None,
    reason: str | None = None,
    expected_version: int | None = None,
    **changes,
) -> Hazard:
    """Apply a partial update. Geometry changes recompute area and location; status changes are dated.
    `reason` goes in the history (a re-import names its file).

    The row is re-read locked and its version raised (core/versions.py): `expected_version`, when
    given, must be the stored one (else StaleVersion, nothing written), and fields the change leaves
    alone keep their stored values, never an older copy's.

    A hazard may change between a polygon and a point. `radius_m` belongs to a point: a new point keeps
    the declared radius unless one is given (None clears it); a polygon has none."""
    unknown = set(changes) - UPDATABLE - {"geometry", "radius_m", "benchmark", "reporting_organisation"}
    unknown -= {"suspected_models"}
    if unknown:
        raise ValidationFailed(f"cannot update field(s): {', '.join(sorted(unknown))}", field=sorted(unknown)[0])
    if not changes:
        versions.check(hazard, expected_version, f"hazard {hazard.code}")
        return hazard
    versions.lock(hazard, expected_version, f"hazard {hazard.code}")
    if "hazard_class" in changes:
        _check_choice("hazard_class", changes["hazard_class"], Hazard.CLASS_CHOICES)
    if "status" in changes:
        _check_choice("status", changes["status"], Hazard.STATUS_CHOICES)
        if changes["status"] != hazard.status:
            hazard.status_changed_on = status_changed_on or dt.date.today()
    if "recorded_on_precision" in changes:
        _check_choice("recorded_on_precision", changes["recorded_on_precision"], PRECISION_CHOICES)
    if "contamination_type" in changes:
        _check_choice(
            "contamination_type", changes["contamination_type"], Hazard._meta.get_field("contamination_type").choices
        )
    for field in UPDATABLE & set(changes):
        setattr(hazard, field, changes[field])
    reshaped = "geometry" in changes or "radius_m" in changes
    old_geom = hazard.geom.clone() if reshaped and hazard.geom is not None else None
    if reshaped:
        geom = changes["geometry"] if "geometry" in changes else _current_shape(hazard)
        keep = hazard.radius_m if _is_point(geom) else None
        apply_geometry(hazard, geom, hazard.country, changes.get("radius_m", keep))
    if "benchmark" in changes:
        hazard.benchmark = _benchmark(changes["benchmark"])
    if "reporting_organisation" in changes:
        hazard.reporting_organisation = _organisation(changes["reporting_organisation"])
    models = _models(changes["suspected_models"]) if "suspected_models" in changes else None
    record_author(hazard, user, reason)
    hazard.save()
    if models is not None:
        hazard.suspected_models.set(models)
    hazard_changed.send(sender=Hazard, hazard=hazard, old_geom=old_geom)
    return hazard


def _current_shape(hazard: Hazard) -> shapely.Geometry:
    shape = hazard.shape
    assert shape is not None  # a constraint: a hazard has a polygon or a point
    return to_shapely(shape)


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


def update_hazard_from_input(
    hazard: Hazard, changes: dict, *, user=None, expected_version: int | None = None
) -> Hazard:
    """Apply the set fields of an input payload (`HazardPatch`), its GeoJSON geometries parsed."""
    from safeground.core.geojson import input_geometry

    for field in ("geometry", "benchmark"):
        if changes.get(field) is not None:
            changes[field] = input_geometry(changes[field], field)
    return update_hazard(hazard, user=user, expected_version=expected_version, **changes)


def delete_synthetic_traverses() -> dict[str, int]:
    """Remove the traverses of synthetic hazards or products (the demo's rebuild; before products go,
    since a traverse protects its product). Set-based, through `core.purge`."""
    return purge(Traverse, Q(hazard__is_synthetic=True) | Q(product__is_synthetic=True))


def delete_synthetic() -> dict[str, int]:
    """Remove every synthetic hazard with its evidence, beneficiaries, traverses and history (the demo's
    rebuild, after the higher apps' synthetic rows that point at hazards are gone).

    The only hard delete of hazards, limited to `is_synthetic` rows, which never described anything real:
    set-based through `core.purge`, which refuses (deleting nothing) if a real record depends on one.
    """
    counts = delete_synthetic_traverses()
    for rows in (
        purge(Evidence, hazard__is_synthetic=True),
        purge(Evidence.history.model, hazard__is_synthetic=True),
        purge(Beneficiary, hazard__is_synthetic=True),
        purge(Beneficiary.history.model, hazard__is_synthetic=True),
        purge_synthetic(Hazard),
    ):
        for table, n in rows.items():
            counts[table] = counts.get(table, 0) + n
    return counts
