"""Export: a GeoPackage that GDAL's own `ogrinfo` reads with the expected layers, counts and field types."""

from __future__ import annotations

import math
import os
import shutil
import subprocess
import zipfile

import pyogrio
import pytest

from safeground.gazetteer.models import AdminArea, Place
from safeground.interop import exporter
from safeground.interop.layers import LAYERS

pytestmark = pytest.mark.django_db

needs_ogrinfo = pytest.mark.skipif(
    shutil.which("ogrinfo") is None and os.environ.get("CI") != "true", reason="gdal-bin (ogrinfo) is not installed"
)


@needs_ogrinfo
def test_ogrinfo_reads_the_geopackage_with_every_layer(dataset, tmp_path):
    out = tmp_path / "safeground.gpkg"
    written = exporter.export("gpkg", out)
    expected = {
        "hazards": 3,
        "hazard_points": 0,
        "remaining_areas": 3,
        "products": 3,
        "devices": 4,
        "activities": 2,
        "accidents": 0,
        "admin_areas": AdminArea.objects.count(),
        "places": Place.objects.count(),
    }
    assert written == expected
    listing = subprocess.run(["ogrinfo", "-ro", "-so", str(out)], capture_output=True, text=True, check=True).stdout
    for k, layer in enumerate(LAYERS, start=1):
        points = ("hazard_points", "devices", "activities", "accidents", "places")
        kind = "Point" if layer in points else "Multi Polygon"
        assert f"{k}: {layer} ({kind})" in listing
    for layer, n in expected.items():
        info = subprocess.run(
            ["ogrinfo", "-ro", "-so", str(out), layer], capture_output=True, text=True, check=True
        ).stdout
        assert f"Feature Count: {n}\n" in info
        assert 'ID["EPSG",4326]' in info
    hazards = subprocess.run(["ogrinfo", "-ro", "-so", str(out), "hazards"], capture_output=True, text=True).stdout
    for line in (
        "recorded_on: Date",
        "area_m2: Real",
        "utm_epsg: Integer (",
        "code: String",
        "is_synthetic: Integer(Boolean)",
    ):
        assert line in hazards
    devices = subprocess.run(["ogrinfo", "-ro", "-so", str(out), "devices"], capture_output=True, text=True).stdout
    assert "found_on: Date" in devices and "count: Integer (" in devices and "depth_cm: Integer (" in devices


def test_a_null_integer_stays_null(dataset, tmp_path):
    out = tmp_path / "devices.gpkg"
    exporter.export("gpkg", out, ["devices"])
    table = pyogrio.raw.read(out, layer="devices")
    names = list(table[0]["fields"])
    depth = table[3][names.index("depth_cm")]
    code = table[3][names.index("code")]
    assert table[0]["dtypes"][names.index("found_on")] == "datetime64[D]"
    by_code = dict(zip(code.tolist(), depth.tolist(), strict=True))
    missing = by_code["AZ-EOD-TEST-1-EO-001"]
    assert missing is None or math.isnan(missing)  # a missing depth is not written as 0
    assert by_code["KH02-HAZ-000001-LR-001-EO-001"] == 10


@pytest.mark.parametrize("fmt", ["geojson", "shp", "kml", "csv", "xlsx"])
def test_other_formats_zip_one_file_per_layer(dataset, tmp_path, fmt):
    out = tmp_path / f"export-{fmt}.zip"
    counts = exporter.export(fmt, out, ["hazards", "devices"])
    assert counts == {"hazards": 3, "devices": 4}
    with zipfile.ZipFile(out) as z:
        names = z.namelist()
        z.extractall(tmp_path / fmt)
    ext = exporter.FORMATS[fmt][1]
    assert f"hazards{ext}" in names and f"devices{ext}" in names
    table = pyogrio.raw.read(tmp_path / fmt / f"devices{ext}")
    assert len(table[3][0]) == 4


def test_shapefile_export_re_imports_with_its_short_field_names(dataset, tmp_path):
    from safeground.interop.services import import_file
    from safeground.interop.tests.conftest import snapshot
    from safeground.landrelease.models import Device

    out = tmp_path / "devices.zip"
    exporter.export("shp", out, ["devices"])
    before = snapshot()["devices"]
    Device.objects.all().delete()
    result = import_file(out, "devices")
    assert result.ok, result.errors
    assert snapshot()["devices"] == before


def test_api_export_download(dataset, signed_in):
    r = signed_in.get("/api/v1/interop/export?format=gpkg&layers=hazards,devices")
    assert r.status_code == 200
    assert r["Content-Type"] == "application/geopackage+sqlite3"
    body = b"".join(r.streaming_content)
    assert body.startswith(b"SQLite format 3\x00")
    bad = signed_in.get("/api/v1/interop/export?format=gpkg&layers=minefields")
    assert bad.status_code == 422 and "minefields" in bad.json()["detail"]


def test_page_export_download(dataset, signed_in):
    r = signed_in.get("/interop/export?format=csv&layers=devices")
    assert r.status_code == 200 and r["Content-Type"] == "application/zip"
    assert b"".join(r.streaming_content).startswith(b"PK\x03\x04")
