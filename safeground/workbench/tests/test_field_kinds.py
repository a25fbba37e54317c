"""Field forms' kinds (decision 0039): an EOD spot task, a risk education session, an accident report and a
QA visit wait in the workbench, write nothing national until approved, then apply through their apps'
services. In Testland (XTL), with its own operator TOP and a second one, OTH."""

import datetime as dt
import json

import pytest

from safeground.core.errors import ValidationFailed
from safeground.eore.models import Session
from safeground.gazetteer import programmes
from safeground.gazetteer.tests.testland import build_testland
from safeground.hazards.models import Hazard
from safeground.landrelease.models import Device
from safeground.operations.models import Activity
from safeground.organisations import services as org_services
from safeground.organisations.models import Organisation
from safeground.qm.models import Visit
from safeground.victims.models import Accident
from safeground.workbench import kinds, queries, services
from safeground.workbench.models import Submission

pytestmark = pytest.mark.django_db

SPOT = (-19.25, -29.5)
DAY = "2025-03-02"


def point(lon=SPOT[0], lat=SPOT[1]) -> dict:
    return {"type": "Point", "coordinates": [lon, lat]}


@pytest.fixture
def land():
    build_testland()
    programmes.add_programme("XTL", name="Testland")
    top = Organisation.objects.create(name="Testland Operator", acronym="TOP", kind="operator", country="XTL")
    other = Organisation.objects.create(name="Other Operator", acronym="OTH", kind="operator", country="XTL")
    org_services.accredit_organisation(top, "eod", dt.date(2024, 1, 1), dt.date(2026, 12, 31), "XTL-NMAA")
    return {"top": top, "other": other}


@pytest.fixture
def people(land, client_for):
    return {
        "operator": client_for("operator", organisation=land["top"]),
        "stranger": client_for("operator", organisation=land["other"]),
        "reviewer": client_for("im_officer", username="im-reviewer"),
    }


def eod_payload(**extra) -> dict:
    return {
        "point": point(),
        "found_on": DAY,
        "devices": [
            {"category": "uxo", "disposal": "destroyed_in_situ", "count": 2},
            {"category": "uxo", "disposal": "removed_destroyed", "point": point(SPOT[0] + 0.0001)},
        ],
        **extra,
    }


def eore_payload(**extra) -> dict:
    return {"held_on": DAY, "method": "community", "point": point(), "girls": 12, "women": 8, **extra}


def accident_payload(**extra) -> dict:
    return {
        "point": point(),
        "occurred_on": DAY,
        "accident_type": "mine_erw",
        "device_category": "uxo",
        "reported_casualties": {"killed_men": 1, "injured_boys": 2},
        **extra,
    }


def national() -> dict:
    """What the national tables hold (a submission must leave them alone until approved)."""
    return {
        "hazards": Hazard.objects.count(),
        "activities": Activity.objects.count(),
        "devices": Device.objects.count(),
        "sessions": Session.objects.count(),
        "accidents": Accident.objects.count(),
        "visits": Visit.objects.count(),
    }


def test_every_registered_kind_is_a_choice_of_the_model():
    assert sorted(kinds.names()) == sorted(k for k, _label in Submission.KIND_CHOICES)
    labels = dict(Submission.KIND_CHOICES)
    assert all(kinds.get(name).label == labels[name] for name in kinds.names())


