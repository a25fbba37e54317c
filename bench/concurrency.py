"""Benchmark: a small office at work on one SafeGround, with 8 writers and 32 readers for a fixed time.

    SAFEGROUND_DATABASE_URL=spatialite:////tmp/bench-conc.sqlite python bench/concurrency.py [--seconds 60]
    SAFEGROUND_DATABASE_URL=postgis://postgres@127.0.0.1:5432/sg_bench_conc python bench/concurrency.py

The database must be a scratch one: when it holds no hazards, the small demo is built in it first
(`safeground demo --scale small --no-serve`, about a minute). The site is served as a user would serve
it (`safeground serve`, the worker model it picks for the database), on a free local port. Then:

1. reference: one client runs the same mix of operations one after another, for a third of the time;
2. the office: 8 writer threads and 32 reader threads run for `--seconds`:
   - writers, in turn: PATCH a hazard (GET for its version, then PATCH with If-Match; a 412 is a
     conflict between two writers, reported apart and not an error), POST a land release product,
     POST a workbench submission (a new hazard for approval);
   - readers, in turn: a page of the hazard list, one hazard, a page of products, the map's data for
     a box (hazards and devices in it).

It prints, per operation: requests, throughput (per second), p50 and p95 latency (ms), conflicts and
errors (any 5xx, a refused connection, or a 4xx other than a 412 conflict), then the office's total
throughput against the one client's (the ratio). The figures go in the closing note; no test
depends on them. Records it writes are marked with the name "BENCH" (products: reported area 1 m²).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAFEGROUND = str(Path(sys.executable).parent / "safeground")
TODAY = time.strftime("%Y-%m-%d")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Client:
    """HTTP with a bearer token; every call recorded as (operation, seconds, status)."""

    def __init__(self, base: str, token: str, log: list):
        self.base, self.token, self.log = base, token, log

    def call(self, op: str | None, method: str, path: str, body: dict | None = None, if_match: int | None = None):
        headers = {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"}
        if if_match is not None:
            headers["If-Match"] = f'"{if_match}"'
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base + path, data=data, headers=headers, method=method)
        start = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                status, payload = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, payload = error.code, error.read()
        except OSError as error:
            status, payload = 0, str(error).encode()
        if op is not None:
            self.log.append((op, time.perf_counter() - start, status))
        try:
            return status, json.loads(payload) if payload else None
        except ValueError:
            return status, None


class Office:
    """The operations, over a pool of hazards, activities and their boxes read once at the start."""

    def __init__(self, hazards: list[dict], activities: list[str]):
        self.hazards, self.activities = hazards, activities
        self.counter = 0
        self.lock = threading.Lock()

    def _n(self) -> int:
        with self.lock:
            self.counter += 1
            return self.counter

    def _box(self, h: dict, half: float = 0.0003) -> dict:
        x, y = h["inside"]
        ring = [
            [x - half, y - half],
            [x + half, y - half],
            [x + half, y + half],
            [x - half, y + half],
            [x - half, y - half],
        ]
        return {"type": "Polygon", "coordinates": [ring]}

    def hazard_patch(self, c: Client) -> None:
        h = random.choice(self.hazards)
        status, feature = c.call(None, "GET", f"/api/v1/hazards/{h['code']}")
        if status != 200:
            c.log.append(("hazard PATCH", 0.0, status))
            return
        version = feature["properties"]["version"]
        c.call("hazard PATCH", "PATCH", f"/api/v1/hazards/{h['code']}", {"name": f"BENCH {self._n()}"}, version)

    def product_post(self, c: Client) -> None:
        h = random.choice(self.hazards)
        body = {
            "activity": random.choice(self.activities),
            "hazard": h["code"],
            "outcome": "reduced",
            "released_on": TODAY,
            "reported_area_m2": 1.0,
            "geometry": self._box(h, 0.0001),
        }
        c.call("product POST", "POST", "/api/v1/products", body)

    def submission_post(self, c: Client) -> None:
        h = random.choice(self.hazards)
        payload = {
            "geometry": self._box(h),
            "hazard_class": "SHA",
            "contamination_type": "ap_mines",
            "recorded_on": TODAY,
            "name": f"BENCH submission {self._n()}",
        }
        c.call("workbench submit", "POST", "/api/v1/workbench/submissions", {"kind": "hazard", "payload": payload})

    def hazard_list(self, c: Client) -> None:
        c.call("hazard list", "GET", f"/api/v1/hazards?limit=50&offset={random.randrange(0, 2000)}")

    def hazard_detail(self, c: Client) -> None:
        c.call("hazard detail", "GET", f"/api/v1/hazards/{random.choice(self.hazards)['code']}")

    def product_list(self, c: Client) -> None:
        c.call("product list", "GET", f"/api/v1/products?limit=50&offset={random.randrange(0, 2000)}")

    def map_data(self, c: Client) -> None:
        x, y = random.choice(self.hazards)["inside"]
        bbox = f"{x - 0.25},{y - 0.25},{x + 0.25},{y + 0.25}"
        c.call("map data", "GET", f"/api/v1/hazards?bbox={bbox}&limit=2000")
        c.call("map data", "GET", f"/api/v1/devices?bbox={bbox}&limit=2000")

    @property
    def writes(self):
        return [self.hazard_patch, self.product_post, self.submission_post]

    @property
    def reads(self):
        return [self.hazard_list, self.hazard_detail, self.product_list, self.map_data]


def _run(client: Client, ops: list, until: float, offset: int) -> None:
    k = offset
    while time.monotonic() < until:
        ops[k % len(ops)](client)
        k += 1


def _report(title: str, log: list, seconds: float) -> float:
    by_op = defaultdict(list)
    for op, spent, status in log:
        by_op[op].append((spent, status))
    print(f"\n{title} ({seconds:.0f} s)")
    print(f"{'operation':<18}{'requests':>9}{'per s':>8}{'p50 ms':>9}{'p95 ms':>9}{'conflicts':>10}{'errors':>8}")
    total = 0
    for op in sorted(by_op):
        rows = by_op[op]
        times = sorted(1000 * s for s, status in rows if status and status < 500)
        conflicts = sum(1 for _s, status in rows if status == 412)
        errors = sum(
            1 for _s, status in rows if status == 0 or status >= 500 or (400 <= status < 500 and status != 412)
        )
        p50 = statistics.median(times) if times else float("nan")
        p95 = times[int(0.95 * (len(times) - 1))] if times else float("nan")
        print(f"{op:<18}{len(rows):>9}{len(rows) / seconds:>8.1f}{p50:>9.0f}{p95:>9.0f}{conflicts:>10}{errors:>8}")
        total += len(rows)
    all_errors = sum(1 for _o, _s, st in log if st == 0 or st >= 500 or (400 <= st < 500 and st != 412))
    print(f"{'all':<18}{total:>9}{total / seconds:>8.1f}{'':>18}{'':>10}{all_errors:>8}")
    return total / seconds


def _first_errors(log: list, limit: int = 5) -> None:
    shown = [(op, st) for op, _s, st in log if st == 0 or st >= 500 or (400 <= st < 500 and st != 412)]
    if shown:
        print("first errors:", shown[:limit])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--readers", type=int, default=32)
    args = parser.parse_args()
    url = os.environ.get("SAFEGROUND_DATABASE_URL", "")
    if not url:
        sys.exit("set SAFEGROUND_DATABASE_URL to a scratch database (spatialite:////tmp/x.sqlite or postgis://…)")
    env = {**os.environ}
    env.setdefault("SAFEGROUND_SECRET_KEY", os.urandom(32).hex())  # `serve` refuses the built-in key
    count = subprocess.run(
        [SAFEGROUND, "shell", "-c", "from safeground.hazards.models import Hazard; print(Hazard.objects.count())"],
        env=env,
        capture_output=True,
        text=True,
    )
    if count.returncode != 0 or int((count.stdout.strip() or "0").splitlines()[-1]) == 0:
        print("building the small demo (about a minute)…", flush=True)
        subprocess.run([SAFEGROUND, "demo", "--scale", "small", "--no-serve"], env=env, check=True, capture_output=True)
    token = (
        subprocess.run(
            [SAFEGROUND, "token", "create", "im-officer", "--name", "bench"],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    port = _free_port()
    server = subprocess.Popen(
        [SAFEGROUND, "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        first = server.stdout.readline().strip()
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"{base}/accounts/login/", timeout=5):
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    sys.exit(f"the server did not start: {first}")
                time.sleep(0.5)
        log_path = Path(os.environ.get("TMPDIR", "/tmp")) / f"safeground-bench-{port}.log"
        server_log = log_path.open("w")

        def drain() -> None:  # the access log and any traceback, kept for reading the errors
            for line in server.stdout:
                server_log.write(line)
            server_log.close()

        threading.Thread(target=drain, daemon=True).start()
        print(f"server log: {log_path}")
        print(first)
        setup = Client(base, token, [])
        _status, page = setup.call(None, "GET", "/api/v1/hazards?limit=300&status=open")
        import shapely.geometry

        hazards = [
            {"code": f["id"], "inside": shapely.geometry.shape(f["geometry"]).representative_point().coords[0]}
            for f in page["features"]
            if f["geometry"] and f["geometry"]["type"] in ("Polygon", "MultiPolygon")
        ]
        _status, acts = setup.call(None, "GET", "/api/v1/activities?limit=100&activity_type=clearance")
        activities = [f["id"] for f in acts["features"]]
        office = Office(hazards, activities)

        reference: list = []
        one = Client(base, token, reference)
        ref_seconds = max(args.seconds / 3, 5)
        _run(one, office.writes + office.reads, time.monotonic() + ref_seconds, 0)
        ref_rate = _report("one client, the same mix one after another", reference, ref_seconds)

        log: list = []
        until = time.monotonic() + args.seconds
        threads = [
            threading.Thread(target=_run, args=(Client(base, token, log), office.writes, until, k))
            for k in range(args.writers)
        ] + [
            threading.Thread(target=_run, args=(Client(base, token, log), office.reads, until, k))
            for k in range(args.readers)
        ]
        started = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        rate = _report(f"{args.writers} writers and {args.readers} readers at once", log, time.monotonic() - started)
        _first_errors(log)
        print(
            f"\nthroughput: {rate:.1f} requests/s with the office against {ref_rate:.1f} with one client "
            f"(ratio {rate / ref_rate:.2f})"
        )
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
