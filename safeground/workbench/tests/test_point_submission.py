"""A point hazard submitted through the workbench: the same payload schema as the API, so it applies;
the reviewer sees the polygons it lies in and point hazards close by. In Testland (XTL)."""

import datetime as dt

import pytest
import shapely

from safeground.gazetteer import programmes
from safeground.gazetteer.tests.testland import build_testland
from safeground.hazards import services as hazard_services
from safeground.hazards.models import Hazard
from safeground.workbench import queries, services

pytestmark = pytest.mark.django_db

SPOT = (-19.25, -29.5)


def test_a_point_submission_is_checked_reviewed_and_applied(client_for):
    build_testland()
    programmes.add_programme("XTL", name="Testland")
    officer, reviewer = client_for("im_officer", username="im-a"), client_for("im_officer", username="im-b")
    around = hazard_services.create_hazard(
        geometry=shapely.box(SPOT[0] - 0.01, SPOT[1] - 0.01, SPOT[0] + 0.01, SPOT[1] + 0.01),
        hazard_class="SHA",
        contamination_type="uxo",
        recorded_on=dt.date(2025, 1, 1),
    )
    near = hazard_services.create_hazard(
        geometry=shapely.Point(SPOT[0] + 0.0005, SPOT[1]),  # about 48 m east
        hazard_class="SHA",
        contamination_type="uxo",
        recorded_on=dt.date(2025, 1, 1),
    )
    payload = {
        "geometry": {"type": "Point", "coordinates": list(SPOT)},
        "radius_m": 30,
        "hazard_class": "SHA",
        "contamination_type": "uxo",
        "recorded_on": "2025-03-02",
        "name": "Mortar reported by a farmer",
    }
    s = services.submit(kind="hazard", payload=payload, user=officer.user)
    found = {(f["check"], f["code"]) for f in s.findings}
    assert found == {("overlapping_hazard", around.code), ("duplicate_hazard", near.code)}
    assert queries.map_features(s)["features"][0]["geometry"]["type"] == "Point"
    approved = services.approve(s, user=reviewer.user, revision=s.revision)
    hazard = Hazard.objects.get(code=approved.result_code)
    assert hazard.point.coords == SPOT and hazard.radius_m == 30 and hazard.area_m2 == 0
    # A polygon proposed over the point hazards names them.
    over = shapely.geometry.mapping(shapely.Point(*SPOT).buffer(0.002))
    s2 = services.submit(kind="hazard", payload={**payload, "radius_m": None, "geometry": over}, user=officer.user)
    assert {("holds_point_hazard", hazard.code), ("holds_point_hazard", near.code)} <= {
        (f["check"], f.get("code")) for f in s2.findings
    }


def test_the_submit_page_takes_a_point_hazard_typed_as_one_vertex(client_for):
    """The page's form: one vertex (or one click and Finish on the map) is a point hazard with its radius;
    a product still needs a perimeter."""
    import re

    from safeground.workbench.models import Submission

    build_testland()
    programmes.add_programme("XTL", name="Testland")
    officer = client_for("im_officer")
    page = officer.get("/workbench/new/hazard/").content.decode()
    assert 'data-allow-point="true"' in page
    form = {
        "token": re.search(r'name="token" value="([^"]+)"', page).group(1),
        "hazard_class": "SHA",
        "contamination_type": "uxo",
        "recorded_on": "2025-04-01",
        "name": "Spot task",
        "vertices": f"{SPOT[1]}, {SPOT[0]}",
        "radius_m": "40",
    }
    sent = officer.post("/workbench/new/hazard/", form)
    assert sent.status_code == 302, sent.content.decode()[-1500:]
    payload = Submission.objects.get().payload
    assert payload["geometry"] == {"type": "Point", "coordinates": [SPOT[0], SPOT[1]]} and payload["radius_m"] == 40
    assert 'data-allow-point="true"' not in officer.get("/workbench/new/product/").content.decode()
