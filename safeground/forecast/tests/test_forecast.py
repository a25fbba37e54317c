"""The completion forecast on a synthetic programme built here (Testland), where the answer is known in
closed form: every measured month has the same productivity and the capacity is fixed, so the median
completion is remaining area × clearance share ÷ (m² per team-day × teams × working days a year)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import shapely
from django.core.management import call_command
from django.test import Client

from safeground.core.errors import ValidationFailed
from safeground.forecast import engine, queries
from safeground.gazetteer import programmes
from safeground.gazetteer.tests.testland import ISO3, build_testland
from safeground.hazards.services import create_hazard
from safeground.landrelease import services as landrelease
from safeground.landrelease.models import HazardLedger
from safeground.operations.models import Activity, ProgressReport
from safeground.organisations.models import Accreditation, Organisation, Team
from safeground.organisations.roles import assign_role

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2025, 7, 1)
M2_PER_TEAM_DAY = 400.0
TEAMS = 4
WORKING_DAYS = 200.0
# Boxes in Testland: the released hazard in the west province (XT01), open ones in both provinces.
RELEASED = (-19.9, -29.9, -19.8, -29.8)
OPEN_WEST = (-19.7, -29.7, -19.66, -29.66)
OPEN_EAST = (-19.3, -29.7, -19.25, -29.65)


@pytest.fixture
def testland():
    build_testland()
    programmes.add_programme(ISO3, name="Testland", admin_levels=["Province", "District", "Commune"])
    org = Organisation.objects.create(acronym="TDO", name="Testland Demining", kind="operator", country=ISO3)
    Accreditation.objects.create(
        code="TDO-ACC-1",
        organisation=org,
        method="manual",
        issuing_authority="TNA",
        valid_from=dt.date(2020, 1, 1),
        valid_until=dt.date(2030, 12, 31),
    )
    teams = [Team.objects.create(organisation=org, code=f"TDO-M{i}", kind="manual", size=10) for i in range(TEAMS)]
    # A team whose method has no accreditation does not count.
    Team.objects.create(organisation=org, code="TDO-DOG", kind="mdd", size=4)
    activity = Activity.objects.create(
        code="XTL-CLR-1",
        activity_type="clearance",
        organisation=org,
        methods=["manual"],
        reference_point="POINT(-19.85 -29.85)",
        country=ISO3,
        start_date=dt.date(2023, 1, 1),
        status="ongoing",
    )
    released = create_hazard(
        geometry=shapely.box(*RELEASED),
        hazard_class="SHA",
        contamination_type="ap_mines",
        recorded_on=AS_OF.replace(year=2022),
    )
    west, south, east, north = RELEASED
    # 50 % cancelled, 20 % reduced, 30 % cleared (by longitude; the ledger measures the real areas).
    for outcome, x0, x1 in (("cancelled", 0.0, 0.5), ("reduced", 0.5, 0.7), ("cleared", 0.7, 1.0)):
        landrelease.create_product(
            activity=activity.code,
            hazard=released.code,
            outcome=outcome,
            geometry=shapely.box(west + (east - west) * x0, south, west + (east - west) * x1, north),
            released_on=dt.date(2024, 6, 1),
            clearance_depth_cm=20 if outcome == "cleared" else None,
        )
    for box in (OPEN_WEST, OPEN_EAST):
        create_hazard(
            geometry=shapely.box(*box),
            hazard_class="CHA",
            contamination_type="ap_mines",
            recorded_on=dt.date(2023, 1, 1),
        )
    # Twelve months of reports, every one at exactly M2_PER_TEAM_DAY, all in the west province.
    n = 0
    for month in range(1, 13):
        for team in teams:
            n += 1
            ProgressReport.objects.create(
                code=f"XTL-PR-{n:04d}",
                activity=activity,
                team=team,
                hazard=released,
                period="weekly",
                date=dt.date(2024, month, 3),
                method="manual",
                area_m2=M2_PER_TEAM_DAY * 5,
                days_worked=5,
                searchers=8,
                hours_per_day=6,
                terrain="flat",
                vegetation="light",
                soil_metal="low",
            )
    return released


def _closed_form_years() -> float:
    """Independent of the forecast's own queries: read the ledger rows directly."""
    open_rows = HazardLedger.objects.filter(hazard__country=ISO3, remaining_m2__gt=1)
    remaining = sum(r.remaining_m2 - r.remaining_overlap_m2 for r in open_rows)
    done = HazardLedger.objects.get(hazard__geom__isnull=False, cleared_m2__gt=0)
    share = done.cleared_m2 / (done.cleared_m2 + done.reduced_m2 + done.cancelled_m2)
    return remaining * share / (M2_PER_TEAM_DAY * TEAMS * WORKING_DAYS)


