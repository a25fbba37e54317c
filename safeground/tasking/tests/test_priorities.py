"""Explainable prioritisation: criteria from the data, a weighted sum, one weight changes the ranking and
the page says why; snapshots keep the weights and the values; set-based (queries do not grow per hazard)."""

import datetime as dt
import re

import pytest
import shapely
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from safeground.core.errors import StaleVersion, ValidationFailed
from safeground.tasking import priorities, queries, services
from safeground.tasking.models import PrioritySnapshot, PriorityWeights

pytestmark = pytest.mark.django_db


def _order(country: str = "XTL") -> list[str]:
    return [r["code"] for r in queries.ranking(country).rows]


def test_criteria_come_from_the_data(land, accident):
    a, b, c = (land["hazards"][k].code for k in "ABC")
    services.add_development_request(
        requester="Ministry of Rural Development",
        project="Village road",
        purpose="road",
        requested_on=dt.date(2025, 5, 1),
        hazards=[c],
    )
    rows = {r["code"]: r for r in queries.ranking("XTL").rows}
    assert rows[b]["raw"]["casualties"] == 3 and rows[a]["raw"]["casualties"] == 0
    assert rows[a]["raw"]["beneficiaries"] == 900
    assert rows[a]["raw"]["land_use"] == pytest.approx(0.5)  # agriculture 0.3 + water 0.2
    assert (rows[a]["raw"]["villages"], rows[b]["raw"]["villages"]) == (2, 0)
    assert (rows[a]["raw"]["hazard_class"], rows[b]["raw"]["hazard_class"]) == (0.5, 1.0)
    assert rows[b]["raw"]["contamination"] == 1.0 and rows[c]["raw"]["contamination"] == 0.3
    assert rows[c]["raw"]["development"] == 1
    for r in rows.values():  # the contributions add up to the score, every value is in 0..1
        assert sum(r["contributions"].values()) == pytest.approx(r["score"], abs=1e-5)
        assert all(0 <= v <= 1 for v in r["normalised"].values())


def test_a_casualty_outside_the_distance_or_the_years_does_not_count(land, accident):
    b = land["hazards"]["B"].code
    services.set_weights("XTL", casualty_distance_m=100.0)
    assert {r["code"]: r for r in queries.ranking("XTL").rows}[b]["raw"]["casualties"] == 0
    services.set_weights("XTL", casualty_distance_m=2000.0, casualty_years=1)
    # last year's June accident is within one year only from its month on: the window starts this month a year ago
    within = dt.date.today().month <= 6
    assert ({r["code"]: r for r in queries.ranking("XTL").rows}[b]["raw"]["casualties"] == 3) is within


def test_changing_one_weight_changes_the_ranking_and_the_page_shows_why(land, accident, client_for):
    a, b = land["hazards"]["A"].code, land["hazards"]["B"].code
    zero = dict.fromkeys(priorities.KEYS, 0)
    services.set_weights("XTL", weights={**zero, "beneficiaries": 50, "casualties": 10})
    assert _order()[:2] == [a, b]  # 900 people blocked outweigh three casualties at these weights
    im = client_for("im_officer")
    before = im.get(reverse("priorities") + "?country=XTL").content.decode()
    assert re.findall(r'<tr data-code="([^"]+)"', before)[:2] == [a, b]

    # The IM officer raises one weight on the page (with the version it showed).
    record = PriorityWeights.objects.get(country="XTL")
    form = {f"w-{k}": str(record.weights[k]) for k in priorities.KEYS}
    form.update(
        {"w-casualties": "80", "casualty_distance_m": "2000", "casualty_years": "5", "village_distance_m": "2000"}
    )
    response = im.post(
        reverse("priorities") + "?country=XTL",
        {**form, "action": "weights", "country": "XTL", "version": record.version},
    )
    assert response.status_code == 302
    assert _order()[:2] == [b, a]
    after = im.get(reverse("priorities") + "?country=XTL").content.decode()
    assert re.findall(r'<tr data-code="([^"]+)"', after)[:2] == [b, a]
    # Why: B's casualties add 80/130 of the score (0.615), A's beneficiaries 50/130 (0.385).
    row_b = after[after.index(f'<tr data-code="{b}"') :]
    row_b = row_b[: row_b.index("</tr>")]
    assert "+0.615" in row_b and 'class="c-casualties" width="100' in row_b
    assert "61.5 percent" in after  # the casualties' share of the score in the weights table

    # A stale version is refused (409) and nothing is written.
    stale = im.post(
        reverse("priorities") + "?country=XTL", {**form, "w-casualties": "1", "action": "weights", "version": 1}
    )
    assert stale.status_code == 409
    assert PriorityWeights.objects.get(country="XTL").weights["casualties"] == 80


