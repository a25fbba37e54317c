"""Where a geometry lies: its country and the admin areas holding the largest share of it."""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import cast
from uuid import UUID, uuid4

import numpy as np
import shapely
from django.conf import settings
from django.contrib.gis.db.models.functions import AsWKB
from django.core.cache import cache
from django.utils.translation import gettext_noop as N_
from shapely.geometry.base import BaseGeometry

from safeground.core.errors import BulkError
from safeground.core.features import Properties
from safeground.core.geometry import (
    GeometryError,
    as_multipolygon,
    to_utm,
    utm_epsg_for,
    validate_point,
    validate_polygonal,
)
from safeground.gazetteer.models import AdminArea, Programme
from safeground.gazetteer.programmes import FIELDS as PROGRAMME_FIELDS


def country_name(iso3: str) -> str:
    """The country's name, from its level-0 admin area (the ISO3 code if the gazetteer has none)."""
    return _country_facts().get(iso3, (iso3, iso3))[0]


def country_prefix(iso3: str) -> str:
    """The stem of a country's human codes when no province applies (its level-1 codes XT01… → XT).

    Read from the gazetteer, never from code: the letters that begin every level-1 code of the country
    (KH01…KH25 → KH; AZ-ABSHERON… → AZ). A country whose level-1 codes share no such letters, or has
    none, uses its ISO3 code.
    """
    return _country_facts().get(iso3, (iso3, iso3))[1]


@lru_cache(maxsize=1)
def _country_facts() -> dict[str, tuple[str, str]]:
    """{ISO3: (name, code prefix)} for every country in the gazetteer (one query; cached per process)."""
    names = dict(AdminArea.objects.filter(level=0).values_list("country", "name"))
    letters: dict[str, set[str]] = {}
    for iso3, code in AdminArea.objects.filter(level=1).values_list("country", "code"):
        letters.setdefault(iso3, set()).add(_LEADING_LETTERS.findall(code)[0])  # [A-Za-z]* always matches
    out = {}
    for iso3 in sorted(set(names) | set(letters)):
        found = letters.get(iso3, set())
        prefix = next(iter(found)) if len(found) == 1 and "" not in found else iso3
        out[iso3] = (names.get(iso3, iso3), prefix)
    return out


_LEADING_LETTERS = re.compile(r"[A-Za-z]*")


@lru_cache(maxsize=16)
def country_outline(country: str) -> BaseGeometry | None:
    """The level-0 outline of a country (cached per process; the gazetteer changes rarely)."""
    row = AdminArea.objects.filter(country=country, level=0).values_list("geom", flat=True).first()
    if row is None:
        return None
    geom = shapely.from_wkb(bytes(row.wkb))
    shapely.prepare(geom)
    return geom


def clear_caches() -> None:
    """Forget what was read from the gazetteer: this process's lookups, and every cached answer
    (`cached_answer`) wherever the Django cache is shared."""
    country_outline.cache_clear()
    _admin_index.cache_clear()
    _country_facts.cache_clear()
    _province_codes.cache_clear()
    cache.set(_GENERATION_KEY, uuid4().hex, None)


#: Seconds a cached answer lives at most: the bound on staleness when the gazetteer is loaded by
#: another process and the cache is per process (Django's default local-memory cache).
ANSWER_CACHE_SECONDS = 600
_GENERATION_KEY = "sg-gazetteer:generation"


def cached_answer(key: str, build: Callable[[], bytes], seconds: int = ANSWER_CACHE_SECONDS) -> bytes:
    """The answer `build` gives for `key`, from the Django cache while the gazetteer is unchanged.

    Keys carry the gazetteer's generation, which `clear_caches` (after every load) replaces, so a
    changed gazetteer is never answered from before the change. `seconds`: how long it lives at most
    (shorter for answers that hold figures from other tables, which change without a new generation)."""
    generation = cache.get_or_set(_GENERATION_KEY, lambda: uuid4().hex, None)
    full_key = f"sg-gazetteer:{generation}:{hashlib.sha256(key.encode()).hexdigest()}"
    body = cache.get(full_key)
    if body is None:
        body = build()
        cache.set(full_key, body, seconds)
    return body