def test_eod_spot_task_waits_then_records_hazard_activity_and_devices(people):
    before = national()
    s = services.submit(kind="eod", payload=eod_payload(), user=people["operator"].user)
    assert s.status == "pending" and s.organisation.acronym == "TOP" and s.payload["organisation"] == "TOP"
    assert s.code.startswith("WB-TOP-EOD-") and s.country == "XTL"
    assert national() == before
    done = services.approve(s, user=people["reviewer"].user, revision=s.revision)
    activity = Activity.objects.get(code=done.result_code)
    assert activity.activity_type == "eod" and activity.status == "completed" and activity.organisation.acronym == "TOP"
    assert activity.start_date == activity.end_date == dt.date(2025, 3, 2)
    hazard = activity.hazards.get()
    assert hazard.point.coords == SPOT and hazard.hazard_class == "CHA" and hazard.status == "closed"
    devices = list(Device.objects.filter(activity=activity).order_by("code"))
    assert [(d.product_id, d.count, d.disposal) for d in devices] == [
        (None, 2, "destroyed_in_situ"),
        (None, 1, "removed_destroyed"),
    ]
    assert devices[0].point.coords == SPOT and devices[1].point.coords == (SPOT[0] + 0.0001, SPOT[1])
    assert devices[0].code == f"{activity.code}-EO-001" and devices[0].found_on == dt.date(2025, 3, 2)
    assert national() == {**before, "hazards": before["hazards"] + 1, "activities": before["activities"] + 1,
                          "devices": before["devices"] + 2}  # fmt: skip


def test_eod_spot_task_on_a_recorded_hazard_and_one_left_in_place_keeps_it_open(people):
    left = eod_payload(devices=[{"category": "uxo", "disposal": "other"}])
    s = services.submit(kind="eod", payload=left, user=people["operator"].user)
    activity = Activity.objects.get(code=services.approve(s, user=people["reviewer"].user).result_code)
    spot = activity.hazards.get()
    assert spot.status == "open"
    again = services.submit(kind="eod", payload=eod_payload(hazard=spot.code), user=people["operator"].user)
    before = Hazard.objects.count()
    second = Activity.objects.get(code=services.approve(again, user=people["reviewer"].user).result_code)
    assert Hazard.objects.count() == before and list(second.hazards.all()) == [spot]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        (eod_payload(devices=[]), "devices"),
        (eod_payload(devices=[{"category": "uxo", "disposal": "thrown_away"}]), "devices[0].disposal"),
        (eod_payload(devices=[{"category": "uxo"}]), "devices.0.disposal"),
        (eod_payload(devices=[{"category": "uxo", "disposal": "other", "depth_cm": -5}]), "devices.0.depth_cm"),
        (eod_payload(point=point(10.0, 10.0)), "point"),
        (
            eod_payload(
                point={
                    "type": "Polygon",
                    "coordinates": [[[-19.3, -29.6], [-19.2, -29.6], [-19.2, -29.5], [-19.3, -29.6]]],
                }
            ),
            "point",
        ),
        (eod_payload(hazard="XTL-HAZ-999999"), "hazard"),
        (eod_payload(found_on="2099-01-01"), "found_on"),
        (eod_payload(victim_name="A. Person"), "victim_name"),
    ],
)
def test_a_bad_eod_payload_names_the_field_and_writes_nothing(people, payload, field):
    before, queued = national(), Submission.objects.count()
    with pytest.raises(ValidationFailed) as refused:
        services.submit(kind="eod", payload=payload, user=people["operator"].user)
    assert refused.value.field == field, str(refused.value)
    assert national() == before and Submission.objects.count() == queued


def test_an_eod_task_of_an_unaccredited_operator_is_refused_at_submission(people, land, client_for):
    stranger = people["stranger"]
    with pytest.raises(ValidationFailed) as refused:
        services.submit(kind="eod", payload=eod_payload(), user=stranger.user)
    assert "OTH holds no valid accreditation for EOD" in str(refused.value)
    assert not Submission.objects.exists()


def test_eore_session_waits_then_is_recorded(people):
    before = national()
    s = services.submit(kind="eore", payload=eore_payload(), user=people["operator"].user)
    assert s.status == "pending" and s.organisation.acronym == "TOP" and national() == before
    done = services.approve(s, user=people["reviewer"].user, revision=s.revision)
    session = Session.objects.get(code=done.result_code)
    assert (session.organisation.acronym, session.girls, session.women, session.country) == ("TOP", 12, 8, "XTL")
    assert national() == {**before, "sessions": before["sessions"] + 1}


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        (eore_payload(girls=0, women=0), "girls"),
        (eore_payload(method="carrier_pigeon"), "method"),
        (eore_payload(point=None), "point"),
        (eore_payload(girls="many"), "girls"),
        (eore_payload(code="XTL-EORE-1"), "code"),
    ],
)
def test_a_bad_eore_payload_names_the_field_and_writes_nothing(people, payload, field):
    before, queued = national(), Submission.objects.count()
    with pytest.raises(ValidationFailed) as refused:
        services.submit(kind="eore", payload=payload, user=people["operator"].user)
    assert refused.value.field == field, str(refused.value)
    assert national() == before and Submission.objects.count() == queued


