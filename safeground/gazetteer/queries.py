"""Where a geometry lies: its country and the admin areas holding the largest share of it."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from uuid import UUID

import numpy as np
import shapely
from django.conf import settings
from shapely.geometry.base import BaseGeometry

from safeground.core.errors import ValidationFailed
from safeground.core.geometry import GeometryError, as_multipolygon, to_utm, utm_epsg_for, validate_polygonal
from safeground.gazetteer.models import AdminArea

COUNTRY_NAMES = {"KHM": "Cambodia", "AZE": "Azerbaijan"}


def country_name(iso3: str) -> str:
    return COUNTRY_NAMES.get(iso3, iso3)


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
    country_outline.cache_clear()
    _admin_index.cache_clear()


def countries() -> list[str]:
    return list(AdminArea.objects.filter(level=0).order_by("country").values_list("country", flat=True))


def country_at(geom: BaseGeometry) -> str | None:
    """The country whose outline holds the geometry's representative point, if any."""
    point = geom.representative_point()
    for iso3 in countries():
        outline = country_outline(iso3)
        if outline is not None and outline.contains(point):
            return iso3
    return None


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
    outside = local.difference(border.buffer(tolerance)).intersection(window)
    if outside.is_empty or outside.area < 1.0:
        return
    share = outside.area / local.area if local.area else 1.0
    where = outside.representative_point()
    lon, lat = _lonlat(where, epsg)
    hint = ""
    if _lands_inside(geom, country, lambda xy: xy[:, ::-1]):
        hint = " (latitude and longitude look swapped)"
    elif _lands_inside(geom, country, lambda xy: -xy):
        hint = " (wrong hemisphere: the signs of longitude and latitude look flipped)"
    raise GeometryError(
        f"{what} lies outside {country_name(country)} ({country}): {outside.area:,.0f} m² "
        f"({share:.0%} of it) is beyond the national border, e.g. at lon {lon:.6f}, lat {lat:.6f}{hint}",
        reason="outside country",
        location=(lon, lat),
    )


def _lands_inside(geom: BaseGeometry, country: str, change) -> bool:
    """Whether the geometry, with its coordinates changed (swapped, negated), falls inside the country."""
    outline = country_outline(country)
    moved = shapely.transform(geom, change)
    return bool(outline is not None and outline.intersects(moved.representative_point()))


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


def place_polygon(geom: shapely.Geometry, country: str | None, what: str) -> tuple[shapely.MultiPolygon, str]:
    """Validate a polygon and settle its country; returns (multipolygon, country ISO3).

    Shared by hazards and land release products: same validity, same border rule. Raises
    ValidationFailed naming the `geometry` field.
    """
    try:
        validate_polygonal(geom, what)
        found = country_at(geom)
        if country and found and found != country:
            raise GeometryError(
                f"{what} lies in {country_name(found)} ({found}), not in {country_name(country)} ({country})",
                reason="wrong country",
            )
        country = country or found
        if country is None:
            raise GeometryError(
                f"{what} lies outside every country in the gazetteer; check the coordinates "
                "(longitude first, WGS 84 decimal degrees)",
                reason="outside country",
            )
        check_inside_country(geom, country, what)
    except GeometryError as exc:
        raise ValidationFailed.from_geometry(exc, field="geometry") from exc
    return as_multipolygon(geom), country
