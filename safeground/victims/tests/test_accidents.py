"""Accidents: linked to the hazard they happened in, proposed as new evidence otherwise, residual
contamination on released land; bad input refused with nothing written."""

import datetime as dt

import pytest
import shapely
from django.core.management import call_command

from safeground.core.tests.fixtures import BATTAMBANG, square
from safeground.hazards.models import Evidence, Hazard
from safeground.victims.models import Accident

pytestmark = pytest.mark.django_db
OUTSIDE = (103.08, 13.08)  # Battambang, about 4 km from the test hazard


def body(lon, lat, **extra):
    return {
        "point": {"type": "Point", "coordinates": [lon, lat]},
        "occurred_on": "2024-04-02",
        "accident_type": "mine_erw",
        "device_category": "ap_mine",
        **extra,
    }


def post(client, data):
    return client.post("/api/v1/victims/accidents", data, content_type="application/json")


def test_accident_inside_an_open_hazard_is_linked(client_as, hazard):
    response = post(client_as("im-officer"), body(*BATTAMBANG, device_model="PMN-2", occurred_time="07:40"))
    assert response.status_code == 201, response.content
    props = response.json()["properties"]
    assert props["hazard"] == hazard.code and props["evidence_status"] == "linked"
    assert props["province_code"] == "KH02" and props["code"] == "KH02-ACC-000001"
    assert props["device_model"] == "PMN-2" and props["occurred_time"] == "07:40"
    assert props["residual_contamination"] is False


