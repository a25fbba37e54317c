"""The organisations API: lists, filters, detail, accreditation writes (permissions, bad input)."""

import datetime as dt

import pytest

from safeground.organisations.models import Accreditation, AnimalAccreditation, Organisation, Personnel

pytestmark = pytest.mark.django_db


@pytest.fixture
def anama():
    return Organisation.objects.create(name="ANAMA", acronym="ANAMA", kind="authority", country="AZE")


def test_list_filters_and_pages(api, organisation, anama):
    body = api.get("/api/v1/organisations").json()
    assert body["count"] == 2
    assert [o["acronym"] for o in body["items"]] == ["ANAMA", "CMAC"]  # by country, then acronym
    assert [o["acronym"] for o in api.get("/api/v1/organisations?country=KHM").json()["items"]] == ["CMAC"]
    assert [o["acronym"] for o in api.get("/api/v1/organisations?kind=authority").json()["items"]] == ["ANAMA"]
    page = api.get("/api/v1/organisations?limit=1&offset=1").json()
    assert (page["count"], [o["acronym"] for o in page["items"]]) == (2, ["CMAC"])


def test_detail_lists_teams_and_assets(api, organisation, team):
    body = api.get("/api/v1/organisations/CMAC").json()
    assert body["name"] == "Cambodian Mine Action Centre"
    assert body["teams"] == [
        {
            "code": "CMAC-MDD-T1",
            "organisation": "CMAC",
            "kind": "mdd",
            "size": 4,
            "version": 1,
            "assets": [
                {"kind": "dog", "identifier": "D-101", "name": "Rex"},
                {"kind": "detector", "identifier": "DET-9", "name": ""},
            ],
        }
    ]
    assert api.get("/api/v1/organisations/NOPE").status_code == 404


def test_reads_need_an_account(client, organisation):
    r = client.get("/api/v1/organisations")
    assert r.status_code == 401
    assert r.json()["detail"] == "Unauthorized"


def test_accredit_writes_and_lists(api, organisation):
    r = api.post(
        "/api/v1/organisations/CMAC/accreditations",
        {"method": "manual", "valid_from": "2024-01-01", "valid_until": "2024-12-31", "issuing_authority": "CMAA"},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    assert r.json()["code"] == "CMAC-ACC-MANUAL-0001"
    listed = api.get("/api/v1/organisations/accreditations?organisation=CMAC&valid_on=2024-06-01").json()
    assert [a["code"] for a in listed["items"]] == ["CMAC-ACC-MANUAL-0001"]
    assert api.get("/api/v1/organisations/accreditations?valid_on=2025-06-01").json()["count"] == 0


@pytest.mark.parametrize(
    ("payload", "field", "words"),
    [
        (
            {
                "method": "juggling",
                "valid_from": "2024-01-01",
                "valid_until": "2024-12-31",
                "issuing_authority": "CMAA",
            },
            "method",
            "unknown method 'juggling'",
        ),
        (
            {"method": "manual", "valid_from": "2024-06-01", "valid_until": "2024-01-01", "issuing_authority": "CMAA"},
            "valid_until",
            "valid_until 2024-01-01 is before valid_from 2024-06-01",
        ),
    ],
)
def test_bad_accreditation_gives_422_and_writes_nothing(api, organisation, payload, field, words):
    r = api.post("/api/v1/organisations/CMAC/accreditations", payload, content_type="application/json")
    assert r.status_code == 422
    assert r.json()["field"] == field
    assert words in r.json()["detail"]
    assert not Accreditation.objects.exists()


def test_unparseable_date_gives_422_and_writes_nothing(api, organisation):
    payload = {"method": "manual", "valid_from": "first of May", "valid_until": "2024-12-31", "issuing_authority": "x"}
    r = api.post("/api/v1/organisations/CMAC/accreditations", payload, content_type="application/json")
    assert r.status_code == 422
    assert r.json()["field"] == "valid_from"
    assert r.json()["errors"][0]["loc"][-1] == "valid_from"
    assert not Accreditation.objects.exists()


def test_accrediting_needs_the_permission(client_for, organisation):
    viewer = client_for("viewer")
    payload = {"method": "manual", "valid_from": "2024-01-01", "valid_until": "2024-12-31", "issuing_authority": "x"}
    r = viewer.post("/api/v1/organisations/CMAC/accreditations", payload, content_type="application/json")
    assert r.status_code == 403
    assert "organisations.add_accreditation" in r.json()["detail"]
    assert not Accreditation.objects.exists()


def test_animal_accreditation_and_renewal(api, team):
    body = {"valid_from": "2024-01-01", "valid_until": "2024-06-30", "issuing_authority": "CMAA", "tests_passed": ["x"]}
    r = api.post("/api/v1/organisations/animals/D-101/accreditations", body, content_type="application/json")
    assert r.status_code == 201, r.content
    code = r.json()["code"]
    assert api.get("/api/v1/organisations/animals/D-101/accreditations").json()["items"][0]["code"] == code
    renewed = api.post(
        f"/api/v1/organisations/accreditations/{code}/renew",
        {"valid_until": "2024-12-31"},
        content_type="application/json",
    )
    assert renewed.status_code == 201
    assert (renewed.json()["valid_from"], renewed.json()["valid_until"]) == ("2024-07-01", "2024-12-31")
    assert AnimalAccreditation.objects.count() == 2


def test_animal_accreditation_with_unknown_handler_writes_nothing(api, team):
    body = {
        "valid_from": "2024-01-01",
        "valid_until": "2024-06-30",
        "issuing_authority": "CMAA",
        "tests_passed": ["x"],
        "handler": "CMAC-P-404",
    }
    r = api.post("/api/v1/organisations/animals/D-101/accreditations", body, content_type="application/json")
    assert r.status_code == 422
    assert (r.json()["field"], r.json()["detail"]) == ("handler", "no person 'CMAC-P-404'")
    assert not AnimalAccreditation.objects.exists()
    assert (
        api.post("/api/v1/organisations/animals/NOPE/accreditations", body, content_type="application/json").status_code
        == 404
    )


def test_personnel_names_only_for_roles_allowed(api, client_for, organisation, team):
    Personnel.objects.create(
        code="CMAC-P-000001",
        organisation=organisation,
        team=team,
        role="dog_handler",
        full_name="Sok Dara",
        date_of_birth=dt.date(1990, 4, 2),
        nationality="KHM",
    )
    seen = api.get("/api/v1/organisations/personnel?team=CMAC-MDD-T1").json()
    assert (seen["personal_details"], seen["items"][0]["full_name"]) == (True, "Sok Dara")
    hidden = client_for("viewer").get("/api/v1/organisations/personnel").json()
    assert (hidden["personal_details"], hidden["items"][0]["full_name"]) == (False, None)
    person = client_for("viewer").get("/api/v1/organisations/personnel/CMAC-P-000001").json()
    assert (person["code"], person["full_name"], person["certifications"]) == ("CMAC-P-000001", None, [])
    assert api.get("/api/v1/organisations/personnel?role=medic").json()["count"] == 0
