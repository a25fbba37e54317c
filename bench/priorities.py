"""Benchmark: the prioritisation's set-based criteria against a query per hazard.

    SAFEGROUND_DATABASE_URL=... python bench/priorities.py [--country KHM] [--sample 200] [--repeat 3]

Run against a demo database (`safeground demo --scale national --no-serve` for thousands of open
hazards). Measures `tasking.queries.ranking(country)` (every criterion for every open hazard: one read
per source, one STRtree query per distance criterion) and its number of SQL queries; then the
reference: the two distance criteria (casualties, villages) computed for `--sample` hazards the
per-hazard way (two bounding-box queries and a Shapely distance per hazard), scaled to all open
hazards. Prints median times and the ratio (< 1: the set-based way is cheaper). Writes nothing.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

import shapely  # noqa: E402
from django.contrib.gis.geos import Polygon  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from safeground.core.geometry import project  # noqa: E402
from safeground.gazetteer.models import Place  # noqa: E402
from safeground.hazards.models import Hazard  # noqa: E402
from safeground.tasking import queries  # noqa: E402
from safeground.victims.models import Accident  # noqa: E402


def per_hazard(country: str, sample: int, distance: float = 2000.0) -> tuple[float, int]:
    """Casualty and village counts for `sample` open hazards, two queries per hazard."""
    rows = list(
        Hazard.objects.filter(country=country, status="open")
        .order_by("code")
        .values_list("geom", "point", "utm_epsg")[:sample]
    )
    t0 = time.perf_counter()
    for geom, point, epsg in rows:
        shape = geom if geom is not None else point
        x0, y0, x1, y1 = shape.extent
        pad = distance / 111_320 / max(math.cos(math.radians(abs(y0))), 0.2)
        box = Polygon.from_bbox((x0 - pad, y0 - pad, x1 + pad, y1 + pad))
        local = project(shapely.from_wkb(bytes(shape.wkb)), epsg)
        for model in (Accident, Place):
            pts = [p for (p,) in model.objects.filter(country=country, point__intersects=box).values_list("point")]
            if pts:
                shapely.dwithin(local, project(shapely.points([(p.x, p.y) for p in pts]), epsg), distance)
    return time.perf_counter() - t0, len(rows)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--country", default=None)
    parser.add_argument("--sample", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    country = args.country or Hazard.objects.values_list("country", flat=True).order_by("country").first()
    times = []
    for _ in range(args.repeat):
        with CaptureQueriesContext(connection) as ctx:
            t0 = time.perf_counter()
            ranking = queries.ranking(country)
            times.append(time.perf_counter() - t0)
    n = len(ranking.rows)
    set_based = statistics.median(times)
    ref, sampled = per_hazard(country, args.sample)
    scaled = ref * n / max(sampled, 1)
    print(f"{connection.vendor}, {country}: {n:,} open hazards")
    print(f"set-based ranking (7 criteria): {set_based:.2f} s, {len(ctx.captured_queries)} queries")
    print(
        f"per-hazard reference, 2 criteria: {ref:.2f} s for {sampled} hazards → "
        f"{scaled:.2f} s for {n:,} ({2 * n:,} queries)"
    )
    print(f"ratio set-based / reference: {set_based / scaled:.3f}")


if __name__ == "__main__":
    main()
