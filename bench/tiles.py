"""Benchmark: vector tiles per layer and zoom, cold and warm, against the GeoJSON the map used and raw SQL.

    SAFEGROUND_DATABASE_URL=postgis://postgres@127.0.0.1:5432/sg_bench python bench/tiles.py [--repeat 1]

Run against a demo database (`safeground demo --scale national --no-serve`; any scale works). A fixed
set of tiles: around the busiest hazard of each programme (the hazard with the most devices), the tile
holding it and its three neighbours to the east and south, at zooms 6, 8, 10, 12 and 14. Through the
Django test client, in this process, signed in as the demo's viewer:

- **cold**: the first request of each tile, the tiles cache emptied (the view checks the account,
  reads the change tokens, makes the tile and keeps it);
- **warm**: the same tile again (from the tiles cache), and a revalidation (`If-None-Match` → 304);
- **bytes** of the tile (and gzipped) against the GeoJSON the map fetched before for the same view
  (the tile's bbox, from `/api/v1/...` or `/map/remaining.geojson`, the map's limits);
- on PostGIS, **raw SQL**: the tile's own `ST_AsMVT` statement run on a cursor (no Django request,
  no ORM compile: the SQL is made before the clock starts), and for hazards a hand-written
  `ST_AsMVT` query as well; the ratios cold/raw and warm/raw.

Also prints a digest of each layer's feature identities per zoom: run on both databases, the
digests must match (the same features from PostGIS and SpatiaLite). Writes nothing.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
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

import math  # noqa: E402

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.cache import caches  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from safeground.hazards.models import Hazard  # noqa: E402
from safeground.interop import tiles  # noqa: E402
from safeground.interop.layer_registry import tile_layers  # noqa: E402
from safeground.landrelease.models import Device  # noqa: E402

ZOOMS = (6, 8, 10, 12, 14)
#: The GeoJSON the map fetched for each layer before the tiles (portal/map_views.py), from its zoom.
GEOJSON = {
    "hazards": ("/api/v1/hazards", {"limit": 5000}),
    "remaining_areas": ("/map/remaining.geojson", {"limit": 2000}),
    "products": ("/api/v1/products", {"limit": 5000}),
    "devices": ("/api/v1/devices", {"limit": 2000}),
    "activities": ("/api/v1/activities", {"limit": 3000}),
    "places": ("/api/v1/places", {"limit": 3000, "kind": "village"}),
    "admin_areas": ("/api/v1/admin-areas", {"limit": 1000, "level": 1, "simplify": 0.002}),
}
GEOJSON_FROM = {"hazards": 0, "admin_areas": 0, "products": 9, "remaining_areas": 10, "activities": 10, "places": 10}
GEOJSON_FROM["devices"] = 12


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 2**z
    return int((lon + 180) / 360 * n), int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)


def anchors() -> list[tuple[str, float, float]]:
    """The busiest hazard (most devices) of each country: where the tiles are taken."""
    out = []
    for country in Hazard.objects.order_by("country").values_list("country", flat=True).distinct():
        busiest = (
            Device.objects.filter(product__hazard__country=country, product__hazard__geom__isnull=False)
            .values("product__hazard")
            .annotate(n=Count("id"))
            .order_by("-n", "product__hazard")
            .first()
        )
        hazard = Hazard.objects.get(pk=busiest["product__hazard"]) if busiest else None
        if hazard is None:
            hazard = Hazard.objects.filter(country=country, geom__isnull=False).order_by("code").first()
        if hazard is not None:
            p = hazard.geom.point_on_surface
            out.append((hazard.code, p.x, p.y))
    return out


def fixed_tiles(points) -> dict[int, list[tuple[int, int, int]]]:
    out: dict[int, list[tuple[int, int, int]]] = {}
    for z in ZOOMS:
        seen = []
        for _code, lon, lat in points:
            x, y = tile_of(lon, lat, z)
            for t in ((z, x, y), (z, x + 1, y), (z, x, y + 1), (z, x + 1, y + 1)):
                if t not in seen:
                    seen.append(t)
        out[z] = seen
    return out


def p(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(q * len(ordered)) - 1)]


def timed(call) -> tuple[float, object]:
    t0 = time.perf_counter()
    out = call()
    return time.perf_counter() - t0, out


def hand_written_hazards(z: int, x: int, y: int) -> bytes:
    """A hand-written ST_AsMVT query for the hazards layer (the same features and properties as its
    tiles: centre dots below zoom 8, polygons and dots to 11, then polygons): the reference for the
    SQL the tiles generate from the registry's queryset."""
    shape = "COALESCE(h.geom, h.point)"
    centre = f"ST_Centroid(ST_Envelope({shape}))"
    props = (
        "h.code, h.name, h.hazard_class, h.status, h.area_m2, h.radius_m, h.country, h.is_synthetic, "
        "o.acronym AS reporting_organisation"
    )
    source = (
        "FROM hazards_hazard h LEFT JOIN organisations_organisation o ON o.id = h.reporting_organisation_id, env "
        "WHERE (h.geom && env.box OR h.point && env.box)"
    )
    mvt = f"ST_TileEnvelope(%s, %s, %s), {tiles.EXTENT}, {tiles.BUFFER}, true"
    if z < 8:
        rows = (
            f"SELECT {props}, CASE WHEN h.geom IS NOT NULL THEN true END AS dot, "
            f"ST_AsMVTGeom(ST_Transform({centre}, 3857), {mvt}) AS g {source}"
        )
        params = [z, x, y]
    else:
        rows = f"SELECT {props}, NULL::boolean AS dot, ST_AsMVTGeom(ST_Transform({shape}, 3857), {mvt}) AS g {source}"
        params = [z, x, y]
        if z < 11:
            rows += (
                f" UNION ALL SELECT {props}, true AS dot, ST_AsMVTGeom(ST_Transform({centre}, 3857), {mvt}) AS g "
                f"{source} AND h.geom IS NOT NULL"
            )
            params += [z, x, y]
    sql = (
        f"WITH env AS (SELECT ST_Transform(ST_TileEnvelope(%s, %s, %s, margin => {tiles.BUFFER / tiles.EXTENT}), "
        f"4326) AS box) SELECT ST_AsMVT(t, 'hazards', {tiles.EXTENT}, 'g') FROM ({rows}) t WHERE t.g IS NOT NULL"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [z, x, y, *params])
        row = cursor.fetchone()
    return bytes(row[0]) if row and row[0] is not None else b""


