"""The geometry checks: pure functions over arrays of Shapely geometries, vectorised.

Nothing here touches the database. `queries.py` reads every layer once (WKB) and hands the arrays
over; each function answers for a whole layer at once (GEOS through Shapely 2, an STRtree for pair
searches, pyproj for distances and projections). Python loops run only over what is already a
finding, never over every record.

Geometry that fails a basic check (invalid, fewer than three distinct vertices, coordinates out of
range or swapped) is left out of the checks that combine geometries (overlaps, containment, areas):
their answers would be noise, and the basic finding already says what to fix first.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

import numpy as np
import shapely
from django.conf import settings
from pyproj import Geod

from safeground.core.geometry import GeometryError, project
from safeground.gazetteer.queries import check_inside_country, country_name
from safeground.landrelease import rules
from safeground.quality.findings import ADVISORY, MUST_FIX, Finding, Thresholds

GEOD = Geod(ellps="WGS84")
EDGE_DEG = 1e-7  # ≈ 1 cm: closer to a hazard's edge than this is on the edge
OUTSIDE_FIX = (
    "Check the coordinates (UTM zone, hemisphere, datum) against the field record; if the record belongs to "
    "another country, file it there."
)
_LOCATION = re.compile(r"\[\s*(-?[\d.eE+-]+)\s+(-?[\d.eE+-]+)\s*\]")


@dataclass
class Layer:
    """One record type read for checking: parallel arrays, one element per record."""

    record_type: str
    codes: np.ndarray  # unique per record type: the key
    country: np.ndarray
    geoms: np.ndarray
    hazard_codes: np.ndarray  # the hazard page each record shows on (None where there is none)
    attrs: dict[str, np.ndarray] = field(default_factory=dict)
    ok: np.ndarray | None = None  # geometry usable for the combining checks (set by `basics`)
    area: np.ndarray | None = None  # m², computed from the geometry (NaN where it can't be)

    def __len__(self) -> int:
        return len(self.codes)

    def finding(self, i: int, check: str, severity: str, message: str, fix: str, at=None, related=()) -> Finding:
        lon, lat = (float(at[0]), float(at[1])) if at is not None else (None, None)
        return Finding(
            check=check,
            severity=severity,
            record_type=self.record_type,
            code=str(self.codes[i]),
            message=message,
            fix=fix,
            lon=lon,
            lat=lat,
            country=self.country[i],
            hazard_code=self.hazard_codes[i],
            related=list(related),
        )


def _xy(point) -> tuple[float, float]:
    return point.x, point.y


def in_range(geoms: np.ndarray) -> np.ndarray:
    """Whether every coordinate is a possible longitude/latitude."""
    if not len(geoms):
        return np.zeros(0, dtype=bool)
    b = shapely.bounds(geoms)
    return (b[:, 0] >= -180) & (b[:, 2] <= 180) & (b[:, 1] >= -90) & (b[:, 3] <= 90)


def utm_zones(geoms: np.ndarray) -> np.ndarray:
    """EPSG of the WGS 84 / UTM zone of each geometry's centroid (as core.geometry.utm_epsg), vectorised."""
    c = shapely.centroid(geoms)
    x, y = shapely.get_x(c), shapely.get_y(c)
    zone = np.clip(np.floor((x + 180) / 6).astype(int) + 1, 1, 60)
    return np.where(y >= 0, 32600, 32700) + zone


def areas(geoms: np.ndarray, zones: np.ndarray) -> np.ndarray:
    """Area in m² of each geometry in the UTM zone given for it: one projection call per zone."""
    out = np.full(len(geoms), np.nan)
    for epsg in np.unique(zones):
        sel = np.flatnonzero(zones == epsg)
        out[sel] = shapely.area(project(geoms[sel], int(epsg)))
    return out


def _swapped(geoms):
    return shapely.transform(geoms, lambda xy: xy[:, ::-1])


def _fmt_m(metres: float) -> str:
    return f"{metres / 1000:,.1f} km" if metres >= 1000 else f"{metres:,.0f} m"


