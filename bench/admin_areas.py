"""Benchmark: the gazetteer's anonymous light form against the full boundaries, and the traverse leg limit.

    SAFEGROUND_DATABASE_URL=postgis://postgres@127.0.0.1:5432/sg_bench python bench/admin_areas.py [--repeat 5]

Run against a database holding the gazetteer (any demo: `safeground demo --scale small --no-serve`).
Through the Django test client, in this process (rate limits off):
- `GET /api/v1/admin-areas` (first page, the default 1,000 areas) as an account: full boundaries,
  what every anonymous client got before; the reference;
- the same as an anonymous client: the light form (a point inside each area), first from an empty
  cache (cold) and then from the cache (warm);
- a raw SQL reference: the same 1,000 boundaries as ST_AsGeoJSON, no Django;
- the same for `GET /api/v1/places` (first 1,000 villages and towns);
- `POST /api/v1/traverses/compute` with 70,000 legs (refused at the limit) against 1,000 legs (computed).
Also the full form as it was built before (`page()`, the response schema, JSON again). Prints median
times, bytes, and ratios against the before and the raw-SQL references (< 1: cheaper). Writes nothing
that stays (the account used is made in a transaction that is rolled back).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["SAFEGROUND_RATE_LIMITS"] = "0"  # measure the work, not the limiter

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from safeground.gazetteer.models import AdminArea, Place  # noqa: E402


def timed(call, repeat: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = call()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def raw_sql_reference(table: str, column: str, repeat: int) -> tuple[float, int]:
    """The first 1,000 rows' geometry as GeoJSON text straight from the database (no Django)."""
    func = "ST_AsGeoJSON" if connection.vendor == "postgresql" else "AsGeoJSON"
    sql = f"SELECT code, name, {func}({column}, 6) FROM {table} ORDER BY country, code LIMIT 1000"

    def run():
        with connection.cursor() as cur:
            cur.execute(sql)
            return cur.fetchall()

    seconds, rows = timed(run, repeat)
    return seconds, sum(len(r[2] or "") for r in rows)  # type: ignore[union-attr]


def before(url: str, model) -> bytes:
    """The full form as every client got it before these limits: `page()` into Python objects, checked
    against the response schema and written out again (what Ninja does with a returned dict)."""
    from django.contrib.gis.db.models.functions import AsGeoJSON
    from ninja.responses import NinjaJSONEncoder

    from safeground.core.geojson import FeatureCollectionOut
    from safeground.gazetteer import queries

    if model is AdminArea:
        qs, field = AdminArea.objects.select_related("parent").order_by("country", "level", "code"), "geom"
        props = queries.admin_area_properties
    else:
        qs, field = Place.objects.select_related("admin_area").order_by("country", "code"), "point"
        props = queries.place_properties
    rows = qs.annotate(_g=AsGeoJSON(field, precision=6))[:1000]
    features = [
        {"type": "Feature", "id": r.code, "geometry": json.loads(r._g), "properties": props(r)}  # type: ignore[attr-defined]
        for r in rows
    ]
    body = {
        "type": "FeatureCollection",
        "numberMatched": qs.count(),
        "numberReturned": len(features),
        "links": [{"rel": "self", "href": url}],
        "features": features,
    }
    checked = FeatureCollectionOut.model_validate(body).model_dump(by_alias=True)
    return json.dumps(checked, cls=NinjaJSONEncoder).encode()


def chain(legs: int, compact: bool = False) -> dict:
    """A regular polygon of 10 m sides; `compact`: unnamed legs, as short as a body can be (the tester's
    70,000 legs fit under Django's 2.5 MB body limit only so)."""
    if compact:
        return {"points": [{"coordinate": "13.0512, 103.0521"}, *({"bearing": 90, "distance": 1} for _ in range(legs))]}
    turns = [{"name": f"T{i}", "bearing": 360 * i / legs, "distance": 10} for i in range(legs - 1)]
    closing = {"name": "CL", "type": "closing", "bearing": 360 * (legs - 1) / legs, "distance": 10}
    return {
        "bearing_reference": "grid",
        "points": [{"name": "SP", "type": "start", "coordinate": "13.0512, 103.0521"}, *turns, closing],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    setup_test_environment()
    print(f"database: {connection.vendor}; repeat {args.repeat} (median)")
    with transaction.atomic():
        account = get_user_model().objects.create_user(username="bench-admin-areas", password="x-not-used-x")
        signed_in, anonymous = Client(), Client()
        signed_in.force_login(account)
        for label, url, table, column, model in (
            ("admin areas", "/api/v1/admin-areas", "gazetteer_adminarea", "geom", AdminArea),
            ("places", "/api/v1/places", "gazetteer_place", "point", Place),
        ):
            old_s, old = timed(lambda url=url, model=model: before(url, model), args.repeat)
            full_s, full = timed(lambda url=url: signed_in.get(url), args.repeat)
            assert full.status_code == 200, full.content[:300]  # type: ignore[attr-defined]

            def cold(url=url):
                cache.clear()
                return anonymous.get(url)

            cold_s, light = timed(cold, args.repeat)
            warm_s, _ = timed(lambda url=url: anonymous.get(url), args.repeat)
            sql_s, sql_bytes = raw_sql_reference(table, column, args.repeat)
            full_body, light_body = full.content, light.content  # type: ignore[attr-defined]
            n = json.loads(light_body)["numberReturned"]
            print(f"\n{label} ({n} features, first page)")
            print(f"  before: full form for anyone (page())  {old_s * 1000:9.1f} ms  {len(old):>11,} B")  # type: ignore[arg-type]
            print(f"  full form, signed in (now)             {full_s * 1000:9.1f} ms  {len(full_body):>11,} B")
            print(f"  raw SQL AsGeoJSON reference            {sql_s * 1000:9.1f} ms  {sql_bytes:>11,} B (geometry)")
            print(f"  light form, anonymous, cold cache      {cold_s * 1000:9.1f} ms  {len(light_body):>11,} B")
            print(f"  light form, anonymous, from the cache  {warm_s * 1000:9.1f} ms")
            print(
                f"  ratios against before: full now {full_s / old_s:.3f}; light cold {cold_s / old_s:.3f}, "
                f"light cached {warm_s / old_s:.5f}, light bytes {len(light_body) / len(old):.3f}"  # type: ignore[arg-type]
            )
            print(f"  ratios against raw SQL: full now {full_s / sql_s:.2f}, light cached {warm_s / sql_s:.3f}")
        too_long, at_limit = json.dumps(chain(70_000, compact=True)), json.dumps(chain(1000))
        long_s, refused = timed(
            lambda: anonymous.post("/api/v1/traverses/compute", too_long, content_type="application/json"),
            max(1, args.repeat // 2),
        )
        assert refused.status_code == 422, refused.content[:300]  # type: ignore[attr-defined]
        most_s, done = timed(
            lambda: anonymous.post("/api/v1/traverses/compute", at_limit, content_type="application/json"),
            max(1, args.repeat // 2),
        )
        assert done.status_code == 200, done.content[:300]  # type: ignore[attr-defined]
        print("\ntraverse compute")
        print(f"  70,000 legs, refused (422)             {long_s * 1000:9.1f} ms")
        print(f"  1,000 legs (the limit), computed       {most_s * 1000:9.1f} ms")
        print(f"  ratio refused/computed: {long_s / most_s:.3f}")
        transaction.set_rollback(True)


if __name__ == "__main__":
    main()
