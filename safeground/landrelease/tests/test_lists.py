"""The product and device lists (/products/, /devices/) and the product page (/products/<code>/)."""

import datetime as dt
import json
import re

import pytest
import shapely
from django.contrib.auth.models import Permission
from django.urls import reverse

from safeground.landrelease import list_views, services
from safeground.landrelease.models import Device
from safeground.landrelease.tests.list_data import build_world, csv_of, html_of, listed_codes, query_count

pytestmark = pytest.mark.django_db
PRODUCTS = "/products/"
DEVICES = "/devices/"


@pytest.fixture
def world():
    return build_world()


@pytest.fixture
def viewer(client_for):
    return client_for("viewer")


def codes(viewer, url: str, query: str = "") -> list[str]:
    return listed_codes(html_of(viewer.get(f"{url}?{query}")))


def test_url_names_and_sign_in_required(client, world):
    assert reverse("product-list") == PRODUCTS
    assert reverse("device-list") == DEVICES
    assert reverse("product-detail", args=["KH-T-LR-CLR"]) == "/products/KH-T-LR-CLR/"
    for url in (PRODUCTS, DEVICES, "/products/KH-T-LR-CLR/", DEVICES + "?format=csv"):
        response = client.get(url)
        assert response.status_code == 302 and "next=" in response["Location"], url


def test_a_role_without_the_view_permission_is_refused(client_for, world):
    limited = client_for("viewer", username="no-devices")
    limited.user.groups.get(name="viewer").permissions.remove(Permission.objects.get(codename="view_device"))
    assert limited.get(DEVICES).status_code == 403
    assert limited.get(DEVICES + "?format=csv").status_code == 403
    assert limited.get(PRODUCTS).status_code == 200


# ------------------------------------------------------------------------------------------ products


def test_product_list_rows_link_to_the_product_its_hazard_and_activity(viewer, world):
    html = html_of(viewer.get(PRODUCTS))
    assert listed_codes(html) == ["KH-T-LR-CAN", "KH-T-LR-CLR", "KH-T-LR-RED"]
    assert "3 products" in html
    assert 'href="/products/KH-T-LR-CLR/"' in html
    assert f'href="/hazards/{world.rice.code}/"' in html
    assert 'href="/activities/KH-T-CLR-001/"' in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("outcome=cleared", ["KH-T-LR-CLR"]),
        ("country=AZE", []),
        ("hazard_status=closed", ["KH-T-LR-CAN"]),
        ("organisation=CMAC", ["KH-T-LR-CAN", "KH-T-LR-CLR", "KH-T-LR-RED"]),
        ("date_from=2024-01-01&date_to=2024-12-31", ["KH-T-LR-CLR"]),
        ("date_from=2025-01-01", ["KH-T-LR-RED"]),
        ("q=NTS-002", ["KH-T-LR-CAN"]),  # by the activity's code
        ("q=red", ["KH-T-LR-RED"]),
    ],
)
def test_product_filters_and_search(viewer, world, query, expected):
    assert codes(viewer, PRODUCTS, query) == expected


def test_product_province_and_hazard_code_search(viewer, world):
    assert codes(viewer, PRODUCTS, f"province={world.temple.province.code}") == ["KH-T-LR-CAN"]
    assert codes(viewer, PRODUCTS, f"q={world.rice.code}") == ["KH-T-LR-CLR", "KH-T-LR-RED"]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("-devices", ["KH-T-LR-CLR", "KH-T-LR-CAN", "KH-T-LR-RED"]),  # 4, 1, 0
        ("released", ["KH-T-LR-CAN", "KH-T-LR-CLR", "KH-T-LR-RED"]),
        ("-depth", ["KH-T-LR-CLR", "KH-T-LR-CAN", "KH-T-LR-RED"]),  # no depth: last, by code
        ("outcome", ["KH-T-LR-CAN", "KH-T-LR-CLR", "KH-T-LR-RED"]),
        ("geom", ["KH-T-LR-CAN", "KH-T-LR-CLR", "KH-T-LR-RED"]),  # not allowed: by code
    ],
)
def test_product_sorting(viewer, world, sort, expected):
    assert codes(viewer, PRODUCTS, f"sort={sort}") == expected