def _distinct_up_to_3(coords: np.ndarray, coord_ring: np.ndarray, counts: np.ndarray, first: np.ndarray) -> np.ndarray:
    """Distinct vertices of each ring, capped at 3, in linear time (no sort).

    P0 is a ring's first vertex, P1 its first vertex other than P0; the ring has a third distinct
    vertex when some vertex differs from both.
    """
    distinct = np.zeros(len(counts), dtype=int)
    full = np.flatnonzero(counts > 0)
    if not len(full):
        return distinct
    starts = first[full]
    x, y = coords[:, 0], coords[:, 1]
    ordinal = (np.cumsum(counts > 0) - 1)[coord_ring]  # each vertex's ring among the non-empty ones
    d0 = (x != x[starts][ordinal]) | (y != y[starts][ordinal])
    p1 = np.minimum.reduceat(np.where(d0, np.arange(len(x)), len(x)), starts)
    has1 = p1 < len(x)
    p1 = np.where(has1, p1, starts)
    d1 = d0 & ((x != x[p1][ordinal]) | (y != y[p1][ordinal]))
    has2 = np.logical_or.reduceat(d1, starts)
    distinct[full] = np.where(has2, 3, np.where(has1, 2, 1))
    return distinct


def _ring_analysis(layer: Layer, usable: np.ndarray, thresholds: Thresholds, found: list[Finding]) -> np.ndarray:
    """Too few distinct vertices (every ring) and consecutive vertices far apart; returns the too-few mask."""
    too_few = np.zeros(len(layer), dtype=bool)
    idx = np.flatnonzero(usable)
    if not len(idx):
        return too_few
    parts, part_owner = shapely.get_parts(layer.geoms[idx], return_index=True)
    rings, ring_part = shapely.get_rings(parts, return_index=True)
    coords, coord_ring = shapely.get_coordinates(rings, return_index=True)
    ring_owner = idx[part_owner[ring_part]]
    n_rings = len(rings)
    exterior = np.r_[True, ring_part[1:] != ring_part[:-1]] if n_rings else np.zeros(0, dtype=bool)
    counts = np.bincount(coord_ring, minlength=n_rings)
    first = np.r_[0, np.cumsum(counts)[:-1]].astype(int)
    distinct = _distinct_up_to_3(coords, coord_ring, counts, first)
    for r in np.flatnonzero(distinct < 3):
        i = ring_owner[r]
        if too_few[i]:
            continue
        too_few[i] = True
        which = "the outer ring" if exterior[r] else "a hole"
        found.append(
            layer.finding(
                i,
                "too-few-vertices",
                MUST_FIX,
                f"{which} has {distinct[r]} distinct vertices; a polygon needs at least 3",
                "Redraw the boundary from the field record, or delete the ring if it is a digitising error.",
                at=coords[first[r]] if counts[r] else None,
            )
        )

    # Consecutive vertices far apart (geodesic metres); an equirectangular estimate picks the candidates.
    same = coord_ring[1:] == coord_ring[:-1]
    x1, y1, x2, y2 = coords[:-1, 0], coords[:-1, 1], coords[1:, 0], coords[1:, 1]
    approx = 111_000 * np.hypot((x2 - x1) * np.cos(np.radians((y1 + y2) / 2)), y2 - y1)
    cand = np.flatnonzero(same & (approx > 0.9 * thresholds.vertex_gap_m))
    if len(cand):
        _, _, dist = GEOD.inv(x1[cand], y1[cand], x2[cand], y2[cand])
        far = cand[dist > thresholds.vertex_gap_m]
        dist = dist[dist > thresholds.vertex_gap_m]
        owners = ring_owner[coord_ring[far]]
        for i in np.unique(owners):
            mine = np.flatnonzero(owners == i)
            worst = mine[np.argmax(dist[mine])]
            k = far[worst]
            n = len(mine)
            found.append(
                layer.finding(
                    int(i),
                    "vertex-gap",
                    ADVISORY,
                    f"{n} edge{'s' if n > 1 else ''} longer than {_fmt_m(thresholds.vertex_gap_m)}; the longest "
                    f"is {_fmt_m(dist[worst])}, from ({x1[k]:.6f}, {y1[k]:.6f}) to ({x2[k]:.6f}, {y2[k]:.6f})",
                    "Check the vertex coordinates against the field record (a mistyped digit moves a vertex "
                    "kilometres); add the intermediate turning points if the edge is real.",
                    at=(x1[k], y1[k]),
                )
            )
    return too_few


