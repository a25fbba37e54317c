"""An NG record's geometry rebuilt from its geospatialinfo/geopoint rows, with geocheck's problems found.

NG keeps a record's shape as points (`geopoint`, ordered by `pointno`) under one or more
`geospatialinfo` parts; it never validates them, so national databases hold the problems GICHD's
geocheck scripts look for. Each problem becomes a `Note` (a stable `cause`, a detail naming points by
pointno and distances in metres, and whether it was repaired); a problem that can't be repaired
refuses the geometry (`Shape.refused`). No database access: the orchestrator reads the rows.

Causes: duplicate-consecutive-points, ring-not-closed, too-few-vertices, self-intersection,
far-apart-points, traverse-mismatch, coordinates-recomputed, coordinate-unreadable, no-geometry,
point-as-polygon, line; and, beyond geocheck's list: overlapping-parts (two active polygon parts that
overlap are dissolved into one), extra-points (a Point part left out because the record has a polygon,
or a second point), traverse-unchecked (a from-point that can't be found or a bearing/distance out of
range), duplicate-pointno, missing-coordinates, unknown-shape, invalid-geometry (see CAUSES). A part's
problems (duplicates, far-apart edges) are one note listing every instance; a point's (user entry,
traverse) one note per point; a record with several active parts names the part ("shape 2: ...").
Several active polygon parts make a MultiPolygon; a refusal in any part refuses the whole record.

Positions. A point with a user entry (`user_entered_x`/`user_entered_y`, or `user_entered_mgrs`) is
read in its format and CRS, and that position replaces the stored latitude/longitude when the two are
more than 1 m apart. Accepted forms (case, spaces, dots, dashes and underscores ignored):

- coordformat (else userinputformat): DD, "Decimal degrees", DEG; DMS, "Degrees minutes seconds";
  DDM, DM, DMM, "Degrees decimal minutes"; UTM; MGRS (also when only user_entered_mgrs is filled).
  x is the longitude / easting, y the latitude / northing; DD/DMS/DDM text may carry N/S/E/W.
- coordrefsys: empty (WGS 84 assumed); a datum: "WGS 84", "WGS84", "WGS 1984", "Indian 1960",
  "Pulkovo 1942", "SK-42"; "EPSG:4326" / "EPSG 4131" / "urn:ogc:def:crs:EPSG::32648" (any EPSG code
  PROJ knows, geographic or projected); a UTM zone: "WGS 84 / UTM zone 48N", "Indian 1960 / UTM zone
  48N", "UTM zone 48N (Indian 1960)", "UTM 48N", "UTM zone 48 north" (N/S after the zone are
  hemispheres; another letter is a latitude band). Datum shifts use gazetteer.coordinates' named EPSG
  transformations. A UTM entry with a geographic coordrefsys must name its zone in the text
  ("48P 505000" / "1443000").
- Anything else: the stored latitude/longitude are kept and the point gets coordinate-unreadable.

Traverses. A point with `frompoint_guid`, `bearing` and `distance` is recomputed from its from-point
(looked up among all the record's points, at its position as kept here) with the traverse module's
math: the bearing is taken as degrees clockwise from TRUE north (NG stores neither a bearing
reference nor a declination), turned into a grid bearing with the meridian convergence of the
from-point's WGS 84 / UTM zone, the distance (horizontal metres) scaled by the point scale factor. A
stored position more than 5 m away is reported (traverse-mismatch), never moved.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

import shapely
from pyproj import CRS, Geod
from pyproj.exceptions import CRSError
from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity

from safeground.core.geometry import (
    GeometryError,
    area_m2,
    project,
    to_utm,
    unproject,
    utm_epsg,
    utm_epsg_for,
    validate_polygonal,
)
from safeground.gazetteer import traverse
from safeground.gazetteer.coordinates import (
    BANDS,
    CoordinateError,
    Datum,
    from_mgrs,
    get_datum,
    parse_geographic,
    parse_utm,
    to_wgs84,
    utm_crs,
)

#: Every cause a Note may carry: geocheck's problems first, then SafeGround's own.
CAUSES = (
    "duplicate-consecutive-points",
    "ring-not-closed",
    "too-few-vertices",
    "self-intersection",
    "far-apart-points",
    "traverse-mismatch",
    "coordinates-recomputed",
    "coordinate-unreadable",
    "no-geometry",
    "point-as-polygon",
    "line",
    "overlapping-parts",
    "extra-points",
    "traverse-unchecked",
    "duplicate-pointno",
    "missing-coordinates",
    "unknown-shape",
    "invalid-geometry",
)
FAR_M = 5000.0  # geocheck's Polygon_Distance_Check
RECOMPUTED_M = 1.0  # a user entry this far from the stored position replaces it
TRAVERSE_M = 5.0  # a stored position this far from its bearing/distance is reported
_SAME_DEG = 1e-9  # about 0.1 mm: two points closer than this are the same point
_GEOD = Geod(ellps="WGS84")


@dataclass
class Note:
    """One thing found on a geometry."""

    cause: str
    detail: str
    repaired: bool


@dataclass
class Shape:
    """The rebuilt geometry (EPSG:4326 lon/lat) or None with `refused` saying why (also in `notes`)."""

    geometry: BaseGeometry | None
    notes: list[Note] = field(default_factory=list)
    refused: Note | None = None

    @property
    def repairs(self) -> list[Note]:
        return [n for n in self.notes if n.repaired]


# ------------------------------------------------------------------------------------ grouping


def _point_order(row: dict) -> tuple:
    no = row.get("pointno")
    return (no is None, no if no is not None else 0, str(row.get("pointlocal_id") or ""))


def group_points(
    infos: list[dict], points: list[dict], links: list[dict], key: str
) -> dict[str, list[tuple[dict, list[dict]]]]:
    """Rows of <table>_has_geospatialinfo (`links`, record column `key`), geospatialinfo and geopoint →
    record guid → [(info, its points by pointno)], parts ordered by shape_id."""
    by_info: dict[str, list[dict]] = defaultdict(list)
    for point in points:
        by_info[point["geospatialinfo_guid"]].append(point)
    info_by_guid = {info["geospatialinfo_guid"]: info for info in infos}
    out: dict[str, list[tuple[dict, list[dict]]]] = defaultdict(list)
    for link in links:
        info = info_by_guid.get(link["geospatialinfo_guid"])
        if info is not None:
            out[link[key]].append((info, sorted(by_info.get(info["geospatialinfo_guid"], []), key=_point_order)))
    for parts in out.values():
        parts.sort(key=lambda part: (part[0].get("shape_id") is None, part[0].get("shape_id") or 0))
    return dict(out)


def rebuild_many(
    records: dict[str, list[tuple[dict, list[dict]]]],
    enum_value: Callable[[str | None], str | None],
    far_m: float = FAR_M,
) -> dict[str, Shape]:
    return {guid: rebuild(parts, enum_value, far_m=far_m) for guid, parts in records.items()}


# ------------------------------------------------------------------------------------ rebuild


@dataclass
class _Point:
    row: dict
    lon: float | None
    lat: float | None

    def __post_init__(self) -> None:
        self.stored = (self.lon, self.lat)  # as NG has it, before any user entry is read

    @property
    def label(self) -> str:
        no = self.row.get("pointno")
        return f"point {no}" if no is not None else f"point ({self.row.get('pointlocal_id') or '?'})"

    @property
    def xy(self) -> tuple[float, float]:
        assert self.lon is not None and self.lat is not None
        return (self.lon, self.lat)


class _Record:
    """The notes found so far and the first refusal."""

    def __init__(self) -> None:
        self.notes: list[Note] = []
        self.refused: Note | None = None

    def note(self, cause: str, detail: str, repaired: bool = False) -> Note:
        assert cause in CAUSES, cause
        note = Note(cause, detail, repaired)
        self.notes.append(note)
        return note

    def refuse(self, cause: str, detail: str) -> None:
        note = self.note(cause, detail)
        self.refused = self.refused or note


def _active(info: dict) -> bool:
    value = info.get("isactive")
    if isinstance(value, str):
        return value.strip().lower() not in ("f", "false", "0", "n", "no")
    return value is None or bool(value)


def rebuild(
    parts: list[tuple[dict, list[dict]]],
    enum_value: Callable[[str | None], str | None],
    *,
    far_m: float = FAR_M,
) -> Shape:
    """parts: (geospatialinfo row, its geopoint rows) for one record, rows as dicts keyed by the column
    names of schema.GEOMETRY; enum_value turns an imsmaenum guid into its enumvalue ('Polygon', ...)."""
    record = _Record()
    active = [(info, sorted(points, key=_point_order)) for info, points in parts if _active(info) and points]
    if not active:
        inactive = sum(1 for info, _ in parts if not _active(info))
        empty = sum(1 for info, points in parts if _active(info) and not points)
        record.refuse(
            "no-geometry",
            f"no active geospatialinfo with points ({len(parts)} part(s): {inactive} inactive, {empty} without points)",
        )
        return Shape(None, record.notes, record.refused)

    several = len(active) > 1
    resolved: list[tuple[dict, str, str, list[_Point]]] = []
    for info, rows in active:
        shape = (enum_value(info.get("shapeenum_guid")) or "").strip().lower()
        where = f"shape {info.get('shape_id')}: " if several else ""
        points = [_Point(r, _float(r.get("longitude")), _float(r.get("latitude"))) for r in rows]
        _check_numbering(record, where, points)
        for point in points:
            _recompute(record, where, point)
        resolved.append((info, shape, where, points))
    # From-points by guid: the active parts' points as kept here, then inactive parts' rows as stored.
    every = {p.row["geopoint_guid"]: p for _, _, _, ps in resolved for p in ps if p.row.get("geopoint_guid")}
    for _, rows in parts:
        for row in rows:
            if row.get("geopoint_guid") and row["geopoint_guid"] not in every:
                every[row["geopoint_guid"]] = _Point(row, _float(row.get("longitude")), _float(row.get("latitude")))
    for _, _, where, points in resolved:
        for point in points:
            _check_traverse(record, where, point, every)

    polygons: list[BaseGeometry] = []
    singles: list[tuple[str, _Point]] = []
    lines: list[str] = []
    for info, shape, where, points in resolved:
        name = f"shape {info.get('shape_id')}"
        placed = [p for p in points if p.lon is not None and p.lat is not None]
        if len(placed) < len(points):
            missing = ", ".join(p.label for p in points if p.lon is None or p.lat is None)
            record.refuse("missing-coordinates", f"{where}{missing}: no latitude/longitude and no readable user entry")
            continue
        if bad := [p for p in placed if not (-180 <= p.xy[0] <= 180 and -90 <= p.xy[1] <= 90)]:
            listed = ", ".join(f"{p.label} (lon {p.xy[0]:g}, lat {p.xy[1]:g})" for p in bad)
            record.refuse("invalid-geometry", f"{where}{listed}: outside longitude/latitude range")
            continue
        if shape == "polygon":
            polygon = _polygon(record, where, placed, far_m)
            if polygon is not None:
                polygons.append(polygon)
        elif shape == "point":
            if len(placed) > 1:
                record.note(
                    "extra-points",
                    f"{where}a Point part with {len(placed)} points: {placed[0].label} kept, "
                    f"{', '.join(p.label for p in placed[1:])} left out",
                )
            singles.append((name, placed[0]))
        elif shape in ("line", "polyline", "linestring"):
            lines.append(name)
        else:
            record.note(
                "unknown-shape", f"{name}: shape {shape or 'not set'!r} is not Polygon, Point or Line; left out"
            )

    if lines:
        text = "SafeGround stores no lines (a line is neither a hazard area nor a point)"
        if polygons or singles or record.refused:
            record.note("line", f"{', '.join(lines)}: a line, left out; {text}")
        else:
            record.refuse("line", f"{', '.join(lines)}: the record's geometry is a line; {text}")
    if record.refused is not None:
        return Shape(None, record.notes, record.refused)
    if polygons:
        for name, point in singles:
            record.note(
                "extra-points",
                f"{name} (a point at lon {point.xy[0]:.6f}, lat {point.xy[1]:.6f}) left out: the record has a polygon",
            )
        return _polygonal(record, polygons)
    if singles:
        (name, point), rest = singles[0], singles[1:]
        for other, p in rest:
            record.note(
                "extra-points", f"{other} (a point at lon {p.xy[0]:.6f}, lat {p.xy[1]:.6f}) left out: {name} is kept"
            )
        return Shape(shapely.Point(point.xy), record.notes, None)
    record.refuse("no-geometry", "no active Polygon or Point part")
    return Shape(None, record.notes, record.refused)


def _float(value) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _metres(value: float) -> str:
    return f"{value / 1000:.1f} km" if value >= 1000 else f"{value:.1f} m"


def distance_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Geodesic distance on the WGS 84 ellipsoid, in metres."""
    return float(_GEOD.inv(a[0], a[1], b[0], b[1])[2])