def outlines(level: int, tolerance: float, decimals: int) -> list[dict]:
    """The admin areas of `level`, every country, as GeoJSON features for small-scale maps: each outline
    simplified by `tolerance` degrees (topology kept) and its coordinates rounded to `decimals`, with
    its code, name and country. Built once per gazetteer generation (`cached_answer`): anonymous pages
    may ask for it."""

    def build() -> bytes:
        rows = list(
            AdminArea.objects.filter(level=level)
            .order_by("country", "code")
            .annotate(wkb=AsWKB("geom"))
            .values_list("code", "name", "country", "wkb")
        )
        geoms = shapely.simplify(shapely.from_wkb([bytes(r[3]) for r in rows]), tolerance, preserve_topology=True)
        features = [
            {
                "type": "Feature",
                "properties": {"code": code, "name": name, "country": country},
                "geometry": json.loads(shapely.to_geojson(shapely.transform(geom, lambda xy: np.round(xy, decimals)))),
            }
            for (code, name, country, _wkb), geom in zip(rows, geoms, strict=True)
        ]
        return json.dumps(features, separators=(",", ":")).encode()

    return json.loads(cached_answer(f"outlines:{level}:{tolerance}:{decimals}", build))


def countries() -> list[str]:
    return list(AdminArea.objects.filter(level=0).order_by("country").values_list("country", flat=True))


def country_at(geom: BaseGeometry) -> str | None:
    """The country whose outline holds the geometry's representative point, if any."""
    return countries_at([geom])[0]


def check_inside_country(geom: BaseGeometry, country: str, what: str = "geometry") -> None:
    """Refuse a geometry that reaches beyond its country's border by more than the tolerance.

    The tolerance (SAFEGROUND_BORDER_TOLERANCE_M, 50 m by default) absorbs the differences between
    boundary datasets of different vintages; anything further out is almost always a wrong
    coordinate (a swapped latitude/longitude, the wrong UTM zone) or a hazard in a neighbour country.
    """
    outline = country_outline(country)
    if outline is None:
        raise GeometryError(
            f"no national outline for {country} in the gazetteer; run `safeground gazetteer load` first",
            reason="no gazetteer",
        )
    if outline.contains(geom):
        return
    epsg = utm_epsg_for(geom)
    local = to_utm(geom, epsg)
    tolerance = settings.SAFEGROUND_BORDER_TOLERANCE_M
    window = shapely.box(*local.buffer(tolerance * 2).bounds)
    border = to_utm(shapely.clip_by_rect(outline, *_lonlat_bounds(geom, pad=0.05)), epsg)
    if geom.geom_type in ("Point", "MultiPoint"):
        _check_point_inside(geom, local, border, outline, epsg, country, what, tolerance)
        return
    outside = local.difference(border.buffer(tolerance)).intersection(window)
    if outside.is_empty or outside.area < 1.0:
        return
    share = outside.area / local.area if local.area else 1.0
    where = outside.representative_point()
    lon, lat = _lonlat(where, epsg)
    found = coordinate_hint(geom, country)
    hint = f" ({found})" if found else ""
    raise GeometryError(
        f"{what} lies outside {country_name(country)} ({country}): {outside.area:,.0f} m² "
        f"({share:.0%} of it) is beyond the national border, e.g. at lon {lon:.6f}, lat {lat:.6f}{hint}",
        reason="outside country",
        location=(lon, lat),
    )