def basics(layer: Layer, outlines: dict, thresholds: Thresholds, polygons: bool = True) -> list[Finding]:
    """Per-record geometry checks; sets `layer.ok` and `layer.area`."""
    found: list[Finding] = []
    n = len(layer)
    layer.ok = np.zeros(n, dtype=bool)
    layer.area = np.full(n, np.nan)
    if not n:
        return found
    present = ~shapely.is_missing(layer.geoms) & ~shapely.is_empty(layer.geoms)
    ranged = present.copy()
    ranged[present] = in_range(layer.geoms[present])
    too_few = np.zeros(n, dtype=bool)
    valid = present.copy()
    if polygons:
        too_few = _ring_analysis(layer, ranged, thresholds, found)
        check = np.flatnonzero(present & ~too_few)
        valid[check] = shapely.is_valid(layer.geoms[check])
        valid[too_few] = False
        bad = np.flatnonzero(present & ~too_few & ~valid)
        for i, reason in zip(bad, shapely.is_valid_reason(layer.geoms[bad]), strict=True):
            match = _LOCATION.search(reason)
            at = (float(match.group(1)), float(match.group(2))) if match else None
            text = reason.split("[")[0].strip()
            where = f" at lon {at[0]:.6f}, lat {at[1]:.6f}" if at else ""
            found.append(
                layer.finding(
                    i,
                    "invalid-geometry",
                    MUST_FIX,
                    f"invalid polygon: {text}{where}",
                    "Correct the boundary near that point (a vertex out of order makes the ring cross itself); "
                    "the API and admin refuse the polygon until it is valid.",
                    at=at,
                )
            )

    located = _country(layer, outlines, present & valid & ~too_few, ranged, found)
    layer.ok = present & valid & ~too_few & ranged & located
    sel = np.flatnonzero(layer.ok)
    if polygons and len(sel):
        layer.area[sel] = areas(layer.geoms[sel], utm_zones(layer.geoms[sel]))
    return found


def _country(layer: Layer, outlines: dict, checkable: np.ndarray, ranged: np.ndarray, found: list) -> np.ndarray:
    """Swapped latitude/longitude and geometry beyond the border.

    Returns False where the coordinates are no usable longitude/latitude (swapped or out of range).
    """
    located = np.ones(len(layer), dtype=bool)
    tolerance = settings.SAFEGROUND_BORDER_TOLERANCE_M
    # Out of range with no outline to test a swap against (a country the gazetteer lacks): still wrong.
    for i in np.flatnonzero(checkable & ~ranged & ~np.isin(layer.country, list(outlines))):
        located[i] = False
        message, at = _beyond_border(layer.geoms[i], str(layer.country[i]), None, tolerance, False, layer.record_type)
        found.append(layer.finding(i, "outside-country", MUST_FIX, message, OUTSIDE_FIX, at=at))
    for iso3, outline in outlines.items():
        mine = np.flatnonzero(checkable & (layer.country == iso3))
        if not len(mine):
            continue
        inside = np.zeros(len(mine), dtype=bool)
        r = ranged[mine]
        inside[r] = shapely.covers(outline, layer.geoms[mine[r]])
        for i in mine[~inside]:
            geom = layer.geoms[i]
            back = _swapped(geom)
            if outline.intersects(back.representative_point()):
                located[i] = False
                lon, lat = _xy(back.representative_point())
                found.append(
                    layer.finding(
                        i,
                        "latlon-swap",
                        MUST_FIX,
                        f"stored coordinates start ({shapely.get_coordinates(geom)[0][0]:.6f}, "
                        f"{shapely.get_coordinates(geom)[0][1]:.6f}) lie outside {country_name(iso3)}; with latitude "
                        f"and longitude exchanged the {layer.record_type} lands there (and is shown there)",
                        "Swap the two coordinates of every vertex (GeoJSON and WKT put longitude first).",
                        at=(lon, lat),
                    )
                )
                continue
            message, at = _beyond_border(geom, iso3, outline, tolerance, bool(ranged[i]), layer.record_type)
            if message:
                found.append(layer.finding(i, "outside-country", MUST_FIX, message, OUTSIDE_FIX, at=at))
                if not ranged[i]:
                    located[i] = False
    return located


