"""Visits, checklists, non-conformities and the suspension they put through the accreditation gate;
QC sampling and the failed sample's hazard proposal; hand-overs. Run on both databases."""

from __future__ import annotations

import datetime as dt

import pytest

from safeground.core.errors import ValidationFailed
from safeground.hazards.models import Hazard
from safeground.operations import services as operations
from safeground.organisations.models import Suspension
from safeground.qm import services
from safeground.qm.models import ChecklistAnswer, Handover, NonConformity, SamplingPlan, Visit
from safeground.workbench import services as workbench
from safeground.workbench.models import Submission

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


def test_the_default_checklist_holds_the_imas_07_40_items():
    template = services.default_template()
    assert template is not None and template.reference.startswith("IMAS 07.40")
    assert [i.key for i in template.items.all()] == [
        "sop",
        "marking",
        "medical",
        "supervision",
        "equipment",
        "documentation",
    ]


def test_a_visit_records_its_checklist_answers(monitoring_visit, qm_world):
    v = monitoring_visit
    assert v.code == "XTL-QMV-000001" and v.inspected_organisation.acronym == "TDO" and v.country == "XTL"
    assert dict(ChecklistAnswer.objects.filter(visit=v).values_list("item__key", "answer")) == {
        "sop": "yes",
        "medical": "no",
    }
    assert v.history.count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"visit_type": "picnic"}, "visit_type"),
        ({"activity": "NOPE"}, "activity"),
        ({"answers": [{"item": "weather", "answer": "yes"}]}, "answers[0].item"),
        ({"answers": [{"item": "sop", "answer": "maybe"}]}, "answers[0].answer"),
        ({"visited_on": TODAY + dt.timedelta(days=3)}, "visited_on"),
        ({"inspector": " "}, "inspector"),
        ({"team": "TDO-MAN-9"}, "team"),
    ],
)
def test_a_bad_visit_is_refused_naming_the_field(qm_world, change, field):
    values = {
        "visit_type": "monitoring",
        "activity": qm_world["planned"].code,
        "inspecting_organisation": "TNA",
        "visited_on": TODAY,
        "inspector": "A. Inspector",
        **change,
    }
    with pytest.raises(ValidationFailed) as refused:
        services.record_visit(**values)
    assert refused.value.field == field
    assert not Visit.objects.exists() and not ChecklistAnswer.objects.exists()


def test_a_critical_non_conformity_suspends_the_team_until_closed(monitoring_visit, qm_world):
    planned, team = qm_world["planned"], qm_world["team"]
    nc = services.raise_non_conformity(
        monitoring_visit,
        category="medical",
        severity="critical",
        description="No medic on site; work went on",
        user=qm_world["users"]["qa"],
    )
    assert nc.suspends == "team" and Suspension.objects.get(reference=nc.code).team == team
    with pytest.raises(ValidationFailed) as refused:
        operations.assign_team(planned, team, TODAY)
    assert nc.code in str(refused.value) and refused.value.field == "team"
    assert not planned.teams.exists()
    # Creating an activity with the team (the bulk path of the same gate) is refused too.
    with pytest.raises(ValidationFailed) as refused:
        operations.create_activity(
            organisation=qm_world["operator"],
            activity_type="clearance",
            methods=["manual"],
            hazards=[qm_world["hazard"]],
            teams=[team],
            start_date=TODAY,
        )
    assert nc.code in str(refused.value)
    services.close_non_conformity(
        nc, evidence="Medic posted; SOP briefing held", closed_by="A. Inspector", closed_on=TODAY
    )
    nc.refresh_from_db()
    assert nc.status == "closed" and nc.version == 2
    operations.assign_team(planned, team, TODAY)
    assert list(planned.teams.all()) == [team]


