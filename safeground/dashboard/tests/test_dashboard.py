"""The dashboard: exact aggregates on a small dataset built through the services, both pages, the API.

The dataset (areas from the geometry in metres, as the services compute them):

- H1, a CHA in Battambang (KHM): west half cleared in 2024; north-east quarter reduced in 2025; a
  strip along the south edge cancelled in 2025, whose western half lies on the cleared land (the
  earlier clearance keeps it: only the eastern half is credited to the cancellation). One eighth
  of H1 remains.
- H2, a SHA in Fuzuli (AZE): its west half cleared in 2025 by ANAMA.
- H3, a closed SHA in Battambang recorded in 2025, never worked: it is no contamination.
- Devices: 2 AP mines on the 2024 clearance; 3 AP mines destroyed and 1 UXO stored on the 2025
  reduction; 5 submunitions from a CMAC EOD spot task near Battambang (no product); 2 AT mines on
  H2's clearance.
"""

import datetime as dt
import json
import re

import pytest
import shapely
from django.test import Client
from django.urls import reverse

from safeground.core.geojson import to_geos
from safeground.core.geometry import area_m2
from safeground.core.tests.fixtures import FUZULI, square
from safeground.dashboard import queries
from safeground.hazards import services as hazard_services
from safeground.landrelease import services
from safeground.landrelease.ledger import queries as ledger_queries
from safeground.landrelease.models import Device, HazardLedger, Product, ProductRelease
from safeground.operations.models import Activity
from safeground.organisations.models import Organisation

pytestmark = pytest.mark.django_db

TOL = 1e-6  # m²: the figures are sums of the same floats, so equal to rounding


def boxes(hazard) -> dict:
    minx, miny, maxx, maxy = hazard.geom.extent
    midx, midy = (minx + maxx) / 2, (miny + maxy) / 2
    strip = miny + (maxy - miny) / 4
    return {
        "west": shapely.box(minx, miny, midx, maxy),
        "north_east": shapely.box(midx, midy, maxx, maxy),
        "south_strip": shapely.box(minx, miny, maxx, strip),
        "south_strip_east": shapely.box(midx, miny, maxx, strip),
        "left": shapely.box(midx, strip, maxx, midy),  # what remains of H1
    }


