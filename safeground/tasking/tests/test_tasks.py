"""Task orders: issue, refusals (field named, nothing written), the life with history and versions,
activity links and plan against actual. In Testland."""

import datetime as dt

import pytest
import shapely
from django.core.exceptions import PermissionDenied

from safeground.core.errors import StaleVersion, ValidationFailed
from safeground.operations.models import Activity
from safeground.tasking import queries, services
from safeground.tasking.models import Task

pytestmark = pytest.mark.django_db


def test_issue_a_task(land, issued):
    assert issued.code == "XT-TASK-000001"
    assert (issued.status, issued.country, issued.organisation.acronym) == ("issued", "XTL", "XOP")
    assert issued.province.code == "XT01"
    assert issued.budget_currency == "USD" and str(issued.budget_amount) == "25000.00"
    # The planned area defaults to the hazard's remaining area (the ledger's; here the whole hazard).
    assert issued.planned_area_m2 == pytest.approx(land["hazards"]["A"].area_m2, rel=1e-6)
    assert [h.code for h in issued.hazards.all()] == [land["hazards"]["A"].code]
    # One version; the hazard links are in its history too (a second row of version 1).
    assert set(issued.history.values_list("version", flat=True)) == {1}
    assert issued.history.latest().hazards.count() == 1


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"organisation": "NOPE"}, "organisation", "unknown organisation"),
        ({"organisation": "XDN"}, "organisation", "does no field work"),
        ({"hazards": ["XT-HAZ-999999"]}, "hazards", "unknown hazards"),
        ({"hazards": []}, "hazards", "at least one hazard"),
        ({"methods": ["shovel"]}, "methods", "methods must be among"),
        ({"planned_end": dt.date(2024, 12, 1)}, "planned_end", "before planned_start"),
        ({"priority": "urgent"}, "priority", "priority must be one of"),
        ({"budget_amount": "-5"}, "budget_amount", "budget_amount must be a number"),
        ({"budget_amount": "NaN"}, "budget_amount", "budget_amount must be a number"),
        ({"budget_currency": "dollars"}, "budget_currency", "three-letter"),
        ({"planned_area_m2": float("inf")}, "planned_area_m2", "square metres"),
    ],
)
def test_bad_input_is_refused_naming_the_field(land, change, field, words):
    fields = {
        "organisation": "XOP",
        "hazards": [land["hazards"]["A"].code],
        "methods": ["manual"],
        "planned_start": dt.date(2025, 1, 6),
        "planned_end": dt.date(2025, 3, 28),
        "budget_amount": "100",
        "budget_currency": "USD",
        **change,
    }
    with pytest.raises(ValidationFailed) as refused:
        services.issue_task(**fields)
    assert refused.value.field == field
    assert words in str(refused.value)
    assert Task.objects.count() == 0


def test_a_closed_hazard_is_not_tasked(land):
    from safeground.hazards import services as hazards

    hazard = land["hazards"]["C"]
    hazards.update_hazard(hazard, status="closed", status_changed_on=dt.date(2025, 1, 1))
    with pytest.raises(ValidationFailed, match="no longer open"):
        services.issue_task(
            organisation="XOP",
            hazards=[hazard.code],
            methods=["eod"],
            planned_start="2025-01-01",
            planned_end="2025-02-01",
        )
    assert Task.objects.count() == 0


def test_the_life_of_a_task_with_history_and_versions(land, issued, client_for):
    operator = client_for("operator", organisation=land["xop"]).user
    accepted = services.change_status(issued, "accepted", user=operator, expected_version=1)
    assert (accepted.status, accepted.version) == ("accepted", 2)
    with pytest.raises(StaleVersion):
        services.change_status(accepted, "in_progress", user=operator, expected_version=1)
    with pytest.raises(ValidationFailed, match="cannot become completed") as refused:
        services.change_status(accepted, "completed", user=operator)
    assert refused.value.field == "status"
    started = services.change_status(accepted, "in_progress", user=operator)
    done = services.change_status(started, "completed", user=operator)
    assert done.status == "completed" and done.version == 4
    assert list(done.history.order_by("version").values_list("status", flat=True).distinct()) == [
        "issued",
        "accepted",
        "in_progress",
        "completed",
    ]