def _beyond_border(
    geom, iso3: str, outline, tolerance: float, ranged: bool, what: str
) -> tuple[str | None, tuple | None]:
    """(message, location) when the geometry reaches beyond the border by more than the tolerance."""
    if not ranged:
        x, y = shapely.get_coordinates(geom)[0]
        return f"coordinates ({x:.6f}, {y:.6f}) are not a longitude/latitude, far outside {country_name(iso3)}", None
    if geom.geom_type == "Point":
        epsg = int(utm_zones(np.array([geom]))[0])
        window = shapely.clip_by_rect(outline, *(np.array(geom.bounds) + [-0.05, -0.05, 0.05, 0.05]))
        distance = float(project(geom, epsg).distance(project(window, epsg))) if not window.is_empty else np.inf
        if distance <= tolerance:
            return None, None
        how_far = "more than 5 km" if not np.isfinite(distance) else _fmt_m(distance)
        return (
            f"the {what} lies {how_far} outside {country_name(iso3)} ({iso3}) (border tolerance {tolerance:,.0f} m)",
            _xy(geom),
        )
    try:
        check_inside_country(geom, iso3, what)
    except GeometryError as exc:
        return str(exc), exc.location
    return None, None


def _keys(geoms: np.ndarray) -> np.ndarray:
    """A byte key per geometry that is equal for the same shape (vertex order and start, 1 cm rounding)."""
    rounded = shapely.transform(geoms, lambda xy: np.round(xy, 7))
    return np.array(shapely.to_wkb(shapely.normalize(rounded)), dtype=object)


def duplicates(layer: Layer) -> tuple[list[Finding], set[tuple[int, int]]]:
    """Records with the same geometry as another of the same type; also returns the index pairs."""
    found, pairs = [], set()
    sel = np.flatnonzero(layer.ok)
    if not len(sel):
        return found, pairs
    # Only geometries with the same bounds can be the same: the exact key is computed for those alone.
    _, inverse, counts = np.unique(
        np.round(shapely.bounds(layer.geoms[sel]), 7), axis=0, return_inverse=True, return_counts=True
    )
    sel = sel[counts[inverse.ravel()] > 1]
    groups: dict[bytes, list[int]] = {}
    for i, key in zip(sel, _keys(layer.geoms[sel]) if len(sel) else [], strict=True):
        groups.setdefault(key, []).append(int(i))
    for members in groups.values():
        if len(members) < 2:
            continue
        members.sort(key=lambda i: layer.codes[i])
        keeper = members[0]
        pairs.update((min(a, b), max(a, b)) for a, b in itertools.combinations(members, 2))
        for i in members[1:]:
            found.append(
                layer.finding(
                    i,
                    "duplicate-geometry",
                    MUST_FIX,
                    f"same {'point' if layer.geoms[i].geom_type == 'Point' else 'polygon'} as "
                    f"{layer.record_type} {layer.codes[keeper]}",
                    f"If both records describe the same ground, keep one and close or delete the other "
                    f"(move its {'products and evidence' if layer.record_type == 'hazard' else 'devices'} over).",
                    at=_xy(layer.geoms[i].representative_point()),
                    related=[str(layer.codes[keeper])],
                )
            )
    return found, pairs