def run_sql(sql: str, params: list) -> bytes:
    """One statement on a cursor: no Django request, no ORM (the SQL is made before the clock starts)."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return bytes(row[0]) if row and row[0] is not None else b""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--layers", nargs="+", default=list(tile_layers()))
    parser.add_argument("--no-geojson", action="store_true", help="skip the GeoJSON comparison (slow)")
    args = parser.parse_args()
    setup_test_environment()
    postgis = connection.vendor == "postgresql"
    client = Client()
    client.force_login(get_user_model().objects.get(username="viewer"))
    points = anchors()
    plan = fixed_tiles(points)
    print(f"database: {connection.vendor}; {Hazard.objects.count():,} hazards, {Device.objects.count():,} devices")
    print("tiles around: " + ", ".join(f"{code} ({lon:.4f}, {lat:.4f})" for code, lon, lat in points))
    per_zoom = ", ".join(f"z{z}: {len(v)}" for z, v in plan.items())
    print(f"{sum(len(v) for v in plan.values())} tiles per layer ({per_zoom})")
    header = (
        f"{'layer':16} {'z':>2} {'feat':>6} {'cold p50':>9} {'p95':>8} {'warm p50':>9} {'p95':>7} "
        f"{'304 p50':>8} {'MVT B':>9} {'gz B':>8}"
    )
    if postgis:
        header += f" {'raw p50':>8} {'cold/raw':>8}"
    header += f" {'GeoJSON B':>10} {'gz B':>8} {'GJ ms':>7}  digest"
    print(header)
    all_cold, all_warm, ratios = [], [], []
    for key in args.layers:
        layer = tile_layers()[key]
        for z, addresses in plan.items():
            caches["tiles"].clear()
            cold, warm, revalidate, raws, sizes, gz, idents = [], [], [], [], [], [], []
            features = 0
            for _z, x, y in addresses:
                url = f"/tiles/{key}/{z}/{x}/{y}.mvt"
                seconds, response = timed(lambda url=url: client.get(url))
                assert response.status_code == 200, (url, response.status_code)  # type: ignore[attr-defined]
                cold.append(seconds)
                body = response.content  # type: ignore[attr-defined]
                sizes.append(len(body))
                gz.append(len(gzip.compress(body)) if body else 0)
                decoded = tiles.decode(body).get(key, {}).get("features", [])
                features += len(decoded)
                for f in decoded:
                    props = f["properties"]
                    ident = props.get("code") or (props.get("cx"), props.get("cy"), props.get("items"))
                    idents.append(f"{x}/{y}:{ident}:{props.get('dot', '')}")
                seconds, _ = timed(lambda url=url: client.get(url))
                warm.append(seconds)
                etag = response["ETag"]  # type: ignore[index]
                seconds, again = timed(lambda url=url, etag=etag: client.get(url, HTTP_IF_NONE_MATCH=etag))
                assert again.status_code == 304  # type: ignore[attr-defined]
                revalidate.append(seconds)
                if postgis and layer.minzoom <= z and body:
                    sql, params = tiles.postgis_sql(layer, z, x, y)
                    seconds, _raw = timed(lambda sql=sql, params=params: run_sql(sql, params))
                    raws.append(seconds)
            line = (
                f"{key:16} {z:>2} {features:>6} {p(cold, 0.5) * 1000:>8.1f}ms {p(cold, 0.95) * 1000:>6.1f}ms "
                f"{p(warm, 0.5) * 1000:>8.2f}ms {p(warm, 0.95) * 1000:>5.2f}ms {p(revalidate, 0.5) * 1000:>6.2f}ms "
                f"{statistics.mean(sizes):>9,.0f} {statistics.mean(gz):>8,.0f}"
            )
            if postgis:
                if raws:
                    ratio = p(cold, 0.5) / p(raws, 0.5)
                    ratios.append(ratio)
                    line += f" {p(raws, 0.5) * 1000:>6.1f}ms {ratio:>8.2f}"
                else:
                    line += f" {'-':>8} {'-':>8}"
            gj = ""
            if not args.no_geojson and key in GEOJSON and z >= GEOJSON_FROM[key]:
                path, params = GEOJSON[key]
                _z, x, y = addresses[0]
                w, s, e, n = tiles.lonlat_bounds(z, x, y, buffer=0)
                query = {**params, "bbox": f"{w},{s},{e},{n}"}
                seconds, response = timed(lambda path=path, query=query: client.get(path, query))
                body = response.content  # type: ignore[attr-defined]
                gj = f" {len(body):>10,} {len(gzip.compress(body)):>8,} {seconds * 1000:>6.0f}"
                gj += f" (vs {sizes[0]:,} B MVT)"
            else:
                gj = f" {'-':>10} {'-':>8} {'-':>7}"
            digest = hashlib.sha1("\n".join(sorted(idents)).encode()).hexdigest()[:10]
            print(line + gj + f"  {digest}", flush=True)
            all_cold += cold
            all_warm += warm
    print(
        f"\nall tiles: cold p50 {p(all_cold, 0.5) * 1000:.1f} ms, p95 {p(all_cold, 0.95) * 1000:.1f} ms; "
        f"warm p50 {p(all_warm, 0.5) * 1000:.2f} ms, p95 {p(all_warm, 0.95) * 1000:.2f} ms"
    )
    if postgis:
        finite = [r for r in ratios if r == r]
        print(f"cold/raw ST_AsMVT per layer and zoom: median {statistics.median(finite):.2f}, worst {max(finite):.2f}")
        hand, generated, differ = [], [], []

        def features(body: bytes) -> set:
            found = tiles.decode(body).get("hazards", {}).get("features", [])
            return {(f["properties"]["code"], f["properties"].get("dot")) for f in found}

        for z, addresses in plan.items():
            for _z, x, y in addresses:
                sql, params = tiles.postgis_sql(tile_layers()["hazards"], z, x, y)
                a, b = hand_written_hazards(z, x, y), run_sql(sql, params)  # warm both up
                if features(a) != features(b):
                    differ.append(f"{z}/{x}/{y}")
                ones, twos = [], []
                for _ in range(3):  # alternating, the median of three: the machine is shared
                    ones.append(timed(lambda x=x, y=y, z=z: hand_written_hazards(z, x, y))[0])
                    twos.append(timed(lambda sql=sql, params=params: run_sql(sql, params))[0])
                hand.append(statistics.median(ones))
                generated.append(statistics.median(twos))
        print(
            f"hazards: hand-written ST_AsMVT p50 {p(hand, 0.5) * 1000:.1f} ms (p95 {p(hand, 0.95) * 1000:.1f}), "
            f"the tiles' generated SQL {p(generated, 0.5) * 1000:.1f} ms (p95 {p(generated, 0.95) * 1000:.1f}); "
            f"ratio {p(generated, 0.5) / p(hand, 0.5):.2f}; same features: {'yes' if not differ else differ}"
        )


if __name__ == "__main__":
    main()