def test_product_sorting_by_area(viewer, world):
    by_area = sorted([world.cleared, world.reduced, world.cancelled], key=lambda p: (-p.area_m2, p.code))
    assert codes(viewer, PRODUCTS, "sort=-area") == [p.code for p in by_area]


def test_product_paging_and_csv(viewer, world, monkeypatch):
    monkeypatch.setattr(list_views.PRODUCTS, "per_page", 2)
    assert codes(viewer, PRODUCTS, "page=2") == ["KH-T-LR-RED"]
    rows = csv_of(viewer.get(PRODUCTS + "?sort=-released&format=csv"))
    assert [r["code"] for r in rows] == ["KH-T-LR-RED", "KH-T-LR-CLR", "KH-T-LR-CAN"]
    cleared = rows[1]
    assert cleared["outcome"] == "cleared" and cleared["hazard"] == world.rice.code
    assert cleared["activity"] == "KH-T-CLR-001" and cleared["organisation"] == "CMAC"
    assert cleared["country"] == "KHM" and cleared["province_code"] == world.rice.province.code
    assert cleared["clearance_depth_cm"] == "13" and cleared["device_items"] == "4"
    assert float(cleared["area_m2"]) == pytest.approx(world.cleared.area_m2, abs=0.01)


def test_product_list_query_count_does_not_grow_with_rows(viewer, world):
    before = query_count(viewer, PRODUCTS)
    minx, miny, maxx, maxy = world.fuzuli.geom.extent
    step = (maxx - minx) / 8
    for i in range(8):
        services.create_product(
            activity="AZ-T-TS-004",
            hazard=world.fuzuli.code,
            outcome="reduced",
            geometry=shapely.box(minx + i * step, miny, minx + (i + 1) * step, maxy),
            released_on=dt.date(2024, 8, 1),
        )
    assert len(codes(viewer, PRODUCTS)) == 11
    assert query_count(viewer, PRODUCTS) == before


# ------------------------------------------------------------------------------------------- devices


def test_device_list_shows_product_hazard_activity_and_exact_location(viewer, world):
    html = html_of(viewer.get(DEVICES))
    assert listed_codes(html) == ["AZ-T-EO-004", "KH-T-EO-001", "KH-T-EO-002", "KH-T-EO-003"]
    assert "4 device records" in html
    spot = re.search(r"<tr>\s*<td><code>AZ-T-EO-004</code>.*?</tr>", html, re.S)[0]
    assert "39.550568, 47.160123" in spot  # exact coordinates, signed-in users only
    assert 'href="/activities/AZ-T-EOD-003/"' in spot and "ANAMA" in spot
    bomblets = re.search(r"<tr>\s*<td><code>KH-T-EO-002</code>.*?</tr>", html, re.S)[0]
    assert 'href="/products/KH-T-LR-CLR/"' in bomblets
    assert f'href="/hazards/{world.rice.code}/"' in bomblets
    assert "Submunition" in bomblets and "Removed and destroyed elsewhere" in bomblets


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("category=uxo", ["AZ-T-EO-004", "KH-T-EO-003"]),
        ("disposal=destroyed_in_situ", ["AZ-T-EO-004", "KH-T-EO-001"]),
        ("country=AZE", ["AZ-T-EO-004"]),  # from the EOD task: the device has no product
        ("country=KHM", ["KH-T-EO-001", "KH-T-EO-002", "KH-T-EO-003"]),
        ("organisation=ANAMA", ["AZ-T-EO-004"]),
        ("organisation=CMAC", ["KH-T-EO-001", "KH-T-EO-002", "KH-T-EO-003"]),
        ("date_from=2024-02-21&date_to=2024-07-01", ["AZ-T-EO-004", "KH-T-EO-002"]),
        ("q=KH-T-LR-CLR", ["KH-T-EO-001", "KH-T-EO-002"]),  # by product
        ("q=EOD-003", ["AZ-T-EO-004"]),  # by activity
        ("condition=intact", []),
    ],
)
def test_device_filters_and_search(viewer, world, query, expected):
    assert codes(viewer, DEVICES, query) == expected


