"""Hazards from traverses: API and the /traverse/ page keep the chain; bad chains write nothing."""

import pytest
import shapely
from django.urls import reverse

from safeground.hazards.models import Hazard, Traverse

pytestmark = pytest.mark.django_db

NEW = {"hazard_class": "SHA", "contamination_type": "ap_mines", "recorded_on": "2025-03-01"}


def chain(short_by: float = 1.0, start: str = "13.0512, 103.0521") -> dict:
    """Landmark → benchmark → start, a 100 m square by magnetic bearing with the west side short."""
    return {
        "declination": -0.4,
        "points": [
            {"name": "RP", "type": "reference", "coordinate": start},
            {"name": "BM", "type": "benchmark", "bearing": 45, "distance": 120},
            {"name": "SP", "type": "start", "bearing": 90, "distance": 30},
            {"name": "TP1", "bearing": 90, "distance": 100},
            {"name": "TP2", "bearing": 180, "distance": 100},
            {"name": "TP3", "bearing": 270, "distance": 100 - short_by},
            {"name": "CL", "type": "closing", "bearing": 0, "distance": 100},
        ],
    }


def post(api, body):
    return api.post("/api/v1/hazards", body, content_type="application/json")


def nothing_written():
    return not Hazard.objects.exists() and not Traverse.objects.exists() and not Traverse.history.exists()


def test_hazard_from_a_traverse_keeps_the_chain_and_the_polygon(api):
    response = post(api, {**NEW, "traverse": chain(), "name": "Rice field west of the pagoda"})
    assert response.status_code == 201, response.content
    props = response.json()["properties"]
    assert props["traverse"]["closure_error_m"] == pytest.approx(1.0, abs=1e-3)
    assert props["traverse"]["closure_ratio"] == 399
    assert props["traverse"]["warnings"] == []
    assert props["province_code"] == "KH02"
    hazard = Hazard.objects.get(code=props["code"])
    row = Traverse.objects.get(hazard=hazard)
    assert str(row.id) == props["traverse"]["id"]
    assert row.chain["points"] == [{"type": "turning", **p} for p in chain()["points"]]  # as entered, typed
    assert row.chain["declination"] == -0.4
    assert row.closure_error_m == pytest.approx(1.0, abs=1e-3)
    assert row.perimeter_m == pytest.approx(399.0)
    assert row.start_coordinate == "13.0512, 103.0521"
    assert row.created_by.username == "im-officer"
    # The hazard's perimeter is the computed polygon; its benchmark is the chain's benchmark.
    polygon = shapely.from_wkb(bytes(row.polygon.wkb))
    assert shapely.from_wkb(bytes(hazard.geom.wkb)).equals_exact(shapely.MultiPolygon([polygon]), 1e-9)
    assert hazard.benchmark is not None and row.benchmark is not None
    assert hazard.benchmark.coords == pytest.approx(row.benchmark.coords)
    assert hazard.area_m2 == pytest.approx(row.area_m2)
    listed = api.get(f"/api/v1/hazards/{hazard.code}/traverses").json()
    assert len(listed) == 1
    assert listed[0]["chain"]["points"][1] == {"name": "BM", "type": "benchmark", "bearing": 45.0, "distance": 120.0}
    assert listed[0]["closure_error_m"] == pytest.approx(1.0, abs=1e-3)
    assert listed[0]["polygon"]["type"] == "Polygon"
    assert listed[0]["created_by"] == "im-officer"


def test_a_poor_closure_is_created_with_a_warning(api):
    response = post(api, {**NEW, "traverse": chain(short_by=8.0)})
    assert response.status_code == 201
    assert "worse than 1:100" in response.json()["properties"]["traverse"]["warnings"][0]


def test_a_bad_chain_is_refused_naming_the_point_and_nothing_is_written(api):
    bad = chain()
    bad["points"][4]["distance"] = -5
    response = post(api, {**NEW, "traverse": bad})
    assert response.status_code == 422
    body = response.json()
    assert body["field"] == "traverse.points[4].distance"
    assert body["detail"] == "point 5 (TP2): distance must be a positive number of metres; got -5"
    assert nothing_written()


def test_a_traverse_in_thailand_is_refused_and_nothing_is_written(api):
    response = post(api, {**NEW, "traverse": chain(start="13.6, 102.0"), "country": "KHM"})
    assert response.status_code == 422
    assert response.json()["field"] == "geometry"
    assert nothing_written()