def _same(a: _Point, b: _Point) -> bool:
    return abs(a.xy[0] - b.xy[0]) <= _SAME_DEG and abs(a.xy[1] - b.xy[1]) <= _SAME_DEG


def _check_numbering(record: _Record, where: str, points: list[_Point]) -> None:
    seen: dict[int, int] = defaultdict(int)
    for point in points:
        if point.row.get("pointno") is not None:
            seen[point.row["pointno"]] += 1
    twice = sorted(no for no, count in seen.items() if count > 1)
    if twice:
        record.note(
            "duplicate-pointno",
            f"{where}pointno {', '.join(str(n) for n in twice)} used more than once; ordered by pointlocal_id",
        )


# ------------------------------------------------------------------------------------ polygons


def _polygon(record: _Record, where: str, points: list[_Point], far_m: float) -> BaseGeometry | None:
    """One polygon part: duplicates out, ring closed, far-apart edges refused, self-intersection made valid."""
    first, last = points[0], points[-1]
    if len(points) > 1 and None not in first.stored and first.stored == last.stored and first.xy != last.xy:
        last.lon, last.lat = first.lon, first.lat  # the closing copy follows its first point's new position
    kept = [points[0]]
    repeats = []
    for point in points[1:]:
        if _same(point, kept[-1]):
            repeats.append(f"{point.label} repeats {kept[-1].label}")
        else:
            kept.append(point)
    closed = len(kept) > 1 and _same(kept[0], kept[-1])
    distinct = kept[:-1] if closed else kept
    if len(distinct) < 3:
        if len(distinct) == 1:
            x, y = distinct[0].xy
            record.note(
                "point-as-polygon",
                f"{where}all {len(points)} point(s) of the polygon coincide at lon {x:.6f}, lat {y:.6f}: "
                "a point stored as a polygon",
            )
        record.refuse(
            "too-few-vertices",
            f"{where}{len(distinct)} distinct vertex(es) ({', '.join(p.label for p in distinct)}); "
            "a polygon needs at least 3",
        )
        return None
    if repeats:
        record.note("duplicate-consecutive-points", f"{where}{'; '.join(repeats)}: removed", repaired=True)
    ring = kept
    if not closed:
        gap = distance_m(kept[-1].xy, kept[0].xy)
        record.note(
            "ring-not-closed",
            f"{where}the ring ended at {kept[-1].label}, {_metres(gap)} from {kept[0].label}: closed by "
            f"repeating {kept[0].label}",
            repaired=True,
        )
        ring = [*kept, kept[0]]
    far = []
    for a, b in zip(ring, ring[1:], strict=False):
        gap = distance_m(a.xy, b.xy)
        if gap > far_m:
            far.append(f"{b.label} is {_metres(gap)} from {a.label}")
    if far:
        record.refuse("far-apart-points", f"{where}{'; '.join(far)} (more than {_metres(far_m)} apart)")
        return None
    polygon = shapely.Polygon([p.xy for p in ring])
    if polygon.is_valid:
        return polygon
    why = _why(polygon)
    fixed = _polygonal_parts(shapely.make_valid(polygon))
    # area_m2 picks the zone at the centroid, which an invalid ring may throw anywhere: use the envelope's.
    before = float(to_utm(polygon, utm_epsg_for(polygon.envelope)).area)
    if fixed is None:
        record.refuse(
            "self-intersection",
            f"{where}{why}; area as drawn {before:.1f} m²: nothing polygonal is left once made valid",
        )
        return None
    after = area_m2(fixed)
    count = len(getattr(fixed, "geoms", [fixed]))
    record.note(
        "self-intersection",
        f"{where}{why}; made valid ({count} part(s)): area {before:.1f} m² as drawn, {after:.1f} m² after",
        repaired=True,
    )
    return fixed


