"""Importing land release products: checks, split among hazards when none is given, codes, the write."""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import shapely
from django.contrib.gis.db.models.functions import AsWKB
from django.db import transaction
from django.utils.translation import gettext as _

from safeground.core import bulk
from safeground.core.columns import refuse as columns_refuse
from safeground.core.errors import BulkValidationFailed
from safeground.core.geojson import to_geos
from safeground.core.geometry import (
    areas_m2,
    as_multipolygon,
)
from safeground.hazards import services as hazard_services
from safeground.hazards.models import Hazard
from safeground.interop.importers.common import (
    Context,
    Plan,
    Rows,
    add_bulk_errors,
    polygonal_part,
    polygons,
    provenance,
    refresh_ledger,
)
from safeground.interop.layers import COMPUTED
from safeground.landrelease import services
from safeground.landrelease.bulk import MIN_OVERLAP_M2
from safeground.landrelease.models import Product

#: A product with no hazard is split among the hazards it overlaps by at least this much (m²), the
#: same ground the service asks of a product kept outside every hazard.
MIN_SPLIT_M2 = MIN_OVERLAP_M2


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
    """Parse every column, split products without a hazard, then check the pieces with the service."""
    progress.stage(_("checking products"), rows.n)
    codes = rows.text("code", max_length=40)
    outcome = rows.text("outcome")
    released_on = rows.date("released_on", required=True)
    depth = rows.integer("clearance_depth_cm")
    reported = rows.number("reported_area_m2", positive=True)
    act_given = rows.text("activity_code", required=True)
    hz_given = rows.text("hazard_code")
    synthetic = rows.boolean("is_synthetic")
    geoms = polygons(rows, _("product geometry"), ctx.repair)
    origin = provenance(rows, Product, COMPUTED["products"])
    # Products without a hazard: split among the hazards they overlap (one query for all of them).
    pieces: list[list[tuple]] = [[(hz_given[i], geoms[i])] for i in range(rows.n)]
    orphans = [i for i in range(rows.n) if hz_given[i] is None and geoms[i] is not None]
    lonely: list[int] = []  # orphans that overlap no hazard at all, to rebuild a hazard for
    outside: list[int] = []  # orphans that overlap no hazard at all, kept outside every hazard
    if orphans:
        envelope = shapely.box(*shapely.total_bounds(geoms[orphans]))
        # Polygon hazards only (a point hazard's geom is NULL, which intersects nothing): a point has
        # no ground to split a product over; a product of a point hazard names it in hazard_code.
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
            if split:
                pieces[i] = [(code, piece) for _hid, code, _country, piece in split]
            elif ctx.orphans == "historical-hazard":
                lonely.append(i)
            elif ctx.orphans == "outside":
                outside.append(i)  # kept with no hazard: its ground is released outside every hazard
            else:
                message = _(
                    "the product overlaps no hazard; give hazard_code, or import with --orphans outside "
                    "or historical-hazard"
                )
                rows.error(i, "hazard_code", "", message, "orphan")
    rebuilt = _reconstruct(rows, ctx, lonely, geoms, outcome, released_on, synthetic)
    for k, i in enumerate(lonely):
        pieces[i] = [(rebuilt.codes[k] if rebuilt is not None else None, geoms[i])]
    rows.unique_codes(Product, codes)
    # A split product's pieces are numbered <code>-1, -2, …; one query says which of those are taken.
    numbered = {
        f"{codes[i]}-{k + 1}" for i in range(rows.n) if codes[i] and len(pieces[i]) > 1 for k in range(len(pieces[i]))
    }
    taken = set(codes) | bulk.existing_values(Product, "code", list(numbered))
    columns: dict[str, list] = defaultdict(list)
    row_of: list[int] = []
    for i in range(rows.n):
        for k, (hcode, piece) in enumerate(pieces[i]):
            code = codes[i]
            if code and len(pieces[i]) > 1:
                code = f"{codes[i]}-{k + 1}"
                if code in taken:
                    code = None  # numbered by the service
            row_of.append(i)
            columns["code"].append(code)
            columns["activity_code"].append(act_given[i])
            columns["hazard_code"].append(hcode)
            columns["outcome"].append(outcome[i])
            columns["geom"].append(as_multipolygon(piece) if piece is not None else None)
            columns["released_on"].append(released_on[i])
            columns["clearance_depth_cm"].append(depth[i])
            columns["reported_area_m2"].append(reported[i] if len(pieces[i]) == 1 else None)
            columns["is_synthetic"].append(synthetic[i])
            sid = origin["source_id"][i]  # a split product's pieces: <source_id>#1, #2, …
            columns["source_id"].append(f"{sid}#{k + 1}" if sid and len(pieces[i]) > 1 else sid)
            columns["source_attributes"].append(origin["source_attributes"][i])
    checked = _check_with(rebuilt, columns, ctx)
    add_bulk_errors(rows, checked.errors, row_of=row_of, fields={"geom": "geometry"})
    progress.update(rows.n)
    progress.close()
    plan = Plan("products", rows.n)
    if rows.bad.any():
        return plan
    plan.codes = checked.codes
    plan.extra.update(checked=checked, row_of=row_of, rebuilt=rebuilt, columns=columns)
    split = {i for i in orphans if len(pieces[i]) > 1}
    notes = []
    if split:
        notes.append(
            _("%(n)d product(s) without a hazard were split among the hazards they overlap") % {"n": len(split)}
        )
    if outside:
        notes.append(
            _("%(n)d product(s) overlap no hazard and were kept outside every hazard (the ledger counts them apart)")
            % {"n": len(outside)}
        )
    plan.extra["notes"] = notes
    return plan


