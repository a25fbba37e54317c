import datetime as dt

import pytest

from safeground.core.errors import ValidationFailed
from safeground.operations import productivity, services
from safeground.operations.models import ProgressReport
from safeground.organisations import services as org_services
from safeground.organisations.models import Asset, Team

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def mdd(activity, organisation):
    """The fixture activity switched to MDD, planned, with a team of one dog (REX)."""
    team = Team.objects.create(organisation=organisation, code="CMAC-MDD-01", kind="mdd", size=4)
    dog = Asset.objects.create(kind="dog", identifier="CMAC-DOG-0001", name="Rex", team=team)
    activity.methods, activity.status = ["mdd"], "planned"
    activity.save()
    activity.teams.add(team)
    org_services.accredit_organisation(organisation, "mdd", D(2023, 1, 1), D(2025, 12, 31), "CMAA", code="CMAC-ACC-MDD")
    return activity, team, dog


def test_expired_dog_blocks_mdd_activity_and_renewal_unblocks(mdd):
    activity, team, dog = mdd
    old = org_services.accredit_animal(dog, D(2023, 1, 1), D(2024, 1, 31), "CMAA", ["blind search"], code="DOG1-ACC-1")
    with pytest.raises(ValidationFailed) as err:
        services.start_activity(activity, on=D(2024, 2, 1))
    msg = str(err.value)
    assert "dog CMAC-DOG-0001 (Rex)" in msg and "DOG1-ACC-1 expired on 2024-01-31" in msg and "2024-02-01" in msg
    activity.refresh_from_db()
    assert activity.status == "planned"  # nothing written
    org_services.renew(old, D(2025, 1, 31))
    assert services.start_activity(activity, on=D(2024, 2, 1)).status == "ongoing"


def test_missing_organisation_accreditation_names_method_and_date(activity, organisation):
    activity.status = "planned"
    activity.save()
    with pytest.raises(ValidationFailed, match=r"CMAC holds no valid accreditation for Manual clearance on 2024-02-01"):
        services.start_activity(activity)
    activity.refresh_from_db()
    assert activity.status == "planned"


def test_team_and_asset_assignment_follow_the_rule(mdd, organisation):
    activity, team, dog = mdd
    other = Team.objects.create(organisation=organisation, code="CMAC-MDD-02", kind="mdd", size=4)
    Asset.objects.create(kind="dog", identifier="CMAC-DOG-0002", team=other)
    with pytest.raises(ValidationFailed, match="CMAC-DOG-0002 .*never accredited"):
        services.assign_team(activity, other, D(2024, 3, 1))
    assert not activity.teams.filter(pk=other.pk).exists()
    with pytest.raises(ValidationFailed, match="CMAC-DOG-0001"):
        services.assign_asset(activity, dog, D(2024, 3, 1))
    org_services.accredit_animal(dog, D(2024, 1, 1), D(2024, 12, 31), "CMAA", ["blind search"])
    services.assign_asset(activity, dog, D(2024, 3, 1))
    assert activity.asset_assignments.filter(asset=dog).exists()


def _report(activity, team, **kw):
    base = dict(
        date=D(2024, 2, 5),
        method="manual",
        area_m2=1000,
        searchers=10,
        hours_per_day=5,
        terrain="flat",
        vegetation="light",
        soil_metal="low",
    )
    return services.record_progress(activity, team, **{**base, **kw})


@pytest.fixture
def manual(activity, organisation):
    team = Team.objects.create(organisation=organisation, code="CMAC-MAN-01", kind="manual", size=14)
    activity.teams.add(team)
    org_services.accredit_organisation(organisation, "manual", D(2020, 1, 1), D(2026, 12, 31), "CMAA")
    return activity, team


def test_progress_total_above_hazard_area_is_refused(manual, hazard):
    activity, team = manual
    _report(activity, team, area_m2=hazard.area_m2 - 500)
    with pytest.raises(ValidationFailed) as err:
        _report(activity, team, area_m2=1000)
    assert "more than its hazard area of" in str(err.value) and "Manual would total" in str(err.value)
    assert err.value.field == "area_m2"
    assert ProgressReport.objects.count() == 1
    assert services.method_totals(activity) == {"manual": pytest.approx(hazard.area_m2 - 500)}


def test_progress_refused_without_accreditation_or_outside_method(activity, organisation):
    team = Team.objects.create(organisation=organisation, code="CMAC-MAN-09", kind="manual", size=12)
    activity.teams.add(team)
    with pytest.raises(ValidationFailed, match="no valid accreditation for Manual clearance on 2024-02-05"):
        _report(activity, team)
    with pytest.raises(ValidationFailed, match="not mdd"):
        _report(activity, team, method="mdd")
    assert ProgressReport.objects.count() == 0