def _why(geom: BaseGeometry) -> str:
    """GEOS's reason a geometry is invalid, with its location as lon/lat."""
    explanation = explain_validity(geom)
    m = re.fullmatch(r"\s*([^\[]*?)\s*\[\s*(-?[\d.eE+-]+)\s+(-?[\d.eE+-]+)\s*\]\s*", explanation)
    if not m:
        return explanation
    return f"{m[1].lower()} at lon {float(m[2]):.6f}, lat {float(m[3]):.6f}"


def _polygonal_parts(geom: BaseGeometry) -> BaseGeometry | None:
    """The polygons of a geometry (make_valid may give lines and points too), as one (Multi)Polygon."""
    polygons = [g for g in shapely.get_parts(geom) if g.geom_type in ("Polygon", "MultiPolygon") and not g.is_empty]
    flat = [p for g in polygons for p in shapely.get_parts(g)]
    if not flat:
        return None
    return flat[0] if len(flat) == 1 else shapely.MultiPolygon(flat)


def _polygonal(record: _Record, polygons: list[BaseGeometry]) -> Shape:
    flat = [p for g in polygons for p in shapely.get_parts(g)]
    geom: BaseGeometry = flat[0] if len(flat) == 1 else shapely.MultiPolygon(flat)
    if not geom.is_valid:
        before = sum(area_m2(p) for p in flat)
        merged = _polygonal_parts(shapely.unary_union(flat))
        if merged is None:  # pragma: no cover - a union of valid polygons is polygonal
            record.refuse("invalid-geometry", f"the polygon parts can't be combined: {_why(geom)}")
            return Shape(None, record.notes, record.refused)
        record.note(
            "overlapping-parts",
            f"{len(flat)} polygon parts overlap or touch ({_why(geom)}): dissolved into "
            f"{len(shapely.get_parts(merged))} part(s); area {before:.1f} m² summed, {area_m2(merged):.1f} m² after",
            repaired=True,
        )
        geom = merged
    try:
        validate_polygonal(geom, "geometry")
    except GeometryError as exc:
        record.refuse("invalid-geometry", str(exc))
        return Shape(None, record.notes, record.refused)
    return Shape(geom, record.notes, None)


