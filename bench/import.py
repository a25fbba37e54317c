"""Benchmark: `safeground import --kind devices` (every check on) vs `ogr2ogr` loading the same file, same run.

    SAFEGROUND_DATABASE_URL=postgis://postgres@127.0.0.1:5432/sg_bench python bench/import.py [--count 1000000]
    SAFEGROUND_DATABASE_URL=spatialite:////tmp/bench.sqlite python bench/import.py [--count 1000000]

Needs a database with land release products (a demo: when it has none, this runs
`safeground demo --scale tiny --no-serve` first). Steps:

1. synthesise `--count` devices inside the existing products (vectorised Shapely, fixed seed) and write
   them to a GeoPackage with pyogrio, with the fields an export has (code, category, disposal, found_on,
   product_code, activity_code, ...);
2. time `safeground import FILE --kind devices` in a subprocess: reading, every validation (choices,
   dates, references, duplicate codes in the file and in the database, position inside the country),
   the devices written in one batch (decision 0015), the ledger's `devices_outside` updated;
3. time the GDAL reference loading the same layer into a new table of the same database, with no
   validation at all, with GDAL's defaults (a fair reference: what a GIS person would type):
   - PostGIS: `ogr2ogr -f PostgreSQL PG:... FILE` (COPY, a GiST index built after the load);
   - SpatiaLite: `ogr2ogr -f SQLite -update DB FILE` into the SpatiaLite database itself (GDAL's
     SQLite driver writes SpatiaLite geometry blobs and an R*Tree spatial index into an existing
     SpatiaLite file, in transactions of 100,000 features) — the same file our import writes to;
4. print both times, rows per second and the ratio (target ≤ 2), then delete what both loaded.
   `--repeat N` runs steps 2–4 N times on the same file and prints every figure.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
import shapely  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.gis.db.models.functions import AsWKB  # noqa: E402
from django.db import connection  # noqa: E402
from pyogrio.raw import write as ogr_write  # noqa: E402

from safeground.core.models import Batch  # noqa: E402
from safeground.landrelease.models import Device, Product  # noqa: E402

SAFEGROUND = str(Path(sys.executable).parent / "safeground")
PREFIX = "BENCH-"
OGR_TABLE = "bench_ogr_devices"
CATEGORIES = np.array(["ap_mine", "at_mine", "uxo", "submunition"], dtype=object)
DISPOSALS = np.array(["destroyed_in_situ", "removed_destroyed"], dtype=object)
CONDITIONS = np.array(["intact", "deteriorated", "unknown"], dtype=object)


def ensure_products() -> None:
    if Product.objects.exists():
        return
    print("no products in the database: building the tiny demo first (safeground demo --scale tiny)")
    subprocess.run([SAFEGROUND, "demo", "--scale", "tiny", "--no-serve"], check=True)


def synthesise(count: int, seed: int) -> dict:
    """`count` points inside the products (proportional to area), with the attributes of an export."""
    rng = np.random.default_rng(seed)
    rows = list(
        Product.objects.order_by("code")
        .annotate(wkb=AsWKB("geom"))
        .values_list("code", "activity__code", "released_on", "wkb")
    )
    geoms = shapely.from_wkb([bytes(r[3]) for r in rows])
    shapely.prepare(geoms)
    weights = shapely.area(geoms)
    owner = rng.choice(len(rows), size=count, p=weights / weights.sum())
    xs = np.empty(count)
    ys = np.empty(count)
    todo = np.arange(count)
    bounds = shapely.bounds(geoms)
    while len(todo):
        b = bounds[owner[todo]]
        x = rng.uniform(b[:, 0], b[:, 2])
        y = rng.uniform(b[:, 1], b[:, 3])
        inside = shapely.contains_xy(geoms[owner[todo]], x, y)
        xs[todo[inside]] = x[inside]
        ys[todo[inside]] = y[inside]
        todo = todo[~inside]
    released = np.array([r[2] for r in rows], dtype="datetime64[D]")
    found = released[owner] - rng.integers(0, 60, count).astype("timedelta64[D]")
    return {
        "points": shapely.to_wkb(shapely.points(xs, ys)),
        "code": np.array([f"{PREFIX}{i:07d}" for i in range(1, count + 1)], dtype=object),
        "category": CATEGORIES[rng.integers(0, len(CATEGORIES), count)],
        "condition": CONDITIONS[rng.integers(0, len(CONDITIONS), count)],
        "depth_cm": rng.integers(0, 40, count).astype(np.int32),
        "disposal": DISPOSALS[rng.integers(0, len(DISPOSALS), count)],
        "found_on": found,
        "count": np.ones(count, dtype=np.int32),
        "product_code": np.array([rows[k][0] for k in owner], dtype=object),
        "activity_code": np.array([rows[k][1] for k in owner], dtype=object),
    }


def write_gpkg(path: Path, data: dict) -> None:
    names = [n for n in data if n != "points"]
    ogr_write(
        str(path),
        data["points"],
        [data[n] for n in names],
        names,
        layer="devices",
        driver="GPKG",
        geometry_type="Point",
        crs="EPSG:4326",
        dataset_options={"VERSION": "1.2"},
    )


def ogr_command(path: Path) -> list[str]:
    """GDAL's own load of the same layer into a new table of the same database (see the docstring)."""
    common = [str(path), "devices", "-nln", OGR_TABLE, "-lco", "GEOMETRY_NAME=point"]
    if connection.vendor == "postgresql":
        return ["ogr2ogr", "-f", "PostgreSQL", f"PG:{pg_dsn()}", *common, "-overwrite"]
    return ["ogr2ogr", "-f", "SQLite", "-update", str(settings.DATABASES["default"]["NAME"]), *common]


