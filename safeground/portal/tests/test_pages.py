"""The map page, the hazard page and the vendored static files they need.

Rows are created with the ORM directly so these tests depend neither on the API nor on services.
"""

import datetime as dt
import json
import re
from pathlib import Path

import pytest
import shapely
from django.conf import settings
from django.contrib.gis.geos import GEOSGeometry, Point
from django.contrib.staticfiles import finders
from django.urls import reverse

from safeground.core.geometry import area_m2
from safeground.gazetteer.models import AdminArea
from safeground.hazards.models import Beneficiary, Evidence, Hazard
from safeground.landrelease.models import Device, Product
from safeground.operations.models import Activity
from safeground.organisations.models import Organisation

LON, LAT = 102.9, 13.0  # Battambang, Cambodia
STATIC_FILES = [
    "vendor/maplibre-gl/maplibre-gl.js",
    "vendor/maplibre-gl/maplibre-gl.css",
    "vendor/maplibre-gl/LICENSE.txt",
    "vendor/htmx/htmx.min.js",
    "vendor/htmx/LICENSE",
    "css/safeground.css",
    "js/map.js",
]


#: The page's own queries (≈ 10) plus the signed-in account's session, user and permissions, and its
#: roles (whether to offer "Propose a change"), and one for the photos of the hazard and its evidence.
PAGE_QUERIES = 18


def _multipolygon(geom) -> GEOSGeometry:
    if geom.geom_type == "Polygon":
        geom = shapely.MultiPolygon([geom])
    return GEOSGeometry(geom.wkt, srid=4326)


def _area(code: str, level: int, parent, half: float) -> AdminArea:
    box = shapely.box(LON - half, LAT - half, LON + half, LAT + half)
    return AdminArea.objects.create(
        country="KHM", level=level, code=code, name=f"Test area {code}", parent=parent, geom=_multipolygon(box)
    )


def make_hazard(code: str = "KH-BTB-HAZ-T00001", **extra) -> Hazard:
    """A ~4.9 ha CHA in Battambang with its province, district and commune (test-only codes)."""
    province = _area("ZZTEST-P", 1, None, 0.2)
    district = _area("ZZTEST-D", 2, province, 0.05)
    commune = _area("ZZTEST-C", 3, district, 0.01)
    poly = shapely.box(LON - 0.001, LAT - 0.001, LON + 0.001, LAT + 0.001)
    fields = {
        "code": code,
        "name": "Rice field north of the pagoda",
        "hazard_class": "CHA",
        "status": "open",
        "contamination_type": "ap_mines",
        "geom": _multipolygon(poly),
        "benchmark": Point(LON - 0.0012, LAT - 0.0012, srid=4326),
        "country": "KHM",
        "province": province,
        "district": district,
        "commune": commune,
        "recorded_on": dt.date(2024, 1, 15),
        "area_m2": area_m2(poly),
        "utm_epsg": 32648,
    }
    fields.update(extra)
    return Hazard.objects.create(**fields)


def add_operations(hazard: Hazard, products: int = 2, devices_per_product: int = 2) -> None:
    """Evidence, beneficiaries, one clearance activity, its products and the devices found."""
    org = Organisation.objects.create(name="Test Demining", acronym="TDM", kind="operator", country="KHM")
    Evidence.objects.create(hazard=hazard, kind="direct", evidence_type="device_seen", description="PMN seen")
    Evidence.objects.create(hazard=hazard, kind="indirect", evidence_type="local_informant")
    Beneficiary.objects.create(hazard=hazard, status="expected", people=120, land_use="agriculture")
    activity = Activity.objects.create(
        code="KH-CLR-T00001",
        activity_type="clearance",
        organisation=org,
        methods=["manual"],
        reference_point=Point(LON, LAT, srid=4326),
        country="KHM",
        start_date=dt.date(2024, 2, 1),
        status="ongoing",
    )
    activity.hazards.add(hazard)
    for p in range(products):
        strip = shapely.box(LON - 0.001, LAT - 0.001 + p * 0.0005, LON + 0.001, LAT - 0.0005 + p * 0.0005)
        product = Product.objects.create(
            code=f"KH-LR-T0000{p + 1}",
            activity=activity,
            hazard=hazard,
            outcome="cleared",
            geom=_multipolygon(strip),
            released_on=dt.date(2024, 3, 1 + p),
            clearance_depth_cm=13,
            area_m2=area_m2(strip),
        )
        for d in range(devices_per_product):
            Device.objects.create(
                code=f"KH-DEV-T{p}{d}",
                product=product,
                activity=activity,
                point=Point(LON - 0.0005, LAT - 0.0008 + p * 0.0005, srid=4326),
                category="ap_mine",
                disposal="destroyed_in_situ",
                found_on=dt.date(2024, 2, 20),
                count=d + 1,
            )


