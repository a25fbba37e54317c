"""Risk education sessions: recorded with their point and beneficiaries, nearby hazards linked,
beneficiaries by sex and age; operators record their own organisation's sessions."""

import pytest

from safeground.core.tests.fixtures import BATTAMBANG
from safeground.eore.models import Session

pytestmark = pytest.mark.django_db


def body(**extra):
    return {
        "held_on": "2024-05-10",
        "organisation": "CMAC",
        "method": "community",
        "point": {"type": "Point", "coordinates": [BATTAMBANG[0] + 0.02, BATTAMBANG[1]]},  # ≈2.2 km east
        "audience": "farmers",
        "girls": 12,
        "boys": 10,
        "women": 20,
        "men": 18,
        "materials": ["leaflet", "poster"],
        **extra,
    }


def post(signed_in, data):
    return signed_in.post("/api/v1/eore/sessions", data, content_type="application/json")


def test_session_links_nearby_hazards(client_as, hazard):
    response = post(client_as("operator-cmac"), body())
    assert response.status_code == 201, response.content
    props = response.json()["properties"]
    assert props["code"] == "KH02-EORE-000001" and props["province_code"] == "KH02"
    assert props["hazards"] == [hazard.code] and props["beneficiaries"] == 60
    far = post(
        client_as("im-officer"), body(point={"type": "Point", "coordinates": [BATTAMBANG[0] + 0.06, BATTAMBANG[1]]})
    )
    assert far.json()["properties"]["hazards"] == []  # ≈6.5 km away: beyond 5 km
    listed = client_as("viewer").get(f"/api/v1/eore/sessions?hazard={hazard.code}").json()
    assert [f["id"] for f in listed["features"]] == [props["code"]]


def test_beneficiaries_by_sex_and_age(client_as, hazard):
    post(client_as("im-officer"), body())
    post(client_as("im-officer"), body(method="school", audience="schoolchildren", girls=40, boys=38, women=1, men=1))
    post(client_as("im-officer"), body(method="mass_media", point=None, girls=100, boys=100, women=300, men=250))
    data = (
        client_as("viewer").get("/api/v1/eore/beneficiaries?by=method").json()
    )  # any account: counts of people reached
    rows = {r["group"]: r for r in data["rows"]}
    assert rows["school"]["girls"] == 40 and rows["school"]["total"] == 80
    assert rows["mass_media"]["sessions"] == 1 and rows["mass_media"]["total"] == 750
    assert data["total"] == {"girls": 152, "boys": 148, "women": 321, "men": 269, "sessions": 3, "total": 890}
    by_year = client_as("viewer").get("/api/v1/eore/beneficiaries?by=year&country=KHM").json()
    assert by_year["rows"][0]["group"] == 2024 and by_year["rows"][0]["total"] == 890
    bad = client_as("viewer").get("/api/v1/eore/beneficiaries?by=colour")
    assert bad.status_code == 422 and bad.json()["field"] == "by"


def test_bad_sessions_are_refused_and_nothing_is_written(client_as, hazard):
    signed_in = client_as("im-officer")
    cases = [
        (body(point=None), "point", "needs its point"),
        (body(girls=-1), "girls", "whole number"),
        (body(girls=0, boys=0, women=0, men=0), "girls", "at least one person"),
        (body(method="carrier pigeon"), "method", "must be one of"),
        (body(organisation="NOPE"), "organisation", "unknown organisation"),
        (body(point={"type": "Point", "coordinates": [100.5, 13.75]}, country="KHM"), "point", "outside Cambodia"),
    ]
    for data, field, text in cases:
        response = post(signed_in, data)
        assert response.status_code == 422, (data, response.content)
        assert response.json()["field"] == field and text in response.json()["detail"]
    assert not Session.objects.exists()


def test_operators_record_their_own_sessions_only(client_as, hazard):
    refused = post(client_as("operator-cmac"), body(organisation="ANAMA"))
    assert refused.status_code == 403 and "own organisation" in refused.json()["detail"]
    assert post(client_as("viewer"), body()).status_code == 403
    assert not Session.objects.exists()
    assert post(client_as("operator-cmac"), body()).status_code == 201
    code = Session.objects.get().code
    history = client_as("viewer").get(f"/api/v1/eore/sessions/{code}/history").json()
    assert history[0]["history_user"] == "operator-cmac"
