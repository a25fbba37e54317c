"""Point hazards through import, export, the OGC API and the maps, in Testland (XTL): a layer of points and
polygons imports (GeoPackage of type Unknown, CSV with WKT and coordinate columns), a point outside the
country is refused with its coordinates, the `hazard_points` export layer reads back, the OGC API serves
them as a collection of their own, and the map draws them."""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
import os
import re
import shutil
import subprocess

import numpy as np
import pyogrio
import pytest
import shapely
from pyogrio.raw import write as ogr_write

from safeground.gazetteer import programmes
from safeground.gazetteer.tests.testland import WEST, build_testland
from safeground.hazards import services as hazard_services
from safeground.hazards.models import Hazard
from safeground.interop import exporter
from safeground.interop.services import import_file
from safeground.interop.tests.conftest import delete_records, snapshot
from safeground.landrelease.ledger import store as ledger_store
from safeground.landrelease.models import HazardLedger

pytestmark = pytest.mark.django_db

SPOT = (-19.25, -29.5)  # XT02
FIELDS = ("hazard_class", "contamination_type", "recorded_on", "radius_m", "name")


@pytest.fixture
def testland():
    build_testland()
    programmes.add_programme("XTL", name="Testland")


def write_mixed(path, geoms, rows: list[dict]) -> str:
    """A GeoPackage layer of points and polygons together (geometry type Unknown, as GDAL writes it)."""
    names = list(rows[0])
    ogr_write(
        str(path),
        np.array([shapely.to_wkb(g) for g in geoms], dtype=object),
        [np.array([r[n] for r in rows], dtype=object) for n in names],
        names,
        layer="hazards",
        geometry_type="Unknown",
        crs="EPSG:4326",
    )
    return str(path)


def row(name: str, radius="", **extra) -> dict:
    return {
        "hazard_class": "SHA",
        "contamination_type": "uxo",
        "recorded_on": "2025-02-01",
        "radius_m": radius,
        "name": name,
        **extra,
    }


def test_a_mixed_layer_of_points_and_polygons_imports(testland, tmp_path):
    path = write_mixed(
        tmp_path / "mixed.gpkg",
        [shapely.Point(*SPOT), shapely.box(-19.8, -29.6, -19.79, -29.59), shapely.MultiPoint([(-19.3, -29.4)])],
        [row("spot", "75"), row("field"), row("indication")],
    )
    result = import_file(path, "hazards")
    assert result.ok and result.written == 3, result.errors
    found = {h.name: h for h in Hazard.objects.filter(country="XTL")}
    assert found["spot"].point.coords == SPOT and found["spot"].radius_m == 75 and found["spot"].area_m2 == 0
    assert found["indication"].point.coords == (-19.3, -29.4)  # a multipoint of one point is that point
    assert found["field"].geom is not None and found["field"].area_m2 > 1_000_000
    assert set(HazardLedger.objects.values_list("hazard__name", flat=True)) == {"field"}
    assert ledger_store.verify() == []


def test_a_point_outside_the_country_is_refused_with_its_coordinates(testland, tmp_path):
    outside = (WEST - 0.2, -29.5)  # 19 km west of Testland, in the sea
    path = write_mixed(
        tmp_path / "bad.gpkg",
        [shapely.Point(*SPOT), shapely.Point(*outside), shapely.box(-19.8, -29.6, -19.79, -29.59)],
        [row("spot"), row("offshore"), row("field", "30")],
    )
    result = import_file(path, "hazards")
    assert not result.ok and result.written == 0
    errors = {(e.row, e.field): e for e in result.errors}
    offshore = errors[(2, "geometry")]
    assert offshore.kind == "outside country"
    assert f"at lon {outside[0]:.6f}, lat {outside[1]:.6f}" in offshore.reason
    radius = errors[(3, "radius_m")]
    assert radius.kind == "not a point" and "only for a point hazard" in radius.reason
    assert not Hazard.objects.filter(country="XTL").exists()
    # Quarantined instead: the good row is written, the others held with their cause.
    held = import_file(path, "hazards", on_error="quarantine")
    assert held.written == 1 and held.quarantined == 2
    assert held.quarantine_causes == {"geometry: outside country": 1, "radius_m: not a point": 1}


