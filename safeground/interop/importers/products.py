"""Importing land release products: checks, split among hazards when none is given, codes, the write."""

from __future__ import annotations

import uuid
from collections import defaultdict

import numpy as np
import shapely
from django.contrib.gis.db.models.functions import AsWKB
from django.utils.translation import gettext as _

from safeground.core.geojson import to_geos
from safeground.core.geometry import (
    areas_m2,
    as_multipolygon,
)
from safeground.hazards.models import Hazard
from safeground.interop.importers.common import (
    CodeAllocator,
    Context,
    Plan,
    Rows,
    existing_values,
    history_rows,
    lookup,
    polygonal_part,
    polygons,
    refresh_ledger,
    settle_countries,
)
from safeground.landrelease.models import Product
from safeground.operations.models import Activity

#: A product with no hazard is split among the hazards it overlaps by at least this much (m²).
MIN_SPLIT_M2 = 1.0


def _split(product, candidates: list[tuple]) -> list[tuple]:
    """Partition a product among the hazards it overlaps: [(hazard id, code, piece)], largest first.

    Ground inside several hazards goes to the first (largest overlap); ground outside every hazard
    stays with the first piece, so no released ground is lost (the ledger reports it as outside).
    """
    scored = []
    for hid, code, country, hgeom in candidates:
        inter = polygonal_part(shapely.intersection(product, hgeom))
        area = areas_m2([inter])[0] if inter is not None and not inter.is_empty else 0.0
        if area >= MIN_SPLIT_M2:
            scored.append((area, code, hid, country, hgeom))
    scored.sort(key=lambda s: (-s[0], s[1]))
    if not scored:
        return []
    pieces = []
    claimed = None
    for _area, code, hid, country, hgeom in scored[1:]:
        piece = polygonal_part(shapely.intersection(product, hgeom))
        if claimed is not None:
            piece = polygonal_part(shapely.difference(piece, claimed))
        claimed = hgeom if claimed is None else shapely.union(claimed, hgeom)
        if piece is not None and not piece.is_empty and areas_m2([piece])[0] >= MIN_SPLIT_M2:
            pieces.append((hid, code, country, piece))
    first = product
    if pieces:
        first = polygonal_part(shapely.difference(product, shapely.union_all([p[3] for p in pieces])))
    _a, code, hid, country, _g = scored[0]
    return [(hid, code, country, first)] + pieces


