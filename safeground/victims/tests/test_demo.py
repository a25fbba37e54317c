"""The synthetic casualties follow the published figures, are clearly synthetic, and repeat per seed."""

import datetime as dt
from collections import Counter

import pytest
import shapely

from safeground.core.tests.fixtures import FUZULI, square
from safeground.victims import demo, services
from safeground.victims.access import Actor
from safeground.victims.models import Accident, Referral, Victim

pytestmark = pytest.mark.django_db
CHECK = Actor.for_system("checking the demo data")


@pytest.fixture
def demo_ground(hazard, user):
    """One hazard in each country, and the two national authorities."""
    from safeground.hazards import services as hazard_services
    from safeground.organisations.models import Organisation

    Organisation.objects.create(name="ANAMA", acronym="ANAMA", kind="authority", country="AZE")
    hazard_services.create_hazard(
        geometry=shapely.geometry.shape(square(*FUZULI, half_deg=0.01)),
        hazard_class="SHA",
        contamination_type="ap_mines",
        recorded_on=dt.date(2021, 1, 5),
        user=user,
    )


def snapshot() -> list[tuple]:
    rows = Victim.objects.select_related("accident").order_by("code")
    return [
        (v.code, v.accident.code, v.accident.occurred_on, v.accident.point.wkt, v.sex, v.age_years, v.outcome,
         services.reveal(v, CHECK)["name"])
        for v in rows
    ]  # fmt: skip


def test_casualties_follow_the_published_figures(demo_ground):
    counts = demo.build(seed=1, scale="tiny")
    years = Counter(
        (v.accident.country, v.accident.occurred_on.year) for v in Victim.objects.select_related("accident")
    )
    assert {y: n for (c, y), n in years.items() if c == "KHM"} == {2020: 65, 2021: 44, 2022: 41, 2023: 32}
    aze = Victim.objects.filter(accident__country="AZE")
    for on, total, killed in [  # the published running totals since 10 Nov 2020
        (dt.date(2020, 12, 31), 100, 18),
        (dt.date(2021, 12, 14), 197, 36),
        (dt.date(2022, 12, 31), 268, 45),
        (dt.date(2023, 5, 31), 299, 55),
        (dt.date(2023, 9, 19), 314, 61),
        (dt.date(2023, 12, 31), 340, 65),
        (dt.date(2024, 8, 31), 377, 69),
    ]:
        by_then = aze.filter(accident__occurred_on__lte=on)
        assert (by_then.count(), by_then.filter(outcome="killed").count()) == (total, killed), on
    kh2020 = Victim.objects.filter(accident__country="KHM", accident__occurred_on__year=2020)
    provinces = Counter(kh2020.values_list("accident__province__code", flat=True))
    assert provinces == demo.KHM_PROVINCES_2020  # Battambang 19, Preah Vihear 12, Pursat 10, …
    assert kh2020.filter(outcome="killed").count() == 17 and kh2020.filter(amputation=True).count() == 12
    assert aze.filter(outcome="killed").count() == 69  # of 377: 18 %
    injured = aze.filter(outcome="injured")
    assert injured.filter(victim_type="military").count() > injured.count() / 2  # most injured are military
    assert counts["victims"] == 559 and counts["accidents"] == Accident.objects.count()
    assert (
        not Victim.objects.filter(is_synthetic=False).exists()
        and not Accident.objects.filter(is_synthetic=False).exists()
    )
    assert Referral.objects.exists() and Accident.objects.filter(evidence_status="proposed").exists()
    people = [services.reveal(v, CHECK) for v in Victim.objects.all()[:20]]
    assert all(p["name"] and p["address"] for p in people)


def test_same_seed_same_data(demo_ground):
    demo.build(seed=3, scale="tiny")
    first = snapshot()
    demo.build(seed=3, scale="tiny")
    assert snapshot() == first
    demo.build(seed=4, scale="tiny")
    assert snapshot() != first