def test_accident_outside_hazards_is_proposed_as_evidence_then_decided(client_as, hazard, accounts):
    client = client_as("im-officer")
    code = post(client, body(*OUTSIDE)).json()["properties"]["code"]
    accident = Accident.objects.get(code=code)
    assert accident.hazard is None and accident.evidence_status == "proposed"
    proposals = client.get("/api/v1/victims/accidents/proposals").json()
    assert [p["code"] for p in proposals] == [code]
    assert proposals[0]["nearest_hazards"] == []  # the test hazard is ~4 km away, beyond 2 km
    hazards_before = Hazard.objects.count()
    response = client.post(
        f"/api/v1/victims/accidents/{code}/evidence",
        {"action": "new_hazard", "radius_m": 60},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    props = response.json()["properties"]
    assert props["evidence_status"] == "accepted" and props["hazard"]
    new = Hazard.objects.get(code=props["hazard"])
    assert Hazard.objects.count() == hazards_before + 1
    assert (new.hazard_class, new.contamination_type) == ("CHA", "ap_mines")
    assert new.area_m2 == pytest.approx(3.1214 * 60**2, rel=0.02)  # a 32-gon inscribed in the 60 m circle
    evidence = Evidence.objects.get(hazard=new)
    assert (evidence.kind, evidence.evidence_type) == ("direct", "accident") and code in evidence.description
    assert client.get("/api/v1/victims/accidents/proposals").json() == []
    history = client.get(f"/api/v1/victims/accidents/{code}/history").json()
    assert history[0]["history_user"] == "im-officer"


def test_link_a_proposal_to_an_existing_hazard_via_the_cli(client_as, hazard, accounts, capsys):
    code = post(client_as("im-officer"), body(*OUTSIDE)).json()["properties"]["code"]
    call_command("victims", "decide", code, "--link", hazard.code, "--user", "im-officer")
    assert "Added to the hazard registry" in capsys.readouterr().out
    assert Accident.objects.get(code=code).hazard == hazard
    assert Evidence.objects.filter(hazard=hazard, evidence_type="accident").count() == 1


def test_accident_on_released_land_is_residual_contamination(client_as, hazard, activity):
    from safeground.landrelease import services as lr

    product = lr.create_product(
        activity=activity.code,
        hazard=hazard.code,
        outcome="cleared",
        clearance_depth_cm=13,
        geometry=shapely.geometry.shape(square(*BATTAMBANG, half_deg=0.001)),
        released_on=dt.date(2024, 3, 1),
    )
    response = post(client_as("im-officer"), body(*BATTAMBANG))
    props = response.json()["properties"]
    assert props["product"] == product.code and props["residual_contamination"] is True
    assert props["evidence_status"] == "proposed" and props["hazard"] is None
    # Before the release, the same point is still the hazard's.
    earlier = post(client_as("im-officer"), body(*BATTAMBANG, occurred_on="2024-02-01")).json()["properties"]
    assert earlier["product"] is None and earlier["hazard"] == hazard.code


@pytest.mark.parametrize(
    ("point", "country", "reason", "text"),
    [
        ((100.5, 13.75), "KHM", "outside country", "lies outside Cambodia (KHM)"),  # Bangkok
        ((13.05, 103.05), None, "swapped coordinates", "look swapped"),  # latitude 103
        ((39.55, 47.15), None, "outside country", "latitude and longitude look swapped"),  # Fuzuli, swapped
        ((134.0, -25.0), None, "outside country", "outside every country in the gazetteer"),
    ],
)
def test_bad_points_are_refused_and_nothing_is_written(client_as, accounts, point, country, reason, text):
    response = post(client_as("im-officer"), body(*point, **({"country": country} if country else {})))
    assert response.status_code == 422
    assert response.json()["field"] == "point" and response.json()["reason"] == reason
    assert text in response.json()["detail"]
    assert not Accident.objects.exists()


def test_other_bad_input(client_as, accounts):
    client = client_as("im-officer")
    future = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    for data, field in [
        (body(*BATTAMBANG, occurred_on=future), "occurred_on"),
        (body(*BATTAMBANG, accident_type="stepped on it"), "accident_type"),
        (body(*BATTAMBANG, device_model="PMN-99"), "device_model"),
        (body(*BATTAMBANG, hazard="KH02-HAZ-999999"), "hazard"),
    ]:
        response = post(client, data)
        assert response.status_code == 422 and response.json()["field"] == field, response.content
    assert not Accident.objects.exists()


def test_roles_for_accidents(client_as, hazard, accounts):
    assert post(client_as("viewer"), body(*BATTAMBANG)).status_code == 403
    refused = post(client_as("operator-cmac"), body(*BATTAMBANG, organisation="ANAMA"))
    assert refused.status_code == 403 and "own organisation" in refused.json()["detail"]
    assert not Accident.objects.exists()
    ok = post(client_as("operator-cmac"), body(*BATTAMBANG, organisation="CMAC", accident_type="demining"))
    assert ok.status_code == 201
    listed = client_as("viewer").get("/api/v1/victims/accidents?country=KHM").json()
    assert listed["numberMatched"] == 1 and listed["features"][0]["properties"]["casualties"] == 0
    assert (
        client_as("viewer")
        .post(
            f"/api/v1/victims/accidents/{ok.json()['id']}/evidence",
            {"action": "dismiss"},
            content_type="application/json",
        )
        .status_code
        == 403
    )
    from django.test import Client

    assert Client().get("/api/v1/victims/accidents").status_code == 401


def test_a_refusal_is_in_the_readers_language(client_as, accounts):
    from django.utils import translation

    from safeground.core.errors import ValidationFailed
    from safeground.victims import services

    future = dt.date.today() + dt.timedelta(days=3)
    refused = {"point": shapely.Point(*BATTAMBANG), "occurred_on": future, "accident_type": "mine_erw"}
    with translation.override("fr"), pytest.raises(ValidationFailed) as fr:
        services.create_accident(**refused)
    assert f"occurred_on {future} est dans le futur" in str(fr.value) and fr.value.field == "occurred_on"
    with translation.override("en"), pytest.raises(ValidationFailed) as en:
        services.create_accident(**refused)
    assert str(en.value) == f"occurred_on {future} is in the future"
    # The API answers in the language the reader asks for.
    response = client_as("im-officer").post(
        "/api/v1/victims/accidents",
        body(*BATTAMBANG, device_model="PMN-99"),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert response.status_code == 422 and response.json()["detail"] == "modèle de munition inconnu 'PMN-99'"
    assert not Accident.objects.exists()
