"""Benchmark: the API against the SQL floor, the same answer built by one SQL statement.

    SAFEGROUND_DATABASE_URL=postgis://postgres@127.0.0.1:5432/sg_bench python bench/api.py [--seconds 8]
    SAFEGROUND_DATABASE_URL=spatialite:////tmp/national.sqlite python bench/api.py

Run against a demo database (`safeground demo --scale national --no-serve`; any scale works). The site
is served as a user serves it (`safeground serve`: the worker model it picks for the database) on a
free local port, with a bearer token of the demo's IM officer. Three requests:

- **map**: the hazards in the view of the programme with the most hazards (its hazards' extent),
  `limit=5000`, as the map asks for them when tiles are off; sent once with `Accept-Encoding: gzip`
  for the bytes on the wire;
- **list**: `GET /api/v1/hazards?limit=100`;
- **detail**: `GET /api/v1/hazards/{code}`, a random hazard each time.

Each runs at 1, 10 and 50 clients (threads, one keep-alive connection each) for `--seconds`, and
so does its **SQL floor**: the same FeatureCollection or Feature (count, properties, GeoJSON
geometry) made by one `json_build_object` (PostGIS) or `json_object` (SpatiaLite) statement over
the same joins, each client on its own database connection, with no HTTP, no Python per row. The
two alternate (floor, API, floor, API) so that both see the same machine. Printed: p50 and p95
latency, throughput and the ratio API ÷ floor; then the detail's server time (the Django handler
in this process, middleware included, no HTTP) and, with `--profile`, a py-spy top 10 of the
server's processes during the list at 10 clients. The figures go in the closing note; no test
depends on them. Writes nothing but the bench's API token.
"""

from __future__ import annotations

import argparse
import gzip
import http.client
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["SAFEGROUND_RATE_LIMITS"] = "0"  # measure the work, not the limiter

import django  # noqa: E402

django.setup()

from django.contrib.gis.db.models import Extent  # noqa: E402
from django.contrib.gis.db.models.functions import AsGeoJSON  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import BooleanField, Count, F, JSONField  # noqa: E402

from safeground.core.features import Properties  # noqa: E402
from safeground.hazards import queries  # noqa: E402
from safeground.hazards.models import Hazard  # noqa: E402

SAFEGROUND = str(Path(sys.executable).parent / "safeground")


# ------------------------------------------------------------------------------------------------
# The SQL floor: one statement that writes the whole JSON answer
# ------------------------------------------------------------------------------------------------


def floor_sql(queryset, properties: Properties, geom, limit: int, offset: int, precision: int) -> tuple[str, list]:
    """The FeatureCollection of a page as one SQL statement (the same joins Django makes)."""
    paths = [spec for spec in properties.spec.values() if isinstance(spec, str)]
    if len(paths) != len(properties.spec):
        raise ValueError("the floor is written for plain properties only")
    aliases = {path: f"c{i}" for i, path in enumerate(dict.fromkeys(["code", *paths]))}
    lean = queryset.annotate(_shape=AsGeoJSON(geom, precision=precision), **{a: F(p) for p, a in aliases.items()})
    fields = {a: lean.query.annotations[a].output_field for a in aliases.values()}
    inner, inner_params = lean.values("_shape", *aliases.values())[offset : offset + limit].query.sql_with_params()
    count, count_params = queryset.values("pk").query.sql_with_params()
    pg = connection.vendor == "postgresql"

    def value(alias: str) -> str:
        column = f't."{alias}"'
        if pg:
            return column
        if isinstance(fields[alias], BooleanField):
            return f"CASE WHEN {column} THEN json('true') ELSE json('false') END"
        if isinstance(fields[alias], JSONField):
            return f"json({column})"
        return column

    build, agg = ("json_build_object", "json_agg") if pg else ("json_object", "json_group_array")
    props = ", ".join(f"'{name}', {value(aliases[path])}" for name, path in properties.spec.items())
    geometry = 't."_shape"::json' if pg else 'json(t."_shape")'
    code = f't."{aliases["code"]}"'
    feature = f"{build}('type', 'Feature', 'id', {code}, 'properties', {build}({props}), 'geometry', {geometry})"
    sql = (
        f"SELECT {build}('type', 'FeatureCollection', 'numberMatched', (SELECT COUNT(*) FROM ({count}) n), "
        f"'numberReturned', COUNT(*), 'features', {agg}({feature})) FROM ({inner}) t"
    )
    return sql, [*count_params, *inner_params]


def detail_sql(properties: Properties, geom, code: str) -> tuple[str, list]:
    sql, params = floor_sql(queries.hazards().filter(code=code), properties, geom, 1, 0, 15)
    return sql, params


# ------------------------------------------------------------------------------------------------
# Clients
# ------------------------------------------------------------------------------------------------