def test_accident_report_waits_then_is_recorded_with_counts_only(people):
    before = national()
    s = services.submit(kind="accident", payload=accident_payload(), user=people["operator"].user)
    assert s.status == "pending" and s.code.startswith("WB-TOP-ACC-") and national() == before
    done = services.approve(s, user=people["reviewer"].user, revision=s.revision)
    accident = Accident.objects.get(code=done.result_code)
    assert accident.reported_casualties == {"killed_men": 1, "injured_boys": 2}
    assert accident.organisation.acronym == "TOP" and accident.country == "XTL" and not accident.victims.exists()
    assert national() == {**before, "accidents": before["accidents"] + 1}


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        (accident_payload(victim_name="A. Person"), "victim_name"),
        (accident_payload(reported_casualties={"killed_giraffes": 1}), "reported_casualties"),
        (accident_payload(reported_casualties={"killed_men": -1}), "killed_men"),
        (accident_payload(accident_type="meteor"), "accident_type"),
        (accident_payload(point=None), "point"),
    ],
)
def test_a_bad_accident_payload_names_the_field_and_writes_nothing(people, payload, field):
    before, queued = national(), Submission.objects.count()
    with pytest.raises(ValidationFailed) as refused:
        services.submit(kind="accident", payload=payload, user=people["operator"].user)
    assert refused.value.field == field, str(refused.value)
    assert national() == before and Submission.objects.count() == queued


def _eod_activity(people) -> Activity:
    s = services.submit(kind="eod", payload=eod_payload(), user=people["operator"].user)
    return Activity.objects.get(code=services.approve(s, user=people["reviewer"].user).result_code)


def visit_payload(work: Activity, **extra) -> dict:
    return {
        "visit_type": "monitoring",
        "visited_on": DAY,
        "inspector": "QA officer 1",
        "activity": work.code,
        "findings": "Demolition site fenced.",
        "answers": [{"item": "sop", "answer": "yes"}],
        **extra,
    }


def test_qa_visit_belongs_to_the_inspecting_organisation_and_is_recorded_on_approval(people, land, client_for):
    activity = _eod_activity(people)
    inspector = client_for("operator", organisation=land["other"])  # OTH inspects TOP's work
    before = national()
    s = services.submit(kind="qa_visit", payload=visit_payload(activity), user=inspector.user)
    assert s.organisation.acronym == "OTH" and s.payload["inspecting_organisation"] == "OTH"
    assert s.code.startswith("WB-OTH-QAV-") and national() == before
    assert queries.map_features(s)["features"][0]["geometry"] == point()  # the activity's reference point
    done = services.approve(s, user=people["reviewer"].user, revision=s.revision)
    visit = Visit.objects.get(code=done.result_code)
    assert visit.inspected_organisation.acronym == "TOP" and visit.inspecting_organisation.acronym == "OTH"
    assert visit.answers.get().answer == "yes" and national() == {**before, "visits": before["visits"] + 1}


def test_a_bad_qa_visit_names_the_field_and_writes_nothing(people):
    activity = _eod_activity(people)
    before, queued = national(), Submission.objects.count()
    for payload, field in [
        (visit_payload(activity, activity="XTL-EOD-999999"), "activity"),
        (visit_payload(activity, visit_type="picnic"), "visit_type"),
        (visit_payload(activity, inspector=""), "inspector"),
        (visit_payload(activity, inspecting_organisation="OTH"), "organisation"),  # not the operator's own
    ]:
        with pytest.raises(ValidationFailed) as refused:
            services.submit(kind="qa_visit", payload=payload, user=people["operator"].user)
        assert refused.value.field == field, str(refused.value)
    assert national() == before and Submission.objects.count() == queued