def _run(**kw):
    return queries.forecast(ISO3, **{"as_of": AS_OF, "working_days": WORKING_DAYS, "runs": 2000, "seed": 7, **kw})


def test_the_median_equals_the_closed_form_answer(testland):
    years = _closed_form_years()
    report = _run(target=dt.date(2027, 1, 1))
    assert report["capacity"]["teams"] == TEAMS  # the dog team has no accreditation
    assert report["survey_outcomes"]["cleared"] == pytest.approx(0.3, rel=0.05)
    assert report["completion"]["p50_years"] == pytest.approx(years, rel=0.01)
    expected = AS_OF + dt.timedelta(days=round(years * 365.25))
    assert abs((report["completion"]["p50"] - expected).days) <= max(2, 0.01 * years * 365.25)
    # Fixed inputs: no spread at all.
    assert report["completion"]["p10_years"] == pytest.approx(report["completion"]["p90_years"], rel=1e-9)
    # The west province (all recent effort) finishes first, the east one with the country.
    west, east = sorted(report["provinces"], key=lambda p: p["code"])
    assert (west["code"], east["code"]) == ("XT01", "XT02")
    assert west["recent_effort_share"] == 1.0 and east["recent_effort_share"] == 0.0
    assert west["p50_years"] < east["p50_years"] == pytest.approx(years, rel=0.01)
    # Capacity needed: the target is 1.5 years away; teams scale with the time to finish.
    needed = report["needed"]
    factor = years / needed["years_to_target"]
    assert needed["factor_p50"] == pytest.approx(factor, rel=0.01)
    assert needed["team_days_per_year_p50"] == pytest.approx(factor * TEAMS * WORKING_DAYS, rel=0.01)
    assert needed["probability_current"] == (1.0 if years <= needed["years_to_target"] else 0.0)
    # The fan starts at the whole remaining area and reaches zero at the finish.
    assert report["fan"][0]["p50_m2"] == pytest.approx(report["remaining_m2"], rel=1e-6)
    assert report["fan"][-1]["p50_m2"] == 0.0


def test_the_same_seed_gives_the_same_forecast(testland):
    # Spread in the inputs: every month's productivity differs.
    for report in ProgressReport.objects.all():
        report.area_m2 *= 1 + report.date.month / 6
        report.save()
    a, b, c = _run(seed=11), _run(seed=11), _run(seed=12)
    assert json.dumps(a, default=str) == json.dumps(b, default=str)
    assert a["completion"]["p10_years"] < a["completion"]["p90_years"]  # there is spread now
    assert json.dumps(a["fan"], default=str) != json.dumps(c["fan"], default=str)  # another seed, other draws


def test_the_engine_is_reproducible_and_draws_all_runs_at_once():
    inputs = engine.Inputs(
        provinces=["A", "B"],
        area_m2=engine.np.array([1e6, 2e6]),
        share=engine.np.array([0.25, 0.75]),
        terrain_weights=engine.np.array([[1.0, 0.0], [0.5, 0.5]]),
        terrains=["flat", "hilly"],
        methods=["manual"],
        teams=engine.np.array([3.0]),
        months={
            ("manual", "flat"): (engine.np.array([100.0, 300.0]), engine.np.array([1.0, 1.0])),
            ("manual", "hilly"): (engine.np.array([50.0, 80.0]), engine.np.array([1.0, 1.0])),
            ("manual", "*"): (engine.np.array([150.0, 380.0]), engine.np.array([2.0, 2.0])),
        },
        clearance_ratio=0.4,
        clearance_ratio_se=0.05,
        working_days=200,
    )
    one, two = engine.simulate(inputs, 500, [3, 4]), engine.simulate(inputs, 500, [3, 4])
    assert (one.finish_years == two.finish_years).all() and (one.fan_remaining == two.fan_remaining).all()
    assert one.finish_years.shape == (500, 2)
    assert (one.national_years == one.finish_years.max(axis=1)).all()
    assert (one.fan_remaining[0] <= one.fan_remaining[2] + 1e-6).all()  # P10 of the area ≤ P90


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"runs": 0}, "runs"),
        ({"seed": -1}, "seed"),
        ({"working_days": 0}, "working_days"),
        ({"target": AS_OF}, "target"),
        ({"since": AS_OF}, "since"),
    ],
)
def test_bad_parameters_are_refused_naming_the_field(testland, kw, field):
    with pytest.raises(ValidationFailed) as refused:
        _run(**kw)
    assert refused.value.field == field and field in str(refused.value)


