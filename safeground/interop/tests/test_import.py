"""Import: round trip through a GeoPackage, the per-row error report, formats, mapping, splitting, API, page."""

from __future__ import annotations

import csv
import datetime as dt
import io

import numpy as np
import pytest
import shapely
from django.core.management import CommandError, call_command
from pyogrio.raw import write as ogr_write
from pyproj import Transformer

from safeground.core.tests.fixtures import BATTAMBANG, square
from safeground.interop import exporter
from safeground.interop.services import ImportFailed, import_file
from safeground.interop.tests.conftest import counts, delete_records, snapshot
from safeground.landrelease.ledger import store as ledger_store

pytestmark = pytest.mark.django_db

KINDS_IN_ORDER = ("hazards", "activities", "products", "devices")


def write_points(path, rows: list[dict], points: list[tuple[float, float]], crs="EPSG:4326", driver=None, layer=None):
    """A point layer with string columns (dates as text) written by GDAL."""
    names = list(rows[0])
    data = [np.array([r[n] for r in rows], dtype=object) for n in names]
    geometry = shapely.to_wkb(shapely.points(points))
    ogr_write(str(path), geometry, data, names, driver=driver, layer=layer, geometry_type="Point", crs=crs)


def write_polygons(path, rows: list[dict], polygons, driver=None, layer=None, crs="EPSG:4326"):
    names = list(rows[0])
    data = [np.array([r[n] for r in rows], dtype=object) for n in names]
    ogr_write(
        str(path),
        shapely.to_wkb(np.array(polygons, dtype=object)),
        data,
        names,
        driver=driver,
        layer=layer,
        geometry_type="Polygon",
        crs=crs,
    )


def test_round_trip_through_a_geopackage_gives_identical_records(dataset, tmp_path):
    before = snapshot()
    assert {k: len(v) for k, v in before.items()} == {"hazards": 3, "activities": 2, "products": 3, "devices": 4}
    out = tmp_path / "all.gpkg"
    exporter.export("gpkg", out)
    delete_records()
    assert counts()["Hazard"] == 0 and counts()["Device"] == 0

    for kind in KINDS_IN_ORDER:
        result = import_file(out, kind, layer=kind)
        assert result.ok, result.errors
        assert result.written == len(before[kind])

    after = snapshot()
    assert after == before
    assert ledger_store.verify() == []


def test_one_bad_row_imports_nothing_and_is_reported(dataset, tmp_path):
    lon, lat = BATTAMBANG
    rows = [
        dict(category="ap_mine", disposal="destroyed_in_situ", found_on="2024-02-01", activity_code="KH-CLR-TEST-1"),
        dict(category="ap_mine", disposal="destroyed_in_situ", found_on="2024-02-02", activity_code="KH-CLR-TEST-1"),
        dict(category="banana", disposal="destroyed_in_situ", found_on="2024-02-03", activity_code="KH-CLR-TEST-1"),
        dict(category="uxo", disposal="destroyed_in_situ", found_on="2024-02-04", activity_code="KH-CLR-TEST-1"),
    ]
    path = tmp_path / "devices.geojson"
    write_points(path, rows, [(lon, lat), (lon + 0.001, lat), (lon + 0.002, lat), (lon + 0.003, lat)])
    before = counts()

    with pytest.raises(CommandError, match="nothing was written"):
        call_command("import", str(path), "--kind", "devices", "--no-progress", stdout=io.StringIO())

    assert counts() == before
    report = list(csv.DictReader(open(str(path) + ".errors.csv", encoding="utf-8")))
    assert report == [
        {
            "row": "3",
            "field": "category",
            "value": "banana",
            "reason": "must be one of ap_mine, at_mine, submunition, uxo, axo, ied, booby_trap, other",
        }
    ]


