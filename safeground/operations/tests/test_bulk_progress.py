"""operations.services.bulk_record_progress: record_progress's checks on every row, one batch, nothing on refusal."""

import datetime as dt

import pytest

from safeground.core.errors import BulkValidationFailed
from safeground.operations import services
from safeground.operations.models import ProgressReport
from safeground.organisations import services as org_services
from safeground.organisations.models import Team

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def manual(activity, organisation):
    team = Team.objects.create(organisation=organisation, code="CMAC-MAN-01", kind="manual", size=14)
    activity.teams.add(team)
    org_services.accredit_organisation(organisation, "manual", D(2020, 1, 1), D(2026, 12, 31), "CMAA")
    return activity, team


def _report(activity, team, code, **kw):
    fields = dict(
        code=code,
        activity=activity,
        team=team,
        date=D(2024, 2, 5),
        method="manual",
        area_m2=1000,
        searchers=10,
        hours_per_day=5,
        terrain="flat",
        vegetation="light",
        soil_metal="low",
    )
    return ProgressReport(**{**fields, **kw})


def test_reports_written_in_one_batch_with_the_activitys_hazard(manual, hazard):
    activity, team = manual
    rows = [_report(activity, team, "PR-1"), _report(activity, team, "PR-2", date=D(2024, 2, 12))]
    assert services.bulk_record_progress(rows, source="test") == 2
    assert {r.hazard_id for r in ProgressReport.objects.all()} == {hazard.pk}
    assert ProgressReport.objects.get(code="PR-2").batch.rows == 2
    assert services.method_totals(activity) == {"manual": pytest.approx(2000)}


def test_bad_rows_are_named_and_nothing_is_written(manual, organisation, hazard):
    activity, team = manual
    stranger = Team.objects.create(organisation=organisation, code="CMAC-MAN-09", kind="manual", size=8)
    rows = [
        _report(activity, team, "PR-1"),
        _report(activity, team, "PR-2", method="mdd"),
        _report(activity, stranger, "PR-3"),
        _report(activity, team, "PR-4", date=D(2023, 12, 1)),
        _report(activity, team, "PR-5", area_m2=-5),
        _report(activity, team, "PR-6", days_worked=0),
        _report(activity, team, "PR-7", terrain="lunar"),
    ]
    with pytest.raises(BulkValidationFailed) as err:
        services.bulk_record_progress(rows)
    found = {(e.row, e.field) for e in err.value.errors}
    assert {(2, "method"), (3, "team"), (4, "date"), (5, "area_m2"), (6, "days_worked"), (7, "terrain")} <= found
    assert "progress report PR-2: KH-CLR-TEST-1 uses manual, not mdd" in str(err.value)
    assert not ProgressReport.objects.exists()


def test_running_total_above_the_hazard_area_is_refused(manual, hazard):
    activity, team = manual
    rows = [_report(activity, team, f"PR-{k}", area_m2=hazard.area_m2 / 2) for k in (1, 2, 3)]
    with pytest.raises(BulkValidationFailed, match="PR-3: KH-CLR-TEST-1: Manual would total") as err:
        services.bulk_record_progress(rows)
    assert [e.row for e in err.value.errors] == [3] and err.value.field == "area_m2"
    assert not ProgressReport.objects.exists()


def test_work_without_accreditation_that_day_is_refused(manual):
    activity, team = manual
    with pytest.raises(BulkValidationFailed, match="no valid accreditation for Manual clearance on 2027-01-04"):
        services.bulk_record_progress([_report(activity, team, "PR-1", date=D(2027, 1, 4))])
    assert not ProgressReport.objects.exists()
