"""Bearing/distance traverses → polygon vertices and the closure error (domain-facts §7.2).

Field teams walk from a reference point (a landmark) to the benchmark, then to the start point, and
around the hazard by bearing and distance from turning point to turning point, with intermediate
points where turning points are far apart. A last measured leg back to the start ("closing") says
how well the chain closes. The chain is computed on the plane of the local UTM zone: each bearing is
turned into a grid bearing (true = magnetic + declination; grid = true − convergence, from pyproj),
each ground distance into a grid distance (× the point scale factor), then the vertices go back to
WGS 84. Both the chain as entered and the computed polygon are kept (`Traverse` in hazards).
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field
from functools import lru_cache

import shapely
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pyproj import Proj

from safeground.core.geometry import GeometryError, area_m2, project, unproject, utm_epsg, validate_polygonal
from safeground.gazetteer.coordinates import CoordinateError, all_formats, read_coordinate

POINT_TYPES = ("reference", "benchmark", "start", "turning", "intermediate", "end", "closing")
PERIMETER_TYPES = ("start", "turning", "intermediate", "end")
BEARING_REFERENCES = ("magnetic", "grid", "true")
BEARING_UNITS = {"degrees": 360.0, "mils": 6400.0, "mils6000": 6000.0}  # NATO mils; Soviet 6000 mils
ADJUSTMENTS = ("none", "bowditch")
DEFAULT_MAX_RATIO = 100  # a closure worse than 1:100 of the perimeter gets a warning
CSV_COLUMNS = ("name", "type", "from", "coordinate", "bearing", "reference", "distance")


class TraverseError(ValueError):
    """A chain that can't be computed; `field` names the place in the chain, e.g. "points[3].bearing"."""

    def __init__(self, message: str, field: str | None = None, reason: str = "invalid traverse", location=None):
        super().__init__(message)
        self.field = field
        self.reason = reason
        self.location = location


