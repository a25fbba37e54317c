"""Shapes for the synthetic NG database: polygons of a few hectares, the ways NG points are entered
(decimal degrees, UTM, DMS, bearing/distance), and the geocheck problems injected into them.

Everything is computed on the WGS 84 ellipsoid with pyproj (no Django, no database): a shape is a list
of `Vertex`, one per geopoint row, in pointno order.

Conventions (docs/imsma-ng-schema.md):
- UTM points: coordrefsys "WGS 84 / UTM zone 27S" (EPSG's CRS name: zone number, then N or S for the
  hemisphere, not the MGRS latitude band), coordformat "UTM", user_entered_x the easting and
  user_entered_y the northing in metres with two decimals; latitude/longitude are the exact inverse of
  those rounded values.
- DMS points: user_entered_x like 19°55'12.34"W, user_entered_y like 29°30'01.20"S (two decimals of a
  second); latitude/longitude are exactly the DMS values.
- Bearing/distance points: bearing is a TRUE azimuth in degrees (clockwise from true north), distance
  the horizontal ground distance in metres, from the point named by frompoint_guid (the previous one);
  latitude/longitude are the geodesic forward solution (pyproj.Geod on WGS 84). The traverse module with
  reference "true" gives the same point within a few centimetres.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from functools import lru_cache

from pyproj import Geod, Transformer

GEOD = Geod(ellps="WGS84")
FAR_METRES = 6500.0  # how far the "far-apart" typo vertex is pushed (geocheck flags > 5 km)
MISMATCH_METRES = 40.0  # how far a traverse-mismatch point is from where its bearing/distance put it


@dataclass(frozen=True)
class Vertex:
    """One geopoint as stored: its WGS 84 position and how it was entered."""

    lon: float
    lat: float
    fmt: str = "DD"  # DD | UTM | DMS | BD (bearing/distance)
    x: str | None = None  # user_entered_x
    y: str | None = None  # user_entered_y
    crs: str = "WGS 84"
    bearing: float | None = None
    distance: float | None = None
    from_previous: bool = False  # frompoint_guid is the previous geopoint


def utm_epsg(lon: float, lat: float) -> int:
    return (32600 if lat >= 0 else 32700) + min(int(math.floor((lon + 180) / 6)) + 1, 60)


@lru_cache(maxsize=16)
def _transformers(epsg: int) -> tuple[Transformer, Transformer]:
    return Transformer.from_crs(4326, epsg, always_xy=True), Transformer.from_crs(epsg, 4326, always_xy=True)


def move(lon: float, lat: float, azimuth: float, metres: float) -> tuple[float, float]:
    x, y, _ = GEOD.fwd(lon, lat, azimuth, metres)
    return x, y


def ring(lon: float, lat: float, radius: float, n: int, rng: random.Random) -> list[tuple[float, float]]:
    """An open star-shaped ring (simple, so valid) of n vertices around (lon, lat), clockwise."""
    step = 360.0 / n
    out = []
    for i in range(n):
        azimuth = i * step + rng.uniform(-0.3, 0.3) * step
        out.append(move(lon, lat, azimuth % 360, radius * rng.uniform(0.75, 1.15)))
    return out


def shrink(points: list[tuple[float, float]], lon: float, lat: float, factor: float) -> list[tuple[float, float]]:
    """The ring pulled towards (lon, lat): a cleared part of a hazard, overlapping it."""
    out = []
    for x, y in points:
        azimuth, _, dist = GEOD.inv(lon, lat, x, y)
        out.append(move(lon, lat, azimuth % 360, dist * factor))
    return out


def closed(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    return [*points, points[0]]


def as_dd(points: list[tuple[float, float]]) -> list[Vertex]:
    return [Vertex(x, y, "DD", f"{x:.6f}", f"{y:.6f}") for x, y in points]


def as_utm(points: list[tuple[float, float]]) -> list[Vertex]:
    lon0, lat0 = points[0]
    epsg = utm_epsg(lon0, lat0)
    forward, back = _transformers(epsg)
    crs = f"WGS 84 / UTM zone {epsg % 100}{'N' if epsg < 32700 else 'S'}"
    out = []
    for x, y in points:
        e, n = forward.transform(x, y)
        e, n = round(e, 2), round(n, 2)
        lon, lat = back.transform(e, n)
        out.append(Vertex(lon, lat, "UTM", f"{e:.2f}", f"{n:.2f}", crs))
    return out


def _dms(value: float, positive: str, negative: str) -> tuple[str, float]:
    """(text, the value the text says): degrees, minutes, seconds with two decimals."""
    hemisphere = positive if value >= 0 else negative
    hundredths = round(abs(value) * 360000)
    degrees, rest = divmod(hundredths, 360000)
    minutes, seconds = divmod(rest, 6000)
    text = f"{degrees}°{minutes:02d}'{seconds // 100:02d}.{seconds % 100:02d}\"{hemisphere}"
    exact = hundredths / 360000
    return text, exact if value >= 0 else -exact


def as_dms(points: list[tuple[float, float]]) -> list[Vertex]:
    out = []
    for x, y in points:
        tx, lon = _dms(x, "E", "W")
        ty, lat = _dms(y, "N", "S")
        out.append(Vertex(lon, lat, "DMS", tx, ty))
    return out


def as_traverse(points: list[tuple[float, float]], *, mismatch_at: int | None = None) -> list[Vertex]:
    """The first point by coordinate, every other by true bearing and distance from the previous one,
    closing back on the first. With mismatch_at, that point's stored position is MISMATCH_METRES off
    what its bearing/distance give (the later legs start from the stored position)."""
    ring_points = closed(points)
    out = [Vertex(ring_points[0][0], ring_points[0][1], "DD", f"{ring_points[0][0]:.6f}", f"{ring_points[0][1]:.6f}")]
    for i, (x, y) in enumerate(ring_points[1:], start=1):
        prev = out[-1]
        azimuth, _, dist = GEOD.inv(prev.lon, prev.lat, x, y)
        bearing, distance = round(azimuth % 360, 2), round(dist, 2)
        lon, lat = move(prev.lon, prev.lat, bearing, distance)
        if i == len(ring_points) - 1:
            lon, lat = ring_points[0]  # the closing leg lands on the start (within millimetres)
        elif i == mismatch_at:
            lon, lat = move(lon, lat, (bearing + 90) % 360, MISMATCH_METRES)
        out.append(Vertex(lon, lat, "BD", None, None, "WGS 84", bearing, distance, True))
    return out


def encode(points: list[tuple[float, float]], fmt: str) -> list[Vertex]:
    """A closed ring in one entry format."""
    if fmt == "BD":
        return as_traverse(points)
    return {"DD": as_dd, "UTM": as_utm, "DMS": as_dms}[fmt](closed(points))


# The problems, each a closed-ring list of vertices (or not closed, for the one about closing).


def duplicate_consecutive(points: list[tuple[float, float]]) -> list[Vertex]:
    ring_points = closed(points)
    return as_dd([*ring_points[:2], ring_points[1], *ring_points[2:]])


def not_closed(points: list[tuple[float, float]]) -> list[Vertex]:
    return as_dd(points)


def too_few(points: list[tuple[float, float]], variant: int) -> list[Vertex]:
    """Fewer than 3 distinct vertices: A,B,A / A,B / A (geocheck's few-vertices and single points)."""
    a, b = points[0], points[1]
    return as_dd([[a, b, a], [a, b], [a]][variant % 3])


def bow_tie(lon: float, lat: float, half: float) -> list[Vertex]:
    """Four corners of a square taken in crossing order: a self-intersection that ST_MakeValid repairs."""
    nw, se, ne, sw = (move(lon, lat, az, half * math.sqrt(2)) for az in (315, 135, 45, 225))
    return as_dd([nw, se, ne, sw, nw])


def far_apart(points: list[tuple[float, float]], lon: float, lat: float, towards: float) -> list[Vertex]:
    """One vertex pushed FAR_METRES out along its own ray (a typo), towards the bbox's middle."""
    rays = [GEOD.inv(lon, lat, x, y)[0] % 360 for x, y in points]
    i = min(range(len(points)), key=lambda k: abs((rays[k] - towards + 180) % 360 - 180))
    x, y = points[i]
    moved = list(points)
    moved[i] = move(x, y, rays[i], FAR_METRES)
    return as_dd(closed(moved))


def point(lon: float, lat: float) -> list[Vertex]:
    return as_dd([(lon, lat)])
