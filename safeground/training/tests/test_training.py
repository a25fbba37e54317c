import datetime as dt

import pytest

from safeground.core.errors import ValidationFailed
from safeground.operations import productivity
from safeground.organisations.models import Organisation, Personnel
from safeground.training import services
from safeground.training.models import Assessment, Course, CourseSession, Enrolment, TrainingCentre

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def centre(organisation):
    c = TrainingCentre.objects.create(
        code="CMAC-TC", name="CMAC Training Centre", organisation=organisation, country="KHM"
    )
    man = Course.objects.create(
        centre=c,
        code="MAN-101",
        title="Basic manual demining",
        method="manual",
        imas_references=["IMAS 09.10"],
        duration_days=30,
        capacity=2,
        certificate_valid_days=365,
    )
    mdd = Course.objects.create(
        centre=c, code="MDD-201", title="MDD handler", method="mdd", duration_days=60, capacity=8
    )
    mdd.prerequisites.add(man)
    return c, man, mdd


@pytest.fixture
def anama_trainee():
    anama = Organisation.objects.create(name="ANAMA", acronym="ANAMA", kind="authority", country="AZE")
    return Personnel.objects.create(
        code="ANAMA-P-1", organisation=anama, role="deminer", full_name="Elvin Aliyev", nationality="AZE"
    )


def test_certificates_issued_at_close_appear_on_trainee_record(client_for, centre, anama_trainee, organisation):
    c, man, mdd = centre
    local = Personnel.objects.create(
        code="CMAC-P-1", organisation=organisation, role="deminer", full_name="Sokha Chan", nationality="KHM"
    )
    s = services.schedule_session(man, "S1", D(2026, 1, 5), place="Kampong Chhnang")
    assert s.end_date == D(2026, 2, 3)
    e1, e2 = services.enrol(s, anama_trainee), services.enrol(s, local)
    theory = Assessment.objects.create(session=s, title="Theory", kind="theory", pass_mark=70)
    services.record_result(theory, e1, 85)
    with pytest.raises(ValidationFailed, match="results missing for CMAC-P-1"):
        services.close_session(s)
    services.record_result(theory, e2, 50)
    [cert] = services.close_session(s)
    assert cert.enrolment == e1 and cert.valid_until == D(2027, 2, 3)
    assert list(anama_trainee.certifications.values_list("course_code", flat=True)) == ["MAN-101"]
    assert not local.certifications.exists()
    e2.refresh_from_db()
    assert e2.status == "failed"
    signed_in = client_for("viewer")
    page = signed_in.get(f"/training/people/{anama_trainee.code}/").content.decode()
    assert cert.code in page and "Basic manual demining" in page
    assert "Elvin" not in page  # a viewer: no names
    home = signed_in.get("/training/").content.decode()
    assert "ANAMA" in home and "AZE" in home  # the visiting delegation


def test_enrolment_checks_prerequisite_and_capacity(centre, anama_trainee, organisation):
    c, man, mdd = centre
    s = services.schedule_session(mdd, "S2", D(2026, 3, 1))
    with pytest.raises(ValidationFailed, match="ANAMA-P-1 lacks the prerequisite MAN-101"):
        services.enrol(s, anama_trainee)
    full = services.schedule_session(man, "S3", D(2026, 3, 1))
    for k in range(2):
        services.enrol(
            full,
            Personnel.objects.create(
                code=f"X{k}", organisation=organisation, role="deminer", full_name="x", nationality="KHM"
            ),
        )
    with pytest.raises(ValidationFailed, match=r"session S3 is full \(2 of 2 places\)"):
        services.enrol(full, anama_trainee)
    assert Enrolment.objects.filter(person=anama_trainee).count() == 0


def client_anonymous_status(api) -> int:
    from django.test import Client

    return Client().get("/api/v1/organisations/personnel/ANAMA-P-1").status_code


def test_personal_details_only_for_roles_that_need_them(api, user, anama_trainee):
    from safeground.organisations.roles import assign_role

    assert client_anonymous_status(api) == 401
    user.groups.clear()  # an account with no role yet
    body = api.get("/api/v1/organisations/personnel/ANAMA-P-1").json()
    assert body["full_name"] is None and body["role"] == "deminer" and body["code"] == "ANAMA-P-1"
    assign_role(user, "viewer")
    assert api.get("/api/v1/organisations/personnel/ANAMA-P-1").json()["full_name"] is None
    assign_role(user, "im_officer")
    assert api.get("/api/v1/organisations/personnel/ANAMA-P-1").json()["full_name"] == "Elvin Aliyev"


def test_training_api_close_issues_certificates(api, user, centre, anama_trainee):
    user.is_superuser = True
    user.save()
    c, man, mdd = centre
    s = services.schedule_session(man, "S4", D(2026, 1, 5))
    assert (
        api.post(
            "/api/v1/training/sessions/S4/enrolments", {"person": "ANAMA-P-1"}, content_type="application/json"
        ).status_code
        == 201
    )
    Assessment.objects.create(session=s, title="Practical", kind="practical", pass_mark=60)
    r = api.post(
        "/api/v1/training/sessions/S4/results",
        {"person": "ANAMA-P-1", "assessment": "Practical", "score": 101},
        content_type="application/json",
    )
    assert r.status_code == 422 and "outside 0–100" in r.json()["detail"]
    api.post(
        "/api/v1/training/sessions/S4/results",
        {"person": "ANAMA-P-1", "assessment": "Practical", "score": 75},
        content_type="application/json",
    )
    out = api.post("/api/v1/training/sessions/S4/close").json()
    assert [x["person"] for x in out["certificates"]] == ["ANAMA-P-1"]
    assert CourseSession.objects.get(code="S4").status == "closed"


def test_demo_figures_in_calibrated_ranges():
    from safeground.demo.generator import build as main_build
    from safeground.organisations.queries import expiring
    from safeground.training import demo

    main_build(scale="tiny", seed=1)
    counts = demo.build(seed=1, scale="tiny")
    assert counts["progress reports"] > 100 and counts["certificates"] > 0
    rows = {r["group"]["method"]: r for r in productivity.productivity("method")}
    assert 10 <= rows["manual"]["m2_per_deminer_day"] <= 50
    assert 400 <= rows["mdd"]["m2_per_asset_day"] <= 450
    assert 2600 <= rows["mdr"]["m2_per_team_day"] <= 3200
    assert 2500 <= rows["mechanical"]["m2_per_asset_day"] <= 10000
    assert any(r["kind"] == "dog" for r in expiring(30))
    assert Enrolment.objects.filter(
        person__organisation__acronym="ANAMA", session__course__centre__code="CMAC-TC"
    ).exists()
    by_ground = {
        r["group"]["vegetation"]: r["m2_per_deminer_day"]
        for r in productivity.productivity("vegetation", method="manual")
    }
    assert by_ground["dense"] < by_ground["light"]