class TraversePoint(BaseModel):
    """One point of the chain: either a `coordinate` (the first point must have one) or a leg from
    an earlier point (`from`, default the previous point) by `bearing` and `distance` (metres)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    name: str = Field("", max_length=40)
    type: str = Field("turning", description=" | ".join(POINT_TYPES))
    coordinate: str | None = Field(None, max_length=100, examples=["13.0512, 103.0521", "48P 505000 1443000"])
    from_: str | None = Field(
        None, alias="from", max_length=40, description="name of an earlier point; default the previous one"
    )
    bearing: float | None = Field(None, description="in the chain's bearing unit")
    reference: str | None = Field(None, description="magnetic | grid | true; default the chain's")
    distance: float | None = Field(None, description="horizontal ground distance in metres")


class Chain(BaseModel):
    """A traverse as entered: the points in the order walked, and how the bearings were taken."""

    model_config = ConfigDict(extra="forbid")

    points: list[TraversePoint]
    datum: str = Field("WGS84", description="datum of the coordinates: WGS84, Indian 1960, Pulkovo 1942")
    coordinate_format: str | None = Field(None, description="dd | dms | ddm | utm | mgrs; default: detect")
    declination: float | None = Field(None, description="magnetic declination in degrees, east positive")
    bearing_unit: str = Field("degrees", description=" | ".join(BEARING_UNITS))
    bearing_reference: str = Field("magnetic", description=" | ".join(BEARING_REFERENCES))
    adjustment: str = Field("none", description="none | bowditch (spread the misclosure along the perimeter)")

    def dump(self) -> dict:
        """The chain as JSON (the form stored with the traverse and accepted back)."""
        return self.model_dump(by_alias=True, exclude_none=True)


@dataclass
class ComputedPoint:
    name: str
    type: str
    lon: float
    lat: float
    easting: float
    northing: float
    from_name: str | None = None
    bearing: float | None = None
    reference: str | None = None
    grid_bearing_deg: float | None = None
    distance_m: float | None = None
    coordinate: str | None = None

    def feature(self) -> dict:
        return {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [self.lon, self.lat]},
            "properties": {
                "name": self.name,
                "type": self.type,
                "from": self.from_name,
                "bearing": self.bearing,
                "reference": self.reference,
                "grid_bearing_deg": _round(self.grid_bearing_deg, 4),
                "distance_m": self.distance_m,
                "coordinate": self.coordinate,
                "easting": round(self.easting, 3),
                "northing": round(self.northing, 3),
            },
        }


@dataclass
class TraverseResult:
    chain: Chain
    points: list[ComputedPoint]
    polygon: shapely.Polygon
    utm_epsg: int
    perimeter_m: float
    area_m2: float
    convergence_deg: float
    scale_factor: float
    closure_error_m: float | None = None
    closure_ratio: int | None = None  # N in 1:N; None when not measured or exact
    closing_point: tuple[float, float] | None = None
    warnings: list[str] = field(default_factory=list)

    def point(self, kind: str) -> ComputedPoint | None:
        return next((p for p in self.points if p.type == kind), None)

    @property
    def start(self) -> ComputedPoint:
        return self.point("start")

    def as_dict(self) -> dict:
        """The computed traverse as JSON: polygon (GeoJSON), points (FeatureCollection), closure."""
        return {
            "polygon": shapely.geometry.mapping(self.polygon),
            "points": {"type": "FeatureCollection", "features": [p.feature() for p in self.points]},
            "closure_error_m": _round(self.closure_error_m, 3),
            "closure_ratio": self.closure_ratio,
            "perimeter_m": round(self.perimeter_m, 3),
            "area_m2": round(self.area_m2, 2),
            "utm_epsg": self.utm_epsg,
            "convergence_deg": round(self.convergence_deg, 6),
            "scale_factor": round(self.scale_factor, 8),
            "adjustment": self.chain.adjustment,
            "closing_point": (
                {"type": "Point", "coordinates": list(self.closing_point)} if self.closing_point else None
            ),
            "start_formats": all_formats(self.start.lon, self.start.lat),
            "warnings": self.warnings,
        }


def _either(options) -> str:
    options = list(options)
    return ", ".join(options[:-1]) + " or " + options[-1]


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def closure_text(result: TraverseResult) -> str:
    """ "1.000 m (1:399) over a perimeter of 399.0 m", or why there is none."""
    if result.closure_error_m is None:
        return f"not measured (no closing leg); perimeter {result.perimeter_m:,.1f} m"
    ratio = f"1:{result.closure_ratio:,}" if result.closure_ratio else "exact"
    return f"{result.closure_error_m:.3f} m ({ratio}) over a perimeter of {result.perimeter_m:,.1f} m"


@lru_cache(maxsize=16)
def _proj(epsg: int) -> Proj:
    return Proj(f"EPSG:{epsg}")


def _factors(epsg: int, lon: float, lat: float) -> tuple[float, float]:
    """(meridian convergence in degrees = true azimuth of grid north, point scale factor)."""
    f = _proj(epsg).get_factors(lon, lat)
    return f.meridian_convergence, f.meridional_scale


def load_chain(data) -> Chain:
    """A Chain from a dict (API, JSON file) with errors that name the place in the chain."""
    if isinstance(data, Chain):
        return data
    try:
        return Chain.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = _loc(first["loc"])
        value = first.get("input")
        shown = f" (got {value!r})" if first["type"] not in ("missing", "extra_forbidden") else ""
        reason = "unknown field" if first["type"] == "extra_forbidden" else "invalid value"
        raise TraverseError(f"{where}: {first['msg']}{shown}", field=where, reason=reason) from exc


def _loc(loc) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "traverse"


def compute_traverse(data, *, max_ratio: float = DEFAULT_MAX_RATIO) -> TraverseResult:
    """Compute a chain (a Chain or its JSON) into vertices, polygon and closure error.

    Raises TraverseError naming the point and field for bad input (negative distance, bearing out
    of range, unknown reference or point, magnetic bearings without declination, a self-intersecting
    perimeter). A closure worse than 1:`max_ratio` is a warning, not an error.
    """
    chain = load_chain(data)
    check_size(chain)
    _check_settings(chain)
    points = _named_points(chain)
    _check_order(points)

    epsg = None
    placed: dict[str, ComputedPoint] = {}
    computed: list[ComputedPoint] = []
    circle = BEARING_UNITS[chain.bearing_unit]
    for i, p in enumerate(points):
        where = f"points[{i}]"
        label = f"point {i + 1} ({p.name})"
        if p.coordinate is not None:
            if p.bearing is not None or p.distance is not None or p.from_ is not None:
                raise TraverseError(
                    f"{label}: give either a coordinate or a bearing and distance, not both", field=where
                )
            try:
                reading = read_coordinate(p.coordinate, chain.coordinate_format, chain.datum)
            except CoordinateError as exc:
                raise TraverseError(f"{label}: {exc}", field=f"{where}.coordinate", reason=exc.reason) from exc
            epsg = epsg or utm_epsg(reading.lon, reading.lat)
            x, y = project(shapely.Point(reading.lon, reading.lat), epsg).coords[0]
            point = ComputedPoint(p.name, p.type, reading.lon, reading.lat, x, y, coordinate=p.coordinate)
        else:
            if i == 0:
                raise TraverseError(
                    f"{label}: the first point needs a coordinate (the reference point, benchmark or start point)",
                    field=f"{where}.coordinate",
                    reason="missing",
                )
            point = _leg(chain, p, i, label, where, placed, computed[-1], epsg, circle)
        placed[p.name] = point
        computed.append(point)
    return _close(chain, computed, epsg, max_ratio)


def max_legs() -> int:
    """The most legs one traverse may have (SAFEGROUND_TRAVERSE_MAX_LEGS): a hazard's perimeter is
    walked in tens of legs, and one request must not hold a server for seconds."""
    from django.conf import settings

    return int(getattr(settings, "SAFEGROUND_TRAVERSE_MAX_LEGS", 1000))


def check_size(chain: Chain) -> None:
    """Refuse a chain with more legs (points after the first) than `max_legs()`, before any computing."""
    legs, most = len(chain.points) - 1, max_legs()
    if legs > most:
        raise TraverseError(
            f"too many legs: {legs:,}; a traverse has at most {most:,} (SAFEGROUND_TRAVERSE_MAX_LEGS)",
            field="points",
            reason="too many legs",
        )


def _check_settings(chain: Chain) -> None:
    if chain.bearing_unit not in BEARING_UNITS:
        raise TraverseError(
            f"unknown bearing unit {chain.bearing_unit!r}; use {_either(BEARING_UNITS)}", field="bearing_unit"
        )
    if chain.bearing_reference not in BEARING_REFERENCES:
        raise TraverseError(
            f"unknown bearing reference {chain.bearing_reference!r}; use {_either(BEARING_REFERENCES)}",
            field="bearing_reference",
        )
    if chain.adjustment not in ADJUSTMENTS:
        raise TraverseError(f"unknown adjustment {chain.adjustment!r}; use {_either(ADJUSTMENTS)}", field="adjustment")
    if chain.declination is not None and not (math.isfinite(chain.declination) and -90 <= chain.declination <= 90):
        raise TraverseError(
            f"declination {chain.declination:g} is out of range: degrees east (positive) or west (negative), "
            "within ±90",
            field="declination",
        )


def _named_points(chain: Chain) -> list[TraversePoint]:
    """The points with names filled in (P1, P2, ... for blanks) and checked for duplicates."""
    if not chain.points:
        raise TraverseError("the traverse has no points", field="points", reason="missing")
    seen: set[str] = set()
    out = []
    for i, p in enumerate(chain.points):
        name = (p.name or "").strip() or f"P{i + 1}"
        kind = (p.type or "").strip().lower()
        if kind not in POINT_TYPES:
            raise TraverseError(
                f"point {i + 1} ({name}): unknown point type {p.type!r}; use {_either(POINT_TYPES)}",
                field=f"points[{i}].type",
            )
        if name in seen:
            raise TraverseError(f"point {i + 1}: the name {name!r} is used twice", field=f"points[{i}].name")
        seen.add(name)
        coordinate = p.coordinate.strip() if p.coordinate and p.coordinate.strip() else None
        reference = p.reference.strip().lower() if p.reference and p.reference.strip() else None
        source = p.from_.strip() if p.from_ and p.from_.strip() else None
        out.append(
            p.model_copy(
                update={"name": name, "type": kind, "coordinate": coordinate, "reference": reference, "from_": source}
            )
        )
    return out


def _check_order(points: list[TraversePoint]) -> None:
    """reference/benchmark → start → turning/intermediate → end → closing."""
    starts = [i for i, p in enumerate(points) if p.type == "start"]
    if len(starts) != 1:
        raise TraverseError(
            f"the traverse needs exactly one start point (the first turning point of the perimeter); "
            f"found {len(starts)}",
            field="points",
            reason="start point",
        )
    start = starts[0]
    for i, p in enumerate(points):
        label = f"point {i + 1} ({p.name})"
        if p.type in ("reference", "benchmark") and i > start:
            raise TraverseError(f"{label}: a {p.type} point comes before the start point", field=f"points[{i}].type")
        if p.type in ("turning", "intermediate", "end", "closing") and i < start:
            raise TraverseError(f"{label}: a {p.type} point comes after the start point", field=f"points[{i}].type")
        if p.type == "closing" and i != len(points) - 1:
            raise TraverseError(f"{label}: the closing leg must be the last point", field=f"points[{i}].type")
        if p.type == "end" and any(q.type != "closing" for q in points[i + 1 :]):
            raise TraverseError(
                f"{label}: the end point is the last turning point; only the closing leg may follow",
                field=f"points[{i}].type",
            )
        if p.type == "closing" and p.coordinate is not None:
            raise TraverseError(
                f"{label}: the closing leg is a bearing and distance back to the start point, not a coordinate",
                field=f"points[{i}].coordinate",
            )
    perimeter = [p for p in points if p.type in PERIMETER_TYPES]
    if len(perimeter) < 3:
        raise TraverseError(
            f"the perimeter has {len(perimeter)} point(s) (start, turning, intermediate, end); a polygon needs 3",
            field="points",
            reason="too few vertices",
        )


def _leg(chain, p, i, label, where, placed, previous, epsg, circle) -> ComputedPoint:
    if p.from_ is not None and p.from_ not in placed:
        raise TraverseError(f"{label}: 'from' names {p.from_!r}, which is not an earlier point", field=f"{where}.from")
    origin = placed[p.from_] if p.from_ else previous
    if p.bearing is None:
        raise TraverseError(
            f"{label}: a bearing is required (or a coordinate)", field=f"{where}.bearing", reason="missing"
        )
    if p.distance is None:
        raise TraverseError(f"{label}: a distance is required (metres)", field=f"{where}.distance", reason="missing")
    unit = chain.bearing_unit
    if not (math.isfinite(p.bearing) and 0 <= p.bearing < circle):
        raise TraverseError(
            f"{label}: bearing {p.bearing:g} is out of range: {unit} must be at least 0 and less than {circle:g}",
            field=f"{where}.bearing",
            reason="range",
        )
    if not (math.isfinite(p.distance) and p.distance > 0):
        raise TraverseError(
            f"{label}: distance must be a positive number of metres; got {p.distance:g}",
            field=f"{where}.distance",
            reason="range",
        )
    reference = p.reference or chain.bearing_reference
    if reference not in BEARING_REFERENCES:
        raise TraverseError(
            f"{label}: unknown bearing reference {p.reference!r}; use {_either(BEARING_REFERENCES)}",
            field=f"{where}.reference",
        )
    if reference == "magnetic" and chain.declination is None:
        raise TraverseError(
            f"{label}: magnetic bearings need the magnetic declination (degrees, east positive); give "
            "`declination` or use true or grid bearings",
            field="declination",
            reason="missing",
        )
    degrees = p.bearing * 360.0 / circle
    convergence, scale = _factors(epsg, origin.lon, origin.lat)
    if reference == "grid":
        grid = degrees
    else:
        true = degrees + (chain.declination if reference == "magnetic" else 0.0)
        grid = true - convergence
    grid %= 360.0
    theta = math.radians(grid)
    x = origin.easting + p.distance * scale * math.sin(theta)
    y = origin.northing + p.distance * scale * math.cos(theta)
    lon, lat = unproject(shapely.Point(x, y), epsg).coords[0]
    return ComputedPoint(p.name, p.type, lon, lat, x, y, origin.name, p.bearing, reference, grid, p.distance)


def _close(chain: Chain, computed: list[ComputedPoint], epsg: int, max_ratio: float) -> TraverseResult:
    perimeter = [p for p in computed if p.type in PERIMETER_TYPES]
    start = perimeter[0]
    closing = computed[-1] if computed[-1].type == "closing" else None
    convergence, scale = _factors(epsg, start.lon, start.lat)
    legs = [p.distance_m for p in perimeter[1:]] + ([closing.distance_m] if closing else [])
    warnings: list[str] = []
    closure = ratio = None
    if any(p.distance_m is None for p in perimeter[1:]):
        warnings.append(
            "some perimeter points are fixed by coordinates: the closure error covers the measured legs only"
        )
    measured = sum(d for d in legs if d is not None)
    if closing is not None:
        dx, dy = closing.easting - start.easting, closing.northing - start.northing
        closure = math.hypot(dx, dy) / scale
        ratio = round(measured / closure) if closure >= 0.0005 else None
        if chain.adjustment == "bowditch" and closure > 0:
            _bowditch(perimeter, closing, dx, dy, epsg)
        if closure > 0 and measured / closure < max_ratio:
            warnings.append(
                f"closure error {closure:.2f} m over {measured:,.1f} m (1:{measured / closure:,.0f}) is worse than "
                f"1:{max_ratio:g}: check the bearings and distances"
            )
    else:
        warnings.append("no closing leg back to the start point: the closure error is not measured")
    ring = [(p.lon, p.lat) for p in perimeter]
    polygon = shapely.Polygon(ring)
    try:
        validate_polygonal(polygon, "traverse polygon")
    except GeometryError as exc:
        raise TraverseError(str(exc), field="points", reason=exc.reason, location=exc.location) from exc
    local = project(polygon, epsg)
    length = measured if closing is not None else local.exterior.length / scale
    return TraverseResult(
        chain=chain,
        points=computed,
        polygon=polygon,
        utm_epsg=epsg,
        perimeter_m=length,
        area_m2=area_m2(polygon),
        convergence_deg=convergence,
        scale_factor=scale,
        closure_error_m=closure,
        closure_ratio=ratio,
        closing_point=(closing.lon, closing.lat) if closing else None,
        warnings=warnings,
    )


def _bowditch(perimeter: list[ComputedPoint], closing: ComputedPoint, dx: float, dy: float, epsg: int) -> None:
    """Spread the misclosure over the perimeter in proportion to the distance walked (compass rule)."""
    legs = [p.distance_m or 0.0 for p in perimeter[1:]] + [closing.distance_m or 0.0]
    total = sum(legs)
    walked = 0.0
    for p, leg in zip(perimeter[1:] + [closing], legs, strict=True):
        walked += leg
        p.easting -= dx * walked / total
        p.northing -= dy * walked / total
        p.lon, p.lat = unproject(shapely.Point(p.easting, p.northing), epsg).coords[0]


def read_csv(text: str, **settings) -> Chain:
    """A chain from CSV with a header row of name,type,from,coordinate,bearing,reference,distance
    (any order, unknown columns refused); the chain settings come as keyword arguments."""
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames:
        raise TraverseError("the CSV file is empty", reason="missing")
    header = [h.strip().lower() for h in reader.fieldnames]
    unknown = [h for h in header if h not in CSV_COLUMNS]
    if unknown:
        raise TraverseError(
            f"unknown CSV column(s) {', '.join(unknown)}; the columns are {', '.join(CSV_COLUMNS)}", field="header"
        )
    points = []
    for row_number, row in enumerate(reader, start=2):
        values = {h: (v or "").strip() for h, v in zip(header, row.values(), strict=False)}
        if not any(values.values()):
            continue
        point: dict = {}
        for key in ("name", "type", "from", "coordinate", "reference"):
            if values.get(key):
                point[key] = values[key]
        for key in ("bearing", "distance"):
            if values.get(key):
                try:
                    point[key] = float(values[key])
                except ValueError as exc:
                    raise TraverseError(
                        f"row {row_number}: {key} {values[key]!r} is not a number", field=f"row {row_number}.{key}"
                    ) from exc
        points.append(point)
    return load_chain({"points": points, **{k: v for k, v in settings.items() if v is not None}})


def country_warning(result: TraverseResult, country: str | None = None) -> str | None:
    """Why the computed polygon would be refused as a hazard (outside the country), or None."""
    from safeground.core.errors import ValidationFailed
    from safeground.gazetteer.queries import place_polygon

    try:
        place_polygon(result.polygon, country, "traverse polygon")
    except ValidationFailed as exc:
        return str(exc)
    return None
