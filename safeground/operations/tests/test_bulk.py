"""bulk_create_activities: the single write's rules (accreditation gate included) over whole columns."""

import datetime as dt

import pytest
import shapely

from safeground.core.errors import BulkValidationFailed
from safeground.core.models import Batch
from safeground.gazetteer.tests.testland import build_testland
from safeground.operations import services
from safeground.operations.models import Activity
from safeground.organisations.models import Accreditation

pytestmark = pytest.mark.django_db


@pytest.fixture
def cmac_manual(organisation):
    Accreditation.objects.create(
        code="CMAC-ACC-MANUAL-01",
        organisation=organisation,
        method="manual",
        issuing_authority="CMAA",
        valid_from=dt.date(2024, 1, 1),
        valid_until=dt.date(2026, 12, 31),
    )
    return organisation


def columns(n: int, **more) -> dict:
    return {
        "activity_type": ["clearance"] * n,
        "organisation": ["CMAC"] * n,
        "methods": [["manual"]] * n,
        "start_date": [dt.date(2025, 3, 1)] * n,
        **more,
    }


def test_bulk_activities_codes_countries_links_and_one_batch(cmac_manual, hazard, team):
    build_testland()
    result = services.bulk_create_activities(
        columns(
            3,
            hazards=[[hazard.code], [], [hazard.code]],
            teams=[[team.code], [team.code], []],
            reference_point=[None, shapely.Point(-19.3, -29.6), None],
            activity_type=["clearance", "eod", "ts"],
            methods=[["manual"], ["manual"], ["manual"]],
        ),
        source="acts.csv",
    )
    made = Activity.objects.in_bulk(result.ids)
    first, eod, ts = (made[i] for i in result.ids)
    stem = hazard.province.code
    assert result.codes == [f"{stem}-CLR-000001", "XT02-EOD-000001", f"{stem}-TS-000001"]
    assert (first.country, eod.country) == ("KHM", "XTL")
    assert shapely.from_wkb(bytes(first.reference_point.wkb)).within(shapely.from_wkb(bytes(hazard.geom.wkb)))
    assert list(first.hazards.all()) == [hazard] and list(first.teams.all()) == [team]
    assert list(eod.hazards.all()) == [] and list(ts.teams.all()) == []
    batch = Batch.objects.get()
    assert batch.kind == "activities" and batch.rows == 3 and {a.batch_id for a in made.values()} == {batch.id}
    assert Activity.history.filter(id__in=result.ids).count() == 0


def test_the_accreditation_gate_applies_to_planned_and_ongoing_rows_only(cmac_manual, hazard):
    before = Activity.objects.count()
    with pytest.raises(BulkValidationFailed) as caught:
        services.bulk_create_activities(
            columns(
                4,
                hazards=[[hazard.code]] * 4,
                methods=[["mdd"], ["manual"], ["mdd"], ["mdd"]],
                status=["planned", "ongoing", "completed", "ongoing"],
                start_date=[dt.date(2025, 3, 1), dt.date(2023, 6, 1), dt.date(2019, 1, 1), dt.date(2025, 3, 1)],
            )
        )
    errors = {e.row: e for e in caught.value.errors}
    assert set(errors) == {1, 2, 4}
    assert errors[1].reason == (
        "Not accredited: CMAC holds no valid accreditation for Mine detection dogs (MDD) on 2025-03-01."
    )
    assert "Manual" in errors[2].reason and "2023-06-01" in errors[2].reason
    assert Activity.objects.count() == before and not Batch.objects.exists()


def test_bad_columns_are_refused_row_by_row(cmac_manual, hazard):
    with pytest.raises(BulkValidationFailed) as caught:
        services.bulk_create_activities(
            columns(
                4,
                hazards=[[hazard.code], ["NO-SUCH-HAZ"], [], [hazard.code]],
                activity_type=["clearance", "clearance", "clearance", "demolition"],
                end_date=[dt.date(2024, 1, 1), None, None, None],
                status=["completed", "completed", "completed", "completed"],
            )
        )
    assert [(e.row, e.field) for e in caught.value.errors] == [
        (1, "end_date"),
        (2, "hazards"),
        (3, "hazards"),
        (4, "activity_type"),
    ]


def test_a_deactivated_organisation_takes_no_new_work_but_keeps_its_past(cmac_manual, hazard):
    from safeground.organisations import structure

    structure.set_organisation_active("CMAC", False)
    before = Activity.objects.count()
    with pytest.raises(BulkValidationFailed) as refused:
        services.bulk_create_activities(columns(2, hazards=[[hazard.code]] * 2, status=["planned", "ongoing"]))
    assert [(e.row, e.field, e.reason) for e in refused.value.errors] == [
        (1, "organisation", "CMAC is deactivated: no new planned or ongoing work"),
        (2, "organisation", "CMAC is deactivated: no new planned or ongoing work"),
    ]
    assert Activity.objects.count() == before
    done = services.bulk_create_activities(
        columns(1, hazards=[[hazard.code]], status=["completed"], end_date=[dt.date(2025, 4, 1)])
    )
    assert len(done.ids) == 1  # past work of a deactivated organisation is still recorded
