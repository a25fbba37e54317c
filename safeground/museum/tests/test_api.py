"""Museum API: the collection with ETag and If-Match, loans, visits; 403 for readers, 422 for bad input."""

from __future__ import annotations

import pytest

from safeground.museum.models import Exhibit, Visit


@pytest.fixture
def api(accounts, client_as):
    return client_as


def test_exhibit_detail_etag_and_patch(museum_world, exhibit, api):
    c = api("im-officer")
    got = c.get(f"/api/v1/museum/exhibits/{exhibit.code}")
    assert got.status_code == 200 and got["ETag"] == '"1"'
    assert got.json()["device"] == museum_world["device"].code
    url = f"/api/v1/museum/exhibits/{exhibit.code}"
    assert c.patch(url, {"title": "x"}, content_type="application/json").status_code == 428
    assert c.patch(url, {"title": "x"}, content_type="application/json", HTTP_IF_MATCH='"7"').status_code == 412
    done = c.patch(url, {"title": "New", "reason": "label"}, content_type="application/json", HTTP_IF_MATCH='"1"')
    assert done.status_code == 200 and done.json()["title"] == "New" and done["ETag"] == '"2"'


def test_create_refused_without_certificate_and_for_a_viewer(museum_world, api):
    body = {
        "museum": museum_world["museum"].code,
        "inventory_number": "PM-5",
        "model": "tm-99",
        "demil_certificate": "",
        "demil_certified_on": "2024-04-01",
        "demil_certified_by": "EOD",
    }
    bad = api("im-officer").post("/api/v1/museum/exhibits", body, content_type="application/json")
    assert bad.status_code == 422 and bad.json()["field"] == "demil_certificate"
    body["demil_certificate"] = "DC-5"
    assert api("viewer").post("/api/v1/museum/exhibits", body, content_type="application/json").status_code == 403
    assert not Exhibit.objects.exists()
    made = api("im-officer").post("/api/v1/museum/exhibits", body, content_type="application/json")
    assert made.status_code == 201 and made.json()["found_point"] is None


def test_loans_and_visits(museum_world, exhibit, api):
    c = api("im-officer")
    loan = c.post(
        "/api/v1/museum/loans",
        {
            "exhibit": exhibit.code,
            "borrower": "TC",
            "borrower_kind": "training_centre",
            "lent_on": "2025-01-01",
            "due_on": "2025-01-31",
        },
        content_type="application/json",
    )
    assert loan.status_code == 201 and loan.json()["overdue"] is True
    assert [x["code"] for x in c.get("/api/v1/museum/loans?overdue=true").json()] == [loan.json()["code"]]
    back = c.post(
        f"/api/v1/museum/loans/{loan.json()['code']}/return",
        {"returned_on": "2025-01-20", "condition_back": "good"},
        content_type="application/json",
    )
    assert back.status_code == 200 and back.json()["returned_on"] == "2025-01-20"
    visit = c.post(
        "/api/v1/museum/visits",
        {
            "museum": museum_world["museum"].code,
            "visited_on": "2025-02-02",
            "girls": 4,
            "guided": True,
            "is_eore": True,
        },
        content_type="application/json",
    )
    assert visit.status_code == 201 and visit.json()["eore_session"]
    refused = c.post(
        "/api/v1/museum/visits",
        {"museum": museum_world["museum"].code, "visited_on": "2025-02-02", "girls": 4, "is_eore": True},
        content_type="application/json",
    )
    assert refused.status_code == 422 and refused.json()["field"] == "is_eore" and Visit.objects.count() == 1
    listed = api("viewer").get("/api/v1/museum/visits?by=year").json()
    assert listed["count"] == 1 and listed["totals"]["total"]["eore_sessions"] == 1