def test_every_kind_of_row_problem_is_named(dataset, tmp_path):
    lon, lat = BATTAMBANG
    rows = [
        dict(code="X-1", hazard_class="SHA", contamination_type="ap_mines", recorded_on="2024-13-01"),
        dict(code="X-1", hazard_class="SHA", contamination_type="ap_mines", recorded_on="2024-01-01"),
        dict(code="X-3", hazard_class="XXL", contamination_type="ap_mines", recorded_on="2024-01-01"),
        dict(code=dataset["hazards"][0].code, hazard_class="CHA", contamination_type="uxo", recorded_on="2024-01-01"),
        dict(code="X-5", hazard_class="CHA", contamination_type="uxo", recorded_on="2024-01-01"),
    ]
    bowtie = shapely.Polygon([(lon, lat), (lon + 0.002, lat + 0.002), (lon + 0.002, lat), (lon, lat + 0.002)])
    outside = shapely.box(100.0, 15.0, 100.01, 15.01)  # Thailand
    geoms = [
        shapely.box(lon, lat + 0.01, lon + 0.001, lat + 0.011),
        shapely.box(lon, lat + 0.02, lon + 0.001, lat + 0.021),
        shapely.box(lon, lat + 0.03, lon + 0.001, lat + 0.031),
        bowtie,
        outside,
    ]
    path = tmp_path / "hazards.gpkg"
    write_polygons(path, rows, geoms)
    before = counts()
    result = import_file(path, "hazards")
    assert counts() == before
    found = {(e.row, e.field): e for e in result.errors}
    assert set(found) == {
        (1, "recorded_on"),
        (2, "code"),
        (3, "hazard_class"),
        (4, "code"),
        (4, "geometry"),
        (5, "geometry"),
    }
    assert found[(1, "recorded_on")].value == "2024-13-01"
    assert "duplicate code (also on row 1)" in found[(2, "code")].reason
    assert "already exists" in found[(4, "code")].reason
    assert "Self-intersection" in found[(4, "geometry")].reason
    assert "outside every country" in found[(5, "geometry")].reason


def test_repair_makes_an_invalid_polygon_valid_only_when_asked(dataset, tmp_path):
    lon, lat = BATTAMBANG[0], BATTAMBANG[1] + 0.05
    bowtie = shapely.Polygon([(lon, lat), (lon + 0.002, lat + 0.002), (lon + 0.002, lat), (lon, lat + 0.002)])
    path = tmp_path / "bowtie.geojson"
    write_polygons(path, [dict(hazard_class="SHA", contamination_type="uxo", recorded_on="2024-01-01")], [bowtie])
    refused = import_file(path, "hazards")
    assert [e.field for e in refused.errors] == ["geometry"]
    repaired = import_file(path, "hazards", repair=True)
    assert repaired.ok and repaired.written == 1
    from safeground.hazards.models import Hazard

    stored = Hazard.objects.get(code=repaired.codes[0])
    assert stored.geom.valid and stored.geom.num_geom == 2  # the bow tie's two triangles
    assert stored.code.startswith("KH02-HAZ-")  # Battambang's province code, numbered after the others


def test_dry_run_validates_and_writes_nothing(dataset, tmp_path):
    out = tmp_path / "all.gpkg"
    exporter.export("gpkg", out, ["devices"])
    from safeground.landrelease.models import Device

    Device.objects.all().delete()
    before = counts()
    result = import_file(out, "devices", dry_run=True)
    assert result.ok and result.dry_run and result.written == 0 and result.rows == 4
    assert counts() == before


def test_csv_with_coordinate_columns_and_a_mapping(dataset, tmp_path):
    """A spreadsheet-style CSV: other column names, other vocabulary, day-first dates."""
    lon, lat = BATTAMBANG
    path = tmp_path / "finds.csv"
    path.write_text(
        "ID,Type,Found,Disposal,Long,Lat,Task\n"
        f"F-1,AP Mine,03/02/2024,Destroyed,{lon - 0.001},{lat},KH-CLR-TEST-1\n"
        f"F-2,UXO,04/02/2024,Destroyed,{lon + 0.001},{lat},KH-CLR-TEST-1\n",
        encoding="utf-8",
    )
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(
        "fields: {ID: code, Type: category, Found: found_on, Disposal: disposal, Task: activity_code}\n"
        "values:\n  category: {AP Mine: ap_mine, UXO: uxo}\n  disposal: {Destroyed: destroyed_in_situ}\n"
        "dates: '%d/%m/%Y'\n"
        "coordinates: {lon: Long, lat: Lat}\n",
        encoding="utf-8",
    )
    result = import_file(path, "devices", mapping=mapping)
    assert result.ok, result.errors
    from safeground.landrelease.models import Device

    d = Device.objects.get(code="F-1")
    assert (d.category, d.found_on, d.disposal) == ("ap_mine", dt.date(2024, 2, 3), "destroyed_in_situ")
    assert (round(d.point.x, 6), round(d.point.y, 6)) == (round(lon - 0.001, 6), round(lat, 6))
    # Bulk-written (decision 0015): no per-row history row; the "created" entry comes from the batch.
    assert d.history.count() == 0
    from safeground.core.history import history_entries

    [created] = history_entries(d)
    assert created["history_type"] == "created"
    assert created["batch"]["kind"] == "devices" and created["batch"]["source"] == "finds.csv"
    assert created["batch"]["rows"] == 2


