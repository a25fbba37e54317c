"""The land release ledger: exact geometric accounting of every hazard, computed from the polygons.

For each hazard, in m² in the hazard's UTM zone:

- estimated = the hazard polygon;
- cleared / reduced / cancelled = the part of the hazard covered by products of that outcome, where
  ground covered by several products counts once, with precedence cleared > reduced > cancelled
  (and, within one outcome, credited to the earliest product, so release can be counted by
  operator, year and method without double counting).
  Coverage is spatial: a product releases whatever hazard ground it covers, whichever hazard it is
  filed under (one clearance task often spans two recorded hazards);
- remaining = estimated − everything covered, with its geometry;
- outside = area of the hazard's own products lying outside every hazard (not counted as release);
- overlap = area covered by two or more of the hazard's products (double-counted if summed);
- devices_outside = devices of the hazard's products whose point is not in their product.

Overlays (intersection, difference, union) run on the stored lon/lat geometry, whose edges are
straight in lon/lat; only the areas of the results are measured in UTM. A product that exactly
partitions its hazard in the database therefore leaves nothing outside and no sliver behind.

The computation is pure (arrays of Shapely geometries in, rows out) so the same code serves the
full set-based recompute, the incremental update on each save, and `ledger verify`.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from uuid import UUID

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from safeground.core.geometry import project

#: A record's id: the database's UUID, or any string (the benchmark tags copies of the demo with strings).
RecordId = UUID | str

OUTCOMES = ("cleared", "reduced", "cancelled")  # precedence order
INTERIORS_MEET = "T********"  # DE-9IM: the interiors intersect (sharing an edge is not enough)
LEDGER_FIELDS = (
    "estimated_m2",
    "cleared_m2",
    "reduced_m2",
    "cancelled_m2",
    "remaining_m2",
    "outside_m2",
    "overlap_m2",
    "devices_outside",
    "estimated_overlap_m2",  # these two are across hazards: filled by the store (ledger/overlap_store.py)
    "remaining_overlap_m2",
)


@dataclass
class HazardInput:
    id: RecordId
    geom: BaseGeometry  # lon/lat
    utm_epsg: int


@dataclass
class ProductInput:
    id: RecordId
    hazard_id: RecordId
    outcome: str
    geom: BaseGeometry  # lon/lat
    order: tuple = ()  # ties within an outcome go to the earliest product: (released_on, code)


@dataclass
class DeviceInput:
    product_id: RecordId
    point: BaseGeometry  # lon/lat


@dataclass
class LedgerRow:
    hazard_id: RecordId
    estimated_m2: float
    cleared_m2: float = 0.0
    reduced_m2: float = 0.0
    cancelled_m2: float = 0.0
    remaining_m2: float = 0.0
    outside_m2: float = 0.0
    overlap_m2: float = 0.0
    devices_outside: int = 0
    estimated_overlap_m2: float = 0.0  # ground already counted by earlier hazards (ledger/overlaps.py)
    remaining_overlap_m2: float = 0.0
    remaining_geom: BaseGeometry | None = None  # lon/lat
    overlaps: list[tuple[RecordId, RecordId, float]] = field(default_factory=list)
    #: (product id, outcome, m² of this hazard credited to that product); sums to the release figures.
    credits: list[tuple[RecordId, str, float]] = field(default_factory=list)

    def figures(self) -> dict:
        return {name: getattr(self, name) for name in LEDGER_FIELDS}


@dataclass
class DevicePoints:
    """Devices as columns (cheaper than one DeviceInput each): point `xy[k]` (lon/lat) is a device of
    product `product_ids[group[k]]`. The store reads one multipoint per product."""

    product_ids: list[RecordId]
    group: np.ndarray  # int, one per device
    xy: np.ndarray  # float, shape (devices, 2)

    @classmethod
    def of(cls, devices: list[DeviceInput]) -> DevicePoints:
        points = np.array([d.point for d in devices], dtype=object)
        xy = shapely.get_coordinates(points) if len(points) else np.empty((0, 2))
        return cls([d.product_id for d in devices], np.arange(len(devices)), xy)


def _polygonal(geom: BaseGeometry) -> BaseGeometry:
    """Keep only the areal part of an overlay result (drop touching lines and points)."""
    if geom.is_empty or geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [g for g in shapely.get_parts(geom) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else shapely.MultiPolygon()


def _polygonal_all(geoms: np.ndarray) -> np.ndarray:
    """`_polygonal` over an array; only the rare non-polygonal results go through Python."""
    odd = ~np.isin(shapely.get_type_id(geoms), (3, 6)) & ~shapely.is_empty(geoms)  # 3, 6: (Multi)Polygon
    if odd.any():
        geoms = geoms.copy()
        geoms[odd] = [_polygonal(g) for g in geoms[odd]]
    return geoms


_MIN_SLICE = 256  # below this many elements per thread, threads cost more than they save
_MIN_ITEMS = 16  # the same for loops whose every item is a few GEOS calls


def _slice_bounds(n: int, workers: int, smallest: int) -> np.ndarray | None:
    """Where to cut `n` items for `workers` threads (four slices each, none under `smallest` items);
    None when one thread should do it all."""
    slices = min(4 * workers, n // smallest)
    if workers <= 1 or slices < 2:
        return None
    return np.linspace(0, n, slices + 1).astype(np.int64)


def _threaded(fn, *arrays: np.ndarray, workers: int = 1, groups: np.ndarray | None = None) -> np.ndarray:
    """`fn(*arrays)`, an element-wise Shapely call, run by `workers` threads on slices (GEOS releases the GIL).

    `groups` (sorted): slices never split a group, so that a prepared geometry, which GEOS completes
    lazily on first use, is only ever used by one thread.
    """
    n = len(arrays[0])
    bounds = _slice_bounds(n, workers, _MIN_SLICE)
    if bounds is None:
        return fn(*arrays)
    if groups is not None:
        bounds = np.unique(np.searchsorted(groups, groups[np.minimum(bounds, n - 1)]))
        bounds = np.unique(np.concatenate([[0], bounds[bounds > 0], [n]]))
    with ThreadPoolExecutor(workers) as pool:
        parts = pool.map(lambda s, e: fn(*(a[s:e] for a in arrays)), bounds[:-1], bounds[1:])
        return np.concatenate(list(parts))


def _query(tree_geoms: np.ndarray, geoms: np.ndarray, workers: int = 1) -> np.ndarray:
    """`STRtree(tree_geoms).query(geoms, predicate="intersects")`, `workers` threads on slices of `geoms`.

    The pairs come out as one query gives them (sorted by input index); the tree is only read.
    """
    tree = shapely.STRtree(tree_geoms)
    bounds = _slice_bounds(len(geoms), workers, _MIN_SLICE)
    if bounds is None:
        return tree.query(geoms, predicate="intersects")
    with ThreadPoolExecutor(workers) as pool:
        parts = pool.map(
            lambda s, e: tree.query(geoms[s:e], predicate="intersects") + np.array([[s], [0]]), bounds[:-1], bounds[1:]
        )
        return np.concatenate(list(parts), axis=1)


def _threaded_map(fn, items: list, workers: int = 1) -> list:
    """`[fn(x) for x in items]`, `workers` threads on slices: for loops whose items spend their time in GEOS."""
    bounds = _slice_bounds(len(items), workers, _MIN_ITEMS)
    if bounds is None:
        return [fn(x) for x in items]
    with ThreadPoolExecutor(workers) as pool:
        parts = pool.map(lambda s, e: [fn(x) for x in items[s:e]], bounds[:-1].tolist(), bounds[1:].tolist())
        return [y for part in parts for y in part]


class _Areas:
    """Areas to measure, queued during the topology pass and measured in one projection per UTM zone."""

    def __init__(self) -> None:
        self.geoms: list[np.ndarray] = []
        self.epsg: list[np.ndarray] = []
        self.size = 0

    def add(self, geoms: np.ndarray, epsg) -> np.ndarray:
        """Queue geometries, each with the EPSG of its zone; returns their slots in `measure()`'s array."""
        geoms = np.asarray(geoms, dtype=object).reshape(-1)
        self.geoms.append(geoms)
        self.epsg.append(np.broadcast_to(np.asarray(epsg, dtype=np.int64), geoms.shape))
        self.size += len(geoms)
        return np.arange(self.size - len(geoms), self.size)

    def measure(self, workers: int = 1) -> np.ndarray:
        out = np.zeros(self.size)
        if not self.size:
            return out
        geoms, zones = np.concatenate(self.geoms), np.concatenate(self.epsg)
        for epsg in np.unique(zones).tolist():
            idx = np.flatnonzero(zones == epsg)
            with np.errstate(all="ignore"):
                out[idx] = _threaded(lambda g, e=epsg: shapely.area(project(g, e)), geoms[idx], workers=workers)
        return out


