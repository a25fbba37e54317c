"""A small world for the list and record page tests of the hazards, operations and land release apps.

Three hazards in three provinces of two countries, three activities, three products and four
devices (one found on an EOD spot task, with no product), each with values that set it apart in
every filter and sort the tests check. Hazards and products go through the services (real areas,
province from the gazetteer, ledger); activities and devices through the ORM.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
from dataclasses import dataclass

import shapely
from django.contrib.gis.geos import Point
from django.db import connection
from django.test.utils import CaptureQueriesContext

from safeground.hazards import services as hazard_services
from safeground.hazards.models import Hazard
from safeground.landrelease import services as product_services
from safeground.landrelease.models import Device, Product
from safeground.operations.models import Activity
from safeground.organisations.models import Organisation

BATTAMBANG = (103.05, 13.05)  # KH02
SIEM_REAP = (103.95, 13.45)  # KH17
FUZULI = (47.15, 39.55)  # an Azerbaijani rayon


@dataclass
class World:
    cmac: Organisation
    anama: Organisation
    rice: Hazard  # KH, CHA, open, large
    temple: Hazard  # KH, SHA, closed, small
    fuzuli: Hazard  # AZ, CHA, suspended, middle
    clearance: Activity
    survey: Activity
    eod: Activity
    cleared: Product
    reduced: Product
    cancelled: Product
    devices: dict[str, Device]


def _box(centre: tuple[float, float], half: float) -> shapely.Polygon:
    lon, lat = centre
    return shapely.box(lon - half, lat - half, lon + half, lat + half)


def build_world(user=None) -> World:
    cmac = Organisation.objects.create(
        name="Cambodian Mine Action Centre", acronym="CMAC", kind="operator", country="KHM"
    )
    anama = Organisation.objects.create(
        name="Azerbaijan National Agency for Mine Action", acronym="ANAMA", kind="operator", country="AZE"
    )
    rice = hazard_services.create_hazard(
        geometry=_box(BATTAMBANG, 0.003),
        hazard_class="CHA",
        contamination_type="ap_mines",
        recorded_on=dt.date(2024, 1, 15),
        name="Rice field north of the pagoda",
        reporting_organisation="CMAC",
        user=user,
    )
    temple = hazard_services.create_hazard(
        geometry=_box(SIEM_REAP, 0.001),
        hazard_class="SHA",
        contamination_type="uxo",
        status="closed",
        recorded_on=dt.date(2023, 5, 1),
        name="Temple road",
        reporting_organisation="CMAC",
        user=user,
    )
    fuzuli = hazard_services.create_hazard(
        geometry=_box(FUZULI, 0.002),
        hazard_class="CHA",
        contamination_type="at_mines",
        status="suspended",
        recorded_on=dt.date(2024, 6, 1),
        reporting_organisation="ANAMA",
        user=user,
    )

    def activity(code, kind, org, hazard, country, start, end=None, status="ongoing", point=None):
        row = Activity.objects.create(
            code=code,
            activity_type=kind,
            organisation=org,
            methods=["manual"] if kind != "eod" else ["eod"],
            reference_point=point or hazard.geom.centroid,
            country=country,
            start_date=start,
            end_date=end,
            status=status,
        )
        if hazard is not None:
            row.hazards.add(hazard)
        return row

    clearance = activity("KH-T-CLR-001", "clearance", cmac, rice, "KHM", dt.date(2024, 2, 1))
    survey = activity(
        "KH-T-NTS-002", "nts", cmac, temple, "KHM", dt.date(2023, 5, 1), dt.date(2023, 6, 1), status="completed"
    )
    eod = activity(
        "AZ-T-EOD-003",
        "eod",
        anama,
        None,
        "AZE",
        dt.date(2024, 7, 1),
        dt.date(2024, 7, 2),
        status="completed",
        point=Point(FUZULI[0] + 0.01, FUZULI[1], srid=4326),
    )
    activity("AZ-T-TS-004", "ts", anama, fuzuli, "AZE", dt.date(2024, 6, 10), status="suspended")

    minx, miny, maxx, maxy = rice.geom.extent
    midx = (minx + maxx) / 2
    cleared = product_services.create_product(
        activity=clearance.code,
        hazard=rice.code,
        outcome="cleared",
        geometry=shapely.box(minx, miny, midx, maxy),
        released_on=dt.date(2024, 3, 1),
        clearance_depth_cm=13,
        code="KH-T-LR-CLR",
        user=user,
    )
    reduced = product_services.create_product(
        activity=clearance.code,
        hazard=rice.code,
        outcome="reduced",
        geometry=shapely.box(midx, miny, maxx, maxy),
        released_on=dt.date(2025, 6, 1),
        code="KH-T-LR-RED",
        user=user,
    )
    cancelled = product_services.create_product(
        activity=survey.code,
        hazard=temple.code,
        outcome="cancelled",
        geometry=_box(SIEM_REAP, 0.001),
        released_on=dt.date(2023, 6, 1),
        code="KH-T-LR-CAN",
        user=user,
    )

    def device(code, category, disposal, found_on, product=None, activity=None, count=1, point=None):
        point = point or product.geom.centroid
        return Device.objects.create(
            code=code,
            product=product,
            activity=activity or (product.activity if product else None),
            point=point,
            category=category,
            disposal=disposal,
            found_on=found_on,
            count=count,
        )

    devices = {
        "mine": device("KH-T-EO-001", "ap_mine", "destroyed_in_situ", dt.date(2024, 2, 20), cleared),
        "bomblets": device("KH-T-EO-002", "submunition", "removed_destroyed", dt.date(2024, 2, 25), cleared, count=3),
        "shell": device("KH-T-EO-003", "uxo", "removed_stored", dt.date(2023, 5, 20), cancelled),
        "spot": device(
            "AZ-T-EO-004",
            "uxo",
            "destroyed_in_situ",
            dt.date(2024, 7, 1),
            activity=eod,
            point=Point(FUZULI[0] + 0.0101234, FUZULI[1] + 0.0005678, srid=4326),
        ),
    }
    return World(cmac, anama, rice, temple, fuzuli, clearance, survey, eod, cleared, reduced, cancelled, devices)


# ----------------------------------------------------------------------------------- page helpers


def html_of(response) -> str:
    assert response.status_code == 200, response.content[:2000]
    return response.content.decode()


def listed_codes(html: str) -> list[str]:
    """The record code in the first cell of each row of the list table, in order."""
    body = re.search(r'<table class="record-list">.*?<tbody>(.*?)</tbody>', html, re.S)
    if body is None:
        return []
    return re.findall(r"<tr>\s*<td>(?:<a [^>]*>)?<code>([^<]+)</code>", body[1])


def csv_of(response) -> list[dict]:
    """The rows of a CSV export (checks the download headers and the byte order mark on the way)."""
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="safeground-')
    raw = b"".join(response.streaming_content)
    assert raw.startswith(codecs.BOM_UTF8)
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))


def query_count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        html_of(client.get(url))
    return len(queries)
