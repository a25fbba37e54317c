"""The review queue: submit → review → approve (applied atomically, with history) or return."""

import datetime as dt
import html as html_lib
import re

import pytest
import shapely

from safeground.core.errors import ValidationFailed
from safeground.core.tests.fixtures import BATTAMBANG, square
from safeground.hazards.models import Hazard
from safeground.workbench import queries, services
from safeground.workbench.models import Submission

pytestmark = pytest.mark.django_db


def hazard_payload(lon=BATTAMBANG[0] + 0.05, lat=BATTAMBANG[1], **extra) -> dict:
    return {
        "geometry": square(lon, lat, half_deg=0.001),
        "hazard_class": "SHA",
        "contamination_type": "ap_mines",
        "recorded_on": "2025-03-02",
        "name": "North of the pagoda",
        **extra,
    }


@pytest.fixture
def anama():
    from safeground.organisations.models import Organisation

    return Organisation.objects.create(name="ANAMA", acronym="ANAMA", kind="operator", country="AZE")


@pytest.fixture
def operator(client_for, organisation):
    return client_for("operator", organisation=organisation)


@pytest.fixture
def officer(client_for):
    return client_for("im_officer", username="im-national")


def test_submission_waits_for_approval_then_applies_with_history(operator, officer):
    before = Hazard.objects.count()
    s = services.submit(kind="hazard", payload=hazard_payload(), user=operator.user)
    assert s.status == "pending" and s.organisation.acronym == "CMAC"
    assert s.payload["reporting_organisation"] == "CMAC"  # an operator submits for their organisation
    assert Hazard.objects.count() == before  # not in the national data yet
    approved = services.approve(s, user=officer.user, revision=s.revision)
    hazard = Hazard.objects.get(code=approved.result_code)
    assert approved.status == "approved" and approved.revision == s.revision + 1
    assert hazard.reporting_organisation.acronym == "CMAC" and hazard.name == "North of the pagoda"
    assert hazard.history.first().history_user == officer.user
    assert 48000 < hazard.area_m2 < 50000  # 0.002° square at 13° N, in UTM 48N


def test_submission_that_could_never_be_approved_is_refused_and_nothing_is_queued(operator):
    outside = hazard_payload(lon=100.5, lat=13.75)  # Bangkok
    with pytest.raises(ValidationFailed) as refused:
        services.submit(kind="hazard", payload=outside, user=operator.user)
    assert "Cambodia" in str(refused.value) or "country" in str(refused.value)
    with pytest.raises(ValidationFailed, match="hazard_class"):
        services.submit(kind="hazard", payload={**hazard_payload(), "hazard_class": None}, user=operator.user)
    assert Submission.objects.count() == 0 and not Hazard.objects.filter(name="North of the pagoda").exists()


def test_operator_cannot_submit_for_another_organisation(operator, anama):
    with pytest.raises(ValidationFailed, match="not ANAMA"):
        services.submit(kind="hazard", payload=hazard_payload(reporting_organisation="ANAMA"), user=operator.user)


def test_findings_flag_a_possible_duplicate(operator, hazard):
    lon, lat = BATTAMBANG
    s = services.submit(kind="hazard", payload=hazard_payload(lon=lon, lat=lat), user=operator.user)
    assert [(f["check"], f["severity"]) for f in s.findings] == [("hazard-overlap", "must_fix")]
    assert f"possible duplicate of {hazard.code}" in s.findings[0]["message"]


def test_return_needs_a_comment_and_the_submitter_can_resubmit(operator, officer):
    s = services.submit(kind="hazard", payload=hazard_payload(), user=operator.user)
    with pytest.raises(ValidationFailed, match="comment is required"):
        services.return_for_changes(s, user=officer.user, comment=" ", revision=s.revision)
    returned = services.return_for_changes(s, user=officer.user, comment="Wrong village", revision=s.revision)
    assert returned.status == "returned" and returned.review_comment == "Wrong village"
    again = services.resubmit(returned, payload=hazard_payload(name="South of the pagoda"), user=operator.user)
    assert again.status == "pending" and again.payload["name"] == "South of the pagoda"
    with pytest.raises(services.ReviewRefused, match="changed since"):
        services.approve(again, user=officer.user, revision=returned.revision)  # a stale decision


