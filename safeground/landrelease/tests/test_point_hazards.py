"""Point hazards in land release: no ground in the ledger's topology, counted apart in the summaries (with
their declared area only where the programme counts a radius), and products, activities and devices
filed under them still work (a device found at an EOD spot task). In Testland (XTL)."""

from __future__ import annotations

import datetime as dt
import io
import json
import math
import re

import pytest
import shapely
from django.core.management import call_command

from safeground.gazetteer import programmes
from safeground.gazetteer.tests.testland import build_testland
from safeground.hazards import services as hazard_services
from safeground.landrelease import services
from safeground.landrelease.ledger import queries as ledger_queries
from safeground.landrelease.ledger import store as ledger_store
from safeground.landrelease.models import Device, HazardLedger, ProductRelease
from safeground.operations import services as operation_services
from safeground.organisations.models import Organisation
from safeground.organisations.services import accredit_organisation

pytestmark = pytest.mark.django_db

SPOT = (-19.25, -29.5)  # XT02


@pytest.fixture
def land():
    """Testland with one polygon hazard (XT02) and two point hazards (one with a 100 m radius, one closed)."""
    build_testland()
    programmes.add_programme("XTL", name="Testland")

    def make(geometry, **extra):
        return hazard_services.create_hazard(
            geometry=geometry,
            hazard_class=extra.pop("hazard_class", "SHA"),
            contamination_type="uxo",
            recorded_on=extra.pop("recorded_on", dt.date(2025, 2, 1)),
            **extra,
        )

    polygon = make(shapely.box(-19.3, -29.55, -19.29, -29.54), hazard_class="CHA")
    spot = make(shapely.Point(*SPOT), radius_m=100.0)
    closed = make(shapely.Point(-19.2, -29.5), status="closed", recorded_on=dt.date(2024, 5, 1))
    return {"polygon": polygon, "spot": spot, "closed": closed}


def by_group(rows: list[dict]) -> dict:
    return {r["group"]: r for r in rows}


def test_the_ledger_holds_polygons_only_and_the_summary_counts_points_apart(land):
    assert set(HazardLedger.objects.values_list("hazard__code", flat=True)) == {land["polygon"].code}
    assert ledger_store.recompute_all() == 1 and ledger_store.verify() == []
    xtl = by_group(ledger_queries.summary("country", "XTL"))["XTL"]
    assert xtl["hazards"] == 1  # polygon hazards: the ledger's rows
    assert xtl["estimated_m2"] == pytest.approx(land["polygon"].area_m2)
    assert (xtl["point_hazards"], xtl["point_estimated_m2"]) == (1, 0.0)  # the open one; no invented area
    provinces = by_group(ledger_queries.summary("province", "XTL"))
    assert provinces["XT02"]["point_hazards"] == 1 and provinces["XT02"]["hazards"] == 1
    classes = by_group(ledger_queries.summary("class", "XTL"))
    assert (classes["SHA"]["hazards"], classes["SHA"]["point_hazards"]) == (0, 1)  # a group of points only
    assert classes["SHA"]["estimated_m2"] == 0 and classes["SHA"]["label"] == "SHA"
    years = by_group(ledger_queries.summary("year", "XTL"))
    assert (years["2025"]["new_hazards"], years["2025"]["new_point_hazards"]) == (1, 1)
    assert years["2024"]["new_point_hazards"] == 1 and years["2024"]["new_hazards"] == 0  # recorded, now closed

    # The profile counts a declared radius: π r², still apart from the ledger's ground.
    programmes.edit_programme("XTL", point_radius_area=True)
    xtl = by_group(ledger_queries.summary("country", "XTL"))["XTL"]
    assert xtl["point_estimated_m2"] == pytest.approx(math.pi * 100**2)
    assert xtl["estimated_m2"] == pytest.approx(land["polygon"].area_m2)  # the ledger's figures unchanged


def test_summary_api_cli_and_page_show_the_point_hazards(land, api, signed_in):
    programmes.edit_programme("XTL", point_radius_area=True)
    body = api.get("/api/v1/ledger/summary?group_by=province&country=XTL").json()
    row = by_group(body["groups"])["XT02"]
    assert row["point_hazards"] == 1 and row["point_estimated_m2"] == pytest.approx(math.pi * 1e4)
    out = io.StringIO()
    call_command("ledger", "--by", "country", "--country", "XTL", "--json", stdout=out)
    (cli_row,) = json.loads(out.getvalue())
    assert cli_row["point_hazards"] == 1 and cli_row["point_estimated_m2"] == pytest.approx(math.pi * 1e4)
    table = io.StringIO()
    call_command("ledger", "--by", "country", "--country", "XTL", stdout=table)
    assert "point_hazards" in table.getvalue()
    html = signed_in.get("/ledger/?by=province&country=XTL").content.decode()
    row_html = re.search(r'<tr data-group="XT02">(.*?)</tr>', html, re.S)[1]
    assert f'title="{math.pi * 1e4:,.0f} m²">1<' in row_html.replace("\n", "")
    assert "Point hazards" in html
    page = signed_in.get("/ledger/?by=year&country=XTL").content.decode()
    assert "New point hazards" in page