@pytest.fixture
def data(user, hazard, activity, organisation):
    """The dataset of the module docstring; returns the pieces and the expected areas (m²)."""
    b = boxes(hazard)
    cleared = services.create_product(
        activity=activity.code,
        hazard=hazard.code,
        outcome="cleared",
        geometry=b["west"],
        released_on=dt.date(2024, 3, 1),
        clearance_depth_cm=13,
    )
    reduced = services.create_product(
        activity=activity.code,
        hazard=hazard.code,
        outcome="reduced",
        geometry=b["north_east"],
        released_on=dt.date(2025, 6, 1),
    )
    services.create_product(
        activity=activity.code,
        hazard=hazard.code,
        outcome="cancelled",
        geometry=b["south_strip"],
        released_on=dt.date(2025, 7, 1),
    )
    services.record_devices(
        cleared,
        [
            {"point": shapely.centroid(b["west"]), "category": "ap_mine", "disposal": "destroyed_in_situ"},
            {"point": shapely.centroid(b["west"]), "category": "ap_mine", "disposal": "removed_destroyed"},
        ],
    )
    services.record_devices(
        reduced,
        [
            {
                "point": shapely.centroid(b["north_east"]),
                "category": "ap_mine",
                "disposal": "destroyed_in_situ",
                "count": 3,
            },
            {"point": shapely.centroid(b["north_east"]), "category": "uxo", "disposal": "removed_stored"},
        ],
    )
    eod = Activity.objects.create(
        code="KH-EOD-TEST-1",
        activity_type="eod",
        organisation=organisation,
        methods=["eod"],
        reference_point=to_geos(shapely.Point(103.08, 13.08)),  # Battambang, outside every hazard
        country="KHM",
        start_date=dt.date(2025, 3, 3),
        status="completed",
    )
    eod_device = Device.objects.create(
        code="KH-EOD-TEST-1-EO001",
        activity=eod,
        point=to_geos(shapely.Point(103.0812345, 13.0812345)),
        category="submunition",
        disposal="removed_destroyed",
        found_on=dt.date(2025, 3, 3),
        count=5,
    )

    anama = Organisation.objects.create(name="ANAMA", acronym="ANAMA", kind="authority", country="AZE")
    h2 = hazard_services.create_hazard(
        geometry=shapely.geometry.shape(square(*FUZULI, half_deg=0.002)),
        hazard_class="SHA",
        contamination_type="at_mines",
        recorded_on=dt.date(2025, 2, 1),
        reporting_organisation="ANAMA",
        user=user,
    )
    aze_activity = Activity.objects.create(
        code="AZ-CLR-TEST-1",
        activity_type="clearance",
        organisation=anama,
        methods=["mechanical"],
        reference_point=h2.geom.centroid,
        country="AZE",
        start_date=dt.date(2025, 2, 10),
        status="completed",
    )
    aze_activity.hazards.add(h2)
    h2_west = boxes(h2)["west"]
    aze_cleared = services.create_product(
        activity=aze_activity.code,
        hazard=h2.code,
        outcome="cleared",
        geometry=h2_west,
        released_on=dt.date(2025, 9, 1),
        clearance_depth_cm=20,
    )
    services.record_devices(
        aze_cleared,
        [{"point": shapely.centroid(h2_west), "category": "at_mine", "disposal": "destroyed_in_situ", "count": 2}],
    )
    h3 = hazard_services.create_hazard(
        geometry=shapely.geometry.shape(square(103.1, 13.1, half_deg=0.001)),
        hazard_class="SHA",
        contamination_type="uxo",
        recorded_on=dt.date(2025, 4, 1),
        status="closed",
        user=user,
    )
    h1_area = HazardLedger.objects.get(hazard=hazard).estimated_m2
    h2_area = HazardLedger.objects.get(hazard=h2).estimated_m2
    return {
        "h1": hazard,
        "h2": h2,
        "h3": h3,
        "eod_device": eod_device,
        "h1_area": h1_area,
        "h2_area": h2_area,
        "cleared_2024": area_m2(b["west"]),
        "reduced_2025": area_m2(b["north_east"]),
        "cancelled_2025": area_m2(b["south_strip_east"]),
        "aze_cleared_2025": area_m2(h2_west),
        "h1_remaining": area_m2(b["left"]),
        "h2_remaining": h2_area - area_m2(h2_west),
    }


def credits(year: int, outcome: str, **filters) -> float:
    rows = ProductRelease.objects.filter(product__released_on__year=year, outcome=outcome, **filters)
    return sum(rows.values_list("released_m2", flat=True))


# ---------------------------------------------------------------- queries