def test_submitter_cannot_review_and_a_decided_submission_cannot_be_decided_again(client_for, officer):
    s = services.submit(kind="hazard", payload=hazard_payload(), user=officer.user)
    with pytest.raises(services.ReviewRefused, match="someone else"):
        services.approve(s, user=officer.user, revision=s.revision)
    other = client_for("im_officer", username="second-officer")
    done = services.approve(s, user=other.user, revision=s.revision)
    with pytest.raises(services.ReviewRefused, match="already approved"):
        services.approve(done, user=other.user, revision=done.revision)
    assert Hazard.objects.filter(code=done.result_code).count() == 1


def test_failed_approval_leaves_the_record_unchanged(operator, officer, hazard):
    """A change submitted while valid, but the hazard changed before the review: refused, nothing applied."""
    from safeground.hazards import services as hazard_services

    s = services.submit(
        kind="hazard", action="update", target_code=hazard.code, payload={"status": "suspended"}, user=officer.user
    )
    hazard_services.update_hazard(hazard, name="Renamed meanwhile")
    reviewer = _reviewer()
    with pytest.raises(services.ReviewRefused, match="was changed after"):
        services.approve(s, user=reviewer, revision=s.revision)
    hazard.refresh_from_db()
    assert hazard.status == "open" and hazard.name == "Renamed meanwhile"
    assert Submission.objects.get(pk=s.pk).status == "pending"


def test_failed_apply_rolls_back_every_write_and_records_why(operator, officer, hazard, activity, monkeypatch):
    """The product is written, then its devices fail: the product is gone too, and the reason kept."""
    from safeground.landrelease import services as release_services
    from safeground.landrelease.models import Product

    activity.organisation = operator.user.memberships.first().organisation
    activity.save()
    lon, lat = BATTAMBANG
    payload = {
        "activity": activity.code,
        "hazard": hazard.code,
        "outcome": "cleared",
        "geometry": square(lon, lat, half_deg=0.0005),
        "released_on": "2024-03-01",
        "clearance_depth_cm": 13,
        "devices": [
            {
                "point": {"type": "Point", "coordinates": [lon, lat]},
                "category": "ap_mine",
                "disposal": "destroyed_in_situ",
            }
        ],
    }
    s = services.submit(kind="product", payload=payload, user=operator.user)
    products_before = Product.objects.count()

    def broken(*args, **kwargs):
        raise ValidationFailed("devices[0].model: the catalogue is being updated", field="devices[0].model")

    monkeypatch.setattr(release_services, "record_devices", broken)
    with pytest.raises(ValidationFailed):
        services.approve(s, user=officer.user, revision=s.revision)
    assert Product.objects.count() == products_before
    s.refresh_from_db()
    assert s.status == "pending" and "catalogue is being updated" in s.last_error
    monkeypatch.undo()
    done = services.approve(s, user=officer.user, revision=s.revision)
    product = Product.objects.get(code=done.result_code)
    assert product.devices.count() == 1 and product.devices.get().category == "ap_mine"


def _reviewer():
    from django.contrib.auth import get_user_model

    from safeground.organisations.roles import assign_role

    user = get_user_model().objects.create_user("reviewer-2")
    assign_role(user, "im_officer")
    return user


# ---- pages --------------------------------------------------------------------------------------


def _token(html: str) -> str:
    return re.search(r'name="token" value="([^"]+)"', html).group(1)