def test_productivity_equals_hand_computation(manual):
    activity, team = manual
    _report(activity, team, area_m2=300, searchers=12, hours_per_day=5, days_worked=1, cost_usd=90)
    _report(
        activity,
        team,
        area_m2=1500,
        searchers=10,
        hours_per_day=6,
        days_worked=5,
        period="weekly",
        terrain="hilly",
        date=D(2024, 2, 12),
    )
    [row] = productivity.productivity("method")
    # area 1,800 m²; team-days 1 + 5 = 6; deminer-days 12 + 50 = 62; deminer-hours 60 + 300 = 360
    assert row["area_m2"] == 1800
    assert row["m2_per_team_day"] == 300.0
    assert row["m2_per_deminer_day"] == round(1800 / 62, 2)
    assert row["m2_per_deminer_hour"] == 5.0
    assert row["m2_per_asset_day"] is None
    assert row["cost_per_m2"] == 0.3  # 90 US$ over the 300 m² that carry a cost
    by_terrain = {r["group"]["terrain"]: r for r in productivity.productivity("terrain")}
    assert by_terrain["hilly"]["m2_per_team_day"] == 300.0 and by_terrain["flat"]["m2_per_team_day"] == 300.0
    [prov] = productivity.productivity("province,programme")
    assert prov["group"] == {"province": "Battambang", "programme": "KHM"}


def test_productivity_api(api, manual):
    activity, team = manual
    _report(activity, team, area_m2=600, searchers=12, hours_per_day=5)
    body = api.get("/api/v1/productivity?group_by=method").json()
    assert body["group_by"] == ["method"] and body["rows"][0]["m2_per_team_day"] == 600.0
    assert api.get("/api/v1/productivity?group_by=organisation").json()["rows"][0]["group"] == {"organisation": "CMAC"}
    bad = api.get("/api/v1/productivity?group_by=colour")
    assert bad.status_code == 422 and "unknown group_by colour" in bad.json()["detail"]


def test_progress_api_refuses_with_422_and_writes_nothing(api, user, manual, hazard):
    user.is_superuser = True
    user.save()
    activity, team = manual
    payload = dict(
        team=team.code,
        date="2024-02-05",
        method="manual",
        area_m2=hazard.area_m2 + 10,
        searchers=10,
        hours_per_day=5,
        terrain="flat",
        vegetation="light",
        soil_metal="low",
    )
    r = api.post(f"/api/v1/activities/{activity.code}/progress-reports", payload, content_type="application/json")
    assert r.status_code == 422 and r.json()["reason"] == "exceeds_hazard_area"
    assert ProgressReport.objects.count() == 0
    payload["area_m2"] = 800
    r = api.post(f"/api/v1/activities/{activity.code}/progress-reports", payload, content_type="application/json")
    assert r.status_code == 201
    listing = api.get(f"/api/v1/activities/{activity.code}/progress-reports").json()
    assert listing["totals_m2"] == {"manual": 800.0} and len(listing["items"]) == 1


def test_compare_methods_only_on_shared_ground(manual, organisation):
    activity, team = manual
    mteam = Team.objects.create(organisation=organisation, code="CMAC-MECH-01", kind="mechanical", size=4)
    activity.methods = ["manual", "mechanical"]
    activity.save()
    activity.teams.add(mteam)
    org_services.accredit_organisation(organisation, "mechanical", D(2020, 1, 1), D(2026, 12, 31), "CMAA")
    _report(activity, team, area_m2=400)
    _report(activity, mteam, method="mechanical", area_m2=5000, searchers=2, assets_deployed=1)
    _report(activity, mteam, method="mechanical", area_m2=3000, searchers=2, assets_deployed=1, terrain="hilly")
    out = productivity.compare_methods("manual", "mechanical")
    [pair] = out["comparable_ground"]
    assert pair["ground"] == {"terrain": "flat", "vegetation": "light", "soil_metal": "low"}
    assert pair["ratio_team_day"] == 12.5


def test_expiring_lists_unrenewed_only(api, mdd, organisation):
    activity, team, dog = mdd
    a = org_services.accredit_animal(dog, D(2024, 1, 1), D(2024, 6, 20), "CMAA", ["blind search"], code="DOG-ACC-A")
    body = api.get("/api/v1/organisations/accreditations/expiring?days=30&on=2024-06-01").json()
    assert [r["code"] for r in body["items"]] == ["DOG-ACC-A"] and body["items"][0]["days_left"] == 19
    org_services.renew(a, D(2025, 6, 20))
    body = api.get("/api/v1/organisations/accreditations/expiring?days=30&on=2024-06-01").json()
    assert body["items"] == []


def test_the_expiring_page_names_methods_and_holders_not_their_codes(client_for, mdd):
    """ "Mine detection dogs (Dog)", never "mdd (dog)"."""
    import datetime as dt

    _activity, _team, dog = mdd
    today = dt.date.today()
    org_services.accredit_animal(
        dog, today - dt.timedelta(days=300), today + dt.timedelta(days=20), "CMAA", ["blind search"]
    )
    html = client_for("im_officer").get("/accreditations/expiring/").content.decode()
    assert "<td>Mine detection dogs</td>" in html and "(Dog)" in html
    assert "<td>mdd</td>" not in html and "(dog)" not in html