def test_device_province_filter_and_hazard_search(viewer, world):
    assert codes(viewer, DEVICES, f"province={world.temple.province.code}") == ["KH-T-EO-003"]
    assert codes(viewer, DEVICES, f"q={world.rice.code}") == ["KH-T-EO-001", "KH-T-EO-002"]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("-count", ["KH-T-EO-002", "AZ-T-EO-004", "KH-T-EO-001", "KH-T-EO-003"]),
        ("-found", ["AZ-T-EO-004", "KH-T-EO-002", "KH-T-EO-001", "KH-T-EO-003"]),
        ("product", ["KH-T-EO-003", "KH-T-EO-001", "KH-T-EO-002", "AZ-T-EO-004"]),  # none: last
        ("organisation", ["AZ-T-EO-004", "KH-T-EO-001", "KH-T-EO-002", "KH-T-EO-003"]),
        ("location", ["AZ-T-EO-004", "KH-T-EO-001", "KH-T-EO-002", "KH-T-EO-003"]),  # not sortable
    ],
)
def test_device_sorting(viewer, world, sort, expected):
    assert codes(viewer, DEVICES, f"sort={sort}") == expected


def test_device_csv_has_coordinates_and_links(viewer, world, monkeypatch):
    monkeypatch.setattr(list_views.DEVICES, "per_page", 1)
    rows = csv_of(viewer.get(DEVICES + "?sort=-count&format=csv"))
    assert [r["code"] for r in rows] == ["KH-T-EO-002", "AZ-T-EO-004", "KH-T-EO-001", "KH-T-EO-003"]
    spot = rows[1]
    assert spot["latitude"] == "39.5505678" and spot["longitude"] == "47.1601234"
    assert spot["product"] == "" and spot["activity"] == "AZ-T-EOD-003" and spot["organisation"] == "ANAMA"
    assert spot["country"] == "AZE" and spot["category"] == "uxo"
    bomblets = rows[0]
    assert bomblets["count"] == "3" and bomblets["product"] == "KH-T-LR-CLR" and bomblets["hazard"] == world.rice.code
    assert bomblets["province_code"] == world.rice.province.code


def test_device_list_query_count_does_not_grow_with_rows(viewer, world):
    before = query_count(viewer, DEVICES)
    for i in range(20):
        Device.objects.create(
            code=f"KH-T-EO-1{i:02}",
            product=world.reduced if i % 2 else None,
            activity=world.clearance if i % 2 else world.eod,
            point=world.reduced.geom.centroid,
            category="uxo",
            disposal="other",
            found_on=dt.date(2025, 5, 1),
        )
    assert len(codes(viewer, DEVICES)) == 24
    assert query_count(viewer, DEVICES) == before


# ---------------------------------------------------------------------------------- the product page


def test_product_page_shows_summary_map_devices_and_history(viewer, world):
    html = html_of(viewer.get("/products/KH-T-LR-CLR/"))
    assert '<h1><span class="code">KH-T-LR-CLR</span>' in html
    assert f'href="/hazards/{world.rice.code}/"' in html and 'href="/activities/KH-T-CLR-001/"' in html
    assert "13 cm" in html
    devices = re.search(r'<section class="card" aria-labelledby="devices-h">.*?</section>', html, re.S)[0]
    assert "KH-T-EO-001" in devices and "KH-T-EO-002" in devices and "KH-T-EO-003" not in devices
    assert '<span class="count">4</span>' in devices  # items: 1 + 3
    data = json.loads(re.search(r'<script id="hazard-map-data" type="application/json">(.*?)</script>', html, re.S)[1])
    assert data["hazard"]["properties"]["code"] == world.rice.code
    assert [f["properties"]["code"] for f in data["products"]["features"]] == ["KH-T-LR-CLR"]
    assert len(data["devices"]["features"]) == 2
    assert "Created" in html


def test_product_history_shows_changes_with_labels(viewer, world):
    services.update_product(world.cleared, clearance_depth_cm=20, outcome="cleared")
    html = html_of(viewer.get("/products/KH-T-LR-CLR/"))
    history = re.search(r'<table class="history">.*?</table>', html, re.S)[0]
    assert "Clearance depth cm" in history and "<del>13</del> → <ins>20</ins>" in history


def test_unknown_product_is_404(viewer, world):
    assert viewer.get("/products/NO-SUCH-CODE/").status_code == 404