def test_released_by_outcome_is_the_sum_of_credits_with_no_double_count(data):
    figures = queries.released(2025)
    total = figures["total"]
    for outcome in queries.OUTCOMES:
        assert total[f"{outcome}_m2"] == pytest.approx(credits(2025, outcome), abs=TOL)
    # The credits are the geometry: the cancelled strip's western half lies on earlier clearance.
    assert total["reduced_m2"] == pytest.approx(data["reduced_2025"], rel=1e-6)
    assert total["cancelled_m2"] == pytest.approx(data["cancelled_2025"], rel=1e-6)
    assert total["cancelled_m2"] < area_m2(boxes(data["h1"])["south_strip"]) * 0.51
    assert total["cleared_m2"] == pytest.approx(data["aze_cleared_2025"], rel=1e-6)
    assert total["released_m2"] == pytest.approx(
        data["reduced_2025"] + data["cancelled_2025"] + data["aze_cleared_2025"], rel=1e-6
    )
    assert (total["products"], total["hazards"]) == (3, 2)

    provinces = {p["province_code"]: p for p in figures["by_province"]}
    assert set(provinces) == {"KH02", "AZ-FUZULI"}
    assert provinces["KH02"]["province_name"] == "Battambang"
    assert provinces["KH02"]["cleared_m2"] == 0
    assert provinces["KH02"]["released_m2"] == pytest.approx(data["reduced_2025"] + data["cancelled_2025"], rel=1e-6)
    organisations = {o["organisation"]: o for o in figures["by_organisation"]}
    assert organisations["ANAMA"]["cleared_m2"] == pytest.approx(data["aze_cleared_2025"], rel=1e-6)
    assert organisations["CMAC"]["released_m2"] == pytest.approx(provinces["KH02"]["released_m2"], abs=TOL)
    assert [o["organisation"] for o in figures["by_organisation"]] == ["ANAMA", "CMAC"]  # largest first
    countries = {c["country"]: c for c in figures["by_country"]}
    assert countries["AZE"]["released_m2"] == pytest.approx(data["aze_cleared_2025"], rel=1e-6)


def test_year_filter_selects_releases_and_devices(data):
    in_2024 = queries.dashboard(2024)
    assert in_2024["released"]["total"]["cleared_m2"] == pytest.approx(data["cleared_2024"], rel=1e-6)
    assert in_2024["released"]["total"]["reduced_m2"] == 0
    assert in_2024["released"]["total"]["cleared_m2"] == pytest.approx(credits(2024, "cleared"), abs=TOL)
    assert in_2024["devices"]["total"]["destroyed"] == 2
    assert {r["category"]: r["destroyed"] for r in in_2024["devices"]["by_category"]} == {"ap_mine": 2}
    in_2023 = queries.dashboard(2023)
    assert in_2023["released"]["total"]["released_m2"] == 0 and in_2023["devices"]["total"]["found"] == 0
    # Remaining contamination is the state now, whatever the year.
    assert in_2023["remaining"]["total"] == in_2024["remaining"]["total"]


def test_devices_by_category_province_and_organisation(data):
    figures = queries.devices(2025)
    by_category = {r["category"]: r for r in figures["by_category"]}
    assert {c: r["destroyed"] for c, r in by_category.items()} == {
        "ap_mine": 3,
        "submunition": 5,
        "at_mine": 2,
        "uxo": 0,
    }
    assert by_category["uxo"]["found"] == 1  # stored, not destroyed
    assert by_category["submunition"]["eod_spot_tasks"] == 5 and by_category["ap_mine"]["area_clearance"] == 3
    assert figures["total"] == {
        "records": 4,
        "found": 11,
        "destroyed": 10,
        "area_clearance": 5,
        "eod_spot_tasks": 5,
    }
    provinces = {p["province_code"]: p for p in figures["by_province"]}
    # The EOD spot task's finds are placed by its reference point: Battambang.
    assert provinces["KH02"]["by_category"] == {"ap_mine": 3, "submunition": 5}
    assert (provinces["KH02"]["destroyed"], provinces["KH02"]["found"]) == (8, 9)
    assert provinces["AZ-FUZULI"]["by_category"] == {"at_mine": 2}
    organisations = {o["organisation"]: o for o in figures["by_organisation"]}
    assert organisations["CMAC"]["destroyed"] == 8 and organisations["ANAMA"]["destroyed"] == 2
    assert figures["by_province"][0]["province_code"] == "KH02"  # most first


