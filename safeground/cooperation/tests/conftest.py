"""The cooperation tests' world: Testland (a third country the tests build), its authority and an
operator with a rat and its accreditation, two partners, a training session and a QA finding."""

from __future__ import annotations

import datetime as dt

import pytest


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def coop_world(db):
    from safeground.cooperation import services
    from safeground.gazetteer import programmes
    from safeground.gazetteer.tests.testland import ISO3, build_testland
    from safeground.organisations.models import AnimalAccreditation, Asset, Organisation, Personnel, Team
    from safeground.training.models import Course, CourseSession, TrainingCentre

    build_testland()
    programmes.add_programme(ISO3, name="Testland")
    authority = Organisation.objects.create(acronym="TNA", name="Testland Authority", kind="authority", country=ISO3)
    operator = Organisation.objects.create(acronym="TDO", name="Testland Demining", kind="operator", country=ISO3)
    team = Team.objects.create(organisation=operator, code="TDO-MDR-1", kind="mdr", size=6)
    rat = Asset.objects.create(kind="rat", identifier="TDO-RAT-1", name="Rita", team=team)
    dog = Asset.objects.create(kind="dog", identifier="TDO-DOG-1", name="Rex", team=team)
    accreditation = AnimalAccreditation.objects.create(
        code="TDO-RAT-1-ACC",
        asset=rat,
        issuing_authority="TNA",
        valid_from=dt.date(2024, 1, 1),
        valid_until=dt.date(2099, 1, 1),
    )
    person = Personnel.objects.create(
        code="TDO-P-1", organisation=operator, team=team, role="deminer", full_name="Ana Testa", nationality=ISO3
    )
    centre = TrainingCentre.objects.create(
        code="TNA-TC", name="Testland Training Centre", organisation=authority, country=ISO3
    )
    course = Course.objects.create(
        centre=centre, code="TNA-MDR", title="Rat handlers", method="mdr", duration_days=10, capacity=10
    )
    session = CourseSession.objects.create(
        course=course, code="TNA-MDR-1", start_date=dt.date(2025, 1, 6), end_date=dt.date(2025, 1, 17)
    )
    services.create_partner(
        code="TNA", name="Testland Authority", kind="national_authority", country=ISO3, organisation="TNA"
    )
    services.create_partner(code="OTHER", name="Otherland Agency", kind="national_authority", country="XOT")
    services.create_partner(code="RC", name="A regional centre", kind="regional_centre")
    return {
        "iso3": ISO3,
        "authority": authority,
        "operator": operator,
        "rat": rat,
        "dog": dog,
        "accreditation": accreditation,
        "person": person,
        "centre": centre,
        "session": session,
    }


@pytest.fixture
def visit(coop_world):
    from safeground.cooperation import services

    return services.create_visit(
        country=coop_world["iso3"],
        title="Otherland delegation",
        direction="hosted",
        host="TNA",
        visitor="OTHER",
        start_on=dt.date(2025, 3, 1),
        end_on=dt.date(2025, 3, 4),
        topics=["mdr", "training"],
        participants=[
            {"name": "A. Visitor", "role": "Head", "partner": "OTHER"},
            {"person": "TDO-P-1", "partner": "TNA"},
        ],
        sites=[
            {"kind": "training_centre", "training_centre": "TNA-TC", "organisation": "TNA", "lon": -19.8, "lat": -29.8},
            {"kind": "museum", "name": "A museum"},
        ],
    )
