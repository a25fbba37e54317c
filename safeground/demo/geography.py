"""The real geography the demo hazards are placed on: provinces/rayons, the national outlines shrunk
by a safety margin, the borders that attract minefields, villages for names, the villages and towns EOD
call-outs come from.

Read once from the gazetteer tables, sorted by code (never by row order), and cached per process by
the content of the outlines, so repeated builds (tests, rebuilds) don't redo the heavy geometry.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field

import numpy as np
import shapely

from safeground.demo import shapes
from safeground.demo.profiles import GROUPS, Group
from safeground.gazetteer.models import AdminArea, Place

#: Hazards keep this far inside the national outline (metres), so they never cross the border.
BORDER_MARGIN_M = 100.0
COUNTRY_EPSG = {"KHM": 32648, "AZE": 32638}


def name_key(name: str) -> str:
    """'Agdam District' -> 'agdam', 'Shusha City' -> 'shushacity', 'Aghdam' -> 'agdam'."""
    s = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    s = re.sub(r"[^a-z]", "", s)
    s = re.sub(r"(district|rayon|province)$", "", s)
    return ALIASES.get(s, s)


ALIASES = {"aghdam": "agdam", "gubadli": "qubadli", "gubadly": "qubadli", "agjabadi": "aghjabadi"}


@dataclass
class Province:
    id: object
    code: str
    name: str
    country: str
    geom: shapely.Geometry  # lon/lat


@dataclass
class GroupArea:
    """A province as one group of hazards uses it: its weight and the region hazards may occupy."""

    province: Province
    weight: float
    region: shapely.Geometry  # province ∩ shrunk outline (∩ east of min_lon), prepared


@dataclass
class Geography:
    outlines: dict[str, shapely.Geometry]
    inner: dict[str, shapely.Geometry]  # outline shrunk by BORDER_MARGIN_M
    provinces: dict[str, Province]  # by code
    group_areas: dict[str, list[GroupArea]]  # group key -> provinces it uses
    borders_utm: dict[str, shapely.Geometry | None]  # group key -> attracting border (UTM metres)
    villages: dict[str, tuple[np.ndarray, list[str]]] = field(default_factory=dict)  # country -> (points, names)
    missing: list[str] = field(default_factory=list)
    #: country -> points (lon/lat) of the places EOD call-outs come from: Cambodian villages, Azerbaijani towns
    places: dict[str, np.ndarray] = field(default_factory=dict)


_CACHE: dict[str, Geography] = {}


def load() -> Geography:
    rows = list(
        AdminArea.objects.filter(level__lte=1, country__in=["KHM", "AZE"])
        .order_by("country", "level", "code")
        .values_list("id", "country", "level", "code", "name", "geom")
    )
    digest = hashlib.sha256()
    for area_id, country, level, code, name, geom in rows:
        digest.update(f"{area_id}|{country}|{level}|{code}|{name}".encode())
        digest.update(bytes(geom.wkb))
    villages = list(
        Place.objects.filter(country="KHM", kind="village").order_by("code").values_list("code", "name", "point")
    )
    digest.update("".join(f"{c}|{n}|" for c, n, _p in villages).encode())
    towns = list(Place.objects.filter(country="AZE", kind="town").order_by("code").values_list("code", "name", "point"))
    digest.update("".join(f"{c}|{n}|{p.x!r}|{p.y!r}|" for c, n, p in towns).encode())
    key = digest.hexdigest()
    if key not in _CACHE:
        _CACHE.clear()
        _CACHE[key] = _build(rows, villages, towns)
    return _CACHE[key]


def _points(places) -> np.ndarray:
    out = np.empty(len(places), dtype=object)
    out[:] = [shapely.from_wkb(bytes(p.wkb)) for _c, _n, p in places]
    return out


def _build(rows, villages, towns=()) -> Geography:
    outlines: dict[str, shapely.Geometry] = {}
    level1: dict[str, list] = {}
    for area_id, country, level, code, name, geom in rows:
        g = shapely.from_wkb(bytes(geom.wkb))
        if level == 0:
            outlines[country] = g
        else:
            level1.setdefault(country, []).append((area_id, code, name, g))
    missing = [c for c in ("KHM", "AZE") if c not in outlines or c not in level1]
    if missing:
        raise RuntimeError(
            f"the gazetteer has no outline or provinces for {', '.join(missing)}; run `safeground gazetteer load`"
        )
    inner = {c: _shrink(outlines[c], COUNTRY_EPSG[c], BORDER_MARGIN_M) for c in outlines}
    provinces: dict[str, Province] = {}
    by_key: dict[tuple[str, str], list[str]] = {}
    for country, items in level1.items():
        for area_id, code, name, g in items:
            provinces[code] = Province(area_id, code, name, country, g)
            by_key.setdefault((country, name_key(name)), []).append(code)

    group_areas: dict[str, list[GroupArea]] = {}
    borders: dict[str, shapely.Geometry | None] = {}
    regions: dict[tuple[str, float | None], shapely.Geometry] = {}
    unknown: list[str] = []
    for group in GROUPS:
        chosen: list[GroupArea] = []
        for ref, weight in group.provinces.items():
            codes = [ref] if ref in provinces else by_key.get((group.country, name_key(ref)), [])
            if not codes:
                unknown.append(f"{group.country} {ref}")
                continue
            for code in sorted(codes):
                key = (code, group.min_lon)
                if key not in regions:
                    regions[key] = _region(provinces[code].geom, inner[group.country], group.min_lon)
                if not regions[key].is_empty:
                    chosen.append(GroupArea(provinces[code], weight / len(codes), regions[key]))
        group_areas[group.key] = chosen
        borders[group.key] = _attracting_border(group, outlines[group.country], [a.province for a in chosen])
    village_points = _points(villages)
    villages_arr = (village_points, [n for _c, n, _p in villages])
    places = {"KHM": village_points, "AZE": _points(towns)}
    return Geography(outlines, inner, provinces, group_areas, borders, {"KHM": villages_arr}, unknown, places)


def _shrink(outline: shapely.Geometry, epsg: int, metres: float) -> shapely.Geometry:
    local = shapes.project_geoms(np.array([outline], dtype=object), 4326, epsg)[0]
    shrunk = shapely.buffer(local, -metres)
    return shapes.project_geoms(np.array([shrunk], dtype=object), epsg, 4326)[0]


def _region(province: shapely.Geometry, inner: shapely.Geometry, min_lon: float | None) -> shapely.Geometry:
    region = shapely.intersection(province, inner)
    if min_lon is not None and not region.is_empty:
        minx, miny, maxx, maxy = region.bounds
        region = shapely.intersection(region, shapely.box(min_lon, miny - 1, max(maxx, min_lon) + 1, maxy + 1))
    region = shapes.polygonal(np.array([region], dtype=object), min_part_share=0.001)[0]
    if region is None:
        return shapely.MultiPolygon()
    shapely.prepare(region)
    return region


def _attracting_border(group: Group, outline, provinces: list[Province]):
    """The stretch of the national border next to the group's provinces (UTM metres), e.g. the Thai border."""
    if group.border_decay_km is None or not provinces:
        return None
    near = shapely.union_all([shapely.buffer(p.geom, 0.02) for p in provinces])
    line = shapely.intersection(shapely.boundary(outline), near)
    epsg = COUNTRY_EPSG[group.country]
    return shapes.project_geoms(np.array([line], dtype=object), 4326, epsg)[0]


