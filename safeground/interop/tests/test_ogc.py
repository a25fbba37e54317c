"""OGC API – Features: landing, conformance, collections, items (paging, bbox, filters), items, 404s; GDAL's OAPIF."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from safeground.core.tests.fixtures import BATTAMBANG

pytestmark = pytest.mark.django_db

GEOJSON = "application/geo+json"


def test_landing_page_json_and_html(signed_in):
    r = signed_in.get("/ogc/")
    assert r.status_code == 200 and r["Content-Type"] == "application/json"
    rels = {link["rel"]: link["href"] for link in r.json()["links"]}
    assert rels["conformance"] == "http://testserver/ogc/conformance"
    assert rels["data"] == "http://testserver/ogc/collections"
    assert rels["service-desc"] == "http://testserver/ogc/api"
    html = signed_in.get("/ogc/", HTTP_ACCEPT="text/html,application/xhtml+xml")
    assert html.status_code == 200 and html["Content-Type"].startswith("text/html")
    assert "hazards" in html.content.decode() and "conf/core" in html.content.decode()


def test_conformance_and_openapi(signed_in):
    conforms = signed_in.get("/ogc/conformance").json()["conformsTo"]
    assert "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core" in conforms
    assert "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson" in conforms
    assert "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30" in conforms
    doc = signed_in.get("/ogc/api")
    assert doc["Content-Type"] == "application/vnd.oai.openapi+json;version=3.0"
    paths = doc.json()["paths"]
    assert "/collections/hazards/items" in paths and "/collections/devices/items/{featureId}" in paths


def test_collections_with_extents(dataset, signed_in):
    body = signed_in.get("/ogc/collections").json()
    ids = [c["id"] for c in body["collections"]]
    assert ids == [
        "hazards",
        "hazard_points",
        "products",
        "devices",
        "activities",
        "accidents",
        "admin_areas",
        "places",
    ]
    hazards = signed_in.get("/ogc/collections/hazards").json()
    minx, miny, maxx, maxy = hazards["extent"]["spatial"]["bbox"][0]
    assert minx < 48 and maxx > 103 and miny < 13.1 and maxy > 39.5  # Fuzuli to Battambang
    assert signed_in.get("/ogc/collections/minefields").status_code == 404


def test_items_paging_numbers_and_links(dataset, signed_in):
    r = signed_in.get("/ogc/collections/devices/items?limit=3")
    assert r.status_code == 200 and r["Content-Type"] == GEOJSON
    first = r.json()
    assert (first["numberMatched"], first["numberReturned"]) == (4, 3)
    links = {link["rel"]: link["href"] for link in first["links"]}
    assert "prev" not in links
    assert links["next"] == "http://testserver/ogc/collections/devices/items?limit=3&offset=3"
    second = signed_in.get(links["next"]).json()
    assert second["numberReturned"] == 1
    assert {link["rel"] for link in second["links"]} >= {"self", "prev"}
    assert "next" not in {link["rel"] for link in second["links"]}
    codes = [f["id"] for f in first["features"] + second["features"]]
    assert len(set(codes)) == 4


def test_items_bbox_and_property_filters(dataset, signed_in):
    lon, lat = BATTAMBANG
    box = f"{lon - 0.01},{lat - 0.01},{lon + 0.02},{lat + 0.01}"
    in_box = signed_in.get(f"/ogc/collections/hazards/items?bbox={box}").json()
    assert in_box["numberMatched"] == 2
    assert {f["properties"]["country"] for f in in_box["features"]} == {"KHM"}
    sha = signed_in.get("/ogc/collections/hazards/items?hazard_class=SHA").json()
    assert [f["properties"]["hazard_class"] for f in sha["features"]] == ["SHA"]
    dated = signed_in.get("/ogc/collections/products/items?datetime=2024-03-02/..").json()
    assert sorted(f["properties"]["outcome"] for f in dated["features"]) == ["cancelled", "reduced"]
    bad = signed_in.get("/ogc/collections/hazards/items?colour=red")
    assert bad.status_code == 400 and "colour" in bad.json()["description"]
    assert signed_in.get("/ogc/collections/hazards/items?bbox=1,2,3").status_code == 400
    assert signed_in.get("/ogc/collections/hazards/items?limit=0").status_code == 400


def test_single_item_and_404(dataset, signed_in):
    code = dataset["hazards"][0].code
    r = signed_in.get(f"/ogc/collections/hazards/items/{code}")
    assert r.status_code == 200 and r["Content-Type"] == GEOJSON
    body = r.json()
    assert body["id"] == code and body["geometry"]["type"] == "MultiPolygon"
    missing = signed_in.get("/ogc/collections/hazards/items/KH-NOPE")
    assert missing.status_code == 404 and missing.json()["code"] == "NotFound"
    place = signed_in.get("/ogc/collections/admin_areas/items/KH02").json()
    assert place["properties"]["level"] == 1


@pytest.mark.skipif(
    shutil.which("ogrinfo") is None and os.environ.get("CI") != "true", reason="gdal-bin (ogrinfo) is not installed"
)
def test_gdal_reads_the_ogc_api(dataset, served, token):
    """As QGIS or ogr2ogr would, with the account's API token in the Authorization header."""
    url = f"OAPIF:{served}/ogc"
    refused = subprocess.run(["ogrinfo", "-ro", "-so", url], capture_output=True, text=True, timeout=120)
    assert refused.returncode != 0 and "401" in refused.stderr
    env = {**os.environ, "GDAL_HTTP_HEADERS": f"Authorization: Bearer {token}"}
    listing = subprocess.run(["ogrinfo", "-ro", "-so", url], capture_output=True, text=True, timeout=120, env=env)
    assert listing.returncode == 0, listing.stderr
    layers = ["hazards", "hazard_points", "products", "devices", "activities", "accidents", "admin_areas", "places"]
    for k, layer in enumerate(layers, start=1):
        assert f"{k}: {layer} " in listing.stdout
    info = subprocess.run(
        ["ogrinfo", "-ro", "-so", url, "hazards"], capture_output=True, text=True, timeout=120, env=env
    )
    assert "Feature Count: 3\n" in info.stdout and "Geometry: Multi Polygon" in info.stdout
    # Every feature, through the next links (GDAL pages 10 at a time by default; 4 devices → -oo PAGE_SIZE=2).
    features = subprocess.run(
        ["ogrinfo", "-ro", "-al", "-oo", "PAGE_SIZE=2", url, "devices"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert features.stdout.count("OGRFeature(devices)") == 4
