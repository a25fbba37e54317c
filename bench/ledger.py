"""Benchmark: full ledger recompute in SafeGround (Shapely) vs the same computation as PostGIS SQL.

    SAFEGROUND_DATABASE_URL=postgis://postgres@127.0.0.1:5432/sg_bench \
        python bench/ledger.py [--multiplier 4] [--saves 1000] [--repeat 3]

Run against a PostGIS database holding a demo (`safeground demo --scale national --no-serve`).
With --multiplier N the data are replicated N times (copies shifted north by 0.4° per copy) into
temporary tables named like the real ones, which shadow them for this session only: SafeGround's
full recompute (the same `store.compute_all` that `ledger recompute` runs, reading the database)
and the SQL both read the copies, so both sides read and compute the same N-fold data.
Prints: recompute time for both (SafeGround split into reading, the ledger and the hazard-overlap
figures), process peak RSS, the time ratio SafeGround/PostGIS (≤ 1 means SafeGround is at least as
fast), the largest relative area difference, and the p50/p95 latency of incremental ledger updates
over N product saves (rolled back at the end: the database is unchanged).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

import shapely  # noqa: E402
import shapely.affinity  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from safeground.landrelease.ledger import store as ledger_store  # noqa: E402

SHIFT_DEG = 0.4

# The same accounting in SQL: per hazard, the products intersecting it, unioned per outcome, with
# precedence cleared > reduced > cancelled, remaining = hazard − all; overlays on the stored lon/lat
# geometry, areas after ST_Transform to the hazard's UTM zone (as SafeGround does).
POSTGIS_LEDGER = """
WITH pieces AS (
    SELECT h.id, p.outcome, ST_Intersection(p.geom, h.geom) AS g
    FROM {hazards} h JOIN {products} p ON ST_Intersects(p.geom, h.geom)
), by_outcome AS (
    SELECT id,
           ST_Union(g) FILTER (WHERE outcome = 'cleared') AS cl,
           ST_Union(g) FILTER (WHERE outcome = 'reduced') AS re,
           ST_Union(g) FILTER (WHERE outcome = 'cancelled') AS ca
    FROM pieces GROUP BY id
), released AS (
    SELECT id, cl,
           CASE WHEN re IS NULL THEN NULL WHEN cl IS NULL THEN re ELSE ST_Difference(re, cl) END AS re,
           CASE WHEN ca IS NULL THEN NULL
                ELSE ST_Difference(ca, ST_Union(COALESCE(cl, ST_GeomFromText('POLYGON EMPTY', 4326)),
                                                COALESCE(re, ST_GeomFromText('POLYGON EMPTY', 4326)))) END AS ca,
           ST_Union(ARRAY[cl, re, ca]) AS covered
    FROM by_outcome
)
SELECT h.id, ST_Area(ST_Transform(h.geom, h.utm_epsg)),
       COALESCE(ST_Area(ST_Transform(r.cl, h.utm_epsg)), 0), COALESCE(ST_Area(ST_Transform(r.re, h.utm_epsg)), 0),
       COALESCE(ST_Area(ST_Transform(r.ca, h.utm_epsg)), 0),
       ST_Area(ST_Transform(CASE WHEN r.covered IS NULL THEN h.geom ELSE ST_Difference(h.geom, r.covered) END,
                            h.utm_epsg))
FROM {hazards} h LEFT JOIN released r ON r.id = h.id
WHERE h.geom IS NOT NULL  -- point hazards have no ground in the ledger (decision 0020)
"""


#: What SafeGround's recompute computes beyond the SQL above (so the ratio compares more work with less).
EXTRA_WORK = (
    "SafeGround also computes, beyond the SQL: the credit of every product (earliest first within an outcome), "
    "product overlaps per hazard, product area outside every hazard, devices outside their product, "
    "and the hazard-overlap figures (ground already counted by earlier hazards)"
)

# Temporary copies (only the columns the ledger reads), named like the real tables: for this
# session they shadow them (pg_temp comes first on the search path). Copy 0 keeps its ids.
COPIES = {
    "hazards_hazard": (
        "SELECT {uid} AS id, code || {tag} AS code, recorded_on, utm_epsg, ST_Translate(geom, 0, {shift}) AS geom",
        "geom",
    ),
    "landrelease_product": (
        "SELECT {uid} AS id, {hazard_uid} AS hazard_id, outcome, released_on, code || {tag} AS code, "
        "ST_Translate(geom, 0, {shift}) AS geom",
        "geom",
    ),
    "landrelease_device": (
        "SELECT {product_uid} AS product_id, ST_Translate(point, 0, {shift}) AS point",
        "point",
    ),
}


def replicate_tables(n: int) -> None:
    """Temporary copies of hazards, products and devices, n times, shifted north, shadowing the real tables."""

    def uid(column: str) -> str:
        return f"CASE WHEN k = 0 THEN {column} ELSE md5(k::text || {column}::text)::uuid END"

    with connection.cursor() as c:
        for table, (select, geom) in COPIES.items():
            sql = select.format(
                uid=uid("id"),
                hazard_uid=uid("hazard_id"),
                product_uid=uid("product_id"),
                tag="CASE WHEN k = 0 THEN '' ELSE '~' || k END",
                shift=f"{SHIFT_DEG} * k",
            )
            where = " WHERE product_id IS NOT NULL" if table == "landrelease_device" else ""
            c.execute(
                f"DROP TABLE IF EXISTS pg_temp.{table}; "
                f"CREATE TEMP TABLE {table} AS {sql} FROM public.{table}, generate_series(0, %s - 1) k{where}",
                [n],
            )
            c.execute(f"CREATE INDEX ON pg_temp.{table} USING gist ({geom}); ANALYZE pg_temp.{table}")


def drop_copies() -> None:
    with connection.cursor() as c:
        for table in COPIES:
            c.execute(f"DROP TABLE IF EXISTS pg_temp.{table}")


def postgis_ledger() -> tuple[float, dict]:
    start = time.perf_counter()
    with connection.cursor() as c:
        c.execute(POSTGIS_LEDGER.format(hazards="hazards_hazard", products="landrelease_product"))
        rows = c.fetchall()
    elapsed = time.perf_counter() - start
    return elapsed, {str(r[0]): r[1:] for r in rows}


def shapely_ledger() -> tuple[float, dict, dict]:
    """SafeGround's full recompute less the writes: read, compute (everything), hazard-overlap figures."""
    phases: dict[str, float] = {}
    start = time.perf_counter()
    rows = ledger_store.compute_all(phases=phases)
    elapsed = time.perf_counter() - start
    out = {str(r.hazard_id): (r.estimated_m2, r.cleared_m2, r.reduced_m2, r.cancelled_m2, r.remaining_m2) for r in rows}
    return elapsed, phases, out


