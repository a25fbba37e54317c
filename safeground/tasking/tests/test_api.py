"""The tasking API: who may do what, refusals naming the field with nothing written, ETag and If-Match."""

import datetime as dt

import pytest

from safeground.tasking.models import DevelopmentRequest, PrioritySnapshot, Task

pytestmark = pytest.mark.django_db

BODY = {
    "organisation": "XOP",
    "methods": ["manual"],
    "planned_start": "2026-01-05",
    "planned_end": "2026-04-30",
    "priority": "high",
    "budget_amount": 12000,
    "budget_currency": "USD",
    "funding_source": "Test fund",
}


@pytest.fixture
def clients(land, client_for):
    return {
        "im": client_for("im_officer"),
        "mine": client_for("operator", organisation=land["xop"]),
        "other": client_for("operator", organisation=land["xot"]),
        "viewer": client_for("viewer"),
    }


def test_issue_accept_and_read_a_task(land, clients):
    a = land["hazards"]["A"].code
    refused = clients["mine"].post("/api/v1/tasks", {**BODY, "hazards": [a]}, content_type="application/json")
    assert refused.status_code == 403 and "tasking.add_task" in refused.json()["detail"]
    created = clients["im"].post("/api/v1/tasks", {**BODY, "hazards": [a]}, content_type="application/json")
    assert created.status_code == 201
    task = created.json()
    assert (task["code"], task["status"], task["hazards"], task["budget_amount"]) == (
        "XT-TASK-000001",
        "issued",
        [a],
        12000,
    )
    # The operator sees its own task, another operator does not (404, as if it did not exist).
    assert clients["mine"].get("/api/v1/tasks").json()["count"] == 1
    assert clients["other"].get("/api/v1/tasks").json()["count"] == 0
    assert clients["other"].get(f"/api/v1/tasks/{task['code']}").status_code == 404
    assert clients["viewer"].get(f"/api/v1/tasks/{task['code']}").status_code == 200
    response = clients["mine"].get(f"/api/v1/tasks/{task['code']}")
    assert response["ETag"] == '"1"'
    other = clients["other"].post(
        f"/api/v1/tasks/{task['code']}/status", {"status": "accepted"}, content_type="application/json"
    )
    assert other.status_code == 404
    viewer = clients["viewer"].post(
        f"/api/v1/tasks/{task['code']}/status", {"status": "accepted"}, content_type="application/json"
    )
    assert viewer.status_code == 403
    no_reason = clients["mine"].post(
        f"/api/v1/tasks/{task['code']}/status", {"status": "declined"}, content_type="application/json"
    )
    assert no_reason.status_code == 422 and no_reason.json()["field"] == "reason"
    stale = clients["mine"].post(
        f"/api/v1/tasks/{task['code']}/status",
        {"status": "accepted"},
        content_type="application/json",
        HTTP_IF_MATCH='"7"',
    )
    assert stale.status_code == 412
    assert Task.objects.get().status == "issued"
    accepted = clients["mine"].post(
        f"/api/v1/tasks/{task['code']}/status",
        {"status": "accepted"},
        content_type="application/json",
        HTTP_IF_MATCH='"1"',
    )
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted" and accepted["ETag"] == '"2"'
    cancel = clients["mine"].post(
        f"/api/v1/tasks/{task['code']}/status", {"status": "cancelled", "reason": "x"}, content_type="application/json"
    )
    assert cancel.status_code == 403  # only the national authority cancels
    history = clients["viewer"].get(f"/api/v1/tasks/{task['code']}/history").json()
    assert len(history) >= 2
    plan = clients["viewer"].get("/api/v1/tasks/plan?by=organisation&country=XTL").json()
    assert [(r["group"], r["tasks"], r["open"]) for r in plan["rows"]] == [("XOP", 1, 1)]
    assert clients["viewer"].get("/api/v1/tasks/plan?by=colour").status_code == 422


def test_bad_task_input_is_refused_and_nothing_written(land, clients):
    a = land["hazards"]["A"].code
    for change, field in (
        ({"hazards": []}, "hazards"),
        ({"hazards": [a], "budget_amount": -1}, "budget_amount"),
        ({"hazards": [a], "methods": ["magic"]}, "methods"),
        ({"hazards": [a], "planned_end": "2025-01-01"}, "planned_end"),
        ({"hazards": [a], "organisation": "XDN"}, "organisation"),
        ({"hazards": [a], "colour": "red"}, "colour"),
    ):
        response = clients["im"].post("/api/v1/tasks", {**BODY, **change}, content_type="application/json")
        assert response.status_code == 422, change
        assert field in (response.json()["field"] or "") or field in response.json()["detail"], response.json()
    assert Task.objects.count() == 0


def test_patch_needs_if_match(land, clients, issued):
    url = f"/api/v1/tasks/{issued.code}"
    assert clients["im"].patch(url, {"priority": "low"}, content_type="application/json").status_code == 428
    assert (
        clients["im"].patch(url, {"priority": "low"}, content_type="application/json", HTTP_IF_MATCH='"9"').status_code
        == 412
    )
    assert (
        clients["mine"]
        .patch(url, {"priority": "low"}, content_type="application/json", HTTP_IF_MATCH='"1"')
        .status_code
        == 403
    )
    changed = clients["im"].patch(
        url, {"priority": "low", "planned_area_m2": 5000}, content_type="application/json", HTTP_IF_MATCH='"1"'
    )
    assert changed.status_code == 200 and changed.json()["priority"] == "low" and changed["ETag"] == '"2"'
    bad = clients["im"].patch(url, {"planned_end": "2020-01-01"}, content_type="application/json", HTTP_IF_MATCH='"2"')
    assert bad.status_code == 422 and bad.json()["field"] == "planned_end"
    issued.refresh_from_db()
    assert (issued.priority, issued.planned_area_m2, issued.version) == ("low", 5000, 2)


