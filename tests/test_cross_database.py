"""The same demo seed gives the same records on SpatiaLite and on PostGIS.

Builds `safeground demo --scale tiny --seed 1 --no-serve` as two subprocesses (in parallel): one into a
temporary SpatiaLite file, one into a fresh PostGIS database created and dropped here. Then dumps codes,
geometry (WKB) and area of every hazard, product and device from each and compares them.

Without a reachable PostgreSQL the test is skipped, unless CI=true, where that is a failure.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

PG_SERVER = os.environ.get("SAFEGROUND_PG_SERVER", "postgis://postgres@127.0.0.1:5432")
TIMEOUT_S = 300

DUMP = """
import json, os
from safeground.hazards.models import Hazard
from safeground.landrelease.models import Device, HazardLedger, Product
from safeground.operations.models import Activity

def rows(qs, *fields):
    out = []
    for values in qs.filter(is_synthetic=True).order_by("code").values_list(*fields):
        out.append([v.wkb.hex() if hasattr(v, "wkb") else (v.isoformat() if hasattr(v, "isoformat") else v)
                    for v in values])
    return out

dump = {
    "hazards": rows(Hazard.objects, "code", "geom", "area_m2", "utm_epsg", "province__code", "status",
                    "benchmark"),
    "products": rows(Product.objects, "code", "geom", "area_m2", "outcome", "released_on", "hazard__code"),
    "devices": rows(Device.objects, "code", "point", "category", "model__name", "count", "found_on",
                    "product__code"),
    "activities": rows(Activity.objects, "code", "reference_point", "activity_type", "status", "start_date"),
    "ledger": [list(r) for r in HazardLedger.objects.order_by("hazard__code").values_list(
        "hazard__code", "estimated_m2", "cancelled_m2", "reduced_m2", "cleared_m2", "remaining_m2", "outside_m2",
        "overlap_m2", "devices_outside")],
}
with open(os.environ["SG_DUMP"], "w") as f:
    json.dump(dump, f)
"""


def _cli() -> list[str]:
    script = Path(sys.executable).with_name("safeground")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from safeground.core.cli import main; main()"]


def _server_or_skip():
    try:
        import psycopg
    except ImportError:  # pragma: no cover
        psycopg = None
    url = PG_SERVER.replace("postgis://", "postgresql://", 1) + "/postgres"
    try:
        return psycopg.connect(url, autocommit=True, connect_timeout=3)
    except Exception as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL/PostGIS not reachable at {PG_SERVER} (CI=true, so this is a failure): {exc}")
        pytest.skip(f"PostgreSQL not reachable at {PG_SERVER}: {exc}")


def _env(url: str, dump: Path | None = None) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["SAFEGROUND_DATABASE_URL"] = url
    if dump:
        env["SG_DUMP"] = str(dump)
    return env


def _spawn(command: list[str], env: dict) -> subprocess.Popen:
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _run(procs: dict[str, subprocess.Popen]) -> None:
    failures = []
    for name, proc in procs.items():
        try:
            out, _ = proc.communicate(timeout=TIMEOUT_S)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, _ = proc.communicate()
        if proc.returncode != 0:
            failures.append(f"--- {name} exited with {proc.returncode}:\n{out[-4000:]}")
    assert not failures, "\n".join(failures)


def test_same_seed_same_records_on_spatialite_and_postgis(tmp_path):
    admin = _server_or_skip()
    name = f"sg_xdb_{uuid.uuid4().hex[:10]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    urls = {
        "spatialite": f"spatialite:///{(tmp_path / 'xdb.sqlite').as_posix()}",
        "postgis": f"{PG_SERVER}/{name}",
    }
    try:
        build = [*_cli(), "demo", "--scale", "tiny", "--seed", "1", "--no-serve"]
        _run({db: _spawn(build, _env(url)) for db, url in urls.items()})
        dumps = {db: tmp_path / f"{db}.json" for db in urls}
        _run({db: _spawn([*_cli(), "shell", "-c", DUMP], _env(url, dumps[db])) for db, url in urls.items()})
        lite, pg = (json.loads(dumps[db].read_text()) for db in ("spatialite", "postgis"))
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()

    assert lite["hazards"], "the SpatiaLite build holds no hazards"
    for table in ("hazards", "products", "devices", "activities"):
        a, b = lite[table], pg[table]
        assert [r[0] for r in a] == [r[0] for r in b], f"{table}: different records"
        for ra, rb in zip(a, b, strict=True):
            assert ra[1] == rb[1], f"{table} {ra[0]}: geometry differs"
            if table in ("hazards", "products"):
                assert abs(ra[2] - rb[2]) <= 1e-9 * abs(ra[2]), f"{table} {ra[0]}: area {ra[2]} vs {rb[2]}"
            assert ra[2:] == rb[2:], f"{table} {ra[0]}: {ra[2:]} vs {rb[2:]}"
    # The land release ledger, computed from those geometries, is the same on both databases.
    assert [r[0] for r in lite["ledger"]] == [r[0] for r in pg["ledger"]] == [r[0] for r in lite["hazards"]]
    for ra, rb in zip(lite["ledger"], pg["ledger"], strict=True):
        for a, b in zip(ra[1:], rb[1:], strict=True):
            assert abs(a - b) <= 1e-9 * max(abs(a), 1.0), f"ledger of {ra[0]}: {ra[1:]} vs {rb[1:]}"
