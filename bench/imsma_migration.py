"""Benchmark: migrating a synthetic IMSMA NG database against PostGIS rebuilding its polygons in SQL.

    SAFEGROUND_DATABASE_URL=spatialite:///var/bench-imsma.sqlite \
        python bench/imsma_migration.py [--scale 5] [--repeat 3]

Builds a fresh target database (migrations, a made-up programme XBM with its outline) and a synthetic
NG database (`safeground.imsma.synthetic`, `--scale` times the records of the test database) on the
PostgreSQL at SAFEGROUND_NG_ADMIN_URL (default postgresql://postgres@127.0.0.1:5432/postgres). Prints,
best of --repeat:

- the migration as a dry run (every record read, mapped, rebuilt, checked and written through the
  services, then rolled back: the whole work of a run, repeatable);
- the reference: PostGIS on the NG database rebuilding every hazard's and hazard reduction's polygons
  geocheck-style (points by pointno, repeated points removed, made valid) with their areas in the local
  UTM zone, plus a plain read of every record table — what any migration must at least do;

and the ratio migration ÷ reference. The NG database is dropped at the end.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
import psycopg  # noqa: E402
import shapely  # noqa: E402
from django.core.management import call_command  # noqa: E402

from safeground.gazetteer.models import Programme  # noqa: E402
from safeground.imsma import schema, synthetic  # noqa: E402
from safeground.imsma.migrate import migrate  # noqa: E402

ADMIN_URL = os.environ.get("SAFEGROUND_NG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
BBOX = (-45.0, -45.0, -43.0, -43.0)  # a made-up country in the South Atlantic
COUNTRY = "XBM"


def quiet(*args: str) -> None:
    call_command(*args, stdout=io.StringIO())


def target() -> None:
    quiet("migrate", "--no-input")
    if Programme.objects.filter(iso3=COUNTRY).exists():
        return
    from pyogrio.raw import write

    quiet("programme", "add", COUNTRY, "--name", "Benchland", "--levels", "Province", "--languages", "en")
    with tempfile.TemporaryDirectory() as folder:
        path = str(Path(folder) / "adm0.gpkg")
        write(
            path,
            np.array([shapely.to_wkb(shapely.box(*BBOX))], dtype=object),
            [np.array(["Benchland"], dtype=object)],
            ["name"],
            geometry_type="Polygon",
            crs="EPSG:4326",
        )
        quiet("gazetteer", "load", path, "--country", COUNTRY, "--level", "0")
    quiet("org", "add", "BMA", "--name", "Benchland Mine Action Centre", "--kind", "authority", "--country", COUNTRY)


def reference(url: str) -> None:
    with psycopg.connect(url) as conn:
        for table in ("hazard", "hazreduc"):
            synthetic.areas(conn, table)
        for table in schema.RECORDS:
            conn.execute(f'SELECT * FROM "{table}"').fetchall()


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    target()
    name = f"sg_ngbench_{uuid.uuid4().hex[:8]}"
    url = synthetic.create_database(ADMIN_URL, name)
    try:
        manifest = synthetic.build(url, bbox=BBOX, seed=1, scale=args.scale)
        records = sum(manifest.counts[t] for t in schema.RECORDS)
        points = manifest.counts["geopoint"]
        ours = best(lambda: migrate(url, country=COUNTRY, dry_run=True), args.repeat)
        ref = best(lambda: reference(url), args.repeat)
        print(f"synthetic NG database, scale {args.scale}: {records} records, {points} geopoints")
        print(f"migration (dry run, best of {args.repeat}): {ours:.2f} s ({records / ours:.0f} records/s)")
        print(f"reference, PostGIS polygons + plain reads: {ref:.3f} s")
        print(f"ratio migration / reference: {ours / ref:.0f}x")
    finally:
        synthetic.drop_database(ADMIN_URL, name)


if __name__ == "__main__":
    main()
