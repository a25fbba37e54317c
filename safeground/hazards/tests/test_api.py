"""Hazards through the API: lists and filters, writes behind a token, bad input refused with nothing written."""

import pytest
import shapely
from pyproj import Transformer

from safeground.core.tests.fixtures import BATTAMBANG, FUZULI, square
from safeground.hazards.models import Hazard

pytestmark = pytest.mark.django_db

NEW = {"hazard_class": "SHA", "contamination_type": "ap_mines", "recorded_on": "2025-03-01"}


def post(api, body):
    return api.post("/api/v1/hazards", body, content_type="application/json")


def test_create_hazard_computes_area_location_code_and_history(api):
    response = post(api, {**NEW, "geometry": square(*BATTAMBANG), "name": "Field north of the pagoda"})
    assert response.status_code == 201, response.content
    props = response.json()["properties"]
    assert props["country"] == "KHM"
    assert props["province_code"] == "KH02"
    assert props["code"] == "KH02-HAZ-000001"
    hazard = Hazard.objects.get(code=props["code"])
    t = Transformer.from_crs(4326, 32648, always_xy=True)
    ring = shapely.geometry.shape(square(*BATTAMBANG)).exterior.coords
    expected = shapely.Polygon([t.transform(x, y) for x, y in ring]).area
    assert hazard.area_m2 == pytest.approx(expected, rel=1e-4)
    assert props["area_m2"] == hazard.area_m2
    assert hazard.district is not None and hazard.commune is not None
    history = api.get(f"/api/v1/hazards/{hazard.code}/history").json()
    assert history[0]["history_type"] == "created"
    assert history[0]["history_user"] == "im-officer"


def test_self_intersecting_polygon_is_refused_with_reason_and_location(api):
    lon, lat = BATTAMBANG
    bowtie = {
        "type": "Polygon",
        "coordinates": [[[lon, lat], [lon + 0.01, lat + 0.01], [lon + 0.01, lat], [lon, lat + 0.01], [lon, lat]]],
    }
    response = post(api, {**NEW, "geometry": bowtie})
    assert response.status_code == 422
    body = response.json()
    assert body["field"] == "geometry"
    assert body["reason"] == "Self-intersection"
    assert body["location"] == pytest.approx({"lon": lon + 0.005, "lat": lat + 0.005})
    assert "Self-intersection at lon" in body["detail"]
    assert not Hazard.objects.exists()
    assert not Hazard.history.exists()


def test_cambodian_hazard_drawn_in_thailand_is_refused(api):
    response = post(api, {**NEW, "geometry": square(102.0, 13.6), "country": "KHM"})
    assert response.status_code == 422
    body = response.json()
    assert "outside Cambodia (KHM)" in body["detail"] or "not in Cambodia (KHM)" in body["detail"]
    assert not Hazard.objects.exists()


def test_hazard_straddling_the_border_is_refused_with_the_share_outside(api):
    # Poipet on the Thai border: a 2 km square reaching into Thailand.
    response = post(api, {**NEW, "geometry": square(102.56, 13.66, half_deg=0.01)})
    assert response.status_code == 422
    assert "beyond the national border" in response.json()["detail"]
    assert not Hazard.objects.exists()


def test_swapped_coordinates_are_named(api):
    lon, lat = BATTAMBANG
    response = post(api, {**NEW, "geometry": square(lat, lon)})
    assert response.status_code == 422
    assert "look swapped" in response.json()["detail"]


def test_bad_choice_and_unknown_organisation_name_the_field(api):
    response = post(api, {**NEW, "geometry": square(*BATTAMBANG), "hazard_class": "XYZ"})
    assert response.status_code == 422 and response.json()["field"] == "hazard_class"
    response = post(api, {**NEW, "geometry": square(*BATTAMBANG), "reporting_organisation": "NOPE"})
    assert response.status_code == 422 and "unknown organisation 'NOPE'" in response.json()["detail"]
    assert not Hazard.objects.exists()


def test_writes_need_a_valid_token(client):
    assert client.post("/api/v1/hazards", {}, content_type="application/json").status_code == 401
    client.defaults["HTTP_AUTHORIZATION"] = "Bearer sg_not-a-real-token"
    response = client.post("/api/v1/hazards", {**NEW, "geometry": square(*BATTAMBANG)}, content_type="application/json")
    assert response.status_code == 401
    assert not Hazard.objects.exists()


def test_lists_filter_by_bbox_class_status_admin_area_and_organisation(api, hazard):
    post(api, {**NEW, "geometry": square(*FUZULI), "hazard_class": "CHA"})
    everything = api.get("/api/v1/hazards").json()
    assert everything["numberMatched"] == 2
    assert {f["properties"]["country"] for f in everything["features"]} == {"KHM", "AZE"}
    feature = everything["features"][0]
    assert {"code", "hazard_class", "status", "area_m2", "province_code", "country"} <= set(feature["properties"])
    assert feature["geometry"]["type"] == "MultiPolygon"

    def codes(query):
        return [f["id"] for f in api.get(f"/api/v1/hazards?{query}").json()["features"]]

    assert codes("bbox=102.5,12.5,103.5,13.5") == [hazard.code]
    assert codes("country=AZE") != [hazard.code] and len(codes("country=AZE")) == 1
    assert codes("hazard_class=SHA") == []
    assert codes("status=open&admin_area=KH02") == [hazard.code]
    assert codes(f"admin_area={hazard.district.code}") == [hazard.code]
    assert codes("organisation=CMAC") == [hazard.code]
    paged = api.get("/api/v1/hazards?limit=1").json()
    assert paged["numberReturned"] == 1 and any(link["rel"] == "next" for link in paged["links"])
    bad = api.get("/api/v1/hazards?bbox=1,2,3")
    assert bad.status_code == 422 and "bbox" in bad.json()["detail"]


def test_update_geometry_recomputes_area_and_keeps_history(api, hazard):
    before = hazard.area_m2
    response = api.patch(
        f"/api/v1/hazards/{hazard.code}",
        {"geometry": square(*BATTAMBANG, half_deg=0.001), "status": "suspended"},
        content_type="application/json",
        HTTP_IF_MATCH=f'"{hazard.version}"',
    )
    assert response.status_code == 200, response.content
    hazard.refresh_from_db()
    assert hazard.area_m2 == pytest.approx(before / 4, rel=1e-3)
    assert hazard.status == "suspended" and hazard.status_changed_on is not None
    history = api.get(f"/api/v1/hazards/{hazard.code}/history").json()
    assert history[0]["history_type"] == "changed"
    assert {c["field"] for c in history[0]["changes"]} >= {"geom", "area_m2", "status"}


def test_bad_update_leaves_the_hazard_as_it_was(api, hazard):
    lon, lat = BATTAMBANG
    bowtie = {
        "type": "Polygon",
        "coordinates": [[[lon, lat], [lon + 0.01, lat + 0.01], [lon + 0.01, lat], [lon, lat + 0.01], [lon, lat]]],
    }
    response = api.patch(
        f"/api/v1/hazards/{hazard.code}",
        {"geometry": bowtie, "status": "closed"},
        content_type="application/json",
        HTTP_IF_MATCH=f'"{hazard.version}"',
    )
    assert response.status_code == 422
    fresh = Hazard.objects.get(pk=hazard.pk)
    assert fresh.status == "open" and fresh.area_m2 == hazard.area_m2
    assert fresh.history.count() == 1


def test_openapi_document_and_docs_are_served(client):
    doc = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/hazards" in doc["paths"] and "/api/v1/admin-areas" in doc["paths"]
    assert client.get("/api/v1/docs").status_code == 200