# ------------------------------------------------------------------------------------ traverses


def traverse_position(lon: float, lat: float, bearing: float, distance: float) -> tuple[float, float]:
    """The point `distance` metres from (lon, lat) at `bearing` degrees from true north, computed as the
    traverse module computes a leg: on the from-point's UTM grid (grid bearing = true − convergence,
    grid distance = ground distance × point scale factor)."""
    epsg = utm_epsg(lon, lat)
    convergence, scale = traverse._factors(epsg, lon, lat)
    theta = math.radians((bearing - convergence) % 360.0)
    x0, y0 = project(shapely.Point(lon, lat), epsg).coords[0]
    x = x0 + distance * scale * math.sin(theta)
    y = y0 + distance * scale * math.cos(theta)
    out = unproject(shapely.Point(x, y), epsg).coords[0]
    return float(out[0]), float(out[1])


def _check_traverse(record: _Record, where: str, point: _Point, every: dict[str, _Point]) -> None:
    row = point.row
    source = row.get("frompoint_guid")
    bearing, distance = _float(row.get("bearing")), _float(row.get("distance"))
    if not source or bearing is None or distance is None:
        return
    origin = every.get(source)
    if origin is None or origin.lon is None or origin.lat is None:
        record.note(
            "traverse-unchecked", f"{where}{point.label}: its from-point {source} is not among the record's points"
        )
        return
    if not (0 <= bearing <= 360 and distance > 0):
        record.note(
            "traverse-unchecked",
            f"{where}{point.label}: bearing {bearing:g}° / distance {distance:g} m from {origin.label} is out of range",
        )
        return
    expected = traverse_position(origin.lon, origin.lat, bearing, distance)
    if point.lon is None or point.lat is None:
        point.lon, point.lat = expected
        record.note(
            "coordinates-recomputed",
            f"{where}{point.label}: no stored latitude/longitude; placed {distance:g} m at {bearing:g}° from "
            f"{origin.label}",
            repaired=True,
        )
        return
    gap = distance_m(point.xy, expected)
    if gap > TRAVERSE_M:
        record.note(
            "traverse-mismatch",
            f"{where}{point.label} is stored {_metres(gap)} from where {distance:g} m at {bearing:g}° (true) from "
            f"{origin.label} puts it; the stored position is kept",
        )


