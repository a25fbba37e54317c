"""Generalising positions as a policy says: keep them, move them to an admin area, or to a grid cell.

Grid cells are squares of `cell_km` in the programme's metric CRS (its local UTM zone, one zone for the
whole programme so that cells never straddle two grids): a feature goes to the cell holding its
representative point, written as the cell's centre or its square. Admin generalisation writes the
representative point of the admin area of the level asked that holds the feature. Either way no
recorded vertex survives: a partner sees where work is, not where a device lay.
"""

from __future__ import annotations

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from safeground.core.geometry import project, unproject, utm_epsg
from safeground.gazetteer.models import AdminArea, Programme


def metric_epsg(country: str) -> int:
    """The programme's metric CRS: its `local_crs` when that is a UTM zone, else the zone of its centre."""
    programme = Programme.objects.filter(iso3=country).first()
    crs = (programme.local_crs if programme else "") or ""
    digits = crs.upper().removeprefix("EPSG:")
    if digits.isdigit() and (32601 <= int(digits) <= 32660 or 32701 <= int(digits) <= 32760):
        return int(digits)
    box = programme.map_bbox if programme and programme.map_bbox else None
    if box:
        return utm_epsg((box[0] + box[2]) / 2, (box[1] + box[3]) / 2)
    outline = AdminArea.objects.filter(country=country, level=0).values_list("geom", flat=True).first()
    if outline is not None:
        c = outline.centroid
        return utm_epsg(c.x, c.y)
    return 3857


def anchors(geoms: np.ndarray) -> np.ndarray:
    """One point per feature: the point itself, or a point surely inside the polygon."""
    return shapely.point_on_surface(geoms)


def grid(geoms: np.ndarray, epsg: int, cell_km: float, write: str = "centre") -> tuple[np.ndarray, list[str]]:
    """Each feature's cell (centre point or square, in lon/lat) and the cell's id (`E<i>N<j>` in `epsg`)."""
    size = float(cell_km) * 1000.0
    if len(geoms) == 0:
        return np.array([], dtype=object), []
    local = project(anchors(geoms), epsg)
    i = np.floor(shapely.get_x(local) / size)
    j = np.floor(shapely.get_y(local) / size)
    if write == "square":
        cells = shapely.box(i * size, j * size, (i + 1) * size, (j + 1) * size)
    else:
        cells = shapely.points((i + 0.5) * size, (j + 0.5) * size)
    ids = [f"{epsg}:E{int(a)}N{int(b)}" for a, b in zip(i, j, strict=True)]
    return unproject(cells, epsg), ids


def admin(geoms: np.ndarray, country: str, level: int) -> tuple[np.ndarray, list[str]]:
    """Each feature's admin area of `level` (its representative point) and the area's code ('' outside)."""
    rows = list(AdminArea.objects.filter(country=country, level=level).order_by("code").values_list("code", "geom"))
    if len(geoms) == 0:
        return np.array([], dtype=object), []
    areas = np.array([shapely.from_wkb(bytes(g.wkb)) for _code, g in rows], dtype=object)
    codes = [code for code, _g in rows]
    points = anchors(geoms)
    out = np.empty(len(geoms), dtype=object)
    found = [""] * len(geoms)
    if len(areas):
        tree = shapely.STRtree(areas)
        inside, area_index = tree.query(points, predicate="within")
        centres = shapely.point_on_surface(areas)
        for feature, area in zip(inside, area_index, strict=True):
            if not found[feature]:
                found[feature] = codes[area]
                out[feature] = centres[area]
    # Outside every area of that level (offshore, a gap in the gazetteer): no position at all.
    return out, found


def generalise(
    geoms: list[BaseGeometry] | np.ndarray, rule: dict, country: str, epsg: int
) -> tuple[np.ndarray, list[str]]:
    """Apply one layer's rule; the geometries to write and the cell or area each went to."""
    arr = np.array(list(geoms), dtype=object)
    if rule["geometry"] == "grid":
        return grid(arr, epsg, rule["cell_km"], rule.get("write", "centre"))
    if rule["geometry"] == "admin":
        return admin(arr, country, rule["level"])
    return arr, [""] * len(arr)
