"""Read-side: expiring accreditations and personnel as each role may see them."""

import datetime as dt

import pytest

from safeground.organisations import queries, services
from safeground.organisations.models import Asset, Personnel

D = dt.date
pytestmark = pytest.mark.django_db


def test_expiring_lists_what_ends_soon_and_is_not_renewed(organisation, accredited, team):
    dog = Asset.objects.get(identifier="D-101")
    services.accredit_animal(dog, D(2024, 7, 1), D(2024, 12, 20), "CMAA", ["blind search"])
    rows = queries.expiring(days=30, on=D(2024, 12, 10))
    assert [(r["kind"], r["holder"], r["days_left"]) for r in rows] == [
        ("dog", "D-101 (Rex)", 10),
        ("organisation", "CMAC", 21),
    ]
    assert queries.expiring(days=5, on=D(2024, 12, 10)) == []
    assert queries.expiring(days=30, on=D(2024, 12, 10), country="AZE") == []

    services.renew(accredited, D(2025, 12, 31))
    assert [r["kind"] for r in queries.expiring(days=30, on=D(2024, 12, 10))] == ["dog"]


def test_person_dict_shows_personal_details_only_when_allowed(organisation, team):
    p = Personnel.objects.create(
        code="CMAC-P-000001",
        organisation=organisation,
        team=team,
        role="dog_handler",
        full_name="Sok Dara",
        date_of_birth=D(1990, 4, 2),
        phone="",
        nationality="KHM",
    )
    hidden = queries.person_dict(p, personal=False)
    assert hidden == {
        "code": "CMAC-P-000001",
        "organisation": "CMAC",
        "team": "CMAC-MDD-T1",
        "role": "dog_handler",
        "nationality": "KHM",
        "full_name": None,
        "date_of_birth": None,
        "phone": None,
    }
    shown = queries.person_dict(p, personal=True)
    assert (shown["full_name"], shown["date_of_birth"], shown["phone"]) == ("Sok Dara", D(1990, 4, 2), None)


def test_only_roles_with_the_permission_see_personal_details(client_for, user):
    assert queries.can_see_personal(user)  # the IM officer
    assert not queries.can_see_personal(client_for("viewer").user)
