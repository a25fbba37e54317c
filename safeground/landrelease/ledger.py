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

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from safeground.core.geometry import project

OUTCOMES = ("cleared", "reduced", "cancelled")  # precedence order
LEDGER_FIELDS = (
    "estimated_m2",
    "cleared_m2",
    "reduced_m2",
    "cancelled_m2",
    "remaining_m2",
    "outside_m2",
    "overlap_m2",
    "devices_outside",
)


@dataclass
class HazardInput:
    id: object
    geom: BaseGeometry  # lon/lat
    utm_epsg: int


@dataclass
class ProductInput:
    id: object
    hazard_id: object
    outcome: str
    geom: BaseGeometry  # lon/lat
    order: tuple = ()  # ties within an outcome go to the earliest product: (released_on, code)


@dataclass
class DeviceInput:
    product_id: object
    point: BaseGeometry  # lon/lat


@dataclass
class LedgerRow:
    hazard_id: object
    estimated_m2: float
    cleared_m2: float = 0.0
    reduced_m2: float = 0.0
    cancelled_m2: float = 0.0
    remaining_m2: float = 0.0
    outside_m2: float = 0.0
    overlap_m2: float = 0.0
    devices_outside: int = 0
    remaining_geom: BaseGeometry | None = None  # lon/lat
    overlaps: list[tuple[object, object, float]] = field(default_factory=list)
    #: (product id, outcome, m² of this hazard credited to that product); sums to the release figures.
    credits: list[tuple[object, str, float]] = field(default_factory=list)

    def figures(self) -> dict:
        return {name: getattr(self, name) for name in LEDGER_FIELDS}


def _polygonal(geom: BaseGeometry) -> BaseGeometry:
    """Keep only the areal part of an overlay result (drop touching lines and points)."""
    if geom.is_empty or geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [g for g in shapely.get_parts(geom) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else shapely.MultiPolygon()


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
    """
    all_hazards = all_hazards or hazards
    devices = devices or []
    rows: list[LedgerRow] = []
    if not hazards:
        return rows
    h_geoms = np.array([h.geom for h in hazards], dtype=object)
    p_geoms = np.array([p.geom for p in products], dtype=object)
    a_geoms = np.array([h.geom for h in all_hazards], dtype=object)
    p_tree = shapely.STRtree(p_geoms) if len(p_geoms) else None
    a_tree = shapely.STRtree(a_geoms)
    by_hazard_products: dict[object, list[int]] = defaultdict(list)
    for j, p in enumerate(products):
        by_hazard_products[p.hazard_id].append(j)
    devices_by_product: dict[object, list[BaseGeometry]] = defaultdict(list)
    for d in devices:
        devices_by_product[d.product_id].append(d.point)
    covering: dict[int, list[int]] = defaultdict(list)
    if p_tree is not None:
        hi, pj = p_tree.query(h_geoms, predicate="intersects")
        for i, j in zip(hi.tolist(), pj.tolist(), strict=True):
            covering[i].append(j)

    rank = {outcome: n for n, outcome in enumerate(OUTCOMES)}
    for i, h in enumerate(hazards):
        epsg = h.utm_epsg

        def m2(geom, epsg=epsg) -> float:
            """Area in the hazard's UTM zone; overlays happen on the stored lon/lat geometry."""
            return 0.0 if geom.is_empty else float(project(geom, epsg).area)

        hz = h.geom
        row = LedgerRow(hazard_id=h.id, estimated_m2=m2(hz))
        if not math.isfinite(row.estimated_m2):  # coordinates no projection can take (e.g. lat > 90)
            row.estimated_m2 = 0.0
            row.remaining_geom = None
            rows.append(row)
            continue
        js = covering.get(i, [])
        covered = shapely.Polygon()
        for j in sorted(js, key=lambda j: (rank[products[j].outcome], products[j].order, str(products[j].id))):
            piece = _polygonal(shapely.intersection(p_geoms[j], hz))
            if not covered.is_empty and not piece.is_empty:
                piece = _polygonal(piece.difference(covered))
            area = m2(piece)
            if area <= 0:
                continue
            outcome = products[j].outcome
            setattr(row, f"{outcome}_m2", getattr(row, f"{outcome}_m2") + area)
            row.credits.append((products[j].id, outcome, area))
            covered = piece if covered.is_empty else shapely.union_all([covered, piece])
        remaining = _polygonal(hz.difference(covered)) if not covered.is_empty else hz
        # Remaining is what the release leaves of the estimate, so every ledger adds up exactly:
        # estimated = cancelled + reduced + cleared + remaining. (Measuring the remaining geometry
        # itself differs by about 1e-6: lon/lat-straight edges bend a little in UTM.)
        released = row.cleared_m2 + row.reduced_m2 + row.cancelled_m2
        row.remaining_m2 = 0.0 if remaining.is_empty else max(row.estimated_m2 - released, 0.0)
        if with_geometry:
            row.remaining_geom = remaining if not remaining.is_empty else None

        own = by_hazard_products.get(h.id, [])
        if own:
            own_geoms = p_geoms[own]
            near = a_tree.query(own_geoms, predicate="intersects")
            hazards_near = sorted(set(near[1].tolist()))
            hz_union = shapely.union_all(a_geoms[hazards_near]) if hazards_near else None
            for g in own_geoms:
                row.outside_m2 += m2(g if hz_union is None else _polygonal(g.difference(hz_union)))
            for a in range(len(own)):
                for b in range(a + 1, len(own)):
                    if own_geoms[a].intersects(own_geoms[b]):
                        area = m2(_polygonal(own_geoms[a].intersection(own_geoms[b])))
                        if area > 0:
                            row.overlap_m2 += area
                            row.overlaps.append((products[own[a]].id, products[own[b]].id, area))
            for j in own:
                points = devices_by_product.get(products[j].id)
                if points:
                    inside = shapely.covers(p_geoms[j], np.array(points, dtype=object))
                    row.devices_outside += int((~inside).sum())
        rows.append(row)
    return rows
