"""Accreditations carry a version: corrected or ended early from the CLI, the API (If-Match) and the
admin, in a country the test builds (Testland)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command

from safeground.core.errors import ValidationFailed
from safeground.gazetteer import programmes
from safeground.organisations import services, structure
from safeground.organisations.models import Accreditation, AnimalAccreditation

pytestmark = pytest.mark.django_db

JSON = "application/json"


@pytest.fixture
def testland():
    programmes.add_programme("XTL", name="Testland", admin_levels=["Region"])
    org = structure.create_organisation("TDO", "Testland Deminers", "operator", "XTL")
    structure.create_team("TDO", "TDO-MDD-01", "mdd", 6)
    dog = structure.create_asset("dog", "DOG-0001", "Rex", "TDO-MDD-01")
    accreditation = services.accredit_organisation(
        org, "mdd", dt.date(2026, 1, 1), dt.date(2027, 12, 31), "Testland Authority", code="TDO-ACC-MDD-0001"
    )
    animal = services.accredit_animal(
        dog, dt.date(2026, 1, 1), dt.date(2027, 6, 30), "Testland Authority", ["blind search"], code="DOG-0001-ACC-1"
    )
    return org, dog, accreditation, animal


def cli(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue().strip()


def test_an_accreditation_ended_early_from_the_cli_no_longer_covers_work_after_that_day(testland):
    org, dog, *_ = testland
    on = dt.date(2026, 9, 1)
    assert services.accreditation_gaps(org, ["mdd"], on, assets=[dog]) == []
    assert cli("accreditation", "show", "TDO-ACC-MDD-0001").endswith("version 1")
    assert cli(
        "accreditation", "edit", "TDO-ACC-MDD-0001", "--valid-until", "2026-08-31", "--conditions", "withdrawn"
    ) == ("changed conditions, valid_until of TDO-ACC-MDD-0001 (now version 2)")
    gaps = services.accreditation_gaps(org, ["mdd"], on, assets=[dog])
    assert len(gaps) == 1 and "TDO" in gaps[0]
    assert services.accreditation_gaps(org, ["mdd"], dt.date(2026, 8, 31), assets=[dog]) == []
    kept = Accreditation.objects.get(code="TDO-ACC-MDD-0001")
    assert (kept.valid_until, kept.conditions, kept.version, kept.history.count()) == (
        dt.date(2026, 8, 31),
        "withdrawn",
        2,
        2,
    )
    with pytest.raises(CommandError, match="has changed since version 1"):
        cli("accreditation", "edit", "TDO-ACC-MDD-0001", "--conditions", "x", "--if-version", "1")
    with pytest.raises(CommandError, match="nothing to change"):
        cli("accreditation", "edit", "TDO-ACC-MDD-0001")
    assert Accreditation.objects.get(code="TDO-ACC-MDD-0001").conditions == "withdrawn"


def test_the_api_reads_an_accreditation_with_its_etag_and_changes_it_with_if_match(testland, api):
    url = "/api/v1/organisations/accreditations/DOG-0001-ACC-1"
    got = api.get(url)
    assert got.status_code == 200 and got["ETag"] == '"1"' and got.json()["asset"] == "DOG-0001"
    structure.create_person("TDO", "TDO-P-0001", "dog_handler", "A Handler", "XTL")
    changed = api.patch(
        url,
        {"handler": "TDO-P-0001", "tests_passed": ["blind search", "box test"]},
        content_type=JSON,
        HTTP_IF_MATCH='"1"',
    )
    assert changed.status_code == 200, changed.json()
    assert changed["ETag"] == '"2"'
    assert (changed.json()["handler"], changed.json()["tests_passed"]) == ("TDO-P-0001", ["blind search", "box test"])
    org_url = "/api/v1/organisations/accreditations/TDO-ACC-MDD-0001"
    ended = api.patch(org_url, {"valid_until": "2026-06-30"}, content_type=JSON, HTTP_IF_MATCH='"1"')
    assert ended.status_code == 200 and ended.json()["valid_until"] == "2026-06-30" and ended.json()["version"] == 2
    assert api.get("/api/v1/organisations/accreditations/NOPE").status_code == 404


@pytest.mark.parametrize(
    ("body", "if_match", "status", "field"),
    [
        ({"conditions": "x"}, None, 428, None),
        ({"conditions": "x"}, '"7"', 412, None),
        ({"valid_until": "2025-12-31"}, '"1"', 422, "valid_until"),  # before valid_from
        ({"tests_passed": ["box test"]}, '"1"', 422, "tests_passed"),  # an organisation's: no tests
        ({"issuing_authority": ""}, '"1"', 422, "issuing_authority"),
        ({"organisation": "XYZ"}, '"1"', 422, "organisation"),  # unknown field
        ({"conditions": "x" * 20_000}, '"1"', 422, "conditions"),
    ],
)
def test_a_refused_accreditation_change_names_why_and_writes_nothing(testland, api, body, if_match, status, field):
    url = "/api/v1/organisations/accreditations/TDO-ACC-MDD-0001"
    headers = {"HTTP_IF_MATCH": if_match} if if_match else {}
    refused = api.patch(url, body, content_type=JSON, **headers)
    assert refused.status_code == status, refused.json()
    if status in (412, 428):
        assert refused.json()["current_version"] == 1
    if field:
        assert field in (refused.json().get("field") or str(refused.json()))
    kept = Accreditation.objects.get(code="TDO-ACC-MDD-0001")
    assert (kept.valid_until, kept.conditions, kept.issuing_authority, kept.version, kept.history.count()) == (
        dt.date(2027, 12, 31),
        "",
        "Testland Authority",
        1,
        1,
    )


def test_an_animal_accreditation_refuses_an_unknown_handler_and_keeps_its_tests(testland):
    with pytest.raises(ValidationFailed, match="no person 'NOPE'") as refused:
        services.edit_accreditation("DOG-0001-ACC-1", handler="NOPE")
    assert refused.value.field == "handler"
    with pytest.raises(ValidationFailed) as empty:
        services.edit_accreditation("DOG-0001-ACC-1", tests_passed=[])
    assert empty.value.field == "tests_passed"
    kept = AnimalAccreditation.objects.get(code="DOG-0001-ACC-1")
    assert (kept.handler, kept.tests_passed, kept.version) == (None, ["blind search"], 1)


def test_a_stale_admin_save_of_an_accreditation_keeps_the_input_and_writes_nothing(testland, admin_client):
    accreditation = testland[2]
    url = f"/admin/organisations/accreditation/{accreditation.pk}/change/"
    form = admin_client.get(url)
    assert form.status_code == 200 and b'name="seen_version"' in form.content
    services.edit_accreditation(accreditation.code, conditions="changed by someone else")
    data = {
        "code": accreditation.code,
        "organisation": str(accreditation.organisation.pk),
        "method": "mdd",
        "issuing_authority": "Testland Authority",
        "valid_from": "2026-01-01",
        "valid_until": "2026-03-31",
        "conditions": "mine",
        "seen_version": "1",
    }
    refused = admin_client.post(url, data)
    assert refused.status_code == 200 and "now version 2" in refused.content.decode()
    assert "mine" in refused.content.decode()
    kept = Accreditation.objects.get(pk=accreditation.pk)
    assert (kept.conditions, kept.valid_until, kept.version) == ("changed by someone else", dt.date(2027, 12, 31), 2)
