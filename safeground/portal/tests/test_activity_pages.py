"""The activity list (/activities/) and the activity page (/activities/<code>/)."""

import datetime as dt
import json
import re

import pytest
from django.urls import reverse

from safeground.landrelease.tests.list_data import build_world, csv_of, html_of, listed_codes, query_count
from safeground.operations.models import Activity
from safeground.portal import activity_list as list_views

pytestmark = pytest.mark.django_db
URL = "/activities/"
TS = "AZ-T-TS-004"  # the fourth activity: technical survey on the Fuzuli hazard, no product


@pytest.fixture
def world():
    return build_world()


@pytest.fixture
def viewer(client_for):
    return client_for("viewer")


def codes(viewer, query: str = "") -> list[str]:
    return listed_codes(html_of(viewer.get(f"{URL}?{query}")))


def test_url_names_and_sign_in_required(client, world):
    assert reverse("activity-list") == URL
    assert reverse("activity-detail", args=["KH-T-CLR-001"]) == "/activities/KH-T-CLR-001/"
    for url in (URL, "/activities/KH-T-CLR-001/"):
        response = client.get(url)
        assert response.status_code == 302 and "next=" in response["Location"]


def test_lists_every_activity_with_its_figures(viewer, world):
    html = html_of(viewer.get(URL))
    assert listed_codes(html) == ["AZ-T-EOD-003", TS, "KH-T-CLR-001", "KH-T-NTS-002"]
    assert "4 activities" in html
    row = re.search(r"<tr>\s*<td><a [^>]*><code>KH-T-CLR-001</code>.*?</tr>", html, re.S)[0]
    assert 'href="/activities/KH-T-CLR-001/"' in row
    assert "Clearance" in row and "CMAC" in row and world.rice.province.name in row
    cells = re.findall(r'<td class="num">([^<]*)</td>', row)
    released_ha = (world.cleared.area_m2 + world.reduced.area_m2) / 10_000
    assert cells == ["2024-02-01", "—", "1", "2", f"{released_ha:,.2f}", "4"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("country=AZE", ["AZ-T-EOD-003", TS]),
        ("activity_type=nts", ["KH-T-NTS-002"]),
        ("status=completed", ["AZ-T-EOD-003", "KH-T-NTS-002"]),
        ("organisation=CMAC", ["KH-T-CLR-001", "KH-T-NTS-002"]),
        # Active during June 2024: the clearance (no end date) and the TS (from 10 June); not the
        # survey (ended 2023) nor the EOD task (July).
        ("date_from=2024-06-01&date_to=2024-06-30", [TS, "KH-T-CLR-001"]),
        ("date_from=2024-07-02", ["AZ-T-EOD-003", TS, "KH-T-CLR-001"]),
        ("date_to=2023-05-01", ["KH-T-NTS-002"]),
        ("q=nts", ["KH-T-NTS-002"]),
        ("q=az-t", ["AZ-T-EOD-003", TS]),
    ],
)
def test_filters_and_search(viewer, world, query, expected):
    assert codes(viewer, query) == expected


def test_province_filter_matches_the_hazards_province(viewer, world):
    assert codes(viewer, f"province={world.rice.province.code}") == ["KH-T-CLR-001"]
    assert codes(viewer, f"province={world.fuzuli.province.code}") == [TS]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("-released", ["KH-T-CLR-001", "KH-T-NTS-002", "AZ-T-EOD-003", TS]),
        ("-devices", ["KH-T-CLR-001", "AZ-T-EOD-003", "KH-T-NTS-002", TS]),  # 4, 1, 1, 0
        ("start", ["KH-T-NTS-002", "KH-T-CLR-001", TS, "AZ-T-EOD-003"]),
        ("-end", ["AZ-T-EOD-003", "KH-T-NTS-002", TS, "KH-T-CLR-001"]),  # no end date: last
        ("organisation", ["AZ-T-EOD-003", TS, "KH-T-CLR-001", "KH-T-NTS-002"]),
        ("province", [TS, "KH-T-CLR-001", "KH-T-NTS-002", "AZ-T-EOD-003"]),
        ("teams", ["AZ-T-EOD-003", TS, "KH-T-CLR-001", "KH-T-NTS-002"]),  # not a column: by code
    ],
)
def test_sorting(viewer, world, sort, expected):
    if sort == "province":  # names differ per gazetteer: order them as the database would
        named = sorted(
            [(world.fuzuli.province.name, TS), (world.rice.province.name, "KH-T-CLR-001")]
            + [(world.temple.province.name, "KH-T-NTS-002")]
        )
        expected = [code for _, code in named] + ["AZ-T-EOD-003"]
    assert codes(viewer, f"sort={sort}") == expected


