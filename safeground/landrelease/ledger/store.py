"""Reading the ledger's inputs from the database and writing its rows: full, incremental, verify.

Inputs are read as WKB (`AsWKB`) and decoded in one vectorised call, never row by row through GEOS.
"""

from __future__ import annotations

import gc
import math
import os
import time
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager

import numpy as np
import shapely
from django.contrib.gis.db.models import Collect
from django.contrib.gis.db.models.functions import AsWKB
from django.contrib.gis.geos import MultiPolygon
from django.db import transaction
from django.db.models import Q

from safeground.core.geojson import to_geos
from safeground.core.geometry import as_multipolygon
from safeground.core.locks import serialise
from safeground.hazards.models import Hazard
from safeground.landrelease.ledger import compute as ledger
from safeground.landrelease.ledger import overlap_store
from safeground.landrelease.models import Device, HazardLedger, Product, ProductOverlap, ProductRelease

#: Threads sharing the vectorised GEOS calls of a full recompute (GEOS releases the GIL; small inputs use one).
WORKERS = min(os.cpu_count() or 1, 8)


def _decode(rows: list[tuple], wkb_index: int) -> np.ndarray:
    return shapely.from_wkb([bytes(r[wkb_index]) for r in rows]) if rows else np.array([], dtype=object)


def _hazard_rows(qs) -> list[tuple]:
    """The polygon hazards of `qs`: point hazards have no ground to account (no ledger row, no topology)."""
    return list(qs.filter(geom__isnull=False).annotate(wkb=AsWKB("geom")).values_list("id", "utm_epsg", "wkb"))


def _hazard_inputs(rows: list[tuple]) -> list[ledger.HazardInput]:
    """Ledger inputs with geometry objects of their own: each call decodes the WKB again (a thread
    needs its own geometries, since GEOS prepares them lazily and not thread-safely)."""
    return [ledger.HazardInput(r[0], g, r[1]) for r, g in zip(rows, _decode(rows, 2), strict=True)]


def _hazards(qs) -> list[ledger.HazardInput]:
    return _hazard_inputs(_hazard_rows(qs))


def _products(qs) -> list[ledger.ProductInput]:
    rows = list(qs.annotate(wkb=AsWKB("geom")).values_list("id", "hazard_id", "outcome", "released_on", "code", "wkb"))
    geoms = _decode(rows, 5)
    return [ledger.ProductInput(r[0], r[1], r[2], g, (r[3], r[4])) for r, g in zip(rows, geoms, strict=True)]


def _devices(qs) -> ledger.DevicePoints:
    """Devices with a product, as one multipoint per product (a few rows instead of one per device)."""
    rows = list(
        qs.exclude(product_id=None)
        .values("product_id")
        .annotate(wkb=AsWKB(Collect("point")))
        .values_list("product_id", "wkb")
    )
    xy, group = shapely.get_coordinates(_decode(rows, 1), return_index=True)
    return ledger.DevicePoints([r[0] for r in rows], group, xy)


