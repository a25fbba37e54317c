"""The same demo seed gives the same records on SpatiaLite and on PostGIS.

The tiny demo built by `safeground demo --scale tiny --seed 1 --no-serve` into a SpatiaLite file and into
a PostGIS database (the `demo_pair` fixture, tests/conftest.py): dumps codes, geometry (WKB) and area of
every hazard, product and device from each and compares them.

Without a reachable PostgreSQL the test is skipped, unless CI=true, where that is a failure.
"""

from __future__ import annotations

import json
from pathlib import Path

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


def _dump(demo_pair, url: str, path: Path) -> dict:
    demo_pair.run(url, "shell", "-c", DUMP, SG_DUMP=str(path))
    return json.loads(path.read_text())


def test_same_seed_same_records_on_spatialite_and_postgis(demo_pair, tmp_path):
    lite = _dump(demo_pair, demo_pair.pristine["spatialite"], tmp_path / "spatialite.json")
    pg = _dump(demo_pair, demo_pair.pristine["postgis"], tmp_path / "postgis.json")

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
