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


def _polygonal(geom: BaseGeometry) -> BaseGeometry:
    """Keep only the areal part of an overlay result (drop touching lines and points)."""
    if geom.is_empty or geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [g for g in shapely.get_parts(geom) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else shapely.MultiPolygon()


class _Areas:
    """Areas to measure, queued during the topology pass and measured in one projection per UTM zone."""

    def __init__(self):
        self.geoms: list[BaseGeometry] = []
        self.epsg: list[int] = []

    def add(self, geom: BaseGeometry, epsg: int) -> int:
        self.geoms.append(geom)
        self.epsg.append(epsg)
        return len(self.geoms) - 1

    def measure(self) -> np.ndarray:
        geoms = np.array(self.geoms, dtype=object)
        zones = np.array(self.epsg)
        out = np.zeros(len(geoms))
        for epsg in np.unique(zones):
            idx = zones == epsg
            with np.errstate(all="ignore"):
                out[idx] = shapely.area(project(geoms[idx], int(epsg)))
        return out


def compute(
    hazards: list[HazardInput],
    products: list[ProductInput],
    devices: list[DeviceInput] | None = None,
    all_hazards: list[HazardInput] | None = None,
    with_geometry: bool = True,
) -> list[LedgerRow]:
    """Ledger rows for `hazards`.

    `products` must hold every product that intersects one of `hazards` or is filed under one;
    `all_hazards` (default: `hazards`) must hold every hazard those products intersect, so that the
    area outside every hazard is right.

    Two passes: the topology (vectorised where it can be, per hazard where precedence needs order)
    queues every area to measure; then one projection per UTM zone measures them all.
    """
    all_hazards = all_hazards or hazards
    devices = devices or []
    if not hazards:
        return []
    h_geoms = np.array([h.geom for h in hazards], dtype=object)
    p_geoms = np.array([p.geom for p in products], dtype=object)
    a_geoms = np.array([h.geom for h in all_hazards], dtype=object)
    epsg_of = {h.id: h.utm_epsg for h in hazards}
    index_of = {h.id: i for i, h in enumerate(hazards)}
    areas = _Areas()

    # Pieces of each hazard covered by each product, all pairs in one vectorised intersection.
    covering: dict[int, list[tuple[int, BaseGeometry]]] = defaultdict(list)
    if len(p_geoms):
        hi, pj = shapely.STRtree(p_geoms).query(h_geoms, predicate="intersects")
        shapely.prepare(h_geoms)
        inside = shapely.covers(h_geoms[hi], p_geoms[pj])  # the usual case: the piece is the product
        pieces = p_geoms[pj].copy()
        pieces[~inside] = shapely.intersection(p_geoms[pj][~inside], h_geoms[hi][~inside])
        for i, j, piece in zip(hi.tolist(), pj.tolist(), pieces, strict=True):
            covering[i].append((j, piece))

    rank = {outcome: n for n, outcome in enumerate(OUTCOMES)}
    estimated: list[int] = []
    credits: list[list[tuple[int, str, int]]] = []
    remaining_geoms: list[BaseGeometry] = []
    for i, h in enumerate(hazards):
        estimated.append(areas.add(h.geom, h.utm_epsg))
        kept: list[BaseGeometry] = []
        mine: list[tuple[int, str, int]] = []
        ordered = sorted(
            covering.get(i, []),
            key=lambda jp: (rank[products[jp[0]].outcome], products[jp[0]].order, str(products[jp[0]].id)),
        )
        for j, piece in ordered:
            piece = _polygonal(piece)
            clash = [k for k in kept if shapely.relate_pattern(k, piece, INTERIORS_MEET)]
            if clash and not piece.is_empty:
                piece = _polygonal(piece.difference(shapely.union_all(clash)))
            if piece.is_empty:
                continue
            kept.append(piece)
            mine.append((j, products[j].outcome, areas.add(piece, h.utm_epsg)))
        credits.append(mine)
        remaining_geoms.append(_polygonal(h.geom.difference(shapely.union_all(kept))) if kept else h.geom)

    # Product area outside every hazard, for products filed under these hazards.
    own = [j for j, p in enumerate(products) if p.hazard_id in index_of]
    outside: dict[int, list[int]] = defaultdict(list)
    if own:
        own_arr = np.array(own)
        pi, ai = shapely.STRtree(a_geoms).query(p_geoms[own_arr], predicate="intersects")
        near: dict[int, list[int]] = defaultdict(list)
        for k, a in zip(pi.tolist(), ai.tolist(), strict=True):
            near[own[k]].append(a)
        single = [j for j in own if len(near.get(j, [])) == 1]
        if single:  # a product its one hazard covers has nothing outside: skip the difference
            shapely.prepare(a_geoms)
            covered = shapely.covers(a_geoms[[near[j][0] for j in single]], p_geoms[single])
            single = [j for j, ok in zip(single, covered, strict=True) if not ok]
        if single:
            diffs = shapely.difference(p_geoms[single], a_geoms[[near[j][0] for j in single]])
            for j, d in zip(single, diffs, strict=True):
                outside[index_of[products[j].hazard_id]].append(
                    areas.add(_polygonal(d), epsg_of[products[j].hazard_id])
                )
        for j in own:
            if len(near.get(j, [])) != 1:
                d = p_geoms[j] if not near.get(j) else p_geoms[j].difference(shapely.union_all(a_geoms[near[j]]))
                outside[index_of[products[j].hazard_id]].append(
                    areas.add(_polygonal(d), epsg_of[products[j].hazard_id])
                )

    # Overlapping products of the same hazard, every pair once.
    overlaps: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    if own:
        own_arr = np.array(own)
        qa, qb = shapely.STRtree(p_geoms[own_arr]).query(p_geoms[own_arr], predicate="intersects")
        pairs = [
            (own[a], own[b])
            for a, b in zip(qa.tolist(), qb.tolist(), strict=True)
            if a < b and products[own[a]].hazard_id == products[own[b]].hazard_id
        ]
        if pairs:
            first, second = (np.array(x) for x in zip(*pairs, strict=True))
            meet = shapely.relate_pattern(p_geoms[first], p_geoms[second], INTERIORS_MEET)  # not just touching
            first, second = first[meet], second[meet]
            shared = shapely.intersection(p_geoms[first], p_geoms[second])
            for a, b, g in zip(first.tolist(), second.tolist(), shared, strict=True):
                hid = products[a].hazard_id
                overlaps[index_of[hid]].append((a, b, areas.add(_polygonal(g), epsg_of[hid])))

    # Devices whose point is not in their product, one vectorised test for all.
    outside_devices: dict[int, int] = defaultdict(int)
    product_index = {products[j].id: j for j in own}
    listed = [(product_index[d.product_id], d.point) for d in devices if d.product_id in product_index]
    if listed:
        js = np.array([j for j, _ in listed])
        inside = shapely.covers(p_geoms[js], np.array([pt for _, pt in listed], dtype=object))
        for j in js[~inside].tolist():
            outside_devices[index_of[products[j].hazard_id]] += 1

    measured = areas.measure()
    rows: list[LedgerRow] = []
    for i, h in enumerate(hazards):
        row = LedgerRow(hazard_id=h.id, estimated_m2=float(measured[estimated[i]]))
        if not math.isfinite(row.estimated_m2):  # coordinates no projection can take (e.g. lat > 90)
            rows.append(LedgerRow(hazard_id=h.id, estimated_m2=0.0))
            continue
        for j, outcome, k in credits[i]:
            area = float(measured[k])
            if area > 0:
                setattr(row, f"{outcome}_m2", getattr(row, f"{outcome}_m2") + area)
                row.credits.append((products[j].id, outcome, area))
        # Remaining is what the release leaves of the estimate, so every ledger adds up exactly:
        # estimated = cancelled + reduced + cleared + remaining. (Measuring the remaining geometry
        # itself differs by about 1e-6: lon/lat-straight edges bend a little in UTM.)
        released = row.cleared_m2 + row.reduced_m2 + row.cancelled_m2
        remaining = remaining_geoms[i]
        row.remaining_m2 = 0.0 if remaining.is_empty else max(row.estimated_m2 - released, 0.0)
        if with_geometry and not remaining.is_empty:
            row.remaining_geom = remaining
        row.outside_m2 = float(sum(measured[k] for k in outside.get(i, [])))
        for a, b, k in overlaps.get(i, []):
            area = float(measured[k])
            if area > 0:
                row.overlap_m2 += area
                row.overlaps.append((products[a].id, products[b].id, area))
        row.devices_outside = outside_devices.get(i, 0)
        rows.append(row)
    return rows