def _keys(ids: Iterable[RecordId]) -> list:
    """Dictionary keys for ids: a UUID's integer hashes in C, a UUID's own hash is Python code (slow)."""
    return [i.int if isinstance(i, UUID) else i for i in ids]


def _precedence(products: list[ProductInput]) -> np.ndarray:
    """Each product's rank in crediting order: outcome (cleared > reduced > cancelled), then the earliest."""
    rank = {outcome: n for n, outcome in enumerate(OUTCOMES)}
    keys = [(rank[p.outcome], p.order, str(p.id)) for p in products]
    order = sorted(range(len(products)), key=keys.__getitem__)
    out = np.empty(len(products), dtype=np.int64)
    out[order] = np.arange(len(products))
    return out


def _ordered(pieces: list[BaseGeometry], products: list[int], meet: set[tuple[int, int]]) -> list[BaseGeometry | None]:
    """Credit one hazard's pieces in precedence order: each keeps only ground no earlier piece kept.

    `products[k]` is the product of `pieces[k]`; an earlier piece cuts a later one only where their
    products' interiors meet (pair in `meet`, smaller index first). Deciding it on the pieces
    themselves would let the rounding of the cut invent overlaps between products that merely
    share an edge, and GEOS's difference of such near-coincident pieces can even add ground.
    Returns the credited geometry of each piece (None when earlier pieces took all of it).
    """
    kept: list[tuple[int, BaseGeometry]] = []
    out: list[BaseGeometry | None] = []
    for j, piece in zip(products, pieces, strict=True):
        clash = [g for i, g in kept if (min(i, j), max(i, j)) in meet]
        if clash:
            piece = _polygonal(piece.difference(shapely.union_all(clash)))
        if piece.is_empty:
            out.append(None)
            continue
        kept.append((j, piece))
        out.append(piece)
    return out