def test_a_csv_with_wkt_polygons_and_coordinates_of_point_hazards(testland, tmp_path):
    path = tmp_path / "hazards.csv"
    with path.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=["wkt", "lon", "lat", *FIELDS])
        writer.writeheader()
        writer.writerow({"wkt": shapely.box(-19.8, -29.6, -19.79, -29.59).wkt, "lon": "", "lat": "", **row("field")})
        writer.writerow({"wkt": "", "lon": SPOT[0], "lat": SPOT[1], **row("spot", "40")})
        writer.writerow({"wkt": "", "lon": "", "lat": "", **row("nowhere")})
    result = import_file(path, "hazards")
    assert [(e.row, e.field, e.kind) for e in result.errors] == [(3, "geometry", "no geometry")]
    path.write_text("\n".join(path.read_text().splitlines()[:-1]) + "\n")
    result = import_file(path, "hazards")
    assert result.ok and result.written == 2, result.errors
    spot = Hazard.objects.get(name="spot")
    assert spot.point.coords == SPOT and spot.radius_m == 40
    assert Hazard.objects.get(name="field").geom is not None
    # Coordinate columns alone: a layer of point hazards.
    only = tmp_path / "points.csv"
    with only.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=["lon", "lat", *FIELDS])
        writer.writeheader()
        writer.writerow({"lon": -19.4, "lat": -29.45, **row("csv spot")})
    assert import_file(only, "hazards").written == 1
    assert Hazard.objects.get(name="csv spot").point.coords == (-19.4, -29.45)


@pytest.fixture
def points(testland):
    programmes.edit_programme("XTL", point_radius_area=True)

    def make(geometry, **extra):
        return hazard_services.create_hazard(
            geometry=geometry, hazard_class="SHA", contamination_type="uxo", recorded_on=dt.date(2025, 2, 1), **extra
        )

    return {
        "spot": make(shapely.Point(*SPOT), radius_m=100.0, name="spot task"),
        "bare": make(shapely.Point(-19.3, -29.4)),
        "field": make(shapely.box(-19.8, -29.6, -19.79, -29.59), name="field"),
    }


def test_export_writes_point_hazards_to_their_own_layer_and_they_read_back(points, tmp_path):
    out = tmp_path / "all.gpkg"
    written = exporter.export("gpkg", out, ["hazards", "hazard_points"])
    assert written == {"hazards": 1, "hazard_points": 2}
    layers = dict(pyogrio.list_layers(out))
    assert layers == {"hazards": "MultiPolygon", "hazard_points": "Point"}
    meta, _fids, geoms, fields = pyogrio.raw.read(out, layer="hazard_points")
    names = list(meta["fields"])
    by_code = {fields[names.index("code")][i]: i for i in range(len(geoms))}
    spot = by_code[points["spot"].code]
    assert shapely.from_wkb(geoms[spot]).coords[0] == SPOT
    assert fields[names.index("radius_m")][spot] == 100.0
    assert fields[names.index("area_m2")][spot] == pytest.approx(math.pi * 1e4)
    assert math.isnan(fields[names.index("radius_m")][by_code[points["bare"].code]])
    assert "radius_m" not in pyogrio.read_info(out, layer="hazards")["fields"]
    if shutil.which("ogrinfo") or os.environ.get("CI") == "true":
        info = subprocess.run(
            ["ogrinfo", "-ro", "-so", str(out), "hazard_points"], capture_output=True, text=True, check=True
        ).stdout
        assert "Geometry: Point" in info and "Feature Count: 2\n" in info and "radius_m: Real" in info
    # Round trip: both layers import back to the same records (points, radius and area included).
    before = snapshot()["hazards"]
    delete_records()
    for layer in ("hazards", "hazard_points"):
        result = import_file(out, "hazards", layer=layer)
        assert result.ok, result.errors
    assert snapshot()["hazards"] == before
    # CSV and XLSX: the points as X/Y or lon/lat columns, read back as coordinates.
    folder = tmp_path / "csv"
    exporter.export("csv", folder, ["hazard_points"])
    header = (folder / "hazard_points.csv").read_text().splitlines()[0]
    assert header.startswith("X,Y,") and "radius_m" in header