@pytest.mark.django_db
def test_home_page_loads_the_vendored_map(signed_in):
    response = signed_in.get(reverse("home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert f"{settings.STATIC_URL}vendor/maplibre-gl/maplibre-gl.js" in html
    assert f"{settings.STATIC_URL}vendor/maplibre-gl/maplibre-gl.css" in html
    assert f"{settings.STATIC_URL}js/map.js" in html
    assert 'id="map"' in html and 'data-map="overview"' in html
    assert "Synthetic demo data" not in html
    # No CDN or other off-site assets: every script and stylesheet is served by SafeGround.
    for src in re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html):
        assert src.startswith("/"), src
    # Everything map.js needs is in the JSON config; no inline code.
    config = json.loads(re.search(r'<script id="map-config" type="application/json">(.*?)</script>', html, re.S)[1])
    assert config["api"] == "/api/v1"
    assert config["detailUrl"] == "/hazards/__CODE__/"
    assert [c["code"] for c in config["countries"]] == ["AZE", "KHM"]  # the programmes, by name
    assert re.findall(r"<script>", html) == []


@pytest.mark.django_db
def test_home_page_shows_the_synthetic_banner_when_there_is_demo_data(signed_in):
    make_hazard(is_synthetic=True)
    response = signed_in.get(reverse("home"))
    assert "Synthetic demo data" in response.content.decode()


@pytest.mark.django_db
def test_every_page_shows_the_synthetic_banner_when_there_is_demo_data(client_for):
    """The banner comes from a context processor, so pages that once forgot it have it too."""
    officer = client_for("im_officer")
    pages = ["/productivity/", "/training/", "/accreditations/expiring/", "/workbench/", "/quality/", "/ledger/"]
    for path in pages:
        assert "Synthetic demo data" not in officer.get(path).content.decode(), path
    make_hazard(is_synthetic=True)
    for path in pages:
        assert "Synthetic demo data" in officer.get(path).content.decode(), path


@pytest.mark.django_db
def test_home_page_starts_on_the_requested_country(signed_in):
    html = signed_in.get(reverse("home"), {"country": "khm"}).content.decode()
    assert '"initialCountry": "KHM"' in html
    html = signed_in.get(reverse("home"), {"country": "xx"}).content.decode()
    assert '"initialCountry": "AZE"' in html  # unknown: the first programme by name


@pytest.mark.django_db
def test_hazard_page_shows_the_summary_and_tables(signed_in, django_assert_max_num_queries):
    hazard = make_hazard(is_synthetic=True)
    add_operations(hazard)
    with django_assert_max_num_queries(PAGE_QUERIES):
        response = signed_in.get(reverse("hazard-detail", args=[hazard.code]))
    assert response.status_code == 200
    html = response.content.decode()
    assert hazard.code in html
    assert "Rice field north of the pagoda" in html
    # Area in m² and hectares (a 0.002° square at 13° N is about 4.8 ha).
    assert 40_000 < hazard.area_m2 < 55_000
    assert f"{hazard.area_m2:,.0f} m²" in html
    assert f"{hazard.area_m2 / 10_000:.2f} ha" in html
    assert "Test area ZZTEST-P" in html and "ZZTEST-C" in html
    assert "Synthetic demo data" in html
    for code in ["KH-CLR-T00001", "KH-LR-T00001", "KH-LR-T00002", "KH-DEV-T00", "KH-DEV-T11"]:
        assert code in html
    assert "PMN seen" in html and "Local informant" in html and "120" in html
    # The map data is embedded, so the page works without the API.
    data = json.loads(re.search(r'<script id="hazard-map-data" type="application/json">(.*?)</script>', html, re.S)[1])
    assert data["hazard"]["geometry"]["type"] == "MultiPolygon"
    assert data["benchmark"]["type"] == "Point"
    assert len(data["products"]["features"]) == 2
    assert len(data["devices"]["features"]) == 4
    assert data["context"]["properties"]["code"] == "ZZTEST-C"


@pytest.mark.django_db
def test_hazard_page_query_count_does_not_grow_with_rows(signed_in, django_assert_max_num_queries):
    hazard = make_hazard()
    add_operations(hazard, products=6, devices_per_product=5)
    for status in ["suspended", "open", "closed"]:
        hazard.status = status
        hazard.save()
    with django_assert_max_num_queries(PAGE_QUERIES):
        response = signed_in.get(reverse("hazard-detail", args=[hazard.code]))
    assert response.status_code == 200


@pytest.mark.django_db
def test_hazard_page_lists_history_with_changed_fields(signed_in):
    hazard = make_hazard()
    hazard.status = "suspended"
    hazard.status_changed_on = dt.date(2024, 6, 1)
    hazard.save()
    html = signed_in.get(reverse("hazard-detail", args=[hazard.code])).content.decode()
    history = html[html.index('id="history-h"') :]
    assert "Created" in history and "Changed" in history
    assert "<del>Open</del> → <ins>Suspended</ins>" in history
    assert "Status changed on" in history


@pytest.mark.django_db
def test_unknown_hazard_is_404(signed_in):
    assert signed_in.get(reverse("hazard-detail", args=["KH-XXX-HAZ-999999"])).status_code == 404


@pytest.mark.parametrize("path", STATIC_FILES)
def test_static_file_is_vendored(path):
    found = finders.find(path)
    assert found, path
    assert Path(found).stat().st_size > 0


def test_vendored_maplibre_is_version_5_without_source_map_reference():
    versions = json.loads((Path(settings.BASE_DIR) / "static" / "vendor" / "VERSIONS.json").read_text())
    assert versions["maplibre-gl"].startswith("5.")
    assert versions["htmx.org"].startswith("2.")
    js = Path(finders.find("vendor/maplibre-gl/maplibre-gl.js")).read_text(encoding="utf-8")
    assert "sourceMappingURL" not in js[-500:]


@pytest.mark.django_db
def test_static_files_are_served(signed_in):
    response = signed_in.get(f"{settings.STATIC_URL}js/map.js")
    assert response.status_code == 200


@pytest.mark.django_db
def test_hazard_page_without_commune_outlines_its_district(signed_in):
    hazard = make_hazard(commune=None)
    html = signed_in.get(reverse("hazard-detail", args=[hazard.code])).content.decode()
    data = json.loads(re.search(r'<script id="hazard-map-data" type="application/json">(.*?)</script>', html, re.S)[1])
    assert data["context"]["properties"]["code"] == "ZZTEST-D"
    assert data["products"]["features"] == [] and data["benchmark"]["type"] == "Point"
