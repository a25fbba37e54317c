"""Vector tiles in Testland (XTL), a country the test builds itself: the tiles depend on no country
written into the code. A hazard recorded through the services is in its tile for a viewer, and the
boundaries are in the anonymous admin-areas tile."""

from __future__ import annotations

import datetime as dt

import pytest
import shapely
from django.test import Client

from safeground.gazetteer import programmes
from safeground.gazetteer.models import AdminArea
from safeground.gazetteer.tests.testland import ISO3, build_testland
from safeground.hazards import services as hazard_services
from safeground.interop import tiles
from safeground.interop.tests.test_tiles import tile_of

pytestmark = pytest.mark.django_db


def decoded(response, key: str) -> list[dict]:
    assert response.status_code == 200, response.content[:300]
    return tiles.decode(response.content).get(key, {}).get("features", [])


def test_a_testland_hazard_and_its_boundaries_are_in_their_tiles(client_for):
    build_testland()
    programmes.add_programme(ISO3, name="Testland")
    hazard = hazard_services.create_hazard(
        geometry=shapely.box(-19.2113, -29.6071, -19.2017, -29.5983),
        hazard_class="CHA",
        contamination_type="ap_mines",
        recorded_on=dt.date(2025, 2, 1),
        name="Testland tile check",
    )
    x, y = tile_of(-19.2065, -29.6027, 12)
    viewer = client_for("viewer")
    held = decoded(viewer.get(f"/tiles/hazards/12/{x}/{y}.mvt"), "hazards")
    assert hazard.code in {f["properties"]["code"] for f in held}
    assert viewer.get("/tiles/hazards.json").json()["tiles"][0].endswith("/tiles/hazards/{z}/{x}/{y}.mvt")

    x6, y6 = tile_of(-19.5, -29.6, 6)
    areas = decoded(Client().get(f"/tiles/admin_areas/6/{x6}/{y6}.mvt"), "admin_areas")
    testland = set(
        AdminArea.objects.filter(country=ISO3, level__lte=1).values_list("code", flat=True)
    )  # z6: levels 0-1
    assert testland and testland <= {f["properties"]["code"] for f in areas}
    assert Client().get(f"/tiles/hazards/12/{x}/{y}.mvt").status_code == 401  # no hazards for visitors