def test_weights_are_refused_naming_the_field(land):
    for weights, field in (
        ({"casualties": -1}, "weights.casualties"),
        ({"casualties": float("nan")}, "weights.casualties"),
        ({"luck": 5}, "weights.luck"),
        (dict.fromkeys(priorities.KEYS, 0), "weights"),
    ):
        with pytest.raises(ValidationFailed) as refused:
            services.set_weights("XTL", weights=weights)
        assert refused.value.field == field
    with pytest.raises(ValidationFailed) as refused:
        services.set_weights("XTL", casualty_distance_m=0)
    assert refused.value.field == "casualty_distance_m"
    assert not PriorityWeights.objects.filter(country="XTL").exists()
    record = services.set_weights("XTL", weights={"villages": 40})
    assert (record.version, record.weights["villages"], record.weights["casualties"]) == (1, 40, 30)
    with pytest.raises(StaleVersion):
        services.set_weights("XTL", weights={"villages": 1}, expected_version=7)
    assert services.set_weights("XTL", weights={"villages": 1}, expected_version=1).version == 2
    assert list(PriorityWeights.history.filter(country="XTL").values_list("weights__villages", flat=True)) in (
        [1, 40],
        [1.0, 40.0],
    )


def test_a_snapshot_keeps_the_weights_and_the_values(land, accident, client_for):
    services.set_weights("XTL", weights={"casualties": 90})
    snap = services.take_snapshot("XTL", note="Workplan 2026")
    services.set_weights("XTL", weights={"casualties": 0})
    kept = PrioritySnapshot.objects.get(pk=snap.pk)
    assert kept.weights["casualties"] == 90 and kept.weights_version == 1
    assert kept.rows[0]["code"] == land["hazards"]["B"].code and kept.rows[0]["raw"]["casualties"] == 3
    assert kept.maxima["beneficiaries"] == 900
    viewer = client_for("viewer")
    page = viewer.get(reverse("priority-snapshot", args=[snap.code])).content.decode()
    assert "Workplan 2026" in page and re.findall(r'<tr data-code="([^"]+)"', page)[0] == land["hazards"]["B"].code
    listed = viewer.get(reverse("priorities") + "?country=XTL").content.decode()
    assert snap.code in listed
    assert "Change the weights" not in listed and "Keep this ranking" not in listed  # a viewer reads only


def test_the_computation_is_set_based(land, accident):
    from safeground.hazards import services as hazards

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            queries.ranking("XTL")
        return len(ctx.captured_queries)

    few = count()
    for i in range(12):
        hazards.create_hazard(
            geometry=shapely.box(-19.9 + i * 0.02, -29.9, -19.89 + i * 0.02, -29.89),
            hazard_class="SHA",
            contamination_type="uxo",
            recorded_on=dt.date(2024, 1, 1),
        )
    assert len(queries.ranking("XTL").rows) == 15
    assert count() == few


def test_tasks_from_the_top_of_the_ranking(land, accident, client_for):
    im = client_for("im_officer")
    top = _order()[:2]
    form = im.get(reverse("task-new"), {"hazards": top})
    assert form.status_code == 200 and all(code in form.content.decode() for code in top)
    response = im.post(
        reverse("task-new"),
        {
            "hazards": " ".join(top),
            "organisation": "XOP",
            "methods": ["manual", "ts"],
            "priority": "high",
            "planned_start": "2026-01-05",
            "planned_end": "2026-03-27",
            "budget_amount": "40000",
            "budget_currency": "USD",
        },
    )
    assert response.status_code == 302
    ranking = im.get(reverse("priorities") + "?country=XTL").content.decode()
    assert "XT-TASK-000001" in ranking  # the ranking marks the hazards already tasked