def test_paging_and_csv(viewer, world, monkeypatch):
    monkeypatch.setattr(list_views.ACTIVITIES, "per_page", 3)
    assert codes(viewer, "page=2") == ["KH-T-NTS-002"]
    rows = csv_of(viewer.get(URL + "?country=KHM&sort=-start&format=csv"))
    assert [r["code"] for r in rows] == ["KH-T-CLR-001", "KH-T-NTS-002"]
    clearance = rows[0]
    assert clearance["activity_type"] == "clearance" and clearance["organisation"] == "CMAC"
    assert clearance["province_code"] == world.rice.province.code
    assert clearance["end_date"] == "" and clearance["hazards"] == "1" and clearance["products"] == "2"
    assert float(clearance["released_m2"]) == pytest.approx(world.cleared.area_m2 + world.reduced.area_m2, abs=0.01)
    assert clearance["device_items"] == "4"
    assert len(csv_of(viewer.get(URL + "?format=csv"))) == 4


def test_query_count_does_not_grow_with_rows(viewer, world):
    before = query_count(viewer, URL)
    for i in range(10):
        extra = Activity.objects.create(
            code=f"KH-T-BAC-{i:03}",
            activity_type="bac",
            organisation=world.cmac,
            methods=["manual"],
            reference_point=world.rice.geom.centroid,
            country="KHM",
            start_date=dt.date(2024, 1, 1),
        )
        extra.hazards.add(world.rice, world.temple)
    assert len(codes(viewer)) == 14
    assert query_count(viewer, URL) == before


# ---------------------------------------------------------------------------- the activity page


def test_activity_page_shows_its_hazards_products_devices_map_and_history(viewer, world):
    html = html_of(viewer.get("/activities/KH-T-CLR-001/"))
    assert '<h1><span class="code">KH-T-CLR-001</span>' in html
    assert "Cambodian Mine Action Centre" in html
    assert f'href="/hazards/{world.rice.code}/"' in html
    assert 'href="/products/KH-T-LR-CLR/"' in html and 'href="/products/KH-T-LR-RED/"' in html
    assert "KH-T-EO-001" in html and "KH-T-EO-002" in html and "KH-T-EO-003" not in html
    assert 'href="/activities/"' in html  # breadcrumbs back to the list
    data = json.loads(re.search(r'<script id="hazard-map-data" type="application/json">(.*?)</script>', html, re.S)[1])
    assert [f["properties"]["code"] for f in data["hazard"]["features"]] == [world.rice.code]
    assert sorted(f["properties"]["outcome"] for f in data["products"]["features"]) == ["cleared", "reduced"]
    assert len(data["devices"]["features"]) == 2
    assert data["benchmark"]["type"] == "Point"
    assert 'data-map="hazard"' in html and "js/map.js" in html
    assert "History" in html and "Created" in html


def test_eod_task_page_lists_its_own_devices(viewer, world):
    html = html_of(viewer.get("/activities/AZ-T-EOD-003/"))
    assert "AZ-T-EO-004" in html
    assert "No hazard linked to this activity." in html
    assert "39.550568, 47.160123" in html  # the device's exact location


def test_history_names_the_hazards_added(viewer, world):
    world.clearance.hazards.add(world.temple)
    html = html_of(viewer.get("/activities/KH-T-CLR-001/"))
    changes = re.search(r'<table class="history">.*?</table>', html, re.S)[0]
    assert world.temple.code in changes


def test_unknown_activity_is_404(viewer, world):
    assert viewer.get("/activities/NO-SUCH-CODE/").status_code == 404