def test_geometry_or_traverse_not_both_nor_neither(api):
    square = {"type": "Polygon", "coordinates": [[[103.05, 13.05], [103.06, 13.05], [103.06, 13.06], [103.05, 13.05]]]}
    both = post(api, {**NEW, "geometry": square, "traverse": chain()})
    assert both.status_code == 422
    assert both.json() == {"detail": "give either geometry or traverse, not both", "field": "traverse", "reason": ""}
    neither = post(api, NEW)
    assert neither.status_code == 422
    assert neither.json()["field"] == "geometry"
    assert nothing_written()


def test_creating_from_a_traverse_needs_a_token(client):
    response = client.post("/api/v1/hazards", {**NEW, "traverse": chain()}, content_type="application/json")
    assert response.status_code == 401
    assert nothing_written()


# ------------------------------------------------------------------------------------------- page


def form_data(legs: list[dict], action: str = "compute", **settings) -> dict:
    data = {
        "datum": "WGS84",
        "coordinate_format": "",
        "bearing_unit": "degrees",
        "bearing_reference": "magnetic",
        "declination": "-0.4",
        "adjustment": "none",
        "leg-TOTAL_FORMS": str(len(legs) + 2),
        "leg-INITIAL_FORMS": "0",
        "action": action,
        **settings,
    }
    for i, leg in enumerate(legs + [{}, {}]):  # two blank rows, ignored
        data[f"leg-{i}-type"] = leg.get("type", "turning")
        for key in ("name", "coordinate", "bearing", "distance", "reference"):
            data[f"leg-{i}-{key}"] = leg.get(key, "")
        data[f"leg-{i}-source"] = leg.get("from", "")
    return data


def test_traverse_page_shows_an_empty_form_and_the_example(signed_in):
    url = reverse("traverse")
    assert url == "/traverse/"
    page = signed_in.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="leg-TOTAL_FORMS" value="8"' in html
    assert 'data-map="traverse"' not in html  # nothing computed yet
    example = signed_in.get(url, {"example": "1"}).content.decode()
    assert 'value="RP"' in example and 'value="CL"' in example


def test_traverse_page_computes_the_polygon_and_the_closure(client_for):
    signed_in = client_for("viewer")
    response = signed_in.post(reverse("traverse"), form_data(chain()["points"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-closure-m="1.000"' in html
    assert "1:399" in html
    assert 'data-map="traverse"' in html and 'id="traverse-map-data"' in html
    assert "js/traverse.js" in html
    assert "submit a hazard" in html  # a viewer: no create button
    assert 'value="create"' not in html
    assert nothing_written()


def test_traverse_page_marks_the_bad_row_and_writes_nothing(signed_in):
    legs = chain()["points"]
    legs[3] = {**legs[3], "bearing": 400}
    response = signed_in.post(reverse("traverse"), form_data(legs))
    assert response.status_code == 422
    html = response.content.decode()
    message = "point 4 (TP1): bearing 400 is out of range: degrees must be at least 0 and less than 360"
    assert html.count(message) == 2  # the notice at the top and the row
    assert 'class="has-error"' in html
    assert nothing_written()


def test_traverse_page_adds_rows(signed_in):
    response = signed_in.post(reverse("traverse"), form_data(chain()["points"], action="more"))
    assert response.status_code == 200
    assert f'name="leg-TOTAL_FORMS" value="{len(chain()["points"]) + 2 + 5}"' in response.content.decode()


def test_traverse_page_creates_a_hazard_for_a_signed_in_user(client, user, client_for):
    create = form_data(chain()["points"], action="create", hazard_class="CHA", recorded_on="2025-02-01")
    anonymous = client.post(reverse("traverse"), create)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")
    refused = client_for("viewer").post(reverse("traverse"), create)
    assert "Your role cannot create hazards" in refused.content.decode()
    assert nothing_written()
    client.force_login(user)
    response = client.post(
        reverse("traverse"),
        form_data(
            chain()["points"],
            action="create",
            hazard_class="CHA",
            contamination_type="ap_mines",
            recorded_on="2025-02-01",
            name="From the form",
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    hazard = Hazard.objects.get(name="From the form")
    assert response.url == reverse("hazard-detail", args=[hazard.code])
    row = hazard.traverses.get()
    assert row.closure_error_m == pytest.approx(1.0, abs=1e-3)
    assert [p["name"] for p in row.chain["points"]] == ["RP", "BM", "SP", "TP1", "TP2", "TP3", "CL"]
    assert row.created_by == user