def test_products_activities_and_devices_filed_under_a_point_hazard(land):
    spot = land["spot"]
    org = Organisation.objects.create(name="Testland EOD", acronym="TEOD", kind="operator", country="XTL")
    accredit_organisation(org, "eod", dt.date(2024, 1, 1), dt.date(2030, 1, 1), "Testland authority")
    accredit_organisation(org, "manual", dt.date(2024, 1, 1), dt.date(2030, 1, 1), "Testland authority")
    # An EOD spot task on the point hazard: its reference point is the hazard's point.
    task = operation_services.create_activity(
        organisation=org, activity_type="eod", methods=["eod"], hazards=[spot], start_date=dt.date(2025, 3, 1)
    )
    assert task.reference_point.coords == SPOT and task.country == "XTL"
    # A device found at the spot task (no product), and one on a product filed under the point hazard.
    services.bulk_create_devices(
        [
            {
                "point": shapely.Point(SPOT[0] + 0.0001, SPOT[1]),
                "category": "uxo",
                "disposal": "destroyed_in_situ",
                "found_on": dt.date(2025, 3, 2),
                "activity_code": task.code,
            }
        ]
    )
    clearance = operation_services.create_activity(
        organisation=org, activity_type="clearance", methods=["manual"], hazards=[spot], start_date=dt.date(2025, 3, 1)
    )
    product = services.create_product(
        activity=clearance.code,
        hazard=spot.code,
        outcome="cleared",
        geometry=shapely.box(SPOT[0] - 0.0005, SPOT[1] - 0.0005, SPOT[0] + 0.0005, SPOT[1] + 0.0005),
        released_on=dt.date(2025, 3, 5),
        clearance_depth_cm=20,
    )
    assert product.code.startswith(spot.code) and product.area_m2 > 0
    services.record_devices(
        product,
        [{"point": shapely.Point(*SPOT), "category": "uxo", "disposal": "destroyed_in_situ", "found_on": None}],
    )
    assert Device.objects.filter(activity=task).count() == 1 and product.devices.count() == 1
    # The point hazard still has no ledger row; its product releases no recorded ground (it covers none).
    assert not HazardLedger.objects.filter(hazard=spot).exists()
    assert not ProductRelease.objects.filter(product=product).exists()
    assert ledger_store.verify() == []
    devices = by_group(ledger_queries.summary("country", "XTL"))["XTL"]["devices"]
    assert devices["area_clearance"] == {"uxo": 1}  # through the product's (point) hazard
    years = by_group(ledger_queries.summary("year", "XTL"))["2025"]["devices"]
    assert years == {"area_clearance": {"uxo": 1}, "eod_spot_tasks": {"uxo": 1}}


def test_a_product_of_a_point_hazard_credits_the_polygon_it_covers(land):
    """Coverage is spatial (decision 0004): a product filed under a point hazard that covers a polygon
    hazard's ground releases that ground; the point hazard itself gets no row."""
    polygon, spot = land["polygon"], land["spot"]
    org = Organisation.objects.create(name="Testland Demining", acronym="TDEM", kind="operator", country="XTL")
    accredit_organisation(org, "manual", dt.date(2024, 1, 1), dt.date(2030, 1, 1), "Testland authority")
    activity = operation_services.create_activity(
        organisation=org,
        activity_type="clearance",
        methods=["manual"],
        hazards=[spot, polygon],
        start_date=dt.date(2025, 3, 1),
    )
    services.create_product(
        activity=activity.code,
        hazard=spot.code,
        outcome="cleared",
        geometry=shapely.box(-19.3, -29.55, -19.295, -29.54),  # the polygon's western half
        released_on=dt.date(2025, 4, 1),
        clearance_depth_cm=20,
    )
    row = HazardLedger.objects.get(hazard=polygon)
    assert row.cleared_m2 == pytest.approx(polygon.area_m2 / 2, rel=1e-3)
    assert ledger_store.verify() == []