def test_a_programme_without_capacity_or_data_is_refused_clearly(testland):
    Accreditation.objects.all().delete()
    with pytest.raises(ValidationFailed, match="no accredited clearance team") as refused:
        _run()
    assert refused.value.field == "since"
    with pytest.raises(ValidationFailed, match="must be a programme") as refused:
        queries.forecast("XXZ", as_of=AS_OF)
    assert refused.value.field == "country"


def test_the_command_prints_a_table_and_json(testland, capsys):
    call_command("forecast", "--country", ISO3, "--runs", "300", "--as-of", AS_OF.isoformat(), "--target", "2030-01-01")
    text = capsys.readouterr().out
    assert "XT01 West" in text and "P50" in text and "teams" in text
    call_command("forecast", "--country", ISO3, "--runs", "300", "--as-of", AS_OF.isoformat(), "--json")
    data = json.loads(capsys.readouterr().out)
    assert data["forecasts"][0]["country"] == ISO3 and data["forecasts"][0]["target"]["source"] is None
    assert any("Ignored" in a for a in data["forecasts"][0]["assumptions"])


def _client(role: str, django_user_model) -> Client:
    user = django_user_model.objects.create_user(username=f"u-{role}", password="x")
    org = Organisation.objects.get(acronym="TDO")
    assign_role(user, role, org if role == "operator" else None)
    client = Client()
    client.force_login(user)
    return client


def test_the_api_answers_with_bounded_runs_and_refuses_bad_input(testland, django_user_model):
    client = _client("viewer", django_user_model)
    url = f"/api/v1/forecast?country={ISO3}&runs=200&seed=3&as_of={AS_OF}"
    first, again = client.get(url), client.get(url)
    assert first.status_code == 200, first.content
    assert first.json() == again.json()
    body = first.json()["forecasts"][0]
    assert body["period"]["from"] == "2022-07-01" and body["completion"]["p50"]
    too_many = client.get(f"/api/v1/forecast?country={ISO3}&runs={queries.MOST_RUNS + 1}")
    assert too_many.status_code == 422 and too_many.json()["field"] == "runs"
    unknown = client.get("/api/v1/forecast?country=XXZ")
    assert unknown.status_code == 422 and unknown.json()["field"] == "country"
    past = client.get(f"/api/v1/forecast?country={ISO3}&as_of={AS_OF}&target=2020-01-01")
    assert past.status_code == 422 and past.json()["field"] == "target"


def test_operators_do_not_see_the_forecast(testland, django_user_model):
    client = _client("operator", django_user_model)
    assert client.get(f"/api/v1/forecast?country={ISO3}&runs=10").status_code == 403
    assert client.get("/forecast/").status_code == 403


def test_the_page_shows_the_fan_the_provinces_and_the_assumptions(testland, django_user_model):
    client = _client("qa_officer", django_user_model)
    page = client.get(f"/forecast/?country={ISO3}&target=2040-01-01")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'class="chart fan"' in html and "<polygon" in html and 'class="target"' in html
    assert "XT01" in html and "XT02" in html and "Ignored" in html
    bad = client.get(f"/forecast/?country={ISO3}&target=soon")
    assert bad.status_code == 200 and 'aria-invalid="true"' in bad.content.decode()
