"""Accreditation writes and the accreditation rule (IMAS 07.30)."""

import datetime as dt

import pytest

from safeground.core.errors import ValidationFailed
from safeground.organisations import services
from safeground.organisations.models import Accreditation, AnimalAccreditation, Asset

D = dt.date
pytestmark = pytest.mark.django_db


def test_accredit_organisation_allocates_a_code_per_method(organisation):
    first = services.accredit_organisation(organisation, "manual", D(2024, 1, 1), D(2024, 12, 31), "CMAA")
    second = services.accredit_organisation(organisation, "manual", D(2025, 1, 1), D(2025, 12, 31), "CMAA")
    dogs = services.accredit_organisation(organisation, "mdd", D(2024, 1, 1), D(2024, 12, 31), "CMAA")
    assert (first.code, second.code, dogs.code) == ("CMAC-ACC-MANUAL-0001", "CMAC-ACC-MANUAL-0002", "CMAC-ACC-MDD-0001")
    assert first.history.count() == 1


@pytest.mark.parametrize(
    ("method", "start", "end", "field", "reason", "words"),
    [
        ("juggling", D(2024, 1, 1), D(2024, 12, 31), "method", "unknown", "unknown method 'juggling'"),
        ("manual", D(2024, 6, 1), D(2024, 5, 31), "valid_until", "dates_reversed", "2024-05-31 is before"),
    ],
)
def test_bad_accreditation_is_refused_and_nothing_written(organisation, method, start, end, field, reason, words):
    with pytest.raises(ValidationFailed) as refused:
        services.accredit_organisation(organisation, method, start, end, "CMAA")
    assert (refused.value.field, refused.value.reason) == (field, reason)
    assert words in str(refused.value)
    assert not Accreditation.objects.exists()


def test_gaps_name_the_missing_and_the_expired_accreditation(organisation, accredited):
    assert services.accreditation_gaps(organisation, ["manual"], D(2024, 6, 1)) == []
    gaps = services.accreditation_gaps(organisation, ["manual", "mdd"], D(2025, 2, 1))
    assert gaps == [
        "CMAC holds no valid accreditation for Manual clearance on 2025-02-01 "
        "(last one CMAC-ACC-MANUAL-0001 expired on 2024-12-31)",
        "CMAC holds no valid accreditation for Mine detection dogs (MDD) on 2025-02-01",
    ]


def test_dog_work_needs_the_dog_accredited_too(organisation, team):
    services.accredit_organisation(organisation, "mdd", D(2024, 1, 1), D(2024, 12, 31), "CMAA")
    on = D(2024, 3, 1)
    assert services.accreditation_gaps(organisation, ["mdd"], on, teams=[team]) == [
        "dog D-101 (Rex) is not accredited on 2024-03-01: never accredited"
    ]
    services.accredit_animal(
        Asset.objects.get(identifier="D-101"), D(2024, 1, 1), D(2024, 6, 30), "CMAA", ["blind search"]
    )
    assert services.accreditation_gaps(organisation, ["mdd"], on, teams=[team]) == []
    with pytest.raises(ValidationFailed, match=r"D-101 \(Rex\) is not accredited on 2024-08-01: accreditation"):
        services.require_accreditation(organisation, ["mdd"], D(2024, 8, 1), teams=[team])


def test_animal_accreditation_refuses_a_detector_and_an_empty_test_list(team):
    detector = Asset.objects.get(identifier="DET-9")
    with pytest.raises(ValidationFailed, match="DET-9 is a detector: only dogs and rats") as refused:
        services.accredit_animal(detector, D(2024, 1, 1), D(2024, 6, 30), "CMAA", ["blind search"])
    assert refused.value.field == "asset"
    with pytest.raises(ValidationFailed, match="name the tests the animal passed"):
        services.accredit_animal(Asset.objects.get(identifier="D-101"), D(2024, 1, 1), D(2024, 6, 30), "CMAA", [])
    assert not AnimalAccreditation.objects.exists()


def test_renewal_is_a_new_period_from_the_day_after(accredited):
    renewed = services.renew(accredited, D(2025, 12, 31))
    assert renewed.pk != accredited.pk
    assert (renewed.valid_from, renewed.valid_until, renewed.method) == (D(2025, 1, 1), D(2025, 12, 31), "manual")
    accredited.refresh_from_db()
    assert accredited.valid_until == D(2024, 12, 31)  # the old period is kept as it was