@pytest.mark.parametrize(
    ("kind", "make"), [("eod", eod_payload), ("eore", eore_payload), ("accident", accident_payload)]
)
def test_another_organisation_neither_sees_nor_submits_for_it(people, kind, make):
    mine = services.submit(kind=kind, payload=make(), user=people["operator"].user)
    stranger = people["stranger"]
    assert mine not in queries.visible(stranger.user)
    assert stranger.get(f"/workbench/{mine.code}/").status_code == 404
    assert stranger.get(f"/api/v1/workbench/submissions/{mine.code}").status_code == 404
    with pytest.raises(ValidationFailed) as refused:
        services.submit(kind=kind, payload=make(organisation="TOP"), user=stranger.user)
    assert refused.value.field == "organisation" and Submission.objects.count() == 1


@pytest.mark.parametrize(
    ("kind", "make", "shown"),
    [
        ("eod", eod_payload, ["EOD spot task", "Removed and destroyed elsewhere", "×2"]),
        ("eore", eore_payload, ["Risk education (EORE)", "Girls", "12"]),
        ("accident", accident_payload, ["Accident", "killed men: 1", "injured boys: 2"]),
    ],
)
def test_the_review_page_shows_the_fields_the_point_and_where_it_lies(people, kind, make, shown):
    s = services.submit(kind=kind, payload=make(), user=people["operator"].user)
    page = people["reviewer"].get(f"/workbench/{s.code}/")
    html = page.content.decode()
    assert page.status_code == 200
    for words in [*shown, "-29.5, -19.25", "Testland (XTL)", "East"]:
        assert words in html, words
    features = queries.map_features(s)["features"]
    assert features[0]["geometry"] == point() and features[0]["properties"]["role"] == "proposed"
    assert json.dumps(features[0]["geometry"]) in html or "-19.25" in html


def test_returned_resubmitted_and_withdrawn(people):
    operator, reviewer = people["operator"], people["reviewer"]
    s = services.submit(kind="eore", payload=eore_payload(), user=operator.user)
    s = services.return_for_changes(s, user=reviewer.user, comment="Count the boys too", revision=s.revision)
    assert s.status == "returned" and not Session.objects.exists()
    s = services.resubmit(s, payload=eore_payload(boys=9), user=operator.user, revision=s.revision)
    assert s.status == "pending" and s.payload["boys"] == 9
    s = services.withdraw(s, user=operator.user, revision=s.revision)
    assert s.status == "withdrawn" and not Session.objects.exists()
    with pytest.raises(services.ReviewRefused):
        services.approve(s, user=reviewer.user, revision=s.revision)
    assert not Session.objects.exists()


def test_api_takes_the_field_kinds_and_refuses_a_bad_one_naming_the_field(people):
    operator, reviewer = people["operator"], people["reviewer"]
    sent = operator.post(
        "/api/v1/workbench/submissions",
        {"kind": "accident", "payload": accident_payload()},
        content_type="application/json",
    )
    assert sent.status_code == 201, sent.content
    assert sent.json()["kind"] == "accident" and sent.json()["organisation"] == "TOP" and not Accident.objects.exists()
    code = sent.json()["code"]
    ok = reviewer.post(
        f"/api/v1/workbench/submissions/{code}/approve", {"revision": 1}, content_type="application/json"
    )
    assert ok.status_code == 200 and Accident.objects.get().code == ok.json()["result_code"]
    bad = operator.post(
        "/api/v1/workbench/submissions",
        {"kind": "eod", "payload": eod_payload(devices=[{"category": "uxo", "disposal": "eaten"}])},
        content_type="application/json",
    )
    assert bad.status_code == 422 and "devices[0].disposal" in bad.json()["detail"]
    unknown = operator.post(
        "/api/v1/workbench/submissions", {"kind": "picnic", "payload": {}}, content_type="application/json"
    )
    assert unknown.status_code == 422 and "qa_visit" in unknown.json()["detail"]
    assert Submission.objects.count() == 1 and Device.objects.count() == 0