class _Rollback(Exception):
    """Undo the trial write of reconstructed hazards."""


def _reconstruct(rows: Rows, ctx: Context, lonely: list[int], geoms, outcome, released_on, synthetic):
    """Closed hazards rebuilt from the footprints of products that overlap none (`--orphans
    historical-hazard`), checked by the hazard service; flagged `is_reconstructed`, and what is not
    known is said so: contamination "mixed", recorded on the release date, the file row as source."""
    if not lonely:
        return None
    columns = {
        "geometry": [geoms[i] for i in lonely],
        "hazard_class": ["CHA" if outcome[i] == "cleared" else "SHA" for i in lonely],
        "contamination_type": ["mixed"] * len(lonely),
        "status": ["closed"] * len(lonely),
        "recorded_on": [released_on[i] for i in lonely],
        "status_changed_on": [released_on[i] for i in lonely],
        "name": [_("Reconstructed from a land release product") for _i in lonely],
        "is_synthetic": [synthetic[i] for i in lonely],
        "is_reconstructed": [True] * len(lonely),
        "source_attributes": [{"reconstructed_from": f"{ctx.source} row {i + 1}"} for i in lonely],
    }
    try:
        return hazard_services.check_hazards(columns)
    except BulkValidationFailed as exc:
        add_bulk_errors(rows, exc.errors, row_of=lonely)
        return None


def _check_with(rebuilt, columns: dict, ctx: Context):
    """`check_products`; with reconstructed hazards, against them written in a savepoint rolled back."""
    if rebuilt is None:
        return services.check_products(columns)
    try:
        with transaction.atomic():
            hazard_services.bulk_create_hazards(rebuilt, user=ctx.user, source=ctx.source, reason=ctx.reason)
            checked = services.check_products(columns)
            raise _Rollback
    except _Rollback:
        return checked


def write(plan: Plan, ctx: Context, progress) -> list[str]:
    """Write the checked products through the service (one batch), after the hazards reconstructed for
    products that overlap none; the touched hazards' ledger refreshed."""
    checked, rebuilt, notes = plan.extra["checked"], plan.extra["rebuilt"], []
    if rebuilt is not None:
        made = hazard_services.bulk_create_hazards(rebuilt, user=ctx.user, source=ctx.source, reason=ctx.reason)
        checked = services.check_products(plan.extra["columns"])  # now against the written hazards
        columns_refuse(checked.errors)
        refresh_ledger(set(made.ids))
        notes.append(
            _("%(n)d closed hazard(s) reconstructed from products that overlap no hazard (flagged reconstructed)")
            % {"n": rebuilt.n}
        )
    progress.stage(_("writing products"), checked.n)
    result = services.bulk_create_products(checked, user=ctx.user, source=ctx.source, reason=ctx.reason)
    progress.update(checked.n)
    progress.close()
    notes += plan.extra.get("notes", [])
    return notes + result.notes