def largest_difference(ours: dict, theirs: dict) -> tuple[float, str]:
    worst, where = 0.0, ""
    names = ("estimated", "cleared", "reduced", "cancelled", "remaining")
    for key, values in ours.items():
        other = theirs[key]
        base = max(values[0], 1.0)  # relative to the hazard's estimated area
        for name, a, b in zip(names, values, other, strict=True):
            diff = abs(a - b) / base
            if diff > worst:
                worst, where = diff, f"{name} of hazard {key}"
    return worst, where


def incremental(saves: int) -> list[float]:
    """Latency of product saves (geometry nudged), each refreshing the stored ledger; rolled back."""
    from safeground.landrelease import services
    from safeground.landrelease.models import Product

    ids = list(Product.objects.order_by("code").values_list("id", flat=True)[:saves])
    latencies = []
    with transaction.atomic():
        for i, pid in enumerate(ids):
            product = Product.objects.select_related("hazard").get(id=pid)
            moved = shapely.affinity.translate(shapely.from_wkb(bytes(product.geom.wkb)), 1e-6, 0)
            start = time.perf_counter()
            services.update_product(product, geometry=moved)
            latencies.append(time.perf_counter() - start)
            if i == len(ids) - 1:
                transaction.set_rollback(True)
    return latencies


def _runs(seconds: list[float]) -> str:
    if len(seconds) == 1:
        return f"{seconds[0]:.1f} s"
    return f"min {min(seconds):.1f} s, median {statistics.median(seconds):.1f} s of {len(seconds)}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--multiplier", type=int, nargs="*", default=[1, 4])
    parser.add_argument("--saves", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=1, help="runs of each side, interleaved (min and median)")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("bench/ledger.py needs SAFEGROUND_DATABASE_URL=postgis://... (the reference is PostGIS)")
    from safeground.hazards.models import Hazard
    from safeground.landrelease.models import Device, Product

    print(
        f"data: {Hazard.objects.count():,} hazards, {Product.objects.count():,} products, "
        f"{Device.objects.count():,} devices"
    )
    print(f"SafeGround: {ledger_store.WORKERS} thread(s) share the vectorised GEOS calls (one process)")
    print(EXTRA_WORK)
    for n in args.multiplier:
        if n > 1:
            replicate_tables(n)
        ours_runs, theirs_runs, cpu_runs = [], [], []
        try:
            for _ in range(args.repeat):  # interleaved, so that both sides see the same machine load
                cpu = time.process_time()
                ours_t, phases, ours = shapely_ledger()
                cpu_runs.append(time.process_time() - cpu)
                ours_runs.append(ours_t)
                theirs_t, theirs = postgis_ledger()
                theirs_runs.append(theirs_t)
        finally:
            drop_copies()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # MiB, whole process so far
        worst, where = largest_difference(ours, theirs)
        split = ", ".join(f"{name} {seconds:.1f}" for name, seconds in phases.items())
        print(
            f"x{n}: {len(ours):,} hazards | SafeGround {_runs(ours_runs)} (last run: {split}; "
            f"CPU {min(cpu_runs):.1f} s all threads), process peak RSS {peak:,.0f} MiB "
            f"| PostGIS SQL {_runs(theirs_runs)} | ratio {min(ours_runs) / min(theirs_runs):.2f} (min), "
            f"{statistics.median(ours_runs) / statistics.median(theirs_runs):.2f} (median) "
            f"| largest relative area difference {worst:.2e} ({where})"
        )
    print(f"process peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MiB")
    if args.saves:
        lat = sorted(incremental(args.saves))
        p95 = lat[int(0.95 * (len(lat) - 1))]
        print(
            f"incremental ledger update on product save (n={len(lat)}): p50 {statistics.median(lat) * 1000:.1f} ms, "
            f"p95 {p95 * 1000:.1f} ms"
        )


if __name__ == "__main__":
    main()