def _meeting_products(p_geoms, hi, pj, home, workers) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (a < b) of products whose interiors meet, among pairs that matter: both cover ground of
    one hazard (precedence between them), or both are filed under the same hazard (its overlaps)."""
    relevant = np.union1d(pj, np.flatnonzero(home >= 0))
    if len(relevant) < 2:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    geoms = p_geoms[relevant]
    qa, qb = _query(geoms, geoms, workers)
    a, b = relevant[qa[qa < qb]], relevant[qb[qa < qb]]
    covers_n = np.bincount(pj, minlength=len(p_geoms))
    covered = np.full(len(p_geoms), -1)
    covered[pj] = hi  # the hazard a product covers, exact where it covers only one
    may_share = (covers_n[a] > 1) | (covers_n[b] > 1) | ((covered[a] == covered[b]) & (covered[a] >= 0))
    keep = may_share | ((home[a] == home[b]) & (home[a] >= 0))
    order = np.lexsort((b[keep], a[keep]))  # grouped by the first product: it may be prepared
    a, b = a[keep][order], b[keep][order]
    relate = _threaded(
        lambda x, y: shapely.relate_pattern(x, y, INTERIORS_MEET), p_geoms[a], p_geoms[b], workers=workers, groups=a
    )
    return a[relate], b[relate]


def _with_overlapping_pieces(hi, pj, meet_a, meet_b) -> list[int]:
    """Hazards holding pieces of two products whose interiors meet: only these need the ordered loop."""
    involved = np.isin(pj, np.union1d(meet_a, meet_b))
    covers: dict[int, set[int]] = defaultdict(set)
    for h, j in zip(hi[involved].tolist(), pj[involved].tolist(), strict=True):
        covers[j].add(h)
    out: set[int] = set()
    for a, b in zip(meet_a.tolist(), meet_b.tolist(), strict=True):
        out |= covers[a] & covers[b]
    return sorted(out)


def _group_union(geoms: np.ndarray, group: np.ndarray, n: int, workers: int) -> np.ndarray:
    """Union of `geoms` per group (`group` sorted, in 0..n-1); None for a group without any."""
    out = np.full(n, None, dtype=object)
    counts = np.bincount(group, minlength=n)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
    one = np.flatnonzero(counts == 1)
    out[one] = geoms[starts[one]]
    many = np.flatnonzero((counts >= 2) & (counts <= _WIDEST))
    if len(many):  # a padded table, one row per group: union_all along the rows is one vectorised call
        row = np.full(n, -1)
        row[many] = np.arange(len(many))
        sel = row[group] >= 0
        table = np.full((len(many), int(counts[many].max())), None, dtype=object)
        table[row[group[sel]], (np.arange(len(group)) - starts[group])[sel]] = geoms[sel]
        out[many] = _threaded(lambda t: shapely.union_all(t, axis=1), table, workers=workers)
    for i in np.flatnonzero(counts > _WIDEST).tolist():
        out[i] = shapely.union_all(geoms[starts[i] : starts[i] + counts[i]])
    return out


_WIDEST = 64  # groups with more pieces are unioned one at a time (keeps the padded table small)


def _outside(p_geoms, own, home, all_hazards, same, index_of, hi, pj, whole, pieces, h_epsg, areas, workers):
    """Own products' area outside every hazard: (slot to add, slot to subtract or -1, hazard) per product.

    Where the one hazard a product meets is computed here, its piece is already cut: outside =
    area(product) − area(piece), no second overlay (nothing when the hazard covers the product).
    Otherwise the product less the union of the hazards it meets is measured.
    """
    a_geoms = np.array([h.geom for h in all_hazards], dtype=object)
    a_here = np.array([index_of.get(k, -1) for k in _keys(h.id for h in all_hazards)], dtype=np.int64)
    if same:  # all_hazards are the hazards here: the pairs are the pieces' pairs
        position = np.full(len(p_geoms), -1)
        position[own] = np.arange(len(own))
        pi, ai = position[pj[position[pj] >= 0]], hi[position[pj] >= 0]
    else:
        pi, ai = _query(a_geoms, p_geoms[own], workers)
    count = np.bincount(pi, minlength=len(own))
    only = np.full(len(own), -1)
    only[pi] = a_here[ai]  # the hazard here, exact where a product meets just one
    found = np.zeros(len(own), dtype=bool)  # the product meets one hazard, computed here: its piece k
    k = np.zeros(len(own), dtype=np.int64)
    if len(hi):
        codes = hi * len(p_geoms) + pj
        sorter = np.argsort(codes)
        want = only * len(p_geoms) + own
        k = sorter[np.minimum(np.searchsorted(codes, want, sorter=sorter), len(codes) - 1)]
        found = (count == 1) & (only >= 0) & (codes[k] == want)
    cut = found.copy()
    cut[found] = ~whole[k[found]]
    cut_p, cut_k = own[cut], k[cut]
    diff_p = own[~found]
    near: dict[int, list[int]] = defaultdict(list)
    for n, a in zip(pi.tolist(), ai.tolist(), strict=True):
        if not found[n]:
            near[int(own[n])].append(a)
    diffs = np.array(
        _threaded_map(
            lambda j: p_geoms[j].difference(shapely.union_all(a_geoms[near[j]])) if near.get(j) else p_geoms[j],
            diff_p.tolist(),
            workers,
        ),
        dtype=object,
    )
    measured = np.concatenate([cut_p, diff_p])
    plus = areas.add(np.concatenate([p_geoms[cut_p], _polygonal_all(diffs)]), h_epsg[home[measured]])
    minus = np.full(len(measured), -1)
    minus[: len(cut_p)] = areas.add(pieces[cut_k], h_epsg[home[cut_p]])
    return plus, minus, home[measured]


def _devices_outside(devices: DevicePoints, products, p_geoms, own, home, n_h, workers) -> np.ndarray:
    """Per hazard, how many devices of its own products lie outside their product (on the edge is inside)."""
    out = np.zeros(n_h, dtype=np.int64)
    index = {k: j for j, k in zip(own.tolist(), _keys(products[j].id for j in own.tolist()), strict=True)}
    of_group = np.array([index.get(k, -1) for k in _keys(devices.product_ids)], dtype=np.int64)
    j = of_group[devices.group] if len(devices.group) else np.empty(0, dtype=np.int64)
    order = np.argsort(j[j >= 0], kind="stable")
    j, xy = j[j >= 0][order], devices.xy[j >= 0][order]
    if not len(j):
        return out
    geoms = p_geoms[j]
    shapely.prepare(p_geoms[np.unique(j)])
    inside = _threaded(shapely.contains_xy, geoms, xy[:, 0], xy[:, 1], workers=workers, groups=j)
    edge = np.flatnonzero(~inside)
    if len(edge):  # not strictly inside: on the boundary still counts as in the product
        inside[edge] = shapely.covers(geoms[edge], shapely.points(xy[edge]))
    np.add.at(out, home[j[~inside]], 1)
    return out


def compute(
    hazards: list[HazardInput],
    products: list[ProductInput],
    devices: list[DeviceInput] | DevicePoints | Future | None = None,
    all_hazards: list[HazardInput] | None = None,
    with_geometry: bool = True,
    workers: int = 1,
    batch: bool = True,
) -> list[LedgerRow]:
    """Ledger rows for `hazards`.

    `products` must hold every product that intersects one of `hazards` or is filed under one;
    `all_hazards` (default: `hazards`) must hold every hazard those products intersect, so that the
    area outside every hazard is right.

    Two passes: the topology queues every area to measure; then one projection per UTM zone measures
    them all. The topology is vectorised over all hazards at once; only a hazard holding products
    whose interiors meet goes through the ordered loop that precedence needs (`batch=False` sends
    every hazard through it; the tests check both give the same rows). `workers` threads share each
    vectorised GEOS call; the rows do not depend on their number. `devices` may be a Future: it is
    only needed at the end, so the store reads them while the topology runs.
    """
    all_hazards = all_hazards or hazards
    if not hazards:
        return []
    n_h = len(hazards)
    h_geoms = np.array([h.geom for h in hazards], dtype=object)
    h_epsg = np.array([h.utm_epsg for h in hazards], dtype=np.int64)
    p_geoms = np.array([p.geom for p in products], dtype=object)
    index_of = {k: i for i, k in enumerate(_keys(h.id for h in hazards))}
    home = np.array(
        [index_of.get(k, -1) for k in _keys(p.hazard_id for p in products)], dtype=np.int64
    )  # -1: elsewhere
    own = np.flatnonzero(home >= 0)
    areas = _Areas()
    estimated = areas.add(h_geoms, h_epsg)

    # 1. Pieces: the part of each hazard each product covers, every pair at once, in crediting order.
    hi, pj = np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    if len(products):
        hi, pj = _query(p_geoms, h_geoms, workers)
        order = np.lexsort((_precedence(products)[pj], hi))
        hi, pj = hi[order], pj[order]
    shapely.prepare(h_geoms)
    whole = _threaded(shapely.covers, h_geoms[hi], p_geoms[pj], workers=workers, groups=hi)  # often all of it
    pieces = p_geoms[pj].copy()
    cut = np.flatnonzero(~whole)
    if len(cut):
        pieces[cut] = _threaded(shapely.intersection, p_geoms[pj[cut]], h_geoms[hi[cut]], workers=workers)
    pieces = _polygonal_all(pieces)
    solid = ~shapely.is_empty(pieces)  # a product only touching the hazard's edge covers none of it

    # 2. Products whose interiors meet: a hazard holding two of them needs the ordered loop; the pairs
    # filed under one hazard are its overlaps.
    meet_a, meet_b = _meeting_products(p_geoms, hi[solid], pj[solid], home, workers)

    # 3. Credits: each piece as it is, except in hazards holding products that overlap (the ordered loop).
    credited = pieces.copy()
    credited[~solid] = None
    bounds = np.searchsorted(hi, np.arange(n_h + 1))
    if batch:
        loop = _with_overlapping_pieces(hi[solid], pj[solid], meet_a, meet_b)
    else:
        loop = np.unique(hi[solid]).tolist()
    meet = set(zip(meet_a.tolist(), meet_b.tolist(), strict=True))

    def ordered(i: int) -> tuple[np.ndarray, list]:
        ks = np.arange(bounds[i], bounds[i + 1])
        ks = ks[solid[ks]]
        return ks, _ordered(list(pieces[ks]), pj[ks].tolist(), meet)

    for ks, kept in _threaded_map(ordered, loop, workers):
        credited[ks] = kept
    credit_slot = np.full(len(hi), -1)
    has = np.flatnonzero(~shapely.is_missing(credited))
    credit_slot[has] = areas.add(credited[has], h_epsg[hi[has]])

    # 4. Remaining: the hazard less the union of its pieces (the ground the credited pieces cover).
    union = _group_union(pieces[solid], hi[solid], n_h, workers)
    remaining = h_geoms.copy()
    cover = np.flatnonzero(~shapely.is_missing(union))
    if len(cover):
        remaining[cover] = _polygonal_all(_threaded(shapely.difference, h_geoms[cover], union[cover], workers=workers))

    # 5. Own products' area outside every hazard.
    same = all_hazards is hazards
    outside = _outside(p_geoms, own, home, all_hazards, same, index_of, hi, pj, whole, pieces, h_epsg, areas, workers)

    # 6. Overlapping products filed under the same hazard, every pair once.
    same = (home[meet_a] == home[meet_b]) & (home[meet_a] >= 0)
    pair_a, pair_b = meet_a[same], meet_b[same]
    shared = _threaded(shapely.intersection, p_geoms[pair_a], p_geoms[pair_b], workers=workers)
    overlap_slot = areas.add(_polygonal_all(shared), h_epsg[home[pair_a]])

    # 7. Devices of own products whose point is not in their product.
    given = devices.result() if isinstance(devices, Future) else devices  # the store reads them meanwhile
    points = given if isinstance(given, DevicePoints) else DevicePoints.of(given or [])
    devices_outside = _devices_outside(points, products, p_geoms, own, home, n_h, workers)

    measured = areas.measure(workers)
    shapely.destroy_prepared(h_geoms)  # no prepared state left on the callers' geometries
    shapely.destroy_prepared(p_geoms)
    m_outside = np.zeros(n_h)
    plus, minus, where = outside
    np.add.at(m_outside, where, np.maximum(measured[plus] - np.where(minus >= 0, measured[minus], 0.0), 0.0))
    overlaps: dict[int, list[tuple[int, int, float]]] = defaultdict(list)
    for a, b, slot in zip(pair_a.tolist(), pair_b.tolist(), overlap_slot.tolist(), strict=True):
        overlaps[int(home[a])].append((a, b, float(measured[slot])))
    remaining_empty = shapely.is_empty(remaining)

    rows: list[LedgerRow] = []
    for i, h in enumerate(hazards):
        row = LedgerRow(hazard_id=h.id, estimated_m2=float(measured[estimated[i]]))
        rows.append(row)
        if not math.isfinite(row.estimated_m2):  # coordinates no projection can take (e.g. lat > 90)
            row.estimated_m2 = 0.0
            continue
        for k in range(bounds[i], bounds[i + 1]):
            area = float(measured[credit_slot[k]]) if credit_slot[k] >= 0 else 0.0
            if area > 0:
                product = products[pj[k]]
                setattr(row, f"{product.outcome}_m2", getattr(row, f"{product.outcome}_m2") + area)
                row.credits.append((product.id, product.outcome, area))
        # Remaining is what the release leaves of the estimate, so every ledger adds up exactly:
        # estimated = cancelled + reduced + cleared + remaining. (Measuring the remaining geometry
        # itself differs by about 1e-6: lon/lat-straight edges bend a little in UTM.)
        released = row.cleared_m2 + row.reduced_m2 + row.cancelled_m2
        row.remaining_m2 = 0.0 if remaining_empty[i] else max(row.estimated_m2 - released, 0.0)
        if with_geometry and not remaining_empty[i]:
            row.remaining_geom = remaining[i]
        row.outside_m2 = float(m_outside[i])
        for a, b, area in overlaps.get(i, []):
            if area > 0:
                row.overlap_m2 += area
                row.overlaps.append((products[a].id, products[b].id, area))
        row.devices_outside = int(devices_outside[i])
    return rows