def _check_point_inside(geom, local, border, outline, epsg: int, country: str, what: str, tolerance: float) -> None:
    """The border rule for a point: no area to measure, so its distance from the country, in metres.

    (Measured as an area, as for polygons, a point anywhere would pass: it has none outside.)"""
    from django.utils.translation import gettext as _

    if border.is_empty:  # nothing of the country within the window: measure to the whole outline
        border = to_utm(outline, epsg)
    distance = float(local.distance(border))
    if distance <= tolerance:
        return
    where = geom.representative_point()
    found = coordinate_hint(geom, country)
    hint = f" ({found})" if found else ""
    raise GeometryError(
        _(
            "%(what)s lies outside %(country)s: %(distance)s m beyond the national border, "
            "at lon %(lon).6f, lat %(lat).6f"
        )
        % {
            "what": what,
            "country": f"{country_name(country)} ({country})",
            "distance": f"{distance:,.0f}",
            "lon": where.x,
            "lat": where.y,
        }
        + hint,
        reason="outside country",
        location=(where.x, where.y),
    )


#: Coordinate mistakes seen in real files, tried in this order: (change to the lon/lat array, what it means).
COORDINATE_MISTAKES = (
    (lambda xy: xy[:, ::-1], N_("latitude and longitude look swapped")),
    (lambda xy: xy * np.array([-1.0, 1.0]), N_("the sign of the longitude looks flipped")),
    (lambda xy: xy * np.array([1.0, -1.0]), N_("the sign of the latitude looks flipped")),
    (lambda xy: -xy, N_("the signs of longitude and latitude look flipped")),
)


@dataclass(frozen=True)
class CoordinateHint:
    """A coordinate mistake that would put a geometry inside a country: what, where it would lie."""

    mistake: str
    country: str
    lon: float
    lat: float

    def __str__(self) -> str:
        from django.utils.translation import gettext as _

        return _("%(mistake)s: corrected, it lies in %(country)s at lon %(lon).6f, lat %(lat).6f") % {
            "mistake": _(self.mistake),
            "country": f"{country_name(self.country)} ({self.country})",
            "lon": self.lon,
            "lat": self.lat,
        }


def coordinate_hint(geom: BaseGeometry, country: str | None = None) -> CoordinateHint | None:
    """Whether swapping latitude and longitude, or flipping a sign, lands the geometry in `country`
    (or, when None, in any programme's country in the gazetteer): the first such mistake, or None."""
    if geom is None or geom.is_empty:
        return None
    point = geom.representative_point()
    candidates = [country] if country else countries()
    for change, mistake in COORDINATE_MISTAKES:
        moved = shapely.transform(point, change)
        if not (-180 <= moved.x <= 180 and -90 <= moved.y <= 90):
            continue
        for iso3 in candidates:
            outline = country_outline(iso3)
            if outline is not None and outline.contains(moved):
                return CoordinateHint(mistake, iso3, moved.x, moved.y)
    return None


def _lonlat_bounds(geom: BaseGeometry, pad: float) -> tuple[float, float, float, float]:
    minx, miny, maxx, maxy = geom.bounds
    return (minx - pad, miny - pad, maxx + pad, maxy + pad)


def _lonlat(point, epsg: int) -> tuple[float, float]:
    from pyproj import Transformer

    t = Transformer.from_crs(epsg, 4326, always_xy=True)
    return t.transform(point.x, point.y)


@dataclass(frozen=True)
class Location:
    country: str | None
    province_id: UUID | None
    district_id: UUID | None
    commune_id: UUID | None


@lru_cache(maxsize=8)
def _admin_index(country: str, level: int):
    rows = list(AdminArea.objects.filter(country=country, level=level).values_list("id", "geom"))
    ids = [r[0] for r in rows]
    geoms = np.array([shapely.from_wkb(bytes(r[1].wkb)) for r in rows], dtype=object)
    return ids, geoms, shapely.STRtree(geoms)