def pg_dsn() -> str:
    db = settings.DATABASES["default"]
    parts = [f"dbname={db['NAME']}", f"host={db.get('HOST') or '127.0.0.1'}", f"port={db.get('PORT') or 5432}"]
    if db.get("USER"):
        parts.append(f"user={db['USER']}")
    if db.get("PASSWORD"):
        parts.append(f"password={db['PASSWORD']}")
    return " ".join(parts)


def cleanup() -> None:
    """Remove what both loaded: the GDAL table (and its SpatiaLite metadata), the devices and their batch."""
    with connection.cursor() as c:
        if connection.vendor == "postgresql":
            c.execute(f"DROP TABLE IF EXISTS {OGR_TABLE}")
        else:
            c.execute("SELECT count(*) FROM sqlite_master WHERE name = %s", [OGR_TABLE])
            if c.fetchone()[0]:
                c.execute("SELECT DropTable(NULL, %s)", [OGR_TABLE])
        batches = set(Device.objects.filter(code__startswith=PREFIX).values_list("batch_id", flat=True).distinct())
        for model in (Device.history.model, Device):
            c.execute(
                f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)} WHERE code LIKE %s", [PREFIX + "%"]
            )
        Batch.objects.filter(id__in=[b for b in batches if b]).delete()
    if connection.vendor == "postgresql":
        # A deleted million leaves dead rows that autovacuum would clear during the next run, on
        # the same two cores: clear them now so each run starts from the same table.
        with connection.cursor() as c:
            c.execute(f"VACUUM ANALYZE {connection.ops.quote_name(Device._meta.db_table)}")


def timed(cmd: list[str], env: dict) -> float:
    start = time.perf_counter()
    run = subprocess.run(cmd, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if run.returncode != 0:
        print(run.stdout[-3000:], run.stderr[-3000:], sep="\n")
        raise SystemExit(f"failed: {' '.join(cmd)}")
    print("  " + (run.stdout.strip().splitlines() or [""])[-1])
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=1, help="runs of both loads on the same file")
    parser.add_argument("--keep", help="keep the GeoPackage at this path")
    args = parser.parse_args()
    ensure_products()
    cleanup()
    folder = Path(tempfile.mkdtemp(prefix="sg-bench-"))
    path = Path(args.keep) if args.keep else folder / "devices.gpkg"
    t0 = time.perf_counter()
    data = synthesise(args.count, args.seed)
    write_gpkg(path, data)
    database = "PostGIS" if connection.vendor == "postgresql" else "SpatiaLite"
    print(
        f"{database}: {args.count:,} devices in {Product.objects.count():,} products "
        f"(table holds {Device.objects.count():,} devices) → {path} "
        f"({path.stat().st_size / 1e6:,.0f} MB, built in {time.perf_counter() - t0:.1f} s)"
    )
    env = dict(os.environ)
    runs = []
    try:
        for run in range(1, args.repeat + 1):
            before = Device.objects.count()
            ours = timed([SAFEGROUND, "import", str(path), "--kind", "devices", "--no-progress"], env)
            loaded = Device.objects.count() - before
            assert loaded == args.count, f"imported {loaded}, expected {args.count}"
            ogr = timed(ogr_command(path), env)
            with connection.cursor() as c:
                c.execute(f"SELECT count(*) FROM {OGR_TABLE}")
                assert c.fetchone()[0] == args.count
            cleanup()
            runs.append((ours, ogr))
            print(f"  run {run}: ours {ours:.1f} s, ogr2ogr {ogr:.1f} s, ratio {ours / ogr:.2f}")
    finally:
        cleanup()
        if not args.keep:
            path.unlink(missing_ok=True)
            folder.rmdir()
    ogr_name = "ogr2ogr -f PostgreSQL" if database == "PostGIS" else "ogr2ogr -f SQLite -update"
    for ours, ogr in runs:
        print(f"{database} safeground import (all checks): {ours:8.1f} s  {args.count / ours:10,.0f} rows/s")
        print(f"{database} {ogr_name} (no checks): {ogr:8.1f} s  {args.count / ogr:10,.0f} rows/s")
        print(
            f"{database} ratio safeground / ogr2ogr: {ours / ogr:.2f} (target ≤ 2.00) on {dt.date.today().isoformat()}"
        )


if __name__ == "__main__":
    main()