def _run_threads(clients: int, seconds: float, work) -> tuple[list[float], int]:
    """`clients` threads calling `work(state)` until the time is up: latencies and errors."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    until = time.perf_counter() + seconds

    def loop() -> None:
        state: dict = {}
        mine: list[float] = []
        bad = 0
        try:
            while time.perf_counter() < until:
                start = time.perf_counter()
                ok = work(state)
                mine.append(time.perf_counter() - start)
                bad += 0 if ok else 1
        finally:
            with lock:
                latencies.extend(mine)
                errors[0] += bad
            if "close" in state:
                state["close"]()

    threads = [threading.Thread(target=loop) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, errors[0]


def http_work(host: str, port: int, token: str, paths):
    def work(state: dict) -> bool:
        conn = state.get("conn")
        if conn is None:
            conn = state["conn"] = http.client.HTTPConnection(host, port, timeout=120)
            state["close"] = conn.close
        headers = {"Authorization": f"Bearer {token}", "Accept-Encoding": "identity"}
        try:
            conn.request("GET", paths(), headers=headers)
            response = conn.getresponse()
            body = response.read()
            if response.getheader("Connection", "").lower() == "close":
                conn.close()
                state.pop("conn")
            return response.status == 200 and len(body) > 0
        except (OSError, http.client.HTTPException):
            conn.close()
            state.pop("conn", None)
            return False

    return work


def sql_work(statements):
    def work(state: dict) -> bool:
        from django.db import connection as mine  # this thread's own connection

        sql, params = statements()
        with mine.cursor() as cursor:
            cursor.execute(sql, params)
            text = cursor.fetchone()[0]
        if "close" not in state:
            state["close"] = mine.close
        return bool(text)

    return work


def summary(latencies: list[float], errors: int, seconds: float) -> dict:
    ordered = sorted(latencies)
    if not ordered:
        return {"p50": float("nan"), "p95": float("nan"), "rate": 0.0, "errors": errors}
    return {
        "p50": 1000 * statistics.median(ordered),
        "p95": 1000 * ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))],
        "rate": len(ordered) / seconds,
        "errors": errors,
    }


def measure(clients: int, seconds: float, api, floor, rounds: int = 2) -> tuple[dict, dict]:
    """Floor and API in turn, `rounds` times each, half the time each round."""
    got: dict[str, tuple[list, int]] = {"api": ([], 0), "floor": ([], 0)}
    for _ in range(rounds):
        for name, work in (("floor", floor), ("api", api)):
            latencies, errors = _run_threads(clients, seconds / rounds, work)
            got[name] = (got[name][0] + latencies, got[name][1] + errors)
    return summary(*got["api"], seconds), summary(*got["floor"], seconds)


# ------------------------------------------------------------------------------------------------
# The server
# ------------------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(env: dict, extra: list[str]) -> tuple[subprocess.Popen, int]:
    port = _free_port()
    server = subprocess.Popen(
        [SAFEGROUND, "serve", "--host", "127.0.0.1", "--port", str(port), *extra],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    first = server.stdout.readline().strip()
    deadline = time.monotonic() + 120
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=5):
                break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                sys.exit(f"the server did not start: {first}")
            time.sleep(0.5)
    threading.Thread(target=lambda: [None for _ in server.stdout], daemon=True).start()  # drain the access log
    print(first)
    return server, port


def profile(server: subprocess.Popen, seconds: float, load) -> None:
    """py-spy over the server's processes while `load` runs: the top 10 functions by own time."""
    spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    if not Path(spy).exists():
        print("py-spy is not installed: no profile")
        return
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "spy.txt"
        record = subprocess.Popen(
            [spy, "record", "--pid", str(server.pid), "--subprocesses", "--format", "raw", "--rate", "200"]
            + ["--duration", str(int(seconds)), "--output", str(out), "--nonblocking"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(1)
        load()
        record.wait()
        own: Counter[str] = Counter()
        total = 0
        for line in out.read_text().splitlines():
            stack, _, n = line.rpartition(" ")
            frames = [f for f in stack.split(";") if "(" in f]
            if not frames or "wait" in frames[-1] or "select" in frames[-1] or "accept" in frames[-1]:
                continue  # idle threads waiting for work
            own[frames[-1]] += int(n)
            total += int(n)
    print(f"\npy-spy, server processes, list at 10 clients: top 10 by own time ({total:,} busy samples)")
    for frame, n in own.most_common(10):
        print(f"  {100 * n / max(total, 1):5.1f}%  {frame}")


# ------------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--clients", default="1,10,50")
    parser.add_argument("--profile", action="store_true", help="py-spy top 10 of the list at 10 clients")
    parser.add_argument("--workers", type=int, help="server processes (default: what `safeground serve` picks)")
    parser.add_argument("--threads", type=int, help="threads per server process")
    args = parser.parse_args()
    counts = [int(c) for c in args.clients.split(",")]

    busiest = Hazard.objects.values("country").annotate(n=Count("id")).order_by("-n").first()
    if busiest is None:
        sys.exit("no hazards: build a demo first (safeground demo --scale national --no-serve)")
    box = Hazard.objects.filter(country=busiest["country"]).aggregate(e=Extent("geom"))["e"]
    bbox = ",".join(f"{v:.4f}" for v in box)
    codes = list(Hazard.objects.order_by("?").values_list("code", flat=True)[:2000])
    props, shape = queries.hazard_properties, queries.shape()
    map_sql = floor_sql(queries.hazards(bbox=bbox), props, shape, 5000, 0, 8)
    list_sql = floor_sql(queries.hazards(), props, shape, 100, 0, 8)
    detail_template = detail_sql(props, shape, codes[0])

    def a_detail() -> tuple[str, list]:
        sql, params = detail_template
        return sql, [random.choice(codes) if p == codes[0] else p for p in params]

    env = {**os.environ}
    env.setdefault("SAFEGROUND_SECRET_KEY", os.urandom(32).hex())  # `serve` refuses the built-in key
    token = (
        subprocess.run(
            [SAFEGROUND, "token", "create", "im-officer", "--name", "bench-api"],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    extra = [*(["--workers", str(args.workers)] if args.workers else [])]
    extra += ["--threads", str(args.threads)] if args.threads else []
    server, port = serve(env, extra)
    try:
        print(f"{connection.vendor}, {Hazard.objects.count():,} hazards; map view {bbox} ({busiest['country']})")
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/v1/hazards?bbox={bbox}&limit=5000",
            headers={"Authorization": f"Bearer {token}", "Accept-Encoding": "gzip"},
        )
        start = time.perf_counter()
        with urllib.request.urlopen(request, timeout=300) as response:
            wire = response.read()
            encoding = response.headers.get("Content-Encoding")
        took = time.perf_counter() - start
        body = gzip.decompress(wire) if encoding == "gzip" else wire
        print(
            f"map request, gzip accepted: {took:.2f} s, {len(wire) / 1e6:.2f} MB on the wire "
            f"(Content-Encoding: {encoding}), {len(body) / 1e6:.2f} MB of GeoJSON"
        )
        requests = {
            "map (limit 5000)": (lambda: f"/api/v1/hazards?bbox={bbox}&limit=5000", lambda: map_sql),
            "list (limit 100)": (lambda: "/api/v1/hazards?limit=100", lambda: list_sql),
            "detail": (lambda: f"/api/v1/hazards/{random.choice(codes)}", a_detail),
        }
        print("\n| request | clients | API p50 ms | API p95 ms | API req/s | floor p50 ms | floor req/s | ratio |")
        print("|---|---|---|---|---|---|---|---|")
        for name, (path, statement) in requests.items():
            for clients in counts if not name.startswith("map") else [c for c in counts if c <= 10]:
                api, floor = measure(
                    clients, args.seconds, http_work("127.0.0.1", port, token, path), sql_work(statement)
                )
                ratio = floor["rate"] / api["rate"] if api["rate"] else float("inf")
                errors = f" ({api['errors']} errors)" if api["errors"] else ""
                print(
                    f"| {name} | {clients} | {api['p50']:.1f} | {api['p95']:.1f} | {api['rate']:.0f}{errors} | "
                    f"{floor['p50']:.1f} | {floor['rate']:.0f} | {ratio:.2f}× |",
                    flush=True,
                )
        server_time(token, codes)
        if args.profile:
            load = lambda: _run_threads(  # noqa: E731
                10, 8, http_work("127.0.0.1", port, token, lambda: "/api/v1/hazards?limit=100")
            )
            profile(server, 9, load)
    finally:
        server.terminate()
        server.wait(timeout=30)


def server_time(token: str, codes: list[str]) -> None:
    """The detail's time inside Django (every middleware, the bearer token, the query), no HTTP."""
    from django.test import Client

    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    for code in codes[:20]:
        client.get(f"/api/v1/hazards/{code}")
    times = []
    for code in codes[:500]:
        start = time.perf_counter()
        response = client.get(f"/api/v1/hazards/{code}")
        times.append(time.perf_counter() - start)
        assert response.status_code == 200, response.content[:200]
    times.sort()
    p50, p95 = 1000 * statistics.median(times), 1000 * times[int(0.95 * len(times))]
    print(f"\ndetail, server time in Django (no HTTP), {len(times)} requests: p50 {p50:.2f} ms, p95 {p95:.2f} ms")


if __name__ == "__main__":
    main()
