"""Hostile or broken files fail cleanly, with a clear message, before GDAL parses them; nothing is written."""

from __future__ import annotations

import zipfile

import pytest

from safeground.interop import exporter, formats
from safeground.interop.services import ImportFailed, import_file
from safeground.interop.tests.conftest import counts

pytestmark = pytest.mark.django_db

KML_XXE = """<?xml version="1.0"?>
<!DOCTYPE kml [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document><Placemark><name>&xxe;</name>
<Point><coordinates>103.05,13.05</coordinates></Point></Placemark></Document></kml>
"""


def refused(path, kind="devices", match=None):
    before = counts()
    with pytest.raises(ImportFailed, match=match) as info:
        import_file(path, kind)
    assert counts() == before
    return str(info.value)


def test_truncated_zip(dataset, tmp_path):
    out = tmp_path / "devices.zip"
    exporter.export("shp", out, ["devices"])
    data = out.read_bytes()
    cut = tmp_path / "cut.zip"
    cut.write_bytes(data[: len(data) // 2])
    message = refused(cut, match="truncated or corrupt")
    assert "cut.zip" in message


def test_a_text_file_named_gpkg(dataset, tmp_path):
    fake = tmp_path / "hazards.gpkg"
    fake.write_text("code,name\nKH-1,not a geopackage\n", encoding="utf-8")
    assert refused(fake, "hazards", match="not a GeoPackage file") == (
        "hazards.gpkg is not a GeoPackage file: its content does not match its extension"
    )


def test_a_geopackage_named_csv(dataset, tmp_path):
    out = tmp_path / "real.gpkg"
    exporter.export("gpkg", out, ["devices"])
    renamed = tmp_path / "devices.csv"
    renamed.write_bytes(out.read_bytes())
    refused(renamed, match="not a CSV file")


def test_kml_with_an_external_entity(dataset, tmp_path):
    kml = tmp_path / "finds.kml"
    kml.write_text(KML_XXE, encoding="utf-8")
    assert "declares a DOCTYPE or entities" in refused(kml, "places")


def test_kmz_with_an_external_entity(dataset, tmp_path):
    kmz = tmp_path / "finds.kmz"
    with zipfile.ZipFile(kmz, "w") as z:
        z.writestr("doc.kml", KML_XXE)
    assert "finds.kmz:doc.kml declares a DOCTYPE" in refused(kmz, "places")


def test_zip_bomb_by_ratio(dataset, tmp_path):
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("devices.geojson", b"{" + b" " * (64 * 1024 * 1024) + b"}")
    assert bomb.stat().st_size < 1024 * 1024
    message = refused(bomb, match="likely zip bomb")
    assert "devices.geojson would expand" in message


def test_zip_bomb_by_total_size(dataset, tmp_path, monkeypatch):
    monkeypatch.setattr(formats, "MAX_UNCOMPRESSED", 1000)
    archive = tmp_path / "big.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_STORED) as z:
        z.writestr("devices.geojson", b"{" + b" " * 2000 + b"}")
    assert "more than the 1,000 accepted" in refused(archive)


def test_path_traversal_in_a_zip_member(dataset, tmp_path):
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("../../outside.geojson", '{"type": "FeatureCollection", "features": []}')
    assert "points outside the archive (path traversal)" in refused(archive)
    assert not (tmp_path.parent / "outside.geojson").exists()


def test_unsupported_extension_and_empty_file(dataset, tmp_path):
    odd = tmp_path / "finds.exe"
    odd.write_bytes(b"MZ")
    assert "unsupported file type .exe" in refused(odd)
    empty = tmp_path / "empty.geojson"
    empty.write_bytes(b"")
    assert refused(empty) == "empty.geojson is empty"