def test_a_critical_non_conformity_without_a_team_suspends_the_method(qm_world):
    visit = services.record_visit(
        visit_type="monitoring",
        activity=qm_world["planned"].code,
        inspecting_organisation="TNA",
        visited_on=TODAY,
        inspector="B",
    )
    nc = services.raise_non_conformity(visit, category="sop", severity="critical", description="Lanes not marked")
    assert (nc.suspends, nc.method) == ("method", "manual")
    with pytest.raises(ValidationFailed) as refused:
        operations.start_activity(qm_world["planned"], on=TODAY)
    assert nc.code in str(refused.value) and "TDO manual" in str(refused.value)
    services.close_non_conformity(nc, evidence="Re-marked", closed_by="B")
    assert operations.start_activity(qm_world["planned"], on=TODAY).status == "ongoing"


def test_minor_and_major_non_conformities_suspend_nothing(monitoring_visit, qm_world):
    for severity in ("minor", "major"):
        services.raise_non_conformity(monitoring_visit, category="documentation", severity=severity, description="x")
    assert not Suspension.objects.exists()
    operations.assign_team(qm_world["planned"], qm_world["team"], TODAY)


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"severity": "fatal"}, "severity"),
        ({"category": "weather"}, "category"),
        ({"description": ""}, "description"),
        ({"owner": "NOPE"}, "owner"),
        ({"due_on": TODAY - dt.timedelta(days=5)}, "due_on"),
    ],
)
def test_a_bad_non_conformity_is_refused(monitoring_visit, values, field):
    with pytest.raises(ValidationFailed) as refused:
        services.raise_non_conformity(
            monitoring_visit, **{"category": "sop", "severity": "critical", "description": "d", **values}
        )
    assert refused.value.field == field
    assert not NonConformity.objects.exists() and not Suspension.objects.exists()


def test_closing_needs_evidence_and_once_only(monitoring_visit):
    nc = services.raise_non_conformity(monitoring_visit, category="sop", severity="critical", description="d")
    with pytest.raises(ValidationFailed) as refused:
        services.close_non_conformity(nc, evidence=" ", closed_by="X")
    assert refused.value.field == "evidence"
    nc.refresh_from_db()
    assert nc.status == "open" and Suspension.objects.get().lifted_on is None
    services.close_non_conformity(nc, evidence="done", closed_by="X")
    with pytest.raises(ValidationFailed) as refused:
        services.close_non_conformity(nc, evidence="again", closed_by="X")
    assert refused.value.field == "status"


def test_sample_size_follows_iso_2859_1():
    assert services.sample_size(770, "II") == ("J", 80)
    assert services.sample_size(5, "II") == ("A", 2)
    assert services.sample_size(1, "III") == ("B", 1)  # never more units than the lot
    assert services.sample_size(600_000, "I") == ("N", 500)


