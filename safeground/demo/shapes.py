"""Vectorised geometry for the synthetic dataset: irregular field shapes, projections, random points, cuts.

Everything works on NumPy arrays of Shapely geometries (one GEOS call per array, never a Python loop
over vertices). Shapes are built in metres in the local UTM zone, then projected to WGS 84.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import shapely
from pyproj import Transformer

M_PER_DEG_LAT = 110_574.0
M_PER_DEG_LON_EQUATOR = 111_320.0


@lru_cache(maxsize=16)
def transformer(src: int, dst: int) -> Transformer:
    return Transformer.from_crs(src, dst, always_xy=True)


def project_xy(x: np.ndarray, y: np.ndarray, src: int, dst: int) -> tuple[np.ndarray, np.ndarray]:
    tx, ty = transformer(src, dst).transform(np.asarray(x, float), np.asarray(y, float))
    return np.asarray(tx, float), np.asarray(ty, float)


def utm_zone_epsg(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """WGS 84 / UTM EPSG code per point (same rule as safeground.core.geometry.utm_epsg)."""
    zone = np.minimum(np.floor((np.asarray(lon) + 180) / 6).astype(int) + 1, 60)
    return np.where(np.asarray(lat) >= 0, 32600, 32700) + zone


def project_geoms(geoms: np.ndarray, src: np.ndarray | int, dst: np.ndarray | int) -> np.ndarray:
    """Reproject each geometry from src[i] to dst[i] (EPSG codes; scalars broadcast). One call per CRS pair."""
    geoms = np.asarray(geoms, dtype=object)
    src = np.broadcast_to(np.asarray(src), geoms.shape)
    dst = np.broadcast_to(np.asarray(dst), geoms.shape)
    out = geoms.copy()
    pairs = np.unique(np.stack([src, dst], axis=1), axis=0) if len(geoms) else []
    for s, d in pairs:
        idx = np.flatnonzero((src == s) & (dst == d))
        part = out[idx]
        coords = shapely.get_coordinates(part)
        x, y = project_xy(coords[:, 0], coords[:, 1], int(s), int(d))
        out[idx] = shapely.set_coordinates(part.copy(), np.column_stack([x, y]))
    return out


def star_shapes(
    rng: np.random.Generator,
    areas_m2: np.ndarray,
    aspect: np.ndarray,
    angle: np.ndarray,
    hull: np.ndarray,
    vertices: tuple[int, int] = (8, 30),
) -> np.ndarray:
    """Irregular polygons centred on (0, 0) in metres with exactly the requested areas.

    Each is a perturbed star (radius = 1 + low harmonics + vertex noise over sorted angles, so always a
    simple polygon), stretched by `aspect`, rotated by `angle`; where `hull` is set, its convex hull.
    """
    n = len(areas_m2)
    if n == 0:
        return np.empty(0, dtype=object)
    k = rng.integers(vertices[0], vertices[1] + 1, n)
    owner = np.repeat(np.arange(n), k)
    starts = np.concatenate([[0], np.cumsum(k)[:-1]])
    gaps = rng.gamma(4.0, size=owner.size)
    cum = np.cumsum(gaps)
    group_before = np.concatenate([[0.0], cum])[starts]
    group_total = np.add.reduceat(gaps, starts)
    theta = (cum - group_before[owner]) / group_total[owner] * 2 * np.pi + rng.uniform(0, 2 * np.pi, n)[owner]
    radius = np.ones(owner.size)
    for harmonic in (2, 3, 5):
        amp = rng.uniform(0, 0.28 / np.sqrt(harmonic), n)
        phase = rng.uniform(0, 2 * np.pi, n)
        radius += amp[owner] * np.cos(harmonic * theta + phase[owner])
    radius += rng.normal(0, 0.07, owner.size)
    radius = np.clip(radius, 0.3, 2.0)
    stretch = np.sqrt(aspect)[owner]
    x = radius * np.cos(theta) * stretch
    y = radius * np.sin(theta) / stretch
    ca, sa = np.cos(angle)[owner], np.sin(angle)[owner]
    coords = np.column_stack([x * ca - y * sa, x * sa + y * ca])
    polys = shapely.polygons(shapely.linearrings(coords, indices=owner))
    hull = np.asarray(hull, bool)
    if hull.any():
        polys[hull] = shapely.convex_hull(polys[hull])
    return scale_about_origin(polys, np.sqrt(areas_m2 / shapely.area(polys)))


def scale_about_origin(geoms: np.ndarray, factor: np.ndarray) -> np.ndarray:
    coords, index = shapely.get_coordinates(geoms, return_index=True)
    return shapely.set_coordinates(geoms.copy(), coords * np.asarray(factor)[index][:, None])


def translate(geoms: np.ndarray, dx: np.ndarray, dy: np.ndarray) -> np.ndarray:
    coords, index = shapely.get_coordinates(geoms, return_index=True)
    coords = coords + np.column_stack([np.asarray(dx)[index], np.asarray(dy)[index]])
    return shapely.set_coordinates(geoms.copy(), coords)


def polygonal(geoms: np.ndarray, min_part_share: float = 0.0, min_part_area: float = 0.0) -> np.ndarray:
    """Keep only the polygon parts (dropping lines/points from overlays) as MultiPolygons.

    Parts smaller than `min_part_share` of the largest part, or than `min_part_area` (in the geometry's
    own units squared), are dropped as slivers. Empty results become None.
    """
    geoms = np.asarray(geoms, dtype=object)
    out = np.full(len(geoms), None, dtype=object)
    if not len(geoms):
        return out
    parts, owner = shapely.get_parts(geoms, return_index=True)
    # GeometryCollections nest one level deeper than MultiPolygons: flatten again.
    nested = shapely.get_type_id(parts) == 7
    if nested.any():
        sub, sub_owner = shapely.get_parts(parts[nested], return_index=True)
        parts = np.concatenate([parts[~nested], sub])
        owner = np.concatenate([owner[~nested], owner[nested][sub_owner]])
    keep = shapely.get_type_id(parts) == 3
    parts, owner = parts[keep], owner[keep]
    area = shapely.area(parts)
    largest = np.zeros(len(geoms))
    np.maximum.at(largest, owner, area)
    keep = (area > 0) & (area >= min_part_share * largest[owner]) & (area >= min_part_area)
    parts, owner = parts[keep], owner[keep]
    order = np.argsort(owner, kind="stable")
    parts, owner = parts[order], owner[order]
    if len(parts):
        shapely.multipolygons(parts, indices=owner, out=out)
    return out


def random_points_in(
    rng: np.random.Generator, geoms: np.ndarray, counts: np.ndarray, max_rounds: int = 60
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """`counts[i]` uniform random points inside `geoms[i]` (lon/lat). Returns x, y, owner sorted by owner."""
    geoms = np.asarray(geoms, dtype=object)
    counts = np.asarray(counts, dtype=int)
    shapely.prepare(geoms)
    bounds = shapely.bounds(geoms)
    fill = shapely.area(geoms) / np.maximum((bounds[:, 2] - bounds[:, 0]) * (bounds[:, 3] - bounds[:, 1]), 1e-30)
    need = counts.copy()
    xs, ys, owners = [], [], []
    for _ in range(max_rounds):
        todo = np.flatnonzero(need > 0)
        if not len(todo):
            break
        m = np.ceil(need[todo] / np.clip(fill[todo], 0.05, 1.0) * 1.3).astype(int) + 2
        owner = np.repeat(todo, m)
        b = bounds[owner]
        x = rng.uniform(b[:, 0], b[:, 2])
        y = rng.uniform(b[:, 1], b[:, 3])
        inside = shapely.contains_xy(geoms[owner], x, y)
        x, y, owner = x[inside], y[inside], owner[inside]
        # first `need` hits per owner, in draw order
        rank = rank_within(owner)
        ok = rank < need[owner]
        xs.append(x[ok])
        ys.append(y[ok])
        owners.append(owner[ok])
        np.subtract.at(need, owner[ok], 1)
    if (need > 0).any():
        # Pathological slivers: fall back to a point on the surface (always inside).
        todo = np.flatnonzero(need > 0)
        pts = shapely.point_on_surface(geoms[todo])
        owner = np.repeat(todo, need[todo])
        xs.append(np.repeat(shapely.get_x(pts), need[todo]))
        ys.append(np.repeat(shapely.get_y(pts), need[todo]))
        owners.append(owner)
    x, y, owner = np.concatenate(xs), np.concatenate(ys), np.concatenate(owners)
    order = np.argsort(owner, kind="stable")
    return x[order], y[order], owner[order]


def rank_within(owner: np.ndarray) -> np.ndarray:
    """0, 1, 2, … within each run of equal values of `owner` (which must be sorted)."""
    if not len(owner):
        return np.zeros(0, dtype=int)
    starts = np.r_[0, np.flatnonzero(np.diff(owner)) + 1]
    run_start = np.repeat(starts, np.diff(np.r_[starts, len(owner)]))
    return np.arange(len(owner)) - run_start


def local_frame(lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Metres per degree of longitude and latitude at `lat` (good to a fraction of a percent locally)."""
    return M_PER_DEG_LON_EQUATOR * np.cos(np.radians(lat)), np.full(np.shape(lat), M_PER_DEG_LAT)