# ------------------------------------------------------------------------------------ user entries


def _recompute(record: _Record, where: str, point: _Point) -> None:
    row = point.row
    try:
        reading = read_entry(row)
    except CoordinateError as exc:
        record.note("coordinate-unreadable", f"{where}{point.label}: {exc}; the stored latitude/longitude are kept")
        return
    if reading is None:
        return
    lon, lat, entry = reading
    if point.lon is None or point.lat is None:
        point.lon, point.lat = lon, lat
        record.note(
            "coordinates-recomputed", f"{where}{point.label}: no stored latitude/longitude; read from {entry}", True
        )
        return
    shift = distance_m(point.xy, (lon, lat))
    if shift > RECOMPUTED_M:
        record.note(
            "coordinates-recomputed",
            f"{where}{point.label}: moved {_metres(shift)} to the position of {entry} (stored lon {point.lon:.6f}, "
            f"lat {point.lat:.6f}; now lon {lon:.6f}, lat {lat:.6f})",
            repaired=True,
        )
        point.lon, point.lat = lon, lat


_FORMATS = {
    "DD": "dd",
    "DECIMALDEGREES": "dd",
    "DEG": "dd",
    "DDD": "dd",
    "DMS": "dms",
    "DEGREESMINUTESSECONDS": "dms",
    "DDM": "ddm",
    "DM": "ddm",
    "DMM": "ddm",
    "DEGREESDECIMALMINUTES": "ddm",
    "DEGREESMINUTES": "ddm",
    "UTM": "utm",
    "MGRS": "mgrs",
}


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def coordinate_format(value: str | None) -> str | None:
    """'DMS', 'Degrees Minutes Seconds', 'utm'... → dd | dms | ddm | utm | mgrs; None when blank."""
    key = re.sub(r"[\s._\-/,]", "", _text(value).upper())
    if not key:
        return None
    if key not in _FORMATS:
        raise CoordinateError(f"unknown coordinate format {value!r}", reason="format")
    return _FORMATS[key]