def sample_centres(
    rng: np.random.Generator, geo: Geography, group: Group, area: GroupArea, n: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """n centres inside the province region, thinned by distance to the group's attracting border.

    Returns lon, lat and the bearing (radians, lon/lat frame) along the nearest border stretch (NaN if
    the group has no border).
    """
    region = area.region
    minx, miny, maxx, maxy = region.bounds
    border = geo.borders_utm.get(group.key)
    epsg = COUNTRY_EPSG[group.country]
    xs, ys, along = [], [], []
    got = 0
    for _ in range(200):
        if got >= n:
            break
        m = max(64, (n - got) * 8)
        x = rng.uniform(minx, maxx, m)
        y = rng.uniform(miny, maxy, m)
        keep = shapely.contains_xy(region, x, y)
        x, y = x[keep], y[keep]
        bearing = np.full(len(x), np.nan)
        if border is not None and len(x):
            ux, uy = shapes.project_xy(x, y, 4326, epsg)
            pts = shapely.points(ux, uy)
            d = shapely.distance(border, pts)
            p = group.border_floor + (1 - group.border_floor) * np.exp(-d / (group.border_decay_km * 1000))
            keep = rng.uniform(0, 1, len(x)) < p
            x, y, pts = x[keep], y[keep], pts[keep]
            nearest = shapely.get_coordinates(shapely.shortest_line(pts, border)).reshape(-1, 2, 2)
            vx = nearest[:, 1, 0] - nearest[:, 0, 0]
            vy = nearest[:, 1, 1] - nearest[:, 0, 1]
            bearing = np.arctan2(vy, vx) + np.pi / 2
            bearing[d[keep] > 20_000] = np.nan
        xs.append(x)
        ys.append(y)
        along.append(bearing)
        got += len(x)
    x, y, b = np.concatenate(xs)[:n], np.concatenate(ys)[:n], np.concatenate(along)[:n]
    return x, y, b