def locate(geoms: list[BaseGeometry], country: str) -> list[Location]:
    """For each geometry, the province, district and commune holding the largest share of it.

    Set-based: one spatial index per level, one vectorised intersection per level for all inputs.
    """
    geoms_arr = np.array(geoms, dtype=object)
    found: dict[int, list] = {}
    for level in (1, 2, 3):
        ids, admin_geoms, tree = _admin_index(country, level)
        best = [None] * len(geoms_arr)
        if ids:
            pairs = tree.query(geoms_arr, predicate="intersects")
            if pairs.size:
                inter = shapely.area(shapely.intersection(geoms_arr[pairs[0]], admin_geoms[pairs[1]]))
                best_share = np.full(len(geoms_arr), -1.0)
                for g, a, share in zip(pairs[0], pairs[1], inter, strict=True):
                    if share > best_share[g]:
                        best_share[g] = share
                        best[g] = ids[a]
        found[level] = best
    return [Location(country, found[1][i], found[2][i], found[3][i]) for i in range(len(geoms_arr))]


def locate_all(geoms, countries_of: list[str | None]) -> list[Location | None]:
    """`locate` for geometries of several countries (None where the country or the geometry is missing)."""
    out: list[Location | None] = [None] * len(countries_of)
    by_country: dict[str, list[int]] = defaultdict(list)
    for i, c in enumerate(countries_of):
        if c and geoms[i] is not None:
            by_country[c].append(i)
    for c, idx in by_country.items():
        for i, where in zip(idx, locate([geoms[i] for i in idx], c), strict=True):
            out[i] = where
    return out


@lru_cache(maxsize=1)
def _province_codes() -> dict:
    return dict(AdminArea.objects.filter(level=1).values_list("id", "code"))


def code_stems(locations: list[Location | None], countries_of: list[str]) -> list[str]:
    """The stem of each record's code: its province's code (KH02, AZ-FUZULI), else its country's prefix."""
    codes = _province_codes()
    return [
        codes[where.province_id] if where and where.province_id in codes else country_prefix(country)
        for where, country in zip(locations, countries_of, strict=True)
    ]


def _where(exc: GeometryError) -> str:
    return f"{exc.location[0]:.6f} {exc.location[1]:.6f}" if exc.location else exc.reason


def countries_at(geoms) -> np.ndarray:
    """Each geometry's country: the one whose outline holds its point on surface (None outside all, or None given)."""
    geoms = np.asarray(geoms, dtype=object)
    found = np.full(len(geoms), None, dtype=object)
    present = np.array([g is not None for g in geoms], dtype=bool)
    if not present.any():
        return found
    idx = np.flatnonzero(present)
    reps = shapely.point_on_surface(geoms[idx])
    for iso3 in countries():
        outline = country_outline(iso3)
        if outline is None:
            continue
        hit = shapely.contains(outline, reps) & (found[idx] == None)  # noqa: E711 - elementwise
        found[idx[hit]] = iso3
    return found