def validate(rows: Rows, ctx: Context, progress) -> Plan:
    """Check every row as products; the plan carries the columns to write when no row is bad."""
    progress.stage(_("checking products"), rows.n)
    codes = rows.text("code", max_length=40)
    outcome = rows.choice("outcome", Product.OUTCOME_CHOICES)
    released_on = rows.date("released_on", required=True)
    depth = rows.integer("clearance_depth_cm", 1, 500)
    for i, (o, d) in enumerate(zip(outcome, depth, strict=True)):
        if o == "cleared" and d is None:
            rows.error(i, "clearance_depth_cm", "", _("required when the outcome is cleared"))
    reported = rows.number("reported_area_m2", positive=True)
    act_given = rows.text("activity_code", required=True)
    acts = rows.reference("activity_code", act_given, lookup(Activity, "code", act_given, "id"), _("activity"))
    hz_given = rows.text("hazard_code")
    hz_rows = lookup(Hazard, "code", hz_given, "id", "country")
    hz = rows.reference("hazard_code", hz_given, hz_rows, _("hazard"))
    synthetic = rows.boolean("is_synthetic")
    geoms = polygons(rows, _("product geometry"), ctx.repair)
    # Products without a hazard: split among the hazards they overlap (one query for all of them).
    pieces: list[list[tuple]] = [[] for _ in range(rows.n)]
    orphans = [i for i in range(rows.n) if hz_given[i] is None and geoms[i] is not None]
    if orphans:
        envelope = shapely.box(*shapely.total_bounds(geoms[orphans]))
        cand = list(
            Hazard.objects.filter(geom__intersects=to_geos(envelope))
            .annotate(wkb=AsWKB("geom"))
            .values_list("id", "code", "country", "wkb")
        )
        cand_geoms = shapely.from_wkb([bytes(c[3]) for c in cand]) if cand else np.array([], dtype=object)
        tree = shapely.STRtree(cand_geoms) if cand else None
        for i in orphans:
            near = tree.query(geoms[i], predicate="intersects") if tree is not None else []
            split = _split(geoms[i], [(cand[j][0], cand[j][1], cand[j][2], cand_geoms[j]) for j in sorted(near)])
            if not split:
                rows.error(i, "hazard_code", "", _("the product overlaps no hazard; give hazard_code"))
            pieces[i] = split
    for i in range(rows.n):
        if hz[i] is not None and geoms[i] is not None:
            pieces[i] = [(hz[i][0], hz_given[i], hz[i][1], geoms[i])]
    # Each piece must lie inside its hazard's country (the services' border rule).
    flat = [(i, p) for i in range(rows.n) for p in pieces[i]]
    if flat:
        check = np.array([as_multipolygon(p[3]) for _i, p in flat], dtype=object)
        sub = Rows(rows.table, rows.mapping)
        sub.n = len(flat)
        sub.bad = np.zeros(len(flat), dtype=bool)
        settle_countries(sub, check, [p[2] for _i, p in flat], _("product geometry"))
        for e in sub.errors:
            i = flat[e.row - 1][0]
            rows.error(i, e.field, e.value, e.reason)
    rows.unique_codes(Product, codes)
    progress.update(rows.n)
    progress.close()
    plan = Plan("products", rows.n)
    if rows.bad.any():
        return plan
    out: dict[str, list] = defaultdict(list)
    taken = {c for c in codes if c}
    hazard_codes = {p[0]: p[1] for ps in pieces for p in ps}
    existing = [c for c in Product.objects.filter(hazard_id__in=list(hazard_codes)).values_list("code", flat=True)]
    alloc = CodeAllocator(Product, "LR", 3, taken)
    alloc.prime(set(hazard_codes.values()), existing=existing)
    split_notes = 0
    for i in range(rows.n):
        for k, (hid, hcode, _country, piece) in enumerate(pieces[i]):
            if codes[i] and len(pieces[i]) == 1:
                code = codes[i]
            elif codes[i]:
                code = f"{codes[i]}-{k + 1}"
                if code in taken or code in existing_values(Product, "code", [code]):
                    code = alloc.code(hcode)
                taken.add(code)
            else:
                code = alloc.code(hcode)
            split_notes += len(pieces[i]) > 1
            out["code"].append(code)
            out["activity_id"].append(acts[i])
            out["hazard_id"].append(hid)
            out["outcome"].append(outcome[i])
            out["geom"].append(as_multipolygon(piece))
            out["released_on"].append(released_on[i])
            out["clearance_depth_cm"].append(depth[i])
            out["reported_area_m2"].append(reported[i] if len(pieces[i]) == 1 else None)
            out["is_synthetic"].append(synthetic[i])
            out["row"].append(i)
    out["area_m2"] = areas_m2(np.array(out["geom"], dtype=object))
    plan.data = dict(out)
    plan.codes = out["code"]
    if split_notes:
        plan.extra["note"] = _("%(n)d product(s) without a hazard were split among the hazards they overlap") % {
            "n": len({i for i in out["row"] if len(pieces[i]) > 1})
        }
    return plan


def write(plan: Plan, ctx: Context, progress) -> list[str]:
    """Write the validated products (inside the import's transaction); returns notes."""
    d = plan.data
    n = len(d["code"])
    progress.stage(_("writing products"), n)
    objs = [
        Product(
            id=uuid.uuid4(),
            code=d["code"][j],
            activity_id=d["activity_id"][j],
            hazard_id=d["hazard_id"][j],
            outcome=d["outcome"][j],
            geom=to_geos(d["geom"][j]),
            released_on=d["released_on"][j],
            clearance_depth_cm=d["clearance_depth_cm"][j],
            reported_area_m2=d["reported_area_m2"][j],
            area_m2=float(d["area_m2"][j]),
            is_synthetic=d["is_synthetic"][j],
        )
        for j in range(n)
    ]
    Product.objects.bulk_create(objs, batch_size=1000)
    history_rows(Product, objs, ctx)
    progress.update(n)
    progress.close()
    notes = [plan.extra["note"]] if plan.extra.get("note") else []
    notes.append(refresh_ledger({o.hazard_id for o in objs}, extra_geoms=[o.geom for o in objs] if n <= 300 else ()))
    return notes