def _overlap_pairs(geoms: np.ndarray, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Of candidate pairs (a, b), those whose interiors meet: (a, b, intersection geometry)."""
    if not len(a):
        return a, b, np.array([], dtype=object)
    meet = shapely.relate_pattern(geoms[a], geoms[b], "T********")
    a, b = a[meet], b[meet]
    return a, b, shapely.intersection(geoms[a], geoms[b])


def hazard_overlaps(hz: Layer, thresholds: Thresholds, skip: set) -> tuple[list[Finding], np.ndarray]:
    """Hazards covering the same ground above both thresholds; also returns every overlapping pair (n×2)."""
    found: list[Finding] = []
    sel = np.flatnonzero(hz.ok)
    if len(sel) < 2:
        return found, np.zeros((0, 2), dtype=int)
    geoms = hz.geoms[sel]
    left, right = shapely.STRtree(geoms).query(geoms, predicate="intersects")
    keep = left < right
    a, b = sel[left[keep]], sel[right[keep]]
    a, b, inter = _overlap_pairs(hz.geoms, a, b)
    pairs = np.column_stack([a, b]) if len(a) else np.zeros((0, 2), dtype=int)
    if not len(a):
        return found, pairs
    m2 = areas(inter, utm_zones(hz.geoms[a]))
    smaller = np.minimum(hz.area[a], hz.area[b])
    share = m2 / smaller
    for k in np.flatnonzero((m2 >= thresholds.overlap_m2) & (share >= thresholds.overlap_share)):
        i, j = int(a[k]), int(b[k])
        if (i, j) in skip:
            continue
        first, second = sorted((i, j), key=lambda n: hz.codes[n])
        found.append(
            hz.finding(
                second,
                "hazard-overlap",
                MUST_FIX,
                f"overlaps hazard {hz.codes[first]} by {m2[k]:,.0f} m² ({share[k]:.0%} of the smaller)",
                "Cut the shared ground out of one of the two hazards (or merge them) so that it is counted once.",
                at=_xy(shapely.point_on_surface(inter[k])),
                related=[str(hz.codes[first])],
            )
        )
    return found, pairs


def products_outside(pr: Layer, hz: Layer, thresholds: Thresholds) -> tuple[list[Finding], np.ndarray]:
    """Products reaching outside the hazard they are filed under; returns their indices too."""
    found: list[Finding] = []
    hidx = pr.attrs["hazard_index"]
    sel = np.flatnonzero(pr.ok & (hidx >= 0))
    sel = sel[hz.ok[hidx[sel]]]
    if not len(sel):
        return found, np.zeros(0, dtype=int)
    # Ground within EDGE_DEG (about 1 cm) of the hazard counts as inside: products cut from a hazard in
    # UTM and stored in lon/lat stray from its edges by float rounding, on almost every product.
    hazards = np.unique(hidx[sel])
    grown = np.full(len(hz), None, dtype=object)
    grown[hazards] = shapely.buffer(hz.geoms[hazards], EDGE_DEG, join_style="mitre")
    shapely.prepare(grown[hazards])
    covered = shapely.covers(grown[hidx[sel]], pr.geoms[sel])
    cand = sel[~covered]
    if not len(cand):
        return found, cand
    out = shapely.difference(pr.geoms[cand], grown[hidx[cand]])
    zones = utm_zones(pr.geoms[cand])
    out_m2 = areas(out, zones)
    big = out_m2 >= thresholds.min_area_m2
    cand, out, zones, out_m2 = cand[big], out[big], zones[big], out_m2[big]
    hz_ok = np.flatnonzero(hz.ok)
    tree = shapely.STRtree(hz.geoms[hz_ok])
    q_out, q_hz = tree.query(out, predicate="intersects")
    for k, i in enumerate(cand):
        others = [int(hz_ok[h]) for h in q_hz[q_out == k] if hz_ok[h] != hidx[i]]
        in_others = 0.0
        if others:
            shared = shapely.intersection(out[k], shapely.union_all(hz.geoms[others]))
            in_others = float(areas(np.array([shared]), zones[k : k + 1])[0])
        outside_all = max(out_m2[k] - in_others, 0.0)
        share = out_m2[k] / pr.area[i] if pr.area[i] else 1.0
        codes = sorted(str(hz.codes[h]) for h in others)
        parts = []
        if outside_all >= thresholds.min_area_m2:
            parts.append(f"{outside_all:,.0f} m² outside every hazard")
        if in_others >= thresholds.min_area_m2:
            parts.append(f"{in_others:,.0f} m² in hazard {', '.join(codes)}")
        severity = MUST_FIX if outside_all >= thresholds.min_area_m2 else ADVISORY
        fix = (
            "Released ground outside every hazard was never recorded as contaminated: correct the product "
            "polygon, or extend the hazard (new contamination found) before releasing it."
            if severity == MUST_FIX
            else "If the task spanned both hazards this is expected; otherwise correct the polygon or the hazard "
            "it is filed under."
        )
        found.append(
            pr.finding(
                int(i),
                "product-outside-hazard",
                severity,
                f"{out_m2[k]:,.0f} m² ({share:.0%}) lies outside its hazard {pr.hazard_codes[i]}: " + "; ".join(parts),
                fix,
                at=_xy(shapely.point_on_surface(out[k])),
                related=codes,
            )
        )
    return found, cand


def products_without_hazard_in_one(pr: Layer, hz: Layer, thresholds: Thresholds) -> list[Finding]:
    """Products filed under no hazard (ground released outside every hazard) that a hazard now covers:
    recorded after the product, it is credited with the ground they share, which the product's own
    figure then counts a second time."""
    found: list[Finding] = []
    sel = np.flatnonzero(pr.ok & (pr.hazard_codes == None))  # noqa: E711 - elementwise
    hz_ok = np.flatnonzero(hz.ok)
    if not len(sel) or not len(hz_ok):
        return found
    q_pr, q_hz = shapely.STRtree(hz.geoms[hz_ok]).query(pr.geoms[sel], predicate="intersects")
    for k in np.unique(q_pr):
        i = int(sel[k])
        covering = hz_ok[q_hz[q_pr == k]]
        shared = shapely.intersection(pr.geoms[i], shapely.union_all(hz.geoms[covering]))
        m2 = float(areas(np.array([shared]), utm_zones(pr.geoms[i : i + 1]))[0])
        if m2 < thresholds.min_area_m2:
            continue
        codes = sorted(str(hz.codes[h]) for h in covering)
        found.append(
            pr.finding(
                i,
                "product-without-hazard-overlaps",
                MUST_FIX,
                f"filed under no hazard, but {m2:,.0f} m² of it lies in hazard {', '.join(codes)}",
                "File the product under that hazard (or split it along the hazard's edge), so that the ground "
                "is released from the hazard once and not also counted outside every hazard.",
                at=_xy(shapely.point_on_surface(shared)),
                related=codes,
            )
        )
    return found


def product_overlaps(
    pr: Layer, suspects: np.ndarray, cross: np.ndarray, thresholds: Thresholds, skip: set
) -> list[Finding]:
    """Pairs of products covering the same ground.

    `suspects` (mask): products whose hazard may hold overlapping products of its own (the stored
    ledger narrows this down); `cross` (indices): products that may overlap another hazard's products.
    """
    found: list[Finding] = []
    hidx = pr.attrs["hazard_index"]
    pairs: set[tuple[int, int]] = set()
    sub = np.flatnonzero(pr.ok & suspects)
    if len(sub) > 1:
        left, right = shapely.STRtree(pr.geoms[sub]).query(pr.geoms[sub], predicate="intersects")
        keep = (left < right) & (hidx[sub[left]] == hidx[sub[right]])
        pairs.update(zip(sub[left[keep]].tolist(), sub[right[keep]].tolist(), strict=True))
    cross = cross[pr.ok[cross]] if len(cross) else cross
    if len(cross):
        every = np.flatnonzero(pr.ok)
        q, t = shapely.STRtree(pr.geoms[every]).query(pr.geoms[cross], predicate="intersects")
        a, b = cross[q], every[t]
        keep = hidx[a] != hidx[b]
        for i, j in zip(a[keep].tolist(), b[keep].tolist(), strict=True):
            pairs.add((min(i, j), max(i, j)))
    pairs -= skip
    if not pairs:
        return found
    arr = np.array(sorted(pairs), dtype=int)
    a, b, inter = _overlap_pairs(pr.geoms, arr[:, 0], arr[:, 1])
    if not len(a):
        return found
    m2 = areas(inter, utm_zones(pr.geoms[a]))
    for k in np.flatnonzero(m2 >= thresholds.min_area_m2):
        first, second = sorted((int(a[k]), int(b[k])), key=lambda n: pr.codes[n])
        share = m2[k] / min(pr.area[first], pr.area[second])
        same = hidx[first] == hidx[second]
        where = "" if same else f" (hazard {pr.hazard_codes[first]})"
        found.append(
            pr.finding(
                second,
                "product-overlap",
                MUST_FIX,
                f"overlaps product {pr.codes[first]}{where} by {m2[k]:,.0f} m² ({share:.0%} of the smaller)",
                "Cut the shared ground out of the later product so that released land is counted once (the "
                "ledger credits it to the earlier one meanwhile).",
                at=_xy(shapely.point_on_surface(inter[k])),
                related=[str(pr.codes[first])],
            )
        )
    return found


def devices_outside(dv: Layer, pr: Layer) -> list[Finding]:
    """Devices whose point is not in (or on the edge of) the product they are recorded on."""
    found: list[Finding] = []
    pidx = dv.attrs["product_index"]
    sel = np.flatnonzero(dv.ok & (pidx >= 0))
    sel = sel[pr.ok[pidx[sel]]]
    if not len(sel):
        return found
    inside = shapely.covers(pr.geoms[pidx[sel]], dv.geoms[sel])
    out = sel[~inside]
    if not len(out):
        return found
    every = np.flatnonzero(pr.ok)
    q, t = shapely.STRtree(pr.geoms[every]).query(dv.geoms[out], predicate="within")
    for k, i in enumerate(out):
        holders = sorted(str(pr.codes[every[j]]) for j in t[q == k])
        product = pr.geoms[pidx[i]]
        epsg = int(utm_zones(np.array([product]))[0])
        metres = float(project(product, epsg).distance(project(dv.geoms[i], epsg)))
        hint = f"; it lies in product {', '.join(holders)}" if holders else ""
        found.append(
            dv.finding(
                int(i),
                "device-outside-product",
                MUST_FIX,
                f"{_fmt_m(metres)} outside its product {pr.codes[pidx[i]]}{hint}",
                "Check the device coordinates; if they are right, record the device on the product that holds "
                "it (or extend the product's polygon).",
                at=_xy(dv.geoms[i]),
                related=holders,
            )
        )
    return found


def area_checks(layer: Layer, thresholds: Thresholds) -> list[Finding]:
    """Reported (products) and stored areas against the area computed from the polygon."""
    found: list[Finding] = []
    ok = layer.ok & (layer.area > 0)
    stored = layer.attrs["area_m2"]
    sel = np.flatnonzero(ok & (np.abs(stored - layer.area) > thresholds.stored_area_tolerance * layer.area))
    for i in sel:
        found.append(
            layer.finding(
                int(i),
                "stored-area",
                MUST_FIX,
                f"stored area {stored[i]:,.0f} m² but the polygon measures {layer.area[i]:,.0f} m²",
                "Save the geometry again through the API or the admin so that the area (and the ledger) are "
                "recomputed; look for the tool that wrote the polygon around the services.",
                at=_xy(shapely.point_on_surface(layer.geoms[i])),
            )
        )
    reported = layer.attrs.get("reported_area_m2")
    if reported is not None:
        rep = reported.astype(float)
        diff = rep - layer.area
        with np.errstate(invalid="ignore"):
            sel = np.flatnonzero(ok & ~np.isnan(rep) & (np.abs(diff) > thresholds.area_tolerance * layer.area))
        for i in sel:
            found.append(
                layer.finding(
                    int(i),
                    "area-mismatch",
                    ADVISORY,
                    f"reported {rep[i]:,.0f} m², the polygon measures {layer.area[i]:,.0f} m² "
                    f"({100 * diff[i] / layer.area[i]:+.1f} %)",
                    "Ask the operator which is right: a wrong polygon changes the ledger, a wrong reported figure "
                    "only the completion report.",
                    at=_xy(shapely.point_on_surface(layer.geoms[i])),
                )
            )
    return found


def implausible_areas(layer: Layer) -> list[Finding]:
    """Hazards above the set limit for one hazard (must fix), or above the 99.9th percentile of their
    programme's hazards (advisory): the rule the workbench's review applies (landrelease.rules)."""
    found: list[Finding] = []
    ok = layer.ok & (layer.area > 0)
    for iso3 in np.unique(layer.country[ok]):
        mine = np.flatnonzero(ok & (layer.country == iso3))
        cut = rules.area_percentile(layer.area[mine])
        for i in mine:
            rule = rules.implausible_area(float(layer.area[i]), cut)
            if rule is not None:
                found.append(
                    layer.finding(
                        int(i),
                        rule.check,
                        rule.severity,
                        rule.message,
                        "Check the perimeter against the survey: a vertex typed in the wrong zone or with a digit "
                        "too many stretches a polygon across a province.",
                        at=_xy(shapely.point_on_surface(layer.geoms[i])),
                    )
                )
    return found