@contextmanager
def _cyclic_gc_paused():
    """Pause Python's cycle collector: a full recompute makes millions of acyclic objects (rows,
    geometries), and each of the collector's passes over them grows with all that are alive
    (at ×4 scale it cost 4 of 34 s). Reference counting still frees everything as usual."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@_cyclic_gc_paused()
def compute_all(with_geometry: bool = True, phases: dict | None = None) -> list[ledger.LedgerRow]:
    """The ledger of every hazard, from scratch (set-based: three reads, one computation).

    `phases`, if given, receives the seconds spent reading, computing the ledger, and measuring the
    hazard-overlap figures (bench/ledger.py reports them).
    """
    clock = [time.perf_counter()]

    def lap(name: str) -> None:
        clock.append(time.perf_counter())
        if phases is not None:
            phases[name] = clock[-1] - clock[-2]

    read = _hazard_rows(Hazard.objects.order_by("id"))
    # The overlap thread's twins: the same hazards, geometries of their own.
    hazards, twins = _hazard_inputs(read), _hazard_inputs(read)
    order = overlap_store.order_keys()
    with ThreadPoolExecutor(2) as pool:
        # Beside the ledger (GEOS releases the GIL): the overlaps of the hazards' own polygons, which
        # need no ledger row, and the devices, read on this thread's connection while the topology runs.
        estimated = pool.submit(overlap_store.estimated_before, twins, order)
        products = _products(Product.objects.all())
        devices: Future = Future()
        job = pool.submit(ledger.compute, hazards, products, devices, workers=WORKERS)
        try:
            devices.set_result(_devices(Device.objects.all()))
        except BaseException as error:
            devices.set_exception(error)
            raise
        lap("read")
        rows = job.result()
        lap("ledger")
        # Ground shared between hazards: the remaining part needs every remaining geometry.
        overlap_store.fill(rows, hazards, order, estimated.result())
    lap("hazard overlaps")
    if not with_geometry:
        for row in rows:
            row.remaining_geom = None
    return rows


def _write(rows: list[ledger.LedgerRow], hazard_ids: Iterable | None) -> None:
    if hazard_ids is None:
        HazardLedger.objects.all().delete()
        ProductOverlap.objects.all().delete()
        ProductRelease.objects.all().delete()
    else:
        ids = list(hazard_ids)
        HazardLedger.objects.filter(hazard_id__in=ids).delete()
        ProductOverlap.objects.filter(hazard_id__in=ids).delete()
        ProductRelease.objects.filter(hazard_id__in=ids).delete()
    HazardLedger.objects.bulk_create(
        [
            HazardLedger(
                hazard_id=r.hazard_id,
                remaining_geom=(
                    to_geos(as_multipolygon(r.remaining_geom), MultiPolygon) if r.remaining_geom is not None else None
                ),
                **r.figures(),
            )
            for r in rows
        ],
        batch_size=2000,
    )
    ProductOverlap.objects.bulk_create(
        [
            ProductOverlap(hazard_id=r.hazard_id, first_id=a, second_id=b, overlap_m2=m2)
            for r in rows
            for a, b, m2 in r.overlaps
        ],
        batch_size=5000,
    )
    ProductRelease.objects.bulk_create(
        [
            ProductRelease(hazard_id=r.hazard_id, product_id=p, outcome=o, released_m2=m2)
            for r in rows
            for p, o, m2 in r.credits
        ],
        batch_size=5000,
    )


#: Above this many touched hazards, a refresh locks the whole ledger rather than each hazard.
LOCK_EACH_UP_TO = 500
#: Refreshes of the same hazards run one after the other (core.locks): without it two transactions
#: each delete and re-insert the same hazard's row, and the second fails on the primary key or stores
#: figures computed before the first committed. A full recompute locks the whole ledger.
LEDGER_LOCK = "safeground-ledger"


@transaction.atomic
def recompute_all() -> int:
    """Rebuild every stored ledger row; returns the number of hazards."""
    serialise(LEDGER_LOCK)
    rows = compute_all()
    _write(rows, None)
    return len(rows)


def _polygons_union_q(field: str, geoms: list) -> Q:
    q = Q()
    for g in geoms:
        if g is not None:
            q |= Q(**{f"{field}__intersects": g})
    return q


def refresh(hazard_ids: Iterable, extra_geoms: Iterable = ()) -> set:
    """Recompute and store the ledger of the given hazards and of every hazard whose figures depend on them.

    Called by the services inside the writing transaction. `extra_geoms` are old geometries of what
    changed (a product moved away from a hazard still changes that hazard's figures).
    """
    ids = {i for i in hazard_ids if i is not None}
    geoms = [g for g in extra_geoms if g is not None]
    if not ids and not geoms:
        return set()
    base = list(Hazard.objects.filter(id__in=ids).values_list("geom", flat=True)) + geoms
    touched_q = Q(id__in=ids) | _polygons_union_q("geom", base)
    # Hazards whose own products cover this ground (their "outside" figure may change).
    owners = Product.objects.filter(_polygons_union_q("geom", base)).values_list("hazard_id", flat=True)
    touched = set(Hazard.objects.filter(touched_q).values_list("id", flat=True)) | set(owners)
    touched.discard(None)  # products released outside every hazard own no ledger row
    serialise(LEDGER_LOCK, touched, each_up_to=LOCK_EACH_UP_TO)  # then read what earlier writers committed
    hazards = _hazards(Hazard.objects.filter(id__in=touched).order_by("id"))
    hazard_geoms = list(Hazard.objects.filter(id__in=touched).values_list("geom", flat=True))
    products = _products(Product.objects.filter(Q(hazard_id__in=touched) | _polygons_union_q("geom", hazard_geoms)))
    own_geoms = list(Product.objects.filter(hazard_id__in=touched).values_list("geom", flat=True))
    around = _hazards(Hazard.objects.filter(Q(id__in=touched) | _polygons_union_q("geom", own_geoms)))
    own_ids = list(Product.objects.filter(hazard_id__in=touched).values_list("id", flat=True))
    devices = _devices(Device.objects.filter(product_id__in=own_ids))  # ids, not a join: uses the FK index
    rows = ledger.compute(hazards, products, devices, all_hazards=around)
    _write(rows, touched)
    overlap_store.refresh(touched, geoms)  # and the later hazards overlapping them
    return touched


def verify(rel_tol: float = 1e-9, abs_tol: float = 1e-6) -> list[str]:
    """Differences between the stored ledger and a fresh computation (empty = verified)."""
    fresh = {r.hazard_id: r for r in compute_all(with_geometry=False)}
    stored: dict[ledger.RecordId, HazardLedger] = {row.hazard_id: row for row in HazardLedger.objects.all()}
    codes: dict[ledger.RecordId, str] = dict(Hazard.objects.values_list("id", "code"))
    problems = []
    for hazard_id in sorted(set(fresh) | set(stored), key=lambda i: codes.get(i, "")):
        code = codes.get(hazard_id, str(hazard_id))
        if hazard_id not in stored:
            problems.append(f"{code}: no stored ledger row")
            continue
        if hazard_id not in fresh:
            problems.append(f"{code}: stored ledger row for a hazard that no longer exists")
            continue
        for name, value in fresh[hazard_id].figures().items():
            kept = getattr(stored[hazard_id], name)
            if not math.isclose(kept, value, rel_tol=rel_tol, abs_tol=abs_tol):
                problems.append(f"{code}: {name} stored {kept!r}, recomputed {value!r}")
    return problems
