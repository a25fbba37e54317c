"""Victim assistance: needs assessed, referrals with outcomes, follow-ups; VA role only, notes encrypted."""

import pytest

from safeground.victims.models import AccessLog, Assessment, FollowUp, Referral, Victim
from safeground.victims.tests.conftest import add_victims

pytestmark = pytest.mark.django_db


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


def test_assessment_referral_outcome_and_follow_up(client_as, victim):
    client = client_as("va-officer")
    base = f"/api/v1/victims/{victim.code}"
    a = post(
        client,
        f"{base}/assessments",
        {"assessed_on": "2024-03-20", "needs": ["rehabilitation", "psychosocial"], "notes": "fitted for a prosthesis"},
    )
    assert a.status_code == 201, a.content
    assert Victim.objects.get(pk=victim.pk).needs == ["rehabilitation", "psychosocial"]  # the latest assessment
    assert Assessment.objects.get().notes_enc.startswith("sgf1:")
    r = post(
        client,
        f"{base}/referrals",
        {
            "need": "rehabilitation",
            "provider": "Physical rehabilitation centre, Battambang",
            "referred_on": "2024-03-22",
        },
    )
    assert r.status_code == 201
    referral_id = r.json()["id"]
    done = client.patch(
        f"/api/v1/victims/referrals/{referral_id}",
        {"status": "completed", "outcome_on": "2024-06-01", "notes": "prosthesis delivered"},
        content_type="application/json",
        HTTP_IF_MATCH='"1"',
    )
    assert done.status_code == 200
    f = post(
        client, f"{base}/follow-ups", {"followed_up_on": "2024-07-01", "referral": referral_id, "notes": "walking well"}
    )
    assert f.status_code == 201
    assert FollowUp.objects.get().referral_id is not None
    data = post(client, f"{base}/personal-data", {"purpose": "checking the referral outcome"}).json()
    assert data["assessments"][0]["notes"] == "fitted for a prosthesis"
    assert data["referrals"][0]["status"] == "completed" and data["referrals"][0]["notes"] == "prosthesis delivered"
    assert data["follow_ups"][0]["notes"] == "walking well"
    assert AccessLog.objects.filter(action="record").count() == 4
    stats = client.get("/api/v1/victims/statistics/assistance").json()
    assert stats["needs"]["rows"] == [
        {"need": "rehabilitation", "count": "<5"},
        {"need": "psychosocial", "count": "<5"},
    ]
    assert stats["referrals"]["rows"] == [{"need": "rehabilitation", "status": "completed", "count": "<5"}]


def test_bad_assistance_input_writes_nothing(client_as, victim, accident):
    client = client_as("va-officer")
    base = f"/api/v1/victims/{victim.code}"
    cases = [
        (f"{base}/assessments", {"assessed_on": "2024-03-20", "needs": ["wifi"]}, "needs"),
        (f"{base}/assessments", {"assessed_on": "2020-01-01", "needs": ["medical"]}, "assessed_on"),
        (f"{base}/referrals", {"need": "medical", "provider": "  ", "referred_on": "2024-03-22"}, "provider"),
        (
            f"{base}/follow-ups",
            {"followed_up_on": "2024-07-01", "referral": "00000000-0000-0000-0000-000000000000"},
            "referral",
        ),
    ]
    for url, data, field in cases:
        response = post(client, url, data)
        assert response.status_code == 422 and response.json()["field"] == field, response.content
    killed = add_victims(accident, 1, outcome="killed")[0]
    response = post(
        client, f"/api/v1/victims/{killed.code}/assessments", {"assessed_on": "2024-03-20", "needs": ["medical"]}
    )
    assert response.status_code == 422 and "survivors" in response.json()["detail"]
    assert not Assessment.objects.exists() and not Referral.objects.exists() and not FollowUp.objects.exists()


@pytest.mark.parametrize("username", ["im-officer", "operator-cmac", "viewer", "admin"])
def test_only_the_va_role_records_assistance(client_as, victim, username):
    response = post(
        client_as(username),
        f"/api/v1/victims/{victim.code}/assessments",
        {"assessed_on": "2024-03-20", "needs": ["medical"]},
    )
    assert response.status_code == 403
    assert not Assessment.objects.exists()


def test_recording_a_victim_through_the_api(client_as, accident):
    data = {
        "accident": accident.code,
        "outcome": "injured",
        "purpose": "casualty report from the provincial hospital",
        "name": "Ros Chanvibol",
        "date_of_birth": "2010-02-03",
        "address": "Phum Prey Kong, Battambang",
        "sex": "male",
        "injuries": ["eye"],
        "activity": "playing",
        "device_tampered": "yes",
    }
    assert post(client_as("im-officer"), "/api/v1/victims", data).status_code == 403
    response = post(client_as("va-officer"), "/api/v1/victims", data)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["age_group"] == "child" and body["code"] == "KH-VIC-000001" and "name" not in body
    row = Victim.objects.get(code=body["code"])
    assert row.age_years == 14 and "Chanvibol" not in row.name_enc
    entry = AccessLog.objects.get(action="record")
    assert entry.purpose == data["purpose"] and entry.victim == row
    bad = post(client_as("va-officer"), "/api/v1/victims", {**data, "age_years": 30})
    assert bad.status_code == 422 and bad.json()["field"] == "age_years"
    assert Victim.objects.count() == 1
