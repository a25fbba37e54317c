"""Geometry helpers shared by every app: validation with a useful message, local UTM, area in m².

Areas are never computed in degrees: each geometry is projected to the WGS 84 / UTM zone of its
centroid (Cambodia 48N = EPSG:32648; Azerbaijan 38N/39N = 32638/32639) and measured there.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

import shapely
from pyproj import Transformer
from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity


class GeometryError(ValueError):
    """Bad geometry. `reason` is GEOS's reason; `location` is (lon, lat) where GEOS found it."""

    def __init__(self, message: str, reason: str = "", location: tuple[float, float] | None = None):
        super().__init__(message)
        self.reason = reason
        self.location = location


def utm_epsg(lon: float, lat: float) -> int:
    """EPSG code of the WGS 84 / UTM zone holding (lon, lat)."""
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise GeometryError(f"coordinates out of range: lon={lon}, lat={lat}")
    zone = min(int(math.floor((lon + 180) / 6)) + 1, 60)
    return (32600 if lat >= 0 else 32700) + zone


@lru_cache(maxsize=64)
def _to_utm(epsg: int) -> Transformer:
    return Transformer.from_crs(4326, epsg, always_xy=True)


def utm_epsg_for(geom: BaseGeometry) -> int:
    c = geom.centroid
    return utm_epsg(c.x, c.y)


def to_utm(geom: BaseGeometry, epsg: int | None = None) -> BaseGeometry:
    """Project a lon/lat geometry to its local UTM zone (or the zone given)."""
    epsg = epsg or utm_epsg_for(geom)
    return shapely.transform(geom, lambda xy: _xy(_to_utm(epsg), xy))


def _xy(transformer: Transformer, xy):
    import numpy as np

    x, y = transformer.transform(xy[:, 0], xy[:, 1])
    return np.column_stack([x, y])


def area_m2(geom: BaseGeometry) -> float:
    """Area in square metres in the local UTM zone of the geometry's centroid."""
    if geom is None or geom.is_empty:
        return 0.0
    return float(to_utm(geom).area)


def areas_m2(geoms) -> list[float]:
    """Vectorised `area_m2` for many geometries (one projection call per UTM zone)."""
    import numpy as np

    geoms = np.asarray(geoms, dtype=object)
    out = np.zeros(len(geoms))
    if not len(geoms):
        return []
    cx = shapely.get_x(shapely.centroid(geoms))
    cy = shapely.get_y(shapely.centroid(geoms))
    zones = np.array([utm_epsg(x, y) for x, y in zip(cx, cy, strict=True)])
    for epsg in np.unique(zones):
        idx = zones == epsg
        t = _to_utm(int(epsg))
        projected = shapely.transform(geoms[idx], lambda xy, t=t: _xy(t, xy))
        out[idx] = shapely.area(projected)
    return out.tolist()


_LOCATION = re.compile(r"\[\s*(-?[\d.eE+-]+)\s+(-?[\d.eE+-]+)\s*\]")


def validate_polygonal(geom: BaseGeometry, what: str = "geometry") -> None:
    """Refuse invalid or degenerate polygons with a message naming the reason and the location."""
    if geom is None or geom.is_empty:
        raise GeometryError(f"{what} is empty", reason="empty")
    if geom.geom_type not in ("Polygon", "MultiPolygon"):
        raise GeometryError(f"{what} must be a Polygon or MultiPolygon, not {geom.geom_type}", reason="type")
    for i, part in enumerate(getattr(geom, "geoms", [geom])):
        distinct = {tuple(c) for c in part.exterior.coords}
        if len(distinct) < 3:
            raise GeometryError(
                f"{what}: part {i + 1} has {len(distinct)} distinct vertices; a polygon needs at least 3",
                reason="too few vertices",
            )
    _check_lonlat(geom, what)
    if not geom.is_valid:
        explanation = explain_validity(geom)
        reason = explanation.split("[")[0].strip()
        match = _LOCATION.search(explanation)
        location = (float(match.group(1)), float(match.group(2))) if match else None
        where = f" at lon {location[0]:.6f}, lat {location[1]:.6f}" if location else ""
        raise GeometryError(f"{what} is invalid: {reason}{where}", reason=reason, location=location)


def validate_point(geom: BaseGeometry, what: str = "point") -> None:
    if geom is None or geom.is_empty:
        raise GeometryError(f"{what} is empty", reason="empty")
    if geom.geom_type != "Point":
        raise GeometryError(f"{what} must be a Point, not {geom.geom_type}", reason="type")
    _check_lonlat(geom, what)


def _check_lonlat(geom: BaseGeometry, what: str) -> None:
    minx, miny, maxx, maxy = geom.bounds
    if minx < -180 or maxx > 180 or miny < -90 or maxy > 90:
        swapped = -90 <= minx and maxx <= 90 and -180 <= miny and maxy <= 180
        hint = " (latitude and longitude look swapped: GeoJSON puts longitude first)" if swapped else ""
        raise GeometryError(
            f"{what} has coordinates outside longitude/latitude range ({minx:.3f}, {miny:.3f}, {maxx:.3f}, "
            f"{maxy:.3f}); coordinates must be WGS 84 longitude, latitude{hint}",
            reason="swapped coordinates" if swapped else "out of range",
        )


def as_multipolygon(geom: BaseGeometry) -> shapely.MultiPolygon:
    if geom.geom_type == "Polygon":
        return shapely.MultiPolygon([geom])
    return geom


@lru_cache(maxsize=64)
def _from_utm(epsg: int) -> Transformer:
    return Transformer.from_crs(epsg, 4326, always_xy=True)


def project(geoms, epsg: int):
    """Project lon/lat geometries (one, or an array) to the given UTM zone, vectorised."""
    t = _to_utm(epsg)
    return shapely.transform(geoms, lambda xy: _xy(t, xy))


def unproject(geoms, epsg: int):
    """Back from a UTM zone to lon/lat."""
    t = _from_utm(epsg)
    return shapely.transform(geoms, lambda xy: _xy(t, xy))
