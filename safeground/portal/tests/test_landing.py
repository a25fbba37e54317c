"""The public landing page (`/` for anonymous visitors) and its map data (`/public/contamination.geojson`).

Built in Testland (XTL), a country the test makes itself: nothing on the page may depend on a country
written into the code. Privacy: the map data holds province outlines and aggregate numbers, never a
hazard's code, name or geometry; anonymous requests are answered from the cache.
"""

import datetime as dt
import json
import re

import pytest
import shapely
from django.conf import settings
from django.test import Client
from django.urls import reverse

from safeground.gazetteer import programmes
from safeground.gazetteer.models import AdminArea
from safeground.gazetteer.tests.testland import ISO3, build_testland
from safeground.hazards import services as hazard_services
from safeground.landrelease.models import HazardLedger

pytestmark = pytest.mark.django_db

HAZARD_NAME = "Minefield behind the testland school"


@pytest.fixture
def testland():
    """Testland with its programme, an open 1 ha-ish SHA in the east province and a closed one in the west."""
    build_testland()
    programmes.add_programme(ISO3, name="Testland")
    hazards = [
        hazard_services.create_hazard(
            geometry=shapely.box(*box),
            hazard_class="SHA",
            contamination_type="uxo",
            recorded_on=dt.date(2025, 2, 1),
            status=status,
            name=HAZARD_NAME,
        )
        for box, status in (
            ((-19.2113, -29.6071, -19.2017, -29.5983), "open"),  # east (XT02)
            ((-19.8113, -29.6071, -19.8017, -29.5983), "closed"),  # west (XT01)
        )
    ]
    return {h.status: h for h in hazards}


def _config(html: str) -> dict:
    return json.loads(re.search(r'<script id="landing-config" type="application/json">(.*?)</script>', html, re.S)[1])


def test_anonymous_visitors_get_the_landing_page(testland):
    response = Client().get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "The open information management system for humanitarian mine action" in html
    assert f'href="{reverse("login")}"' in html and "btn btn-primary" in html  # the way to sign in
    assert f'href="{reverse("public-dashboard")}"' in html
    assert "Mine action in figures" in html and "Remaining contamination" in html  # the headline cards
    # The map: vendored MapLibre and an external script; its data by URL, nothing inline.
    assert f"{settings.STATIC_URL}vendor/maplibre-gl/maplibre-gl.js" in html
    assert f"{settings.STATIC_URL}js/landing.js" in html
    assert re.findall(r"<script>", html) == [] and "<style" not in html
    for src in re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html):
        assert src.startswith("/"), src  # no CDN, no basemap from the internet
    config = _config(html)
    assert config["dataUrl"] == reverse("public-contamination")
    assert "XTL" in [c["code"] for c in config["countries"]]  # every programme, Testland too
    assert 'data-country="XTL"' in html and ">Testland<" in html
    # Aggregates only: no hazard code, name or map of the signed-in pages.
    for hazard in testland.values():
        assert hazard.code not in html
    assert HAZARD_NAME not in html and 'data-map="overview"' not in html


def test_signed_in_accounts_keep_the_map(client_for):
    html = client_for("viewer").get("/").content.decode()
    assert 'data-map="overview"' in html and "landing-config" not in html


def test_the_map_data_holds_province_outlines_and_aggregates_only(testland):
    response = Client().get(reverse("public-contamination"))
    assert response.status_code == 200 and response["Content-Type"] == "application/geo+json"
    body = response.content.decode()
    data = json.loads(body)
    assert data["type"] == "FeatureCollection"
    provinces = set(AdminArea.objects.filter(level=1).values_list("country", "code"))
    seen = set()
    for feature in data["features"]:
        assert feature["geometry"]["type"] in ("Polygon", "MultiPolygon")
        props = feature["properties"]
        assert set(props) == {"code", "name", "country", "remaining_ha", "open_hazards"}
        assert isinstance(props["remaining_ha"], int | float) and isinstance(props["open_hazards"], int)
        seen.add((props["country"], props["code"]))
    assert seen == provinces  # one feature per first-level area, nothing else
    by_code = {f["properties"]["code"]: f["properties"] for f in data["features"] if f["properties"]["country"] == ISO3}
    open_hazard = testland["open"]
    remaining = HazardLedger.objects.get(hazard=open_hazard).remaining_m2
    assert by_code["XT02"]["open_hazards"] == 1
    assert by_code["XT02"]["remaining_ha"] == pytest.approx(remaining / 10_000, abs=0.01)
    assert by_code["XT01"] == {"code": "XT01", "name": "West", "country": ISO3, "remaining_ha": 0, "open_hazards": 0}
    # No hazard's code, name or vertex.
    for hazard in testland.values():
        assert hazard.code not in body
    assert HAZARD_NAME not in body
    for lon, lat in shapely.get_coordinates(shapely.from_wkb(bytes(open_hazard.geom.wkb))):
        assert f"{lon:.3f}" not in body or f"{lat:.3f}" not in body
    xt02 = next(f for f in data["features"] if f["properties"]["code"] == "XT02")
    assert shapely.geometry.shape(xt02["geometry"]).area == pytest.approx(0.5 * 0.8)  # the province, not the hazard


def test_anonymous_requests_are_answered_from_the_cache(testland, django_assert_max_num_queries):
    anonymous = Client()
    anonymous.get("/")
    anonymous.get(reverse("public-contamination"))
    with django_assert_max_num_queries(0):  # no aggregate, no outline, no session
        assert anonymous.get(reverse("public-contamination")).status_code == 200
    with django_assert_max_num_queries(3):  # the programmes and the synthetic-data banner; no aggregate
        assert anonymous.get("/").status_code == 200


def test_the_sign_in_button_is_styled():
    html = Client().get(reverse("login")).content.decode()
    assert re.search(r'<button type="submit" class="btn btn-primary">', html)