def test_remaining_is_estimate_minus_released_and_matches_the_ledger(data):
    figures = queries.remaining()
    h1 = HazardLedger.objects.get(hazard=data["h1"])
    assert h1.remaining_m2 == pytest.approx(h1.estimated_m2 - h1.cleared_m2 - h1.reduced_m2 - h1.cancelled_m2, abs=1e-3)
    assert h1.remaining_m2 == pytest.approx(data["h1_remaining"], rel=1e-6)
    countries = {c["country"]: c for c in figures["by_country"]}
    assert countries["KHM"]["remaining_m2"] == pytest.approx(data["h1_remaining"], rel=1e-6)
    assert countries["AZE"]["remaining_m2"] == pytest.approx(data["h2_remaining"], rel=1e-6)
    assert countries["KHM"]["released_m2"] == pytest.approx(
        data["cleared_2024"] + data["reduced_2025"] + data["cancelled_2025"], rel=1e-6
    )
    # The closed H3 is estimated but not remaining; open counts by class.
    assert countries["KHM"]["hazards"] == 2 and countries["KHM"]["open_hazards"] == 1
    assert countries["KHM"]["estimated_m2"] == pytest.approx(
        data["h1_area"] + HazardLedger.objects.get(hazard=data["h3"]).estimated_m2, abs=TOL
    )
    classes = {c["hazard_class"]: c for c in figures["by_class"]}
    assert classes["CHA"]["remaining_m2"] == pytest.approx(data["h1_remaining"], rel=1e-6)
    assert classes["SHA"]["remaining_m2"] == pytest.approx(data["h2_remaining"], rel=1e-6)
    assert figures["total"]["remaining_m2"] == pytest.approx(data["h1_remaining"] + data["h2_remaining"], rel=1e-6)
    # The same figures as the /ledger/ summary, province by province.
    ledger = {r["group"]: r for r in ledger_queries.summary("province")}
    for p in figures["by_province"]:
        row = ledger[p["province_code"]]
        assert p["remaining_m2"] == pytest.approx(
            row["remaining_sha_unique_m2"] + row["remaining_cha_unique_m2"], abs=TOL
        )
        assert (p["open_sha"], p["open_cha"]) == (row["remaining_sha"], row["remaining_cha"])


def test_country_filter_and_hazard_counts(data):
    khm = queries.dashboard(2025, "khm")
    assert khm["country"] == "KHM"
    assert [c["country"] for c in khm["remaining"]["by_country"]] == ["KHM"]
    assert khm["devices"]["total"]["destroyed"] == 8
    assert khm["released"]["total"]["cleared_m2"] == 0
    assert khm["hazards"] == {
        "open": 1,
        "closed": 1,
        "recorded_in_year": 1,
        "closed_in_year": 1,
        "open_points": 0,
        "by_status": {"open": 1, "suspended": 0, "closed": 1, "handed_over": 0},
        "by_country": [{"country": "KHM", "open": 1, "closed": 1}],
    }
    assert [h["code"] for h in khm["largest_hazards"]] == [data["h1"].code]
    both = queries.dashboard(2025)
    assert [h["code"] for h in both["largest_hazards"]] == [data["h2"].code, data["h1"].code]
    assert "largest_hazards" not in queries.dashboard(2025, public=True)
    with pytest.raises(ValueError, match=r"country must be one of AZE, KHM \(or empty for all\); got 'FRA'"):
        queries.check_country("FRA")
    with pytest.raises(ValueError, match="year must be"):
        queries.check_year("1066")
    assert queries.check_year(None) == dt.date.today().year
    assert queries.years()[0] >= 2025 and 2024 in queries.years()


def test_the_queries_are_set_based(data, django_assert_max_num_queries):
    """A fixed number of queries, whatever the number of rows (no query per hazard, product or device)."""
    with django_assert_max_num_queries(16):
        queries.dashboard(2025)


# ---------------------------------------------------------------- pages


def page_html(response) -> str:
    assert response.status_code == 200, response.content[:2000]
    return response.content.decode()


