"""Quality management test world: Testland (a third country the tests build), its national authority,
an operator with a manual team accredited for manual clearance, a hazard, a planned activity and a
released product."""

from __future__ import annotations

import datetime as dt

import pytest
import shapely

HAZARD_BOX = (-19.9, -29.9, -19.8, -29.8)
PRODUCT_BOX = (-19.9, -29.9, -19.897, -29.897)  # about 290 m × 330 m inside the hazard


@pytest.fixture
def qm_world(db, django_user_model):
    from safeground.gazetteer import programmes
    from safeground.gazetteer.tests.testland import ISO3, build_testland
    from safeground.hazards.services import create_hazard
    from safeground.landrelease import services as release
    from safeground.operations.models import Activity
    from safeground.organisations import services as org_services
    from safeground.organisations.models import Organisation, Team
    from safeground.organisations.roles import assign_role

    build_testland()
    programmes.add_programme(ISO3, name="Testland")
    authority = Organisation.objects.create(acronym="TNA", name="Testland Authority", kind="authority", country=ISO3)
    operator = Organisation.objects.create(acronym="TDO", name="Testland Demining", kind="operator", country=ISO3)
    other = Organisation.objects.create(acronym="TOO", name="Other Operator", kind="operator", country=ISO3)
    team = Team.objects.create(organisation=operator, code="TDO-MAN-1", kind="manual", size=10)
    org_services.accredit_organisation(operator, "manual", dt.date(2020, 1, 1), dt.date(2099, 12, 31), "TNA")
    hazard = create_hazard(
        geometry=shapely.box(*HAZARD_BOX),
        hazard_class="CHA",
        contamination_type="ap_mines",
        recorded_on=dt.date(2019, 1, 1),
    )
    done = Activity.objects.create(
        code="XTL-CLR-1",
        activity_type="clearance",
        organisation=operator,
        methods=["manual"],
        reference_point="POINT(-19.85 -29.85)",
        country=ISO3,
        start_date=dt.date(2020, 1, 1),
        end_date=dt.date(2020, 6, 1),
        status="completed",
    )
    done.hazards.add(hazard)
    planned = Activity.objects.create(
        code="XTL-CLR-2",
        activity_type="clearance",
        organisation=operator,
        methods=["manual"],
        reference_point="POINT(-19.85 -29.85)",
        country=ISO3,
        start_date=dt.date.today(),
        status="planned",
    )
    planned.hazards.add(hazard)
    product = release.create_product(
        activity=done.code,
        hazard=hazard.code,
        outcome="cleared",
        geometry=shapely.box(*PRODUCT_BOX),
        released_on=dt.date(2020, 5, 1),
        clearance_depth_cm=20,
    )
    users = {}
    for name, role, org in (
        ("qa", "qa_officer", None),
        ("im", "im_officer", None),
        ("op-tdo", "operator", operator),
        ("op-too", "operator", other),
        ("view", "viewer", None),
    ):
        users[name] = django_user_model.objects.create_user(username=name, password="x-not-used-x")
        assign_role(users[name], role, org)
    return {
        "iso3": ISO3,
        "authority": authority,
        "operator": operator,
        "other": other,
        "team": team,
        "hazard": hazard,
        "done": done,
        "planned": planned,
        "product": product,
        "users": users,
    }


@pytest.fixture
def monitoring_visit(qm_world):
    from safeground.qm import services

    return services.record_visit(
        visit_type="monitoring",
        activity=qm_world["planned"].code,
        team=qm_world["team"].code,
        inspecting_organisation="TNA",
        visited_on=dt.date.today(),
        inspector="A. Inspector",
        answers=[{"item": "sop", "answer": "yes"}, {"item": "medical", "answer": "no", "remark": "no medic on site"}],
        user=qm_world["users"]["qa"],
    )
