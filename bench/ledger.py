"""Benchmark: full ledger recompute in SafeGround (Shapely) vs the same computation as PostGIS SQL.

    SAFEGROUND_DATABASE_URL=postgis://postgres@127.0.0.1:5432/sg_bench \
        python bench/ledger.py [--multiplier 4] [--saves 1000]

Run against a PostGIS database holding a demo (`safeground demo --scale national --no-serve`).
With --multiplier N the data are replicated N times (copies shifted north by 0.4° per copy, in
temporary tables for PostGIS and in memory for Shapely) to measure scaling on the same shapes.
Prints: recompute time and peak memory for both, the time ratio SafeGround/PostGIS (≤ 1 means
SafeGround is at least as fast), the largest relative area difference, and the p50/p95 latency of
incremental ledger updates over N product saves (rolled back at the end: the database is unchanged).
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
from django.db import connection, transaction  # noqa: E402

from safeground.landrelease.ledger import compute as ledger  # noqa: E402
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
"""


def replicate_tables(n: int) -> tuple[str, str]:
    """Temporary copies of hazards and products, n times, shifted north; returns their names."""
    with connection.cursor() as c:
        c.execute("DROP TABLE IF EXISTS bench_h; DROP TABLE IF EXISTS bench_p")
        c.execute(
            "CREATE TEMP TABLE bench_h AS SELECT (k || ':' || id::text) AS id, utm_epsg, "
            "ST_Translate(geom, 0, %s * k) AS geom FROM hazards_hazard, generate_series(0, %s - 1) k",
            [SHIFT_DEG, n],
        )
        c.execute(
            "CREATE TEMP TABLE bench_p AS SELECT (k || ':' || id::text) AS id, outcome, "
            "ST_Translate(geom, 0, %s * k) AS geom FROM landrelease_product, generate_series(0, %s - 1) k",
            [SHIFT_DEG, n],
        )
        c.execute(
            "CREATE INDEX ON bench_h USING gist (geom); CREATE INDEX ON bench_p USING gist (geom);"
            "ANALYZE bench_h; ANALYZE bench_p"
        )
    return "bench_h", "bench_p"


def postgis_ledger(n: int) -> tuple[float, dict]:
    hazards, products = ("hazards_hazard", "landrelease_product") if n == 1 else replicate_tables(n)
    start = time.perf_counter()
    with connection.cursor() as c:
        c.execute(POSTGIS_LEDGER.format(hazards=hazards, products=products))
        rows = c.fetchall()
    elapsed = time.perf_counter() - start
    return elapsed, {str(r[0]): r[1:] for r in rows}


def shapely_ledger(n: int) -> tuple[float, float, dict]:
    """Read from the database and compute everything (also outside, overlaps, credits, devices).

    Memory is the process's peak resident set (ru_maxrss), which includes Django and the inputs.
    """
    start = time.perf_counter()
    from safeground.hazards.models import Hazard
    from safeground.landrelease.models import Device, Product

    hazards = ledger_store._hazards(Hazard.objects.order_by("id"))
    products = ledger_store._products(Product.objects.all())
    devices = ledger_store._devices(Device.objects.all())
    if n > 1:
        hazards, products, devices = replicate_inputs(hazards, products, devices, n)
    rows = ledger.compute(hazards, products, devices, with_geometry=True)
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # MiB, whole process so far
    out = {str(r.hazard_id): (r.estimated_m2, r.cleared_m2, r.reduced_m2, r.cancelled_m2, r.remaining_m2) for r in rows}
    return elapsed, peak, out


def replicate_inputs(hazards, products, devices, n):
    def shift(g, k):
        return shapely.affinity.translate(g, 0, SHIFT_DEG * k) if k else g

    hs = [ledger.HazardInput(f"{k}:{h.id}", shift(h.geom, k), h.utm_epsg) for k in range(n) for h in hazards]
    ps = [
        ledger.ProductInput(f"{k}:{p.id}", f"{k}:{p.hazard_id}", p.outcome, shift(p.geom, k), p.order)
        for k in range(n)
        for p in products
    ]
    ds = [ledger.DeviceInput(f"{k}:{d.product_id}", shift(d.point, k)) for k in range(n) for d in devices]
    return hs, ps, ds


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--multiplier", type=int, nargs="*", default=[1, 4])
    parser.add_argument("--saves", type=int, default=1000)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("bench/ledger.py needs SAFEGROUND_DATABASE_URL=postgis://... (the reference is PostGIS)")
    from safeground.hazards.models import Hazard
    from safeground.landrelease.models import Device, Product

    print(
        f"data: {Hazard.objects.count():,} hazards, {Product.objects.count():,} products, "
        f"{Device.objects.count():,} devices"
    )
    for n in args.multiplier:
        ours_t, ours_mem, ours = shapely_ledger(n)
        theirs_t, theirs = postgis_ledger(n)
        worst, where = largest_difference(ours, theirs)
        print(
            f"x{n}: {len(ours):,} hazards | SafeGround {ours_t:7.1f} s, process peak RSS {ours_mem:,.0f} MiB "
            f"| PostGIS SQL {theirs_t:7.1f} s | ratio {ours_t / theirs_t:.2f} "
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