def settle_countries(geoms, given: list[str | None], what: str) -> tuple[list[str | None], list[BulkError]]:
    """The country of each geometry, set-based, and the problems that refuse a row: the one rule for every write.

    A geometry belongs to the country whose outline holds its point on surface; a given country must
    agree. Then the border rule (`check_inside_country`), tested only for geometries their outline
    doesn't simply contain. Rows without a geometry keep the given country.
    """
    from django.utils.translation import gettext as _

    geoms = np.asarray(geoms, dtype=object)
    found = countries_at(geoms)
    known = countries()
    out: list[str | None] = []
    problems: list[BulkError] = []
    for i in range(len(geoms)):
        want, got = given[i], found[i]
        if geoms[i] is None:
            out.append(want)
            continue
        if want and want not in known:
            message = _("unknown country; the gazetteer has %(c)s") % {"c": ", ".join(known)}
            problems.append(BulkError(i + 1, "country", want, message, "unknown country"))
            out.append(None)
        elif want and got and want != got:
            message = _("%(what)s lies in %(got)s, not in %(want)s") % {
                "what": what,
                "got": f"{country_name(got)} ({got})",
                "want": f"{country_name(want)} ({want})",
            }
            problems.append(BulkError(i + 1, "geometry", want, message, "wrong country"))
            out.append(None)
        elif not (want or got):
            where = geoms[i].representative_point() if not geoms[i].is_empty else None
            lon, lat = (where.x, where.y) if where is not None else (float("nan"), float("nan"))
            message = _(
                "%(what)s lies outside every country in the gazetteer, at lon %(lon).6f, lat %(lat).6f; "
                "check the coordinates and the CRS"
            ) % {"what": what, "lon": lon, "lat": lat}
            hint = coordinate_hint(geoms[i])
            if hint:
                message += f" ({hint})"
            location = (lon, lat) if where is not None else None
            problems.append(BulkError(i + 1, "geometry", "", message, "outside country", location=location))
            out.append(None)
        else:
            out.append(want or got)
    by_country: dict[str, list[int]] = defaultdict(list)
    for i, c in enumerate(out):
        if c and geoms[i] is not None:
            by_country[c].append(i)
    for iso3, idx in by_country.items():
        outline = country_outline(iso3)
        arr = np.array(idx)
        g = geoms[arr]
        if outline is None:
            inside = np.zeros(len(arr), dtype=bool)
        elif (shapely.get_type_id(g) == 0).all():
            inside = shapely.contains_xy(outline, shapely.get_x(g), shapely.get_y(g))
        else:
            inside = shapely.contains(outline, g)
        for i in arr[~inside]:
            try:
                check_inside_country(geoms[i], iso3, what)
            except GeometryError as exc:
                problems.append(
                    BulkError(int(i) + 1, "geometry", _where(exc), str(exc), exc.reason, location=exc.location)
                )
                out[i] = None
    problems.sort(key=lambda p: p.row)
    return out, problems


def place_polygons(geoms, given: list[str | None], what: str) -> tuple[np.ndarray, list[str | None], list[BulkError]]:
    """Validate polygons and settle their countries, set-based: (multipolygons, countries, problems).

    The rule shared by hazards and land release products, single or bulk: same validity, same border
    rule. A refused row has a problem (and None as its multipolygon or country).
    """
    geoms = np.asarray(geoms, dtype=object)
    multis = np.full(len(geoms), None, dtype=object)
    problems: list[BulkError] = []
    for i, geom in enumerate(geoms):
        try:
            validate_polygonal(geom, what)
        except GeometryError as exc:
            problems.append(BulkError(i + 1, "geometry", _where(exc), str(exc), exc.reason, location=exc.location))
            continue
        multis[i] = as_multipolygon(geom)
    settled, more = settle_countries(multis, given, what)
    return multis, settled, sorted(problems + more, key=lambda p: p.row)


def place_points(geoms, given: list[str | None], what: str) -> tuple[np.ndarray, list[str | None], list[BulkError]]:
    """`place_polygons` for points: (points, countries, problems), the same border rule, set-based."""
    geoms = np.asarray(geoms, dtype=object)
    points = np.full(len(geoms), None, dtype=object)
    problems: list[BulkError] = []
    for i, geom in enumerate(geoms):
        try:
            validate_point(geom, what)
        except GeometryError as exc:
            problems.append(BulkError(i + 1, "geometry", _where(exc), str(exc), exc.reason, location=exc.location))
            continue
        points[i] = geom
    settled, more = settle_countries(points, given, what)
    return points, settled, sorted(problems + more, key=lambda p: p.row)


def place_polygon(geom: shapely.Geometry, country: str | None, what: str) -> tuple[shapely.MultiPolygon, str]:
    """`place_polygons` for one polygon; returns (multipolygon, country ISO3) or raises ValidationFailed."""
    multis, settled, problems = place_polygons([geom], [country], what)
    if problems:
        raise problems[0].as_error()
    return multis[0], cast(str, settled[0])  # settled: a row whose country is not settled is a problem


