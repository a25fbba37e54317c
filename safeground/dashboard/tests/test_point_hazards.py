"""The dashboards count point hazards among the hazards, and say how many open ones are only a point
(their ground is not in the remaining figures). In Testland (XTL)."""

import datetime as dt

import pytest
import shapely
from django.urls import reverse

from safeground.dashboard import queries
from safeground.gazetteer import programmes
from safeground.gazetteer.tests.testland import build_testland
from safeground.hazards import services as hazard_services

pytestmark = pytest.mark.django_db


def test_point_hazards_count_in_the_dashboard(client_for):
    build_testland()
    programmes.add_programme("XTL", name="Testland")
    for geometry, status in (
        (shapely.Point(-19.25, -29.5), "open"),
        (shapely.Point(-19.3, -29.5), "closed"),
        (shapely.box(-19.8, -29.6, -19.79, -29.59), "open"),
    ):
        hazard_services.create_hazard(
            geometry=geometry,
            hazard_class="SHA",
            contamination_type="uxo",
            recorded_on=dt.date(2025, 2, 1),
            status=status,
        )
    figures = queries.dashboard(2025, "XTL")
    assert (figures["hazards"]["open"], figures["hazards"]["closed"], figures["hazards"]["open_points"]) == (2, 1, 1)
    assert figures["remaining"]["total"]["hazards"] == 1  # the ledger's ground: the polygon only
    public = client_for("viewer").get("/api/v1/dashboard/public?year=2025&country=XTL").json()
    assert public["hazards"]["open_points"] == 1
    html = client_for("viewer").get(reverse("dashboard") + "?year=2025&country=XTL").content.decode()
    assert "Of the open ones, 1 is known only as a point" in html