def cut_into_strips(
    geoms: np.ndarray, angle: np.ndarray, fractions: list[np.ndarray]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Partition each geometry by parallel cuts into pieces holding about the given area fractions.

    `fractions[i]` lists the shares of geoms[i] (summing to ≤ 1) in order along the direction `angle[i]`;
    the rest, if any, is the last piece. Cuts are straight lines in a local metric frame; the pieces are
    exact intersections of the geometry with strips, so they don't overlap and lie inside it.
    Returns (pieces, owner, index of the piece within its geometry).
    """
    geoms = np.asarray(geoms, dtype=object)
    n = len(geoms)
    if n == 0:
        empty = np.empty(0, dtype=object)
        return empty, np.zeros(0, int), np.zeros(0, int)
    c = shapely.centroid(geoms)
    cx, cy = shapely.get_x(c), shapely.get_y(c)
    kx, ky = local_frame(cy)
    ca, sa = np.cos(angle), np.sin(angle)
    coords, index = shapely.get_coordinates(geoms, return_index=True)
    dx = (coords[:, 0] - cx[index]) * kx[index]
    dy = (coords[:, 1] - cy[index]) * ky[index]
    u = dx * ca[index] + dy * sa[index]
    v = -dx * sa[index] + dy * ca[index]
    umin = np.full(n, np.inf)
    umax = np.full(n, -np.inf)
    vmin = np.full(n, np.inf)
    vmax = np.full(n, -np.inf)
    np.minimum.at(umin, index, u)
    np.maximum.at(umax, index, u)
    np.minimum.at(vmin, index, v)
    np.maximum.at(vmax, index, v)
    rotated = shapely.set_coordinates(geoms.copy(), np.column_stack([u, v]))
    total = shapely.area(rotated)
    # Cumulative area share at 9 positions along the axis (ends included), then interpolate.
    steps = 8
    t = np.linspace(0, 1, steps + 1)
    share = np.zeros((n, steps + 1))
    share[:, -1] = 1.0
    for j in range(1, steps):
        pos = umin + (umax - umin) * t[j]
        boxes = shapely.box(umin - 1, vmin - 1, pos, vmax + 1)
        share[:, j] = shapely.area(shapely.intersection(rotated, boxes)) / total
    share = np.maximum.accumulate(share, axis=1)
    lo_list, hi_list, owner, piece = [], [], [], []
    for i in range(n):
        cum = np.concatenate([[0.0], np.cumsum(fractions[i])])
        cum = np.clip(cum, 0, 1)
        if cum[-1] < 1 - 1e-9:
            cum = np.concatenate([cum, [1.0]])
        pos = np.interp(cum, share[i], umin[i] + (umax[i] - umin[i]) * t)
        pos[0], pos[-1] = umin[i] - 1, umax[i] + 1
        for k in range(len(cum) - 1):
            lo_list.append(pos[k])
            hi_list.append(pos[k + 1])
            owner.append(i)
            piece.append(k)
    owner = np.asarray(owner)
    lo, hi = np.asarray(lo_list), np.asarray(hi_list)
    pad = 1 + (vmax - vmin)[owner]
    v0, v1 = vmin[owner] - pad, vmax[owner] + pad
    # Strip corners in the rotated metric frame -> lon/lat
    us = np.stack([lo, hi, hi, lo], axis=1)
    vs = np.stack([v0, v0, v1, v1], axis=1)
    o = owner[:, None]
    ddx = us * ca[o] - vs * sa[o]
    ddy = us * sa[o] + vs * ca[o]
    lon = cx[o] + ddx / kx[o]
    lat = cy[o] + ddy / ky[o]
    strips = shapely.polygons(np.stack([lon, lat], axis=2))
    pieces = shapely.intersection(geoms[owner], strips)
    return pieces, owner, np.asarray(piece)


def offset_points(x, y, bearing, distance_m):
    """Move lon/lat points by `distance_m` along `bearing` (radians from east, counter-clockwise)."""
    kx, ky = local_frame(np.asarray(y))
    return x + np.cos(bearing) * distance_m / kx, y + np.sin(bearing) * distance_m / ky