def test_public_page_is_open_and_shows_aggregates_only(client, data):
    html = page_html(client.get(reverse("public-dashboard") + "?year=2025"))
    assert reverse("public-dashboard") == "/public/"
    assert "Battambang" in html and "CMAC" in html
    # Devices destroyed in 2025: 10 of 11 found; Battambang 8.
    stat = re.search(r'class="card stat stat-devices">(.*?)</div>', html, re.S)[1]
    assert '<p class="stat-value">10</p>' in stat and "of 11 items found" in stat
    # No record codes, no links to records, no coordinates.
    for code in [
        data["h1"].code,
        data["h2"].code,
        data["h3"].code,
        data["eod_device"].code,
        "KH-EOD-TEST-1",
        "AZ-CLR-TEST-1",
        *Product.objects.values_list("code", flat=True),
        *Device.objects.values_list("code", flat=True),
    ]:
        assert code not in html
    assert "/hazards/" not in html
    assert "13.0812" not in html and "103.0812" not in html
    assert not re.search(r"\b(1[0-9]{2}|[0-9]{2})\.[0-9]{4,}\b", html)  # nothing that looks like a coordinate
    assert "Open hazardous areas with the most ground left" not in html
    # Charts: inline SVG with accessible titles.
    svgs = re.findall(r'<svg class="chart".*?</svg>', html, re.S)
    assert len(svgs) == 6 and all('role="img"' in s for s in svgs)


def test_public_page_figures_in_hectares_and_year_filter(client, data):
    html_2025 = page_html(client.get("/public/?year=2025&country=KHM"))
    released = (data["reduced_2025"] + data["cancelled_2025"]) / 10_000
    stat = re.search(r'class="card stat stat-released">(.*?)</div>', html_2025, re.S)[1]
    assert f'{released:,.2f}</span> <span class="unit">ha</span>' in stat
    assert "Land released in 2025" in html_2025 and "Cambodia" in html_2025
    html_2024 = page_html(client.get("/public/?year=2024&country=KHM"))
    stat = re.search(r'class="card stat stat-released">(.*?)</div>', html_2024, re.S)[1]
    assert f"{data['cleared_2024'] / 10_000:,.2f}</span>" in stat
    assert '<option value="2024" selected>' in html_2024
    assert client.get("/public/?year=banana").status_code == 400
    assert client.get("/public/?country=FRA").status_code == 400


def test_signed_in_dashboard_and_sign_in_redirect(client, client_for, data):
    response = client.get("/dashboard/")
    assert response.status_code == 302 and "next=/dashboard/" in response["Location"]
    html = page_html(client_for("viewer").get(reverse("dashboard") + "?year=2025"))
    assert reverse("dashboard") == "/dashboard/"
    assert f'href="{reverse("hazard-detail", args=[data["h1"].code])}"' in html
    assert "Open hazardous areas with the most ground left" in html
    assert "13.0812" not in html


# ---------------------------------------------------------------- API


def test_api_needs_an_account_and_the_public_one_does_not(api, data):
    client = Client()  # `api` is the `client` fixture with a bearer token: this one has none
    assert client.get("/api/v1/dashboard").status_code == 401
    body = api.get("/api/v1/dashboard?year=2025").json()
    assert body["area_unit"] == "ha" and body["year"] == 2025
    assert body["released"]["total"]["reduced_ha"] == pytest.approx(data["reduced_2025"] / 10_000, abs=1e-4)
    assert body["devices"]["total"]["destroyed"] == 10
    assert [h["code"] for h in body["largest_hazards"]] == [data["h2"].code, data["h1"].code]

    public = client.get("/api/v1/dashboard/public?year=2025&country=AZE")
    assert public.status_code == 200
    data_out = public.json()
    assert "largest_hazards" not in data_out
    assert data_out["released"]["total"]["cleared_ha"] == pytest.approx(data["aze_cleared_2025"] / 10_000, abs=1e-4)
    text = json.dumps(data_out)
    assert data["h2"].code not in text and "_m2" not in text
    bad = client.get("/api/v1/dashboard/public?country=FRA")
    assert bad.status_code == 422 and bad.json()["field"] == "country"