def test_shapefile_in_indian_1960_utm_48n_lands_where_pyproj_puts_it(dataset, tmp_path):
    """A zipped Shapefile in EPSG:3148 (Indian 1960 / UTM 48N): reprojected with pyproj, within 1 m."""
    import zipfile

    to_local = Transformer.from_crs(4326, 3148, always_xy=True)
    e, n = to_local.transform(BATTAMBANG[0] + 0.0005, BATTAMBANG[1] + 0.0005)
    folder = tmp_path / "shp"
    folder.mkdir()
    write_points(
        folder / "finds.shp",
        [dict(category="uxo", disposal="destroyed_in_situ", found_on="2024-01-05", act_code="KH-CLR-TEST-1")],
        [(e, n)],
        crs="EPSG:3148",
    )
    archive = tmp_path / "finds.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for f in folder.iterdir():
            z.write(f, f.name)
    result = import_file(archive, "devices")
    assert result.ok, result.errors
    from safeground.landrelease.models import Device

    stored = Device.objects.get(code=result.codes[0])
    expected = Transformer.from_crs(3148, 4326, always_xy=True).transform(e, n)
    utm = Transformer.from_crs(4326, 32648, always_xy=True)
    dx, dy = np.subtract(utm.transform(stored.point.x, stored.point.y), utm.transform(*expected))
    assert (dx**2 + dy**2) ** 0.5 < 1.0
    assert stored.code == "KH-CLR-TEST-1-EO-001"  # no product: numbered under its activity


def test_product_without_a_hazard_is_split_among_the_hazards_it_overlaps(dataset, tmp_path):
    first, second, _az = dataset["hazards"]
    lon, lat = BATTAMBANG
    # Spans the gap between the two Battambang hazards: 0.002° in the first, 0.002° in the second.
    geom = shapely.box(lon + 0.0, lat - 0.001, lon + 0.01, lat + 0.001)
    path = tmp_path / "product.geojson"
    write_polygons(
        path, [dict(code="P-SPAN", outcome="reduced", released_on="2024-04-01", activity_code="KH-CLR-TEST-1")], [geom]
    )
    result = import_file(path, "products")
    assert result.ok, result.errors
    from safeground.landrelease.models import Product

    pieces = {p.hazard.code: p for p in Product.objects.filter(code__startswith="P-SPAN")}
    assert set(pieces) == {first.code, second.code}
    assert sorted(p.code for p in pieces.values()) == ["P-SPAN-1", "P-SPAN-2"]
    whole = shapely.from_wkb(bytes(Product.objects.get(code="P-SPAN-1").geom.wkb)).union(
        shapely.from_wkb(bytes(Product.objects.get(code="P-SPAN-2").geom.wkb))
    )
    assert whole.symmetric_difference(geom).area < 1e-12  # nothing lost, nothing added
    assert any("split" in n for n in result.notes)
    assert ledger_store.verify() == []


def test_unknown_layer_and_missing_crs_fail_as_a_whole(dataset, tmp_path):
    out = tmp_path / "all.gpkg"
    exporter.export("gpkg", out, ["hazards", "devices"])
    with pytest.raises(ImportFailed, match="several layers"):
        import_file(out, "products")
    with pytest.raises(ImportFailed, match="no layer nope"):
        import_file(out, "products", layer="nope")


