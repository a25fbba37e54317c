import pytest

pytestmark = pytest.mark.django_db


def test_cambodian_provinces_through_the_api(api):
    body = api.get("/api/v1/admin-areas?country=KHM&level=1&simplify=0.01").json()
    assert body["numberMatched"] == 25
    assert [f["id"] for f in body["features"]] == [f"KH{n:02d}" for n in range(1, 26)]
    battambang = next(f for f in body["features"] if f["id"] == "KH02")
    assert battambang["properties"]["name"] == "Battambang"
    assert battambang["geometry"]["type"] in ("Polygon", "MultiPolygon")


def test_places_and_admin_area_detail(client):
    villages = client.get("/api/v1/places?country=KHM&kind=village&limit=5").json()
    assert villages["numberMatched"] == 14073 and villages["numberReturned"] == 5
    rayons = client.get("/api/v1/admin-areas?country=AZE&level=1&limit=1").json()
    assert rayons["numberMatched"] == 79
    one = client.get("/api/v1/admin-areas/AZE/1/AZ-FUZULI").json()
    assert one["properties"]["name"] == "Fuzuli District"
    assert client.get("/api/v1/admin-areas/AZE/1/AZ-NOWHERE").status_code == 404
