"""The GeoPackage export carries the exported records' photos and documents (Testland, qm_world)."""

import sqlite3

import pytest
from pyogrio import list_layers

from safeground.attachments import services as attachments
from safeground.attachments.tests.photos import PDF, photo
from safeground.interop import exporter

pytestmark = pytest.mark.django_db


def test_geopackage_holds_an_attachments_table_with_the_files(qm_world, tmp_path):
    hazard, product = qm_world["hazard"], qm_world["product"]
    user = qm_world["users"]["im"]
    attachments.attach(hazard, name="sign.jpg", content=photo(lonlat=(-19.85, -29.85)), user=user, caption="Sign")
    attachments.attach(product, name="report.pdf", content=PDF, user=user)
    gone = attachments.attach(product, name="old.pdf", content=PDF, user=user)
    attachments.remove(gone, user=user)

    out = tmp_path / "export.gpkg"
    exporter.export("gpkg", out, layers=["hazards", "products"])
    assert "attachments" in {name for name, _type in list_layers(out)}
    with sqlite3.connect(out) as db:
        rows = db.execute(
            "SELECT kind, code, name, media_type, caption, lon, data FROM attachments ORDER BY kind"
        ).fetchall()
        kind = db.execute("SELECT data_type FROM gpkg_contents WHERE table_name = 'attachments'").fetchone()
    assert kind == ("attributes",)
    assert [(r[0], r[1], r[2], r[3]) for r in rows] == [
        ("hazards.hazard", hazard.code, "sign.jpg", "image/jpeg"),
        ("landrelease.product", product.code, "report.pdf", "application/pdf"),
    ]
    assert rows[0][4] == "Sign" and rows[0][5] == pytest.approx(-19.85) and bytes(rows[1][6]) == PDF


def test_layers_without_attachable_records_add_no_table(qm_world, tmp_path):
    out = tmp_path / "areas.gpkg"
    exporter.export("gpkg", out, layers=["admin_areas"])
    assert "attachments" not in {name for name, _type in list_layers(out)}
