"""Land release products through the API: computed area, required depth, bad input refused, history."""

import pytest

from safeground.core.tests.fixtures import BATTAMBANG, square
from safeground.landrelease.models import Device, Product

pytestmark = pytest.mark.django_db


def body(hazard, activity, **extra):
    return {
        "activity": activity.code,
        "hazard": hazard.code,
        "outcome": "cleared",
        "clearance_depth_cm": 13,
        "released_on": "2024-03-01",
        "geometry": square(*BATTAMBANG, half_deg=0.001),
        **extra,
    }


def test_create_cleared_product(api, hazard, activity):
    response = api.post(
        "/api/v1/products", body(hazard, activity, reported_area_m2=48000), content_type="application/json"
    )
    assert response.status_code == 201, response.content
    props = response.json()["properties"]
    assert props["code"] == f"{hazard.code}-LR-001"
    assert props["outcome"] == "cleared" and props["hazard_code"] == hazard.code
    assert props["area_m2"] == pytest.approx(hazard.area_m2 / 4, rel=1e-3)
    listed = api.get(f"/api/v1/products?hazard={hazard.code}&outcome=cleared").json()
    assert [f["id"] for f in listed["features"]] == [props["code"]]
    assert api.get(f"/api/v1/products/{props['code']}/history").json()[0]["history_user"] == "im-officer"


def test_cleared_without_depth_is_refused(api, hazard, activity):
    response = api.post(
        "/api/v1/products", body(hazard, activity, clearance_depth_cm=None), content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json() == {
        "detail": "clearance_depth_cm is required when the outcome is cleared",
        "field": "clearance_depth_cm",
        "reason": "",
    }
    assert not Product.objects.exists()


def test_unknown_hazard_and_invalid_geometry_are_refused(api, hazard, activity):
    response = api.post(
        "/api/v1/products", {**body(hazard, activity), "hazard": "KH02-HAZ-999999"}, content_type="application/json"
    )
    assert response.status_code == 422 and response.json()["field"] == "hazard"
    spike = {"type": "Polygon", "coordinates": [[[103.05, 13.05], [103.06, 13.05], [103.05, 13.05], [103.05, 13.05]]]}
    response = api.post("/api/v1/products", body(hazard, activity, geometry=spike), content_type="application/json")
    assert response.status_code == 422 and "distinct vertices" in response.json()["detail"]
    assert not Product.objects.exists()


def test_update_outcome_and_devices_listing(api, hazard, activity):
    code = api.post("/api/v1/products", body(hazard, activity), content_type="application/json").json()["id"]
    product = Product.objects.get(code=code)
    Device.objects.create(
        code=f"{code}-D0001",
        product=product,
        activity=activity,
        point=product.geom.centroid,
        category="ap_mine",
        disposal="destroyed_in_situ",
        found_on=product.released_on,
        depth_cm=8,
        count=1,
    )
    response = api.patch(
        f"/api/v1/products/{code}",
        {"outcome": "reduced", "clearance_depth_cm": None},
        content_type="application/json",
        HTTP_IF_MATCH='"1"',
    )
    assert response.status_code == 200, response.content
    assert response.json()["properties"]["outcome"] == "reduced"
    assert response.json()["properties"]["devices"] == 1
    devices = api.get(f"/api/v1/devices?hazard={hazard.code}").json()
    assert devices["numberMatched"] == 1
    assert devices["features"][0]["properties"]["product_code"] == code
    assert api.get("/api/v1/devices?country=KHM").json()["numberMatched"] == 1
    assert api.get("/api/v1/devices?country=AZE").json()["numberMatched"] == 0
