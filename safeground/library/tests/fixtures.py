"""Library test data: Testland (the third country the tests build) with an operator, activities of
three types, two models of its own and devices of both models in both provinces and outside them."""

from __future__ import annotations

import datetime as dt

import shapely
from django.contrib.gis.geos import Point

from safeground.gazetteer.tests.testland import ISO3, build_testland
from safeground.landrelease import services as landrelease
from safeground.operations.models import Activity
from safeground.ordnance import services as ordnance
from safeground.organisations.models import Organisation

WEST_POINT = (-19.8, -29.8)  # province XT01
EAST_POINT = (-19.3, -29.6)  # province XT02
NO_PROVINCE = (-19.5, -29.1)  # in the country, in no province (the strip along the north edge)
SEA = (-25.0, -35.0)  # in no admin area at all


def build() -> dict:
    build_testland()
    org = Organisation.objects.create(acronym="TDO", name="Testland Demining", kind="operator", country=ISO3)

    def activity(code: str, kind: str) -> Activity:
        return Activity.objects.create(
            code=code,
            activity_type=kind,
            organisation=org,
            methods=["eod"] if kind == "eod" else ["manual"],
            reference_point=Point(-19.5, -29.5, srid=4326),
            country=ISO3,
            start_date=dt.date(2019, 1, 1),
            status="ongoing",
        )

    clearance, eod, bac = activity("XTL-CLR-1", "clearance"), activity("XTL-EOD-1", "eod"), activity("XTL-BAC-1", "bac")
    mine = ordnance.create_model(name="XT-AP-1", category="ap_mine", aliases=[("Testmine", "km")])
    bomblet = ordnance.create_model(name="XT-SUB-7", category="submunition")

    def found(act, model, point, on, depth, count=1, category="ap_mine"):
        return {
            "point": shapely.Point(*point),
            "category": category,
            "disposal": "destroyed_in_situ",
            "model": model.name,
            "found_on": on,
            "depth_cm": depth,
            "count": count,
        }

    d = dt.date
    landrelease.record_spot_devices(
        clearance,
        [
            found(clearance, mine, WEST_POINT, d(2020, 3, 1), 5),
            found(clearance, mine, WEST_POINT, d(2020, 4, 1), 10),  # the 10–20 band (lower bound included)
            found(clearance, mine, EAST_POINT, d(2021, 1, 5), 29, count=3),
            found(clearance, mine, NO_PROVINCE, d(2021, 2, 5), None),
            found(clearance, bomblet, EAST_POINT, d(2021, 2, 6), 0, count=4, category="submunition"),
        ],
        found_on=d(2020, 1, 1),
    )
    landrelease.record_spot_devices(
        eod,
        [
            found(eod, mine, EAST_POINT, d(2022, 6, 1), 30, count=2),  # 30+ (lower bound included)
            found(eod, mine, SEA, d(2022, 7, 1), 150),
            found(eod, bomblet, WEST_POINT, d(2022, 8, 1), 20, count=12, category="submunition"),
        ],
        found_on=d(2022, 1, 1),
    )
    landrelease.record_spot_devices(
        bac, [found(bac, mine, WEST_POINT, d(2023, 1, 1), 19, count=5)], found_on=d(2023, 1, 1)
    )
    return {"mine": mine, "bomblet": bomblet, "activities": (clearance, eod, bac)}