def test_sampling_is_a_programme_option(qm_world):
    with pytest.raises(ValidationFailed) as refused:
        services.plan_sample(qm_world["product"].code)
    assert refused.value.field == "product" and "not enabled" in str(refused.value)
    assert not SamplingPlan.objects.exists()
    with pytest.raises(ValidationFailed) as refused:
        services.set_sampling_rule("XTL", enabled=True, unit_m2=float("nan"))
    assert refused.value.field == "unit_m2"
    rule = services.set_sampling_rule("XTL", enabled=True)
    assert rule.version == 1 and rule.unit_m2 == 100 and rule.acceptance_number == 0
    plan = services.plan_sample(qm_world["product"].code)
    product = qm_world["product"]
    assert plan.lot_units == -(-int(product.area_m2) // 100) or plan.lot_units == int(product.area_m2 // 100) + 1
    assert plan.code_letter == "J" and plan.sample_units == 80 and plan.sample_area_m2 == 8000


def test_a_failed_sample_reopens_the_area_for_the_im_officer(qm_world):
    users, product = qm_world["users"], qm_world["product"]
    services.set_sampling_rule("XTL", enabled=True)
    plan = services.plan_sample(product.code)
    before = set(Hazard.objects.values_list("code", flat=True))
    plan = services.record_sample_result(plan, failed_units=1, user=users["qa"], result_on=TODAY)
    assert plan.result == "fail" and plan.proposal_code
    proposal = Submission.objects.get(code=plan.proposal_code)
    assert proposal.status == "pending" and proposal.kind == "hazard" and proposal.submitted_by == users["qa"]
    assert set(Hazard.objects.values_list("code", flat=True)) == before  # nothing until the IM officer confirms
    # The ground was released from its hazard: the proposal reopens it, it does not duplicate that hazard.
    checks = {(f["check"], f["severity"], f.get("code")) for f in proposal.findings}
    assert ("reopens-released", "advisory", product.hazard.code) in checks
    assert not [f for f in proposal.findings if f["severity"] == "must_fix"], proposal.findings
    workbench.approve(proposal, user=users["im"])
    proposal.refresh_from_db()
    hazard = Hazard.objects.get(code=proposal.result_code)
    assert hazard.hazard_class == "CHA" and hazard.geom.equals_exact(product.geom, 1e-9)
    # A hand-over of that product is refused while its sample failed.
    with pytest.raises(ValidationFailed) as refused:
        services.record_handover(
            products=[product.code],
            handed_over_on=TODAY,
            received_by_name="V. Chief",
            received_by_role="Village chief",
            residual_risk="r",
        )
    assert refused.value.field == "products[0]" and plan.code in str(refused.value)
    assert not Handover.objects.exists()


def test_a_passed_sample_proposes_nothing(qm_world):
    services.set_sampling_rule("XTL", enabled=True, acceptance_number=1)
    plan = services.plan_sample(qm_world["product"].code)
    plan = services.record_sample_result(plan, failed_units=1, user=qm_world["users"]["qa"])
    assert plan.result == "pass" and not plan.proposal_code and not Submission.objects.exists()
    with pytest.raises(ValidationFailed) as refused:
        services.record_sample_result(plan, failed_units=0, user=qm_world["users"]["qa"])
    assert refused.value.field == "result"


def test_a_handover_names_the_recipient_and_the_residual_risk(qm_world):
    h = services.record_handover(
        products=[qm_world["product"].code],
        handed_over_on=TODAY,
        received_by_name="V. Chief",
        received_by_role="Village chief",
        community="East village",
        residual_risk="The community carries the residual risk; report any item to the authority.",
    )
    assert h.code == "XTL-HO-000001" and h.handed_over_by.acronym == "TDO"
    assert list(h.products.values_list("code", flat=True)) == [qm_world["product"].code]
    with pytest.raises(ValidationFailed) as refused:
        services.record_handover(
            products=[qm_world["product"].code],
            handed_over_on=TODAY,
            received_by_name="",
            received_by_role="x",
            residual_risk="r",
        )
    assert refused.value.field == "received_by_name" and Handover.objects.count() == 1


def test_statistics_count_non_conformities_per_visit(monitoring_visit, qm_world):
    from safeground.qm import queries

    services.raise_non_conformity(monitoring_visit, category="sop", severity="minor", description="x")
    services.raise_non_conformity(monitoring_visit, category="sop", severity="major", description="y")
    services.record_visit(
        visit_type="post_clearance",
        product=qm_world["product"].code,
        inspecting_organisation="TNA",
        visited_on=TODAY,
        inspector="C",
    )
    stats = queries.statistics()
    assert stats["total"] == {
        "group": "total",
        "visits": 2,
        "non_conformities": 2,
        "critical": 0,
        "major": 1,
        "minor": 1,
        "per_visit": 1.0,
    }
    assert stats["by_organisation"][0]["group"] == "TDO"
    assert stats["by_method"] == [
        {"group": "manual", "visits": 2, "non_conformities": 2, "critical": 0, "major": 1, "minor": 1, "per_visit": 1.0}
    ]
    assert [r["per_visit"] for r in stats["by_severity"]] == [0.0, 0.5, 0.5]
    # An operator of another organisation sees none of it.
    assert queries.statistics(qm_world["users"]["op-too"])["total"]["visits"] == 0
    assert queries.statistics(qm_world["users"]["op-tdo"])["total"]["visits"] == 2