def programmes() -> list:
    """Every programme's profile, by ISO3: the countries SafeGround serves (see gazetteer.programmes)."""
    return list(Programme.objects.order_by("iso3"))


#: A profile's fields as the CLI and the API show them.
PROFILE_FIELDS = ("iso3", *PROGRAMME_FIELDS)


def profile(programme: Programme) -> dict:
    """A programme's profile as a dict (the deadline as a date; JSON writers print it ISO)."""
    return {name: getattr(programme, name) for name in PROFILE_FIELDS}


def radius_area_countries() -> set[str]:
    """The programmes whose profile counts a point hazard's declared radius as estimated area (π r²)."""
    return set(Programme.objects.filter(point_radius_area=True).values_list("iso3", flat=True))


def country_choices() -> list[tuple[str, str]]:
    """(ISO3, name) of every programme, by name: what every country filter, list and selector offers.

    Names are shown in the user's language where the catalogue knows them (the reference loader
    marks its programmes' names for translation); other names as the profile writes them."""
    from django.utils.translation import gettext as _

    return [(iso3, _(name)) for iso3, name in Programme.objects.order_by("name", "iso3").values_list("iso3", "name")]


def country_names() -> dict[str, str]:
    """{ISO3: name} of every programme."""
    return dict(country_choices())


def _extent(programme: Programme) -> list[float]:
    """The programme's map view: its profile's, else its national outline's extent, else the world."""
    if programme.map_bbox:
        return [float(v) for v in programme.map_bbox]
    outline = country_outline(programme.iso3)
    return [round(v, 4) for v in outline.bounds] if outline is not None else [-180.0, -85.0, 180.0, 85.0]


def map_countries() -> list[dict]:
    """[{"code", "name", "bbox", "levels"}] of every programme, by name (one read): what the maps'
    country selectors offer; `levels` holds the admin levels the profile names ({"1": ...}), none
    when it names none (the map keeps its generic layer names)."""
    from django.utils.translation import gettext as _

    return [
        {
            "code": p.iso3,
            "name": _(p.name),
            "bbox": _extent(p),
            "levels": {str(k): v for k, v in _levels(p).items()} if p.admin_levels else {},
        }
        for p in Programme.objects.order_by("name", "iso3")
    ]


#: What pages call admin levels 1–3 when no single programme applies (several countries at once).
GENERIC_LEVELS = {1: N_("Province"), 2: N_("District"), 3: N_("Commune")}


def admin_level_labels(iso3: str | None) -> dict[int, str]:
    """{level: label} for the admin levels a programme names (1–3), in the user's language where the
    catalogue knows the name ("Province" is translated, "Departamento" shown as the profile writes
    it); the generic three when `iso3` is None or its profile names none."""
    return _levels(Programme.objects.filter(iso3=iso3).first() if iso3 else None)


def country_and_levels(iso3: str) -> tuple[str, dict[int, str]]:
    """A record page's country: its name and its admin-level labels, from one read of its profile."""
    from django.utils.translation import gettext as _

    found = Programme.objects.filter(iso3=iso3).first()
    return (_(found.name) if found else iso3), _levels(found)


def _levels(found: Programme | None) -> dict[int, str]:
    from django.utils.translation import gettext as _

    if found is None or not found.admin_levels:
        return {level: _(name) for level, name in GENERIC_LEVELS.items()}
    return {level: _(found.level_name(level)) for level in range(1, len(found.admin_levels) + 1)}


#: An admin area's GeoJSON properties (the API, the OGC collection and the tiles share them).
admin_area_properties = Properties(
    code="code", name="name", country="country", level="level", parent_code="parent__code"
)


#: A village's or town's GeoJSON properties (the API, the OGC collection and the tiles share them).
place_properties = Properties(
    code="code", name="name", kind="kind", country="country", admin_area_code="admin_area__code"
)