_UTM_ZONE = re.compile(r"UTM\s*(?:ZONE\s*)?(\d{1,2})\s*(NORTH|SOUTH|[A-Z])?\b")


def coordinate_system(value: str | None) -> CRS:
    """coordrefsys text → pyproj CRS (see the module docstring for the forms); blank = WGS 84."""
    text = _text(value)
    if not text:
        return CRS.from_epsg(4326)
    upper = text.upper()
    try:
        if m := re.search(r"EPSG\D{0,3}(\d{4,5})\b", upper):
            return CRS.from_epsg(int(m[1]))
        if m := _UTM_ZONE.search(upper):
            zone, letter = int(m[1]), m[2]
            if not 1 <= zone <= 60 or letter is None or (len(letter) == 1 and letter not in BANDS):
                raise CoordinateError(f"coordrefsys {text!r}: UTM zone or hemisphere unreadable", reason="crs")
            north = letter in ("N", "NORTH") or (len(letter) == 1 and letter not in ("S",) and letter >= "N")
            datum = re.sub(r"[\s/,;()\[\]-]+", " ", upper[: m.start()] + " " + upper[m.end() :]).strip()
            return utm_crs(zone, north, get_datum(datum or "WGS84"))
        return CRS.from_epsg(get_datum(text).geographic)
    except CRSError as exc:
        raise CoordinateError(f"coordrefsys {text!r} is not a known coordinate system", reason="crs") from exc