def test_priorities_weights_and_snapshots(land, accident, clients):
    ranking = clients["viewer"].get("/api/v1/priorities?country=XTL").json()
    assert ranking["count"] == 3 and ranking["weights_version"] is None
    top = ranking["rows"][0]
    assert sum(top["contributions"].values()) == pytest.approx(top["score"], abs=1e-5)
    assert clients["viewer"].get("/api/v1/priorities?country=ZZZ").status_code == 422
    weights = clients["viewer"].get("/api/v1/priorities/weights/XTL")
    assert weights["ETag"] == '"0"' and weights.json()["weights"]["casualties"] == 30
    url = "/api/v1/priorities/weights/XTL"
    assert (
        clients["viewer"].patch(url, {"weights": {"casualties": 90}}, content_type="application/json").status_code
        == 403
    )
    assert clients["im"].patch(url, {"weights": {"casualties": 90}}, content_type="application/json").status_code == 428
    bad = clients["im"].patch(
        url, {"weights": {"casualties": 900}}, content_type="application/json", HTTP_IF_MATCH='"0"'
    )
    assert bad.status_code == 422 and bad.json()["field"] == "weights.casualties"
    changed = clients["im"].patch(
        url, {"weights": {"casualties": 90}}, content_type="application/json", HTTP_IF_MATCH='"0"'
    )
    assert changed.status_code == 200 and changed["ETag"] == '"1"'
    assert (
        clients["im"]
        .patch(url, {"weights": {"casualties": 5}}, content_type="application/json", HTTP_IF_MATCH='"0"')
        .status_code
        == 412
    )
    assert (
        clients["viewer"]
        .post("/api/v1/priorities/snapshots?country=XTL", {}, content_type="application/json")
        .status_code
        == 403
    )
    kept = clients["im"].post(
        "/api/v1/priorities/snapshots?country=XTL", {"note": "Q1"}, content_type="application/json"
    )
    assert kept.status_code == 201 and kept.json()["weights"]["casualties"] == 90
    code = kept.json()["code"]
    assert [s["code"] for s in clients["viewer"].get("/api/v1/priorities/snapshots?country=XTL").json()] == [code]
    one = clients["viewer"].get(f"/api/v1/priorities/snapshots/{code}").json()
    assert one["rows"][0]["code"] == land["hazards"]["B"].code and one["note"] == "Q1"
    assert PrioritySnapshot.objects.count() == 1


def test_development_requests(land, clients):
    c = land["hazards"]["C"].code
    body = {
        "requester": "Ministry of Roads",
        "project": "Bridge access",
        "purpose": "road",
        "requested_on": "2025-06-01",
        "hazards": [c],
    }
    assert (
        clients["viewer"].post("/api/v1/development-requests", body, content_type="application/json").status_code == 403
    )
    for change, field in (
        ({"purpose": "fun"}, "purpose"),
        ({"hazards": []}, "hazards"),
        ({"requester": " "}, "requester"),
    ):
        response = clients["im"].post(
            "/api/v1/development-requests", {**body, **change}, content_type="application/json"
        )
        assert response.status_code == 422 and response.json()["field"] == field
    assert DevelopmentRequest.objects.count() == 0
    area = {
        "type": "Polygon",
        "coordinates": [[[-19.31, -29.81], [-19.29, -29.81], [-19.29, -29.79], [-19.31, -29.79], [-19.31, -29.81]]],
    }
    created = clients["im"].post(
        "/api/v1/development-requests", {**body, "hazards": [], "area": area}, content_type="application/json"
    )
    assert created.status_code == 201 and created.json()["has_area"] and created.json()["country"] == "XTL"
    code = created.json()["code"]
    # Its area meets hazard C: the development criterion counts it.
    rows = {r["code"]: r for r in clients["viewer"].get("/api/v1/priorities?country=XTL").json()["rows"]}
    assert rows[c]["raw"]["development"] == 1 and rows[land["hazards"]["A"].code]["raw"]["development"] == 0
    assert clients["viewer"].get("/api/v1/development-requests?country=XTL").json()["count"] == 1
    url = f"/api/v1/development-requests/{code}"
    assert clients["im"].patch(url, {"status": "fulfilled"}, content_type="application/json").status_code == 428
    done = clients["im"].patch(url, {"status": "fulfilled"}, content_type="application/json", HTTP_IF_MATCH='"1"')
    assert done.status_code == 200 and done.json()["status"] == "fulfilled"
    rows = {r["code"]: r for r in clients["viewer"].get("/api/v1/priorities?country=XTL").json()["rows"]}
    assert rows[c]["raw"]["development"] == 0  # a fulfilled request no longer counts


def test_link_activities_through_the_api(land, clients, issued):
    from safeground.operations.models import Activity

    hazard = land["hazards"]["A"]
    activity = Activity.objects.create(
        code="XT-NTS-T1",
        activity_type="nts",
        organisation=land["xop"],
        methods=["nts"],
        reference_point=hazard.geom.centroid,
        country="XTL",
        start_date=dt.date(2025, 2, 1),
    )
    url = f"/api/v1/tasks/{issued.code}/activities"
    assert (
        clients["other"].post(url, {"activities": [activity.code]}, content_type="application/json").status_code == 404
    )
    bad = clients["mine"].post(url, {"activities": ["NOPE-1"]}, content_type="application/json")
    assert bad.status_code == 422 and bad.json()["field"] == "activities"
    linked = clients["mine"].post(url, {"activities": [activity.code]}, content_type="application/json")
    assert linked.status_code == 200 and linked.json()["activities"] == [activity.code]
    assert linked.json()["actual_start"] == "2025-02-01"
