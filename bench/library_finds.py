"""Benchmark: the library's finds statistics of a model against one SQL query per breakdown written by hand.

    SAFEGROUND_DATABASE_URL=... python bench/library_finds.py [--models 3] [--repeat 3]

Run against a database holding a demo (`safeground demo --scale tiny|small --no-serve`). For the most found
models, prints (best of --repeat) the time of `library.stats.summary` (totals, by province, year, activity
type and depth: what the model page and `GET /api/v1/library/models/{slug}/finds` compute) and of the
reference: the same five figures as plain SQL on the same connection (PostGIS: a GiST-indexed ST_Intersects
join with the provinces; SpatiaLite: the same join through the outlines' R*Tree), and the ratio. It also checks
that both give the same numbers.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from safeground.library import stats  # noqa: E402
from safeground.ordnance.models import OrdnanceModel  # noqa: E402

_CANDIDATES = {
    "postgresql": "ST_Intersects(a.geom, d.point)",
    "sqlite": (
        "a.rowid IN (SELECT pkid FROM idx_gazetteer_adminarea_geom r WHERE r.xmin <= ST_X(d.point) "
        "AND r.xmax >= ST_X(d.point) AND r.ymin <= ST_Y(d.point) AND r.ymax >= ST_Y(d.point)) "
        "AND ST_Intersects(a.geom, d.point) = 1"
    ),
}


def reference(model_id) -> dict:
    """The five figures in plain SQL (the floor any implementation pays: the same rows, the same joins)."""
    where = _CANDIDATES[connection.vendor]
    depth = (
        "CASE WHEN d.depth_cm IS NULL THEN 'unknown' WHEN d.depth_cm < 10 THEN '0-10' WHEN d.depth_cm < 20 "
        "THEN '10-20' WHEN d.depth_cm < 30 THEN '20-30' ELSE '30+' END"
    )
    year = "EXTRACT(YEAR FROM d.found_on)" if connection.vendor == "postgresql" else "strftime('%%Y', d.found_on)"
    pid = str(model_id) if connection.vendor == "postgresql" else str(model_id).replace("-", "")
    out = {}
    with connection.cursor() as c:
        c.execute("SELECT SUM(d.count), COUNT(*) FROM landrelease_device d WHERE d.model_id = %s", [pid])
        out["total"] = c.fetchone()
        c.execute(
            "SELECT p, SUM(n) FROM (SELECT d.count AS n, (SELECT a.id FROM gazetteer_adminarea a WHERE a.level = 1 "
            f"AND {where} ORDER BY a.country, a.code LIMIT 1) AS p FROM landrelease_device d WHERE d.model_id = %s) x "
            "GROUP BY p",
            [pid],
        )
        out["province"] = sorted(int(n) for _p, n in c.fetchall())
        c.execute(f"SELECT {year}, SUM(d.count) FROM landrelease_device d WHERE d.model_id = %s GROUP BY 1", [pid])
        out["year"] = sorted(int(n) for _y, n in c.fetchall())
        c.execute(
            "SELECT COALESCE(a1.activity_type, a2.activity_type, 'unknown'), SUM(d.count) FROM landrelease_device d "
            "LEFT JOIN operations_activity a1 ON a1.id = d.activity_id LEFT JOIN landrelease_product p "
            "ON p.id = d.product_id LEFT JOIN operations_activity a2 ON a2.id = p.activity_id "
            "WHERE d.model_id = %s GROUP BY 1",
            [pid],
        )
        out["activity"] = sorted(int(n) for _k, n in c.fetchall())
        c.execute(f"SELECT {depth}, SUM(d.count) FROM landrelease_device d WHERE d.model_id = %s GROUP BY 1", [pid])
        out["depth"] = sorted(int(n) for _k, n in c.fetchall())
    return out


def best(fn, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    top = stats.finds_per_model(args.models)
    if not top:
        sys.exit("no device records: build a demo first (safeground demo --scale tiny --no-serve)")
    print(f"{connection.vendor}: finds statistics, best of {args.repeat}")
    for row in top:
        model = OrdnanceModel.objects.get(slug=row["slug"])
        ours_s, ours = best(lambda m=model: stats.summary(m), args.repeat)
        ref_s, ref = best(lambda m=model: reference(m.pk), args.repeat)
        assert isinstance(ours, dict) and isinstance(ref, dict)
        same = (
            sorted(r["finds"] for r in ours["by_province"]) == ref["province"]
            and sorted(r["finds"] for r in ours["by_year"]) == ref["year"]
            and sorted(r["finds"] for r in ours["by_activity_type"]) == ref["activity"]
            and sorted(r["finds"] for r in ours["by_depth"]) == ref["depth"]
        )
        print(
            f"{model.name:16} {row['records']:7,} records  summary {ours_s * 1000:8.1f} ms  "
            f"SQL {ref_s * 1000:8.1f} ms  ratio {ours_s / ref_s:5.2f}  same figures: {same}"
        )


if __name__ == "__main__":
    main()
