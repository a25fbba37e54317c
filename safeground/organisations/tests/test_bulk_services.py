"""Bulk writes of organisations, teams, assets, accreditations and personnel: the single writes' checks."""

import datetime as dt

import pytest

from safeground.core.errors import BulkValidationFailed
from safeground.organisations import services
from safeground.organisations.models import (
    Accreditation,
    AnimalAccreditation,
    Asset,
    Organisation,
    Personnel,
    Team,
)

pytestmark = pytest.mark.django_db
D = dt.date


def _structure():
    org = Organisation(name="Demo Operator", acronym="DEMO", kind="operator", country="KHM", is_synthetic=True)
    team = Team(organisation=org, code="DEMO-MDD-1", kind="mdd", size=4, is_synthetic=True)
    dog = Asset(kind="dog", identifier="DEMO-DOG-1", name="Rex", team=team, is_synthetic=True)
    return org, team, dog


def test_structure_is_written_with_its_links():
    org, team, dog = _structure()
    assert services.bulk_create_organisation_structure([org], [team], [dog]) == {
        "organisations": 1,
        "teams": 1,
        "assets": 1,
    }
    assert Asset.objects.get(identifier="DEMO-DOG-1").team.organisation.acronym == "DEMO"


def test_bad_team_kind_names_the_row_and_writes_nothing():
    org, team, dog = _structure()
    bad = Team(organisation=org, code="DEMO-X-2", kind="submarine", size=4)
    with pytest.raises(BulkValidationFailed) as err:
        services.bulk_create_organisation_structure([org], [team, bad], [dog])
    assert err.value.field == "kind" and "team DEMO-X-2: kind" in str(err.value)
    assert [e.row for e in err.value.errors] == [2]
    assert not Organisation.objects.exists() and not Team.objects.exists() and not Asset.objects.exists()


def test_acronym_taken_by_an_existing_organisation_is_refused(organisation):
    clash = Organisation(name="Another", acronym=organisation.acronym, kind="operator", country="KHM")
    with pytest.raises(BulkValidationFailed, match="organisation with acronym 'CMAC' already exists"):
        services.bulk_create_organisation_structure([clash], [], [])
    assert Organisation.objects.count() == 1


def test_accreditations_with_reversed_dates_are_refused(organisation):
    good = Accreditation(
        code="CMAC-ACC-MANUAL-01",
        organisation=organisation,
        method="manual",
        issuing_authority="CMAA",
        valid_from=D(2024, 1, 1),
        valid_until=D(2024, 12, 31),
    )
    bad = Accreditation(
        code="CMAC-ACC-MDD-01",
        organisation=organisation,
        method="mdd",
        issuing_authority="CMAA",
        valid_from=D(2024, 1, 1),
        valid_until=D(2023, 12, 31),
    )
    with pytest.raises(BulkValidationFailed) as err:
        services.bulk_accredit_organisations([good, bad])
    assert err.value.field == "valid_until" and "CMAC-ACC-MDD-01" in str(err.value)
    assert not Accreditation.objects.exists()
    assert services.bulk_accredit_organisations([good], reason="test") == 1
    assert Accreditation.history.filter(code="CMAC-ACC-MANUAL-01", history_type="+").count() == 1


def test_animal_accreditation_of_a_detector_is_refused(team):
    detector = Asset.objects.get(identifier="DET-9")
    dog = Asset.objects.get(identifier="D-101")
    rows = [
        AnimalAccreditation(
            code="D-101-ACC-01",
            asset=dog,
            tests_passed=["blind search"],
            issuing_authority="CMAA",
            valid_from=D(2024, 1, 1),
            valid_until=D(2024, 12, 31),
        ),
        AnimalAccreditation(
            code="DET-9-ACC-01",
            asset=detector,
            tests_passed=["x"],
            issuing_authority="CMAA",
            valid_from=D(2024, 1, 1),
            valid_until=D(2024, 12, 31),
        ),
        AnimalAccreditation(
            code="D-101-ACC-02",
            asset=dog,
            tests_passed=[],
            issuing_authority="CMAA",
            valid_from=D(2025, 1, 1),
            valid_until=D(2025, 12, 31),
        ),
    ]
    with pytest.raises(BulkValidationFailed) as err:
        services.bulk_accredit_animals(rows)
    assert sorted({(e.row, e.field) for e in err.value.errors}) == [(2, "asset"), (3, "tests_passed")]
    assert "only dogs and rats" in err.value.errors[0].reason
    assert not AnimalAccreditation.objects.exists()


def test_personnel_with_unknown_role_is_refused(organisation):
    people = [
        Personnel(code="CMAC-P-1", organisation=organisation, role="deminer", full_name="A", nationality="KHM"),
        Personnel(code="CMAC-P-2", organisation=organisation, role="wizard", full_name="B", nationality="KHM"),
    ]
    with pytest.raises(BulkValidationFailed) as err:
        services.bulk_create_personnel(people)
    assert err.value.field == "role" and "person CMAC-P-2: role" in str(err.value)
    assert not Personnel.objects.exists()


def test_delete_synthetic_removes_only_synthetic_rows(organisation):
    org, team, dog = _structure()
    services.bulk_create_organisation_structure([org], [team], [dog])
    services.bulk_create_personnel(
        [
            Personnel(
                code="DEMO-P-1", organisation=org, role="deminer", full_name="A", nationality="KHM", is_synthetic=True
            )
        ]
    )
    services.delete_synthetic_credentials()
    services.delete_synthetic_structure()
    assert list(Organisation.objects.values_list("acronym", flat=True)) == ["CMAC"]
    assert not Team.objects.exists() and not Personnel.objects.exists()
    assert not Personnel.history.exists()