def test_submit_page_queues_a_typed_perimeter_and_a_replayed_post_is_refused(operator):
    response = operator.get("/workbench/new/hazard/")
    assert response.status_code == 200
    lon, lat = BATTAMBANG[0] + 0.05, BATTAMBANG[1]
    form = {
        "token": _token(response.content.decode()),
        "hazard_class": "CHA",
        "contamination_type": "ap_mines",
        "recorded_on": "2025-04-01",
        "name": "Typed",
        "vertices": f"{lat}, {lon}\n{lat}, {lon + 0.002}\n{lat + 0.002}, {lon + 0.002}\n{lat + 0.002}, {lon}",
    }
    first = operator.post("/workbench/new/hazard/", form)
    assert first.status_code == 302
    submission = Submission.objects.get()
    assert first["Location"].endswith(f"/workbench/{submission.code}/")
    replay = operator.post("/workbench/new/hazard/", form)
    assert replay.status_code == 422 and "already submitted" in replay.content.decode()
    assert Submission.objects.count() == 1


def test_tampered_or_missing_form_token_is_refused(operator):
    form = {"hazard_class": "CHA", "contamination_type": "ap_mines", "recorded_on": "2025-04-01", "vertices": "x"}
    token = _token(operator.get("/workbench/new/hazard/").content.decode())
    for bad in ("", token[:-2] + ("AA" if not token.endswith("AA") else "BB")):
        response = operator.post("/workbench/new/hazard/", {**form, "token": bad})
        assert response.status_code == 422
        assert "reload the page" in response.content.decode()
    assert Submission.objects.count() == 0


def test_csrf_is_enforced_on_the_forms(organisation, django_user_model):
    from django.test import Client

    from safeground.organisations.roles import assign_role

    user = django_user_model.objects.create_user("csrf-op")
    assign_role(user, "operator", organisation)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(user)
    token = _token(strict.get("/workbench/new/hazard/").content.decode())
    response = strict.post("/workbench/new/hazard/", {"token": token, "hazard_class": "CHA"})
    assert response.status_code == 403 and "Nothing was saved" in response.content.decode()


def test_review_page_approves_and_a_replayed_approval_is_refused(operator, officer):
    s = services.submit(kind="hazard", payload=hazard_payload(), user=operator.user)
    page = officer.get(f"/workbench/{s.code}/")
    html = page.content.decode()
    assert page.status_code == 200 and 'id="approve"' in html and "Suspected hazardous area" in html
    form = {"token": _token(html), "action": "approve", "comment": ""}
    done = officer.post(f"/workbench/{s.code}/decide", form)
    assert done.status_code == 302
    s.refresh_from_db()
    assert s.status == "approved" and Hazard.objects.filter(code=s.result_code).exists()
    replay = officer.post(f"/workbench/{s.code}/decide", form)
    assert replay.status_code == 409 and "out of date" in replay.content.decode()
    assert Hazard.objects.filter(name="North of the pagoda").count() == 1


def test_operator_sees_only_their_organisations_submissions(operator, client_for, anama, officer):
    mine = services.submit(kind="hazard", payload=hazard_payload(), user=operator.user)
    theirs_client = client_for("operator", organisation=anama)
    from safeground.core.tests.fixtures import FUZULI

    theirs = services.submit(kind="hazard", payload=hazard_payload(*FUZULI), user=theirs_client.user)
    html = operator.get("/workbench/").content.decode()
    assert mine.code in html and theirs.code not in html
    assert operator.get(f"/workbench/{theirs.code}/").status_code == 404
    assert operator.get(f"/api/v1/workbench/submissions/{theirs.code}").status_code == 404
    listed = operator.get("/api/v1/workbench/submissions?status=pending").json()
    assert [i["code"] for i in listed["items"]] == [mine.code]
    both = officer.get("/workbench/").content.decode()
    assert mine.code in both and theirs.code in both
    # an operator cannot approve, even their own organisation's
    token = _token(operator.get(f"/workbench/{mine.code}/").content.decode())
    refused = operator.post(f"/workbench/{mine.code}/decide", {"token": token, "action": "approve"})
    assert refused.status_code == 409 and Submission.objects.get(pk=mine.pk).status == "pending"