def read_entry(row: dict) -> tuple[float, float, str] | None:
    """(lon, lat in WGS 84, a description of the entry) for a geopoint's user entry; None when it has
    none. Raises CoordinateError when the entry, its format or its coordrefsys can't be read."""
    x, y, mgrs = _text(row.get("user_entered_x")), _text(row.get("user_entered_y")), _text(row.get("user_entered_mgrs"))
    if not ((x and y) or mgrs):
        return None
    fmt = coordinate_format(row.get("coordformat")) or coordinate_format(row.get("userinputformat"))
    if fmt is None:
        fmt = "mgrs" if mgrs and not (x and y) else None
    if fmt is None:
        raise CoordinateError("no coordformat or userinputformat says how the user entry is written", reason="format")
    crs = coordinate_system(row.get("coordrefsys"))
    name = crs.name
    if fmt == "mgrs":
        text = mgrs or f"{x} {y}"
        if _datum_of(crs).key != "WGS84":
            raise CoordinateError(f"MGRS {text!r} is read on WGS 84 only, not {name}", reason="datum")
        lon, lat = from_mgrs(text)
        return lon, lat, f"MGRS {text!r}"
    if fmt == "utm":
        easting, northing = _number(x), _number(y)
        if crs.is_projected and easting is not None and northing is not None:
            lon, lat = to_wgs84(easting, northing, crs)
            return lon, lat, f"UTM x {x!r}, y {y!r} ({name})"
        reading = parse_utm(f"{x} {y}")
        zone_crs = utm_crs(reading.zone, reading.north, _datum_of(crs))
        lon, lat = to_wgs84(reading.easting, reading.northing, zone_crs)
        return lon, lat, f"UTM {x} {y} ({zone_crs.name})"
    geographic = crs.geodetic_crs
    if geographic is None:
        raise CoordinateError(f"coordrefsys {name} has no datum", reason="crs")
    lon, lat, _ = parse_geographic(f"{y}, {x}", fmt)
    lon, lat = to_wgs84(lon, lat, geographic)
    return lon, lat, f"{fmt.upper()} x {x!r}, y {y!r} ({geographic.name})"


def _datum_of(crs: CRS) -> Datum:
    """The gazetteer datum (WGS 84, Indian 1960, Pulkovo 1942) a CRS is based on."""
    geodetic = crs.geodetic_crs
    if geodetic is None or geodetic.to_epsg() is None:
        raise CoordinateError(f"{crs.name} has no datum SafeGround knows", reason="datum")
    return get_datum(f"EPSG:{geodetic.to_epsg()}")


def _number(text: str) -> float | None:
    m = re.fullmatch(r"\s*([-+]?\d+(?:\.\d+)?)\s*(?:M\s*[EN]?|[EN])?\s*", text.upper())
    return float(m[1]) if m else None