def test_api_upload_dry_run_then_import(dataset, api, tmp_path):
    lon, lat = BATTAMBANG
    path = tmp_path / "villages.geojson"
    write_points(
        path,
        [
            dict(code="99990001", name="Phum Thmei", kind="village"),
            dict(code="99990002", name="Phum Chas", kind="village"),
        ],
        [(lon, lat), (lon + 0.01, lat)],
    )
    before = counts()
    with open(path, "rb") as fh:
        r = api.post("/api/v1/interop/import", {"file": fh, "kind": "places", "dry_run": "true"})
    assert r.status_code == 200, r.content
    assert r.json()["ok"] is True and r.json()["written"] == 0
    assert counts() == before
    with open(path, "rb") as fh:
        r = api.post("/api/v1/interop/import", {"file": fh, "kind": "places"})
    assert r.status_code == 201, r.content
    from safeground.gazetteer.models import Place

    village = Place.objects.get(code="99990001", kind="village")
    assert village.country == "KHM" and village.admin_area.level == 3


def test_api_upload_reports_bad_rows_and_needs_a_token(dataset, api, tmp_path):
    from django.test import Client

    path = tmp_path / "villages.geojson"
    write_points(path, [dict(code="99990003", name="", kind="hamlet")], [BATTAMBANG])
    with open(path, "rb") as fh:
        assert Client().post("/api/v1/interop/import", {"file": fh, "kind": "places"}).status_code == 401
    before = counts()
    with open(path, "rb") as fh:
        r = api.post("/api/v1/interop/import", {"file": fh, "kind": "places"})
    assert r.status_code == 422
    body = r.json()
    assert {(e["row"], e["field"]) for e in body["errors"]} == {(1, "name"), (1, "kind")}
    assert counts() == before


def test_import_page_shows_the_error_report(dataset, client, user, tmp_path):
    path = tmp_path / "hazards.geojson"
    write_polygons(
        path,
        [dict(hazard_class="SHA", contamination_type="uxo", recorded_on="not a date")],
        [shapely.geometry.shape(square(BATTAMBANG[0], BATTAMBANG[1] + 0.05))],
    )
    client.force_login(user)
    before = counts()
    with open(path, "rb") as fh:
        r = client.post("/interop/", {"file": fh, "kind": "hazards"})
    assert r.status_code == 422
    html = r.content.decode()
    assert "Nothing was written" in html and "not a date (YYYY-MM-DD)" in html and "recorded_on" in html
    assert "data:text/csv;base64," in html
    assert counts() == before
    with open(path, "rb") as fh:
        anonymous = client.__class__().post("/interop/", {"file": fh, "kind": "hazards"})
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")


def test_an_impossible_date_in_geojson_is_a_row_error_not_an_unreadable_file(dataset, tmp_path):
    path = tmp_path / "hazards.geojson"
    lon, lat = BATTAMBANG[0], BATTAMBANG[1] + 0.05
    write_polygons(
        path,
        [dict(hazard_class="SHA", contamination_type="uxo", recorded_on=d) for d in ("2024-01-05", "2024-02-30")],
        [shapely.box(lon, lat, lon + 0.001, lat + 0.001), shapely.box(lon, lat + 0.01, lon + 0.001, lat + 0.011)],
    )
    before = counts()
    result = import_file(path, "hazards")
    assert [(e.row, e.field, e.value) for e in result.errors] == [(2, "recorded_on", "2024-02-30")]
    assert counts() == before


def test_csv_with_dms_coordinates_uses_the_gazetteer_parser(dataset, tmp_path):
    path = tmp_path / "finds.csv"
    path.write_text(
        "code,category,disposal,found_on,activity_code,lat,lon\n"
        "D-1,uxo,destroyed_in_situ,2024-01-02,KH-CLR-TEST-1,13°03'00\"N,103°03'00\"E\n"
        "D-2,uxo,destroyed_in_situ,2024-01-02,KH-CLR-TEST-1,13°03'N,\n",
        encoding="utf-8",
    )
    mapping = tmp_path / "dms.yaml"
    mapping.write_text("coordinates: {lat: lat, lon: lon, format: dms}\n", encoding="utf-8")
    before = counts()
    bad = import_file(path, "devices", mapping=mapping)
    assert [(e.row, e.field, e.reason) for e in bad.errors] == [(2, "geometry", "no geometry")]
    assert counts() == before
    path.write_text("\n".join(path.read_text(encoding="utf-8").splitlines()[:2]) + "\n", encoding="utf-8")
    result = import_file(path, "devices", mapping=mapping)
    assert result.ok, result.errors
    from safeground.landrelease.models import Device

    point = Device.objects.get(code="D-1").point
    assert (round(point.x, 9), round(point.y, 9)) == (103.05, 13.05)