def test_the_ogc_api_serves_point_hazards_as_their_own_collection(points, signed_in):
    collections = {c["id"]: c for c in signed_in.get("/ogc/collections").json()["collections"]}
    assert "hazard_points" in collections
    minx, miny, maxx, maxy = collections["hazard_points"]["extent"]["spatial"]["bbox"][0]
    assert (minx, maxy) == pytest.approx((-19.3, -29.4)) and (maxx, miny) == pytest.approx(SPOT)
    items = signed_in.get("/ogc/collections/hazard_points/items").json()
    assert {f["id"]: f["geometry"]["type"] for f in items["features"]} == {
        points["spot"].code: "Point",
        points["bare"].code: "Point",
    }
    one = signed_in.get(f"/ogc/collections/hazard_points/items/{points['spot'].code}").json()
    assert one["geometry"]["coordinates"] == list(SPOT) and one["properties"]["radius_m"] == 100.0
    polygons = signed_in.get("/ogc/collections/hazards/items?country=XTL").json()
    assert [f["id"] for f in polygons["features"]] == [points["field"].code]
    assert signed_in.get(f"/ogc/collections/hazards/items/{points['spot'].code}").status_code == 404


def test_the_map_draws_point_hazards_and_the_hazard_page_shows_one(points, signed_in):
    # The home map's hazards layer reads the API's bbox GeoJSON: the points come with the polygons.
    config = re.search(
        r'<script id="map-config" type="application/json">(.*?)</script>', signed_in.get("/").content.decode(), re.S
    )[1]
    layer = next(item for item in json.loads(config)["layers"] if item["id"] == "hazards")
    assert any(item["swatch"] == "lg-hz-point" for item in layer["legend"])
    data = signed_in.get(f"{layer['url']}?bbox=-20,-30,-19,-29&limit={layer['limit']}").json()
    kinds = {f["id"]: f["geometry"]["type"] for f in data["features"]}
    assert kinds[points["spot"].code] == "Point" and kinds[points["field"].code] == "MultiPolygon"
    spot = next(f for f in data["features"] if f["id"] == points["spot"].code)
    assert spot["properties"]["radius_m"] == 100.0
    with open("static/js/map.js", encoding="utf-8") as f:
        script = f.read()
    assert 'id: "hazard-spots"' in script and '["==", ["geometry-type"], "Point"]' in script
    # The hazard page: its coordinates, radius and area; the point and the declared radius on the map.
    html = signed_in.get(f"/hazards/{points['spot'].code}/").content.decode()
    assert 'data-point="-19.250000,-29.500000"' in html and 'data-radius-m="100.00"' in html
    assert "π r² of the declared radius" in html and "known only as a point" in html
    embedded = re.search(r'<script id="hazard-map-data" type="application/json">(.*?)</script>', html, re.S)[1]
    features = json.loads(embedded)
    assert features["hazard"]["geometry"] == {"type": "Point", "coordinates": list(SPOT)}
    ring = shapely.geometry.shape(features["radius"]["geometry"])
    assert ring.geom_type == "Polygon" and ring.contains(shapely.Point(*SPOT))
    assert 95 < (ring.bounds[3] - ring.bounds[1]) / 2 * 111_320 < 105  # 100 m north and south