def test_declining_needs_a_reason_and_operators_act_for_their_own_organisation(land, issued, client_for):
    mine = client_for("operator", organisation=land["xop"]).user
    other = client_for("operator", organisation=land["xot"]).user
    with pytest.raises(ValidationFailed) as refused:
        services.change_status(issued, "declined", user=mine)
    assert refused.value.field == "reason"
    with pytest.raises(PermissionDenied):
        services.change_status(issued, "accepted", user=other)
    with pytest.raises(PermissionDenied):
        services.change_status(issued, "cancelled", reason="no", user=mine)  # only the authority cancels
    issued.refresh_from_db()
    assert (issued.status, issued.version) == ("issued", 1)
    declined = services.change_status(issued, "declined", reason="No accredited team free before June", user=mine)
    assert declined.status_reason == "No accredited team free before June"
    assert queries.tasks(other).count() == 0 and queries.tasks(mine).count() == 1


def test_plan_against_actual_from_linked_activities(land, issued):
    from safeground.landrelease import services as landrelease

    hazard = land["hazards"]["A"]
    activity = Activity.objects.create(
        code="XT-CLR-T1",
        activity_type="clearance",
        organisation=land["xop"],
        methods=["manual"],
        reference_point=hazard.geom.centroid,
        country="XTL",
        start_date=dt.date(2025, 1, 10),
        end_date=dt.date(2025, 4, 4),
        status="completed",
    )
    activity.hazards.add(hazard)
    other = Activity.objects.create(
        code="XT-CLR-T2",
        activity_type="clearance",
        organisation=land["xot"],
        methods=["manual"],
        reference_point=hazard.geom.centroid,
        country="XTL",
        start_date=dt.date(2025, 1, 10),
    )
    with pytest.raises(ValidationFailed, match="is not XOP's work") as refused:
        services.link_activities(issued, [other.code])
    assert refused.value.field == "activities" and issued.activities.count() == 0
    services.link_activities(issued, [activity.code])
    west = shapely.box(-19.752, -29.602, -19.75, -29.598)  # the west half of the hazard
    landrelease.create_product(
        activity=activity.code,
        hazard=hazard.code,
        outcome="cleared",
        geometry=west,
        released_on=dt.date(2025, 4, 1),
        clearance_depth_cm=13,
    )
    issued.refresh_from_db()
    p = queries.plan_vs_actual(issued)
    assert p["cleared_m2"] == pytest.approx(issued.planned_area_m2 / 2, rel=0.01)
    assert p["area_percent"] == pytest.approx(50, abs=1)
    assert (p["actual_start"], p["actual_end"], p["days_late"]) == (dt.date(2025, 1, 10), dt.date(2025, 4, 4), 7)
    by_org = queries.aggregate(queries.tasks(None), "organisation")
    assert [(g["group"], g["tasks"]) for g in by_org] == [("XOP", 1)]
    assert by_org[0]["released_m2"] == pytest.approx(p["released_m2"])
    by_province = queries.aggregate(queries.tasks(None), "province")
    assert [(g["group"], g["label"]) for g in by_province] == [("XT01", "West")]


def test_changing_the_plan_keeps_the_version_rule(land, issued):
    changed = services.update_task(issued, expected_version=1, priority="low", planned_area_m2=1234.5)
    assert (changed.priority, changed.planned_area_m2, changed.version) == ("low", 1234.5, 2)
    with pytest.raises(StaleVersion):
        services.update_task(changed, expected_version=1, priority="high")
    with pytest.raises(ValidationFailed) as refused:
        services.update_task(changed, planned_end="2024-01-01")
    assert refused.value.field == "planned_end"
    changed.refresh_from_db()
    assert (changed.priority, changed.version, changed.planned_end) == ("low", 2, dt.date(2025, 3, 28))