def test_api_submit_and_approve(operator, officer, hazard, activity, organisation):
    from safeground.organisations import services as org_services
    from safeground.organisations.models import Team

    team = Team.objects.create(code="CMAC-T1", organisation=organisation, kind="manual", size=10)
    activity.teams.add(team)
    unaccredited = {"kind": "progress", "payload": {"activity": activity.code}}
    payload = {
        "activity": activity.code,
        "team": team.code,
        "date": "2024-02-05",
        "method": "manual",
        "area_m2": 500,
        "searchers": 10,
        "hours_per_day": 6,
        "terrain": "flat",
        "vegetation": "light",
        "soil_metal": "low",
    }
    unaccredited["payload"] = payload
    refused = operator.post("/api/v1/workbench/submissions", unaccredited, content_type="application/json")
    assert refused.status_code == 422 and "no valid accreditation for Manual" in refused.json()["detail"]
    org_services.accredit_organisation(organisation, "manual", dt.date(2020, 1, 1), dt.date(2026, 12, 31), "CMAA")
    response = operator.post(
        "/api/v1/workbench/submissions", {"kind": "progress", "payload": payload}, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    code = response.json()["code"]
    assert not activity.progress_reports.exists()
    stale = officer.post(
        f"/api/v1/workbench/submissions/{code}/approve", {"revision": 99}, content_type="application/json"
    )
    assert stale.status_code == 409
    ok = officer.post(f"/api/v1/workbench/submissions/{code}/approve", {"revision": 1}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["status"] == "approved"
    assert activity.progress_reports.get().code == ok.json()["result_code"]


def test_api_refuses_operators_direct_writes_and_viewers_submissions(operator, client_for):
    direct = operator.post("/api/v1/hazards", hazard_payload(), content_type="application/json")
    assert direct.status_code == 403 and "hazards.add_hazard" in direct.json()["detail"]
    viewer = client_for("viewer")
    response = viewer.post(
        "/api/v1/workbench/submissions",
        {"kind": "hazard", "payload": hazard_payload()},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert viewer.get("/workbench/").status_code == 403
    assert Submission.objects.count() == 0


def test_dates_in_payload_round_trip(operator, officer):
    s = services.submit(kind="hazard", payload=hazard_payload(recorded_on="2024-12-31"), user=operator.user)
    done = services.approve(s, user=officer.user, revision=s.revision)
    assert Hazard.objects.get(code=done.result_code).recorded_on == dt.date(2024, 12, 31)
    assert shapely.geometry.shape(s.payload["geometry"]).is_valid


def test_proposing_a_change_sends_only_what_changed(officer, hazard):
    url = f"/workbench/new/hazard/?target={hazard.code}"
    page = officer.get(url)
    html = page.content.decode()
    assert page.status_code == 200 and f"Propose a change to {hazard.code}" in html
    form = {
        "token": _token(html),
        "target": hazard.code,
        "hazard_class": hazard.hazard_class,
        "contamination_type": hazard.contamination_type,
        "recorded_on": hazard.recorded_on.isoformat(),
        "name": hazard.name,
        "geometry": hazard.geom.geojson,
    }
    unchanged = officer.post(url, form)
    assert unchanged.status_code == 422 and "Nothing changed" in unchanged.content.decode()
    form["token"] = _token(unchanged.content.decode())
    changed = officer.post(url, {**form, "name": "Behind the school"})
    assert changed.status_code == 302
    s = Submission.objects.get()
    assert (s.action, s.target_code, s.payload) == ("update", hazard.code, {"name": "Behind the school"})
    assert [(r["field"], r["current"], r["proposed"]) for r in queries.comparison(s)] == [
        ("name", hazard.name, "Behind the school")
    ]
    hazard.refresh_from_db()
    assert hazard.name != "Behind the school"  # until approved


def test_product_form_with_typed_devices_and_progress_form(operator, officer, hazard, activity, organisation):
    """The other submit forms: a product with two devices entered as rows, a progress report."""
    from safeground.organisations import services as org_services
    from safeground.organisations.models import Team

    activity.organisation = organisation
    activity.save()
    lon, lat = BATTAMBANG
    html = operator.get("/workbench/new/product/").content.decode()
    form = {
        "token": _token(html),
        "activity": activity.code,
        "hazard": hazard.code,
        "outcome": "cleared",
        "released_on": "2024-03-01",
        "clearance_depth_cm": "13",
        "vertices": f"{lat - 0.0005}, {lon - 0.0005}\n{lat - 0.0005}, {lon + 0.0005}\n"
        f"{lat + 0.0005}, {lon + 0.0005}\n{lat + 0.0005}, {lon - 0.0005}",
        # Rows: a model from the catalogue sets the category; the second row names its category.
        "devices-0-position": f"{lat}, {lon}",
        "devices-0-model": "pmn-2",
        "devices-0-disposal": "destroyed_in_situ",
        "devices-1-position": f"{lat + 0.0002}, {lon}",
        "devices-1-category": "uxo",
        "devices-1-disposal": "removed_destroyed",
        "devices-2-position": "",  # an empty row is no device
    }
    assert 'name="devices-0-position"' in html and '<option value="PMN-2"' in html  # rows, a searchable catalogue
    assert ">Destroyed in situ</option>" in html and "destroyed_in_situ;" not in html  # names, not codes
    wrong = {"devices-0-position": "north of the well", "devices-0-disposal": "destroyed_in_situ"}
    wrong |= {"devices-1-position": f"{lat}, {lon}", "devices-1-model": "Teapot", "devices-1-disposal": ""}
    bad = operator.post("/workbench/new/product/", {**form, **wrong})
    body = bad.content.decode()
    assert bad.status_code == 422 and Submission.objects.count() == 0
    # Every row's problems at once, each naming its row; what was typed is kept.
    errors = [html_lib.unescape(e) for e in re.findall(r"field-error[^>]*>([^<]*)", body)]
    assert any(e.startswith("Device 1: position: unexpected 'o'") for e in errors), errors
    teapot = "Device 2: Teapot is not in the ordnance catalogue; choose how it was disposed of."
    assert teapot in errors, errors
    assert 'value="north of the well"' in body
    form["token"] = _token(bad.content.decode())
    assert operator.post("/workbench/new/product/", form).status_code == 302
    product = Submission.objects.get(kind="product")
    assert [(d["category"], d["model"]) for d in product.payload["devices"]] == [("ap_mine", "PMN-2"), ("uxo", None)]
    done = services.approve(product, user=officer.user, revision=product.revision)
    from safeground.landrelease.models import Product

    assert sorted(Product.objects.get(code=done.result_code).devices.values_list("category", flat=True)) == [
        "ap_mine",
        "uxo",
    ]

    team = Team.objects.create(code="CMAC-T9", organisation=organisation, kind="manual", size=8)
    activity.teams.add(team)
    org_services.accredit_organisation(organisation, "manual", dt.date(2020, 1, 1), dt.date(2026, 12, 31), "CMAA")
    html = operator.get("/workbench/new/progress/").content.decode()
    progress = {
        "token": _token(html),
        "activity": activity.code,
        "team": team.code,
        "date": "2024-02-06",
        "period": "daily",
        "method": "manual",
        "area_m2": "420",
        "days_worked": "1",
        "searchers": "8",
        "hours_per_day": "6",
        "devices_found": "1",
        "terrain": "flat",
        "vegetation": "light",
        "soil_metal": "low",
    }
    assert operator.post("/workbench/new/progress/", progress).status_code == 302
    report = Submission.objects.get(kind="progress")
    assert report.payload["area_m2"] == 420 and not activity.progress_reports.exists()


def test_forms_for_people_order_required_marks_and_errors_beside_their_field(operator, hazard, activity, organisation):
    """Fields in the order a person fills them, required ones marked, a refusal from the services shown
    beside its field in the field's own words, with everything typed kept; no silent weather."""
    activity.organisation = organisation
    activity.save()
    html = operator.get("/workbench/new/hazard/").content.decode()
    assert html.index('name="name"') < html.index('name="recorded_on"') < html.index('name="vertices"')
    assert re.search(r'for="id_hazard_class">[^<]* <span class="required"', html)
    progress = operator.get("/workbench/new/progress/").content.decode()
    weather = re.search(r'<select name="weather"[^>]*>\s*<option value="" selected>', progress)
    assert weather, "the weather starts unanswered"
    page = operator.get("/workbench/new/product/").content.decode()
    lon, lat = BATTAMBANG
    form = {
        "token": _token(page),
        "activity": activity.code,
        "hazard": hazard.code,
        "outcome": "cleared",
        "released_on": "2024-03-01",
        "vertices": f"{lat - 0.0005}, {lon - 0.0005}\n{lat - 0.0005}, {lon + 0.0005}\n"
        f"{lat + 0.0005}, {lon + 0.0005}\n{lat + 0.0005}, {lon - 0.0005}",
    }
    refused = operator.post("/workbench/new/product/", form)
    body = refused.content.decode()
    assert refused.status_code == 422 and not Submission.objects.exists()
    field = body[body.index('name="clearance_depth_cm"') :]
    assert field.index("Clearance depth (cm) is required when the outcome is cleared") < field.index("</p>")
    assert "clearance_depth_cm is required" not in body and "Not submitted" not in body
    assert f'value="{activity.code}"' in body and f"{lat - 0.0005}, {lon - 0.0005}" in body  # kept


def test_survey_evidence_is_created_with_the_hazard_in_its_order(operator, officer):
    """A non-technical survey's evidence items travel in the hazard payload and land in order on approval."""
    lon, lat = BATTAMBANG[0] + 0.05, BATTAMBANG[1]
    evidence = [
        {"kind": "direct", "evidence_type": "device_seen", "point": {"type": "Point", "coordinates": [lon, lat]}},
        {"kind": "indirect", "evidence_type": "local_informant", "observed_on": "2025-03-01", "description": "Farmer"},
    ]
    s = services.submit(kind="hazard", payload=hazard_payload(evidence=evidence), user=operator.user)
    hazard = Hazard.objects.get(code=services.approve(s, user=officer.user, revision=s.revision).result_code)
    rows = list(hazard.evidence.order_by("id"))
    assert [(e.kind, e.evidence_type) for e in rows] == [("direct", "device_seen"), ("indirect", "local_informant")]
    assert rows[0].point.coords == pytest.approx((lon, lat)) and rows[1].description == "Farmer"
    assert rows[0].history.first().history_user == officer.user


def test_bad_evidence_names_its_item_and_nothing_is_queued(operator):
    from safeground.hazards.models import Evidence

    bad = [{"kind": "direct", "evidence_type": "device_seen"}, {"kind": "rumour", "evidence_type": "other"}]
    with pytest.raises(ValidationFailed) as refused:
        services.submit(kind="hazard", payload=hazard_payload(evidence=bad), user=operator.user)
    assert refused.value.field == "evidence[1].kind"
    assert Submission.objects.count() == 0 and Evidence.objects.count() == 0
    assert not Hazard.objects.filter(name="North of the pagoda").exists()


def test_review_page_reads_the_evidence_and_maps_its_points(operator, officer):
    lon, lat = BATTAMBANG[0] + 0.05, BATTAMBANG[1]
    evidence = [
        {"kind": "direct", "evidence_type": "device_seen", "point": {"type": "Point", "coordinates": [lon, lat]}}
    ]
    s = services.submit(kind="hazard", payload=hazard_payload(evidence=evidence), user=operator.user)
    html = officer.get(f"/workbench/{s.code}/").content.decode()
    evidence_list = html.split('id="evidence"', 1)[1].split("</ol>", 1)[0]
    assert "Direct · Device seen" in evidence_list and f"{lat:.6f}, {lon:.6f}" in evidence_list
    assert "device_seen" not in html  # no raw code shown to the reviewer
    roles = [f["properties"]["role"] for f in queries.map_features(s)["features"]]
    assert roles == ["proposed", "evidence"]
