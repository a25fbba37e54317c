"""Benchmark: the hazards layer of an exchange package against plain GeoPackage writes of the same table.

    SAFEGROUND_DATABASE_URL=spatialite:///var/demo.sqlite python bench/exchange.py [--country ISO3] [--repeat 3]

Run against a database holding a demo (`safeground demo --scale tiny|national --no-serve`). Prints,
best of --repeat, for the programme's hazards:

- the exchange exporter: `layers.read_layer` (read, then generalise to 10 km cells) and
  `gpkg.write_layer`, then the checksum of the layer read back (what an export does per layer);
- the same with positions kept (no generalisation): the cost of the exporter's own reading and writing;
- reference 1, a raw pyogrio write: the same rows and recorded geometries read with `values_list`
  and written with `pyogrio.raw.write`, nothing else;
- reference 2, `ogr2ogr` of the hazards table straight from the database to a GeoPackage (SpatiaLite:
  the database file; PostGIS: its connection string), a separate process;

and the ratios exporter ÷ raw write and exporter ÷ ogr2ogr.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
from django.conf import settings  # noqa: E402
from pyogrio.raw import write as ogr_write  # noqa: E402

from safeground.exchange import gpkg, layers, policies  # noqa: E402
from safeground.exchange.generalise import metric_epsg  # noqa: E402
from safeground.hazards.models import Hazard  # noqa: E402
from safeground.hazards.queries import shape  # noqa: E402


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def exporter(folder: Path, country: str, rule: dict, epsg: int) -> None:
    path = folder / "exchange.gpkg"
    path.unlink(missing_ok=True)
    fields, rows, geoms = layers.read_layer("hazards", rule, country, epsg)
    gpkg.write_layer(path, "hazards", fields, rows, geoms, layers.GEOMETRY_TYPES["hazards"], append=False)
    gpkg.checksum(gpkg.read(path)["hazards"])


def raw_write(folder: Path, country: str) -> None:
    path = folder / "raw.gpkg"
    path.unlink(missing_ok=True)
    names = ["code", "hazard_class", "status", "contamination_type", "area_m2"]
    rows = list(Hazard.objects.filter(country=country).annotate(s=shape()).exclude(s=None).values_list(*names, "s"))
    wkb = np.array([bytes(r[-1].wkb) for r in rows], dtype=object)
    data = [np.array([r[i] for r in rows], dtype=object if i < 4 else np.float64) for i in range(len(names))]
    ogr_write(path, wkb, data, names, layer="hazards", driver="GPKG", geometry_type="Unknown", crs="EPSG:4326")


def ogr2ogr(folder: Path, country: str) -> None:
    path = folder / "ogr.gpkg"
    path.unlink(missing_ok=True)
    db = settings.DATABASES["default"]
    if "postgis" in db["ENGINE"]:
        source = f"PG:dbname={db['NAME']} host={db.get('HOST') or 'localhost'} user={db.get('USER') or ''}"
        if db.get("PORT"):
            source += f" port={db['PORT']}"
    else:
        source = str(db["NAME"])
    sql = (
        "SELECT code, hazard_class, status, contamination_type, area_m2, geom FROM hazards_hazard "
        f"WHERE country = '{country}' AND geom IS NOT NULL"
    )
    subprocess.run(["ogr2ogr", "-f", "GPKG", str(path), source, "-sql", sql, "-nln", "hazards"], check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--country", help="programme (default: the one with most hazards)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    country = args.country or (
        Hazard.objects.values_list("country", flat=True).order_by("country").distinct().first() or ""
    )
    n = Hazard.objects.filter(country=country).count()
    epsg = metric_epsg(country)
    grid = policies.BUILTIN["grid-10km"]["layers"]["hazards"]
    keep = policies.BUILTIN["open"]["layers"]["hazards"]
    with tempfile.TemporaryDirectory(prefix="bench-exchange-") as tmp:
        folder = Path(tmp)
        t_grid = best(lambda: exporter(folder, country, grid, epsg), args.repeat)
        t_keep = best(lambda: exporter(folder, country, keep, epsg), args.repeat)
        t_raw = best(lambda: raw_write(folder, country), args.repeat)
        t_ogr = best(lambda: ogr2ogr(folder, country), args.repeat)
    print(f"{country}: {n:,} hazards, best of {args.repeat}")
    print(f"  exchange exporter, 10 km grid  {t_grid * 1000:8.1f} ms")
    print(f"  exchange exporter, kept        {t_keep * 1000:8.1f} ms")
    print(f"  raw pyogrio write              {t_raw * 1000:8.1f} ms")
    print(f"  ogr2ogr (separate process)     {t_ogr * 1000:8.1f} ms")
    print(f"  ratio exporter (grid) / raw write: {t_grid / t_raw:.2f}")
    print(f"  ratio exporter (grid) / ogr2ogr:   {t_grid / t_ogr:.2f}")


if __name__ == "__main__":
    main()
