"""Testland (XTL) with two operators, open hazards, beneficiaries, villages and an accident: everything
the tasking tests need, built in each test's transaction."""

import datetime as dt

import pytest
import shapely


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def square(lon: float, lat: float, half: float = 0.002) -> shapely.Polygon:
    return shapely.box(lon - half, lat - half, lon + half, lat + half)


@pytest.fixture
def land(db):
    """Testland, its programme, operators XOP and XOT, and three open hazards:

    - A (XT01, SHA, other UXO): 900 people, agriculture and water blocked, two villages within 2 km;
    - B (XT02, CHA, AP mines): no beneficiaries, an accident with 3 casualties 500 m away;
    - C (XT02, SHA, AXO): nothing recorded.
    """
    from safeground.gazetteer import programmes
    from safeground.gazetteer.models import Place
    from safeground.gazetteer.tests.testland import build_testland
    from safeground.hazards import services as hazards
    from safeground.organisations.models import Organisation

    areas = build_testland()
    programmes.add_programme("XTL", name="Testland")
    xop = Organisation.objects.create(name="Testland Operator", acronym="XOP", kind="operator", country="XTL")
    xot = Organisation.objects.create(name="Other Operator", acronym="XOT", kind="operator", country="XTL")
    Organisation.objects.create(name="Testland Donor", acronym="XDN", kind="donor", country="XTL")
    made = {}
    for key, (lon, lat, cls, kind) in {
        "A": (-19.75, -29.6, "SHA", "uxo"),
        "B": (-19.25, -29.6, "CHA", "ap_mines"),
        "C": (-19.3, -29.8, "SHA", "axo"),
    }.items():
        made[key] = hazards.create_hazard(
            geometry=square(lon, lat),
            hazard_class=cls,
            contamination_type=kind,
            recorded_on=dt.date(2024, 3, 1),
        )
    hazards.bulk_add_beneficiaries(
        {
            "hazard": [made["A"].pk, made["A"].pk],
            "status": ["expected", "confirmed"],
            "people": [600, 300],
            "land_use": ["agriculture", "water"],
        }
    )
    for i, (lon, lat) in enumerate([(-19.75, -29.59), (-19.76, -29.61), (-19.4, -29.4)]):
        Place.objects.create(
            country="XTL", kind="village", code=f"V{i}", name=f"Village {i}", point=f"POINT({lon} {lat})"
        )
    return {"areas": areas, "xop": xop, "xot": xot, "hazards": made}


@pytest.fixture
def accident(land):
    """An accident 500 m east of hazard B, last year, with three casualties reported."""
    from safeground.victims import services

    today = dt.date.today()
    return services.create_accident(
        point=shapely.Point(-19.25 + 0.0052, -29.6),
        occurred_on=dt.date(today.year - 1, 6, 1),
        accident_type="mine_erw",
        hazard=land["hazards"]["B"].code,
        reported_casualties={"killed_men": 1, "injured_boys": 2},
    )


@pytest.fixture
def issued(land):
    """A task to XOP on hazard A."""
    from safeground.tasking import services

    return services.issue_task(
        organisation="XOP",
        hazards=[land["hazards"]["A"].code],
        methods=["manual"],
        planned_start=dt.date(2025, 1, 6),
        planned_end=dt.date(2025, 3, 28),
        priority="high",
        funding_source="Test fund",
        budget_amount="25000",
        budget_currency="usd",
    )
