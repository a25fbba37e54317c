"""Organisations, teams and assets from the CLI and the API, in a country the test builds (Testland)."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from safeground.gazetteer import programmes
from safeground.organisations import structure
from safeground.organisations.models import Asset, Organisation, Team

pytestmark = pytest.mark.django_db


@pytest.fixture
def testland():
    return programmes.add_programme("XTL", name="Testland", admin_levels=["Region"])


def cli(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue().strip()


def test_an_organisation_its_team_and_a_dog_from_the_cli(testland):
    assert cli("org", "add", "TMA", "--name", "Testland Mine Action", "--kind", "authority", "--country", "xtl") == (
        "added organisation TMA (XTL)"
    )
    assert cli("org", "add", "TDO", "--name", "Testland Deminers", "--kind", "operator", "--country", "XTL")
    assert cli("team", "add", "TDO-MDD-01", "--org", "TDO", "--kind", "mdd", "--size", "6") == (
        "added team TDO-MDD-01 of TDO"
    )
    assert cli("asset", "add", "DOG-0001", "--kind", "dog", "--name", "Rex", "--team", "TDO-MDD-01") == (
        "added dog DOG-0001 to team TDO-MDD-01"
    )
    assert cli("org", "edit", "TDO", "--name", "Testland Demining Org") == "changed name of TDO"
    assert cli("org", "deactivate", "TMA") == "TMA deactivated"
    listed = cli("org", "list", "--country", "XTL")
    assert listed.splitlines() == [
        "TDO  Testland Demining Org  operator  XTL",
        "TMA  Testland Mine Action  authority  XTL  (inactive)",
    ]
    tdo = Organisation.objects.get(acronym="TDO")
    assert tdo.history.count() == 2  # created, renamed
    assert Asset.objects.get(identifier="DOG-0001").team.organisation == tdo


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("org", "add", "NEW", "--name", "N", "--kind", "operator", "--country", "ZZZ"),
            "country 'ZZZ' is not a programme",
        ),
        (("org", "add", "NEW", "--name", "", "--kind", "operator", "--country", "XTL"), "organisation NEW: name"),
        (("org", "add", "TDO", "--name", "Again", "--kind", "operator", "--country", "XTL"), "TDO"),
        (("org", "edit", "NOPE", "--name", "N"), "no organisation 'NOPE'"),
        (("org", "edit", "TDO", "--country", "ZZZ"), "country 'ZZZ' is not a programme"),
        (("team", "add", "T-1", "--org", "NOPE", "--kind", "manual", "--size", "4"), "no organisation 'NOPE'"),
        (("team", "add", "T-1", "--org", "OLD", "--kind", "manual", "--size", "4"), "OLD is deactivated"),
        (("asset", "add", "M-1", "--kind", "machine", "--team", "NOPE"), "no team 'NOPE'"),
    ],
)
def test_bad_input_is_refused_with_the_reason_and_nothing_is_written(testland, args, message):
    cli("org", "add", "TDO", "--name", "Testland Deminers", "--kind", "operator", "--country", "XTL")
    cli("org", "add", "OLD", "--name", "Old operator", "--kind", "operator", "--country", "XTL")
    cli("org", "deactivate", "OLD")
    before = (
        list(Organisation.objects.values_list("acronym", "name", "country", "is_active")),
        Team.objects.count(),
        Asset.objects.count(),
    )
    with pytest.raises(CommandError, match=message):
        cli(*args)
    after = (
        list(Organisation.objects.values_list("acronym", "name", "country", "is_active")),
        Team.objects.count(),
        Asset.objects.count(),
    )
    assert after == before


def test_the_api_creates_changes_and_deactivates_by_role(testland, api, client_for):
    made = api.post(
        "/api/v1/organisations",
        {"acronym": "TDO", "name": "Testland Deminers", "kind": "operator", "country": "XTL"},
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    assert made.json() == {
        "acronym": "TDO", "name": "Testland Deminers", "kind": "operator", "country": "XTL",
        "is_active": True, "is_synthetic": False, "version": 1,
    }  # fmt: skip
    team = api.post(
        "/api/v1/organisations/TDO/teams",
        {"code": "TDO-M-01", "kind": "manual", "size": 8},
        content_type="application/json",
    )
    assert team.status_code == 201 and team.json()["code"] == "TDO-M-01"
    asset = api.post(
        "/api/v1/organisations/assets",
        {"kind": "detector", "identifier": "DET-1", "team": "TDO-M-01"},
        content_type="application/json",
    )
    assert asset.status_code == 201 and asset.json()["team"] == "TDO-M-01"
    assert [t["code"] for t in api.get("/api/v1/organisations/TDO").json()["teams"]] == ["TDO-M-01"]

    bad = api.post(
        "/api/v1/organisations",
        {"acronym": "X1", "name": "X", "kind": "operator", "country": "ZZZ"},
        content_type="application/json",
    )
    assert bad.status_code == 422 and bad.json()["field"] == "country"
    wrong_kind = api.patch(
        "/api/v1/organisations/TDO", {"kind": "pirate"}, content_type="application/json", HTTP_IF_MATCH='"1"'
    )
    assert wrong_kind.status_code == 422 and wrong_kind.json()["field"] == "kind"
    off = api.patch(
        "/api/v1/organisations/TDO", {"is_active": False}, content_type="application/json", HTTP_IF_MATCH='"1"'
    )
    assert off.status_code == 200 and off.json()["is_active"] is False
    assert (
        api.patch("/api/v1/organisations/NOPE", {"name": "N"}, content_type="application/json", HTTP_IF_MATCH='"1"')
    ).status_code == 404

    viewer = client_for("viewer")
    refused = viewer.post(
        "/api/v1/organisations",
        {"acronym": "V1", "name": "V", "kind": "operator", "country": "XTL"},
        content_type="application/json",
    )
    assert refused.status_code == 403
    assert not Organisation.objects.filter(acronym__in=["X1", "V1"]).exists()
    assert Organisation.objects.get(acronym="TDO").kind == "operator"


def test_a_stale_organisation_change_is_refused_with_412(testland, api):
    structure.create_organisation("TDO", "Testland Deminers", "operator", "XTL")
    url = "/api/v1/organisations/TDO"
    assert (
        api.patch(url, {"name": "Renamed"}, content_type="application/json", HTTP_IF_MATCH='"1"').json()["version"] == 2
    )
    stale = api.patch(url, {"is_active": False}, content_type="application/json", HTTP_IF_MATCH='"1"')
    assert stale.status_code == 412 and stale.json()["reason"] == "stale"
    assert "organisation TDO has changed since version 1 (it is now at version 2)" in stale.json()["detail"]
    org = Organisation.objects.get(acronym="TDO")
    assert (org.name, org.is_active, org.version) == ("Renamed", True, 2)
    assert api.patch(url, {}, content_type="application/json", HTTP_IF_MATCH='"1"').status_code == 412
    assert Organisation.objects.get(acronym="TDO").version == 2  # a refused or empty change leaves the version


@pytest.mark.parametrize(
    ("url", "body", "field"),
    [
        ("/api/v1/organisations/TDO/teams", {"code": "T-1", "kind": "manual", "size": 40000}, "size"),
        ("/api/v1/organisations/TDO/teams", {"code": "T" * 41, "kind": "manual", "size": 4}, "code"),
        ("/api/v1/organisations/assets", {"kind": "dog", "identifier": "D" * 61}, "identifier"),
        ("/api/v1/organisations", {"acronym": "A" * 21, "name": "N", "kind": "operator", "country": "XTL"}, "acronym"),
    ],
)
def test_out_of_range_inputs_answer_422_and_write_nothing(testland, api, url, body, field):
    structure.create_organisation("TDO", "Testland Deminers", "operator", "XTL")
    before = (Organisation.objects.count(), Team.objects.count(), Asset.objects.count())
    refused = api.post(url, body, content_type="application/json")
    assert refused.status_code == 422, refused.content
    assert refused.json()["field"] == field
    assert (Organisation.objects.count(), Team.objects.count(), Asset.objects.count()) == before


def test_teams_and_assets_change_from_the_cli_and_the_api_with_their_versions(testland, api):
    structure.create_organisation("TDO", "Testland Deminers", "operator", "XTL")
    structure.create_team("TDO", "TDO-MDD-01", "mdd", 6)
    structure.create_team("TDO", "TDO-MDD-02", "mdd", 4)
    structure.create_asset("dog", "DOG-0001", "Rex", "TDO-MDD-01")
    assert cli("team", "edit", "TDO-MDD-01", "--size", "7") == "changed size of team TDO-MDD-01"
    assert cli("asset", "edit", "DOG-0001", "--team", "TDO-MDD-02") == "changed team of dog DOG-0001"

    got = api.get("/api/v1/organisations/teams/TDO-MDD-01")
    assert got.status_code == 200 and got["ETag"] == '"2"'
    assert (got.json()["size"], got.json()["organisation"], got.json()["version"]) == (7, "TDO", 2)
    changed = api.patch(
        "/api/v1/organisations/teams/TDO-MDD-01", {"size": 8}, content_type="application/json", HTTP_IF_MATCH='"2"'
    )
    assert changed.status_code == 200 and changed["ETag"] == '"3"' and changed.json()["size"] == 8

    dog = api.get("/api/v1/organisations/assets/DOG-0001")
    assert dog["ETag"] == '"2"' and dog.json()["team"] == "TDO-MDD-02"
    off = api.patch(
        "/api/v1/organisations/assets/DOG-0001", {"team": None}, content_type="application/json", HTTP_IF_MATCH='"2"'
    )
    assert off.status_code == 200 and off.json()["team"] is None and off.json()["version"] == 3
    assert Asset.objects.get(identifier="DOG-0001").team is None


def test_a_team_or_asset_change_without_or_with_a_stale_version_is_refused_and_nothing_written(testland, api):
    structure.create_organisation("TDO", "Testland Deminers", "operator", "XTL")
    structure.create_team("TDO", "TDO-M-01", "manual", 8)
    structure.create_asset("detector", "DET-1", "", "TDO-M-01")
    team_url, asset_url = "/api/v1/organisations/teams/TDO-M-01", "/api/v1/organisations/assets/DET-1"
    missing = api.patch(team_url, {"size": 9}, content_type="application/json")
    assert missing.status_code == 428 and missing.json()["current_version"] == 1
    assert api.patch(team_url, {"size": 9}, content_type="application/json", HTTP_IF_MATCH='"1"').status_code == 200
    stale = api.patch(team_url, {"kind": "mixed"}, content_type="application/json", HTTP_IF_MATCH='"1"')
    assert stale.status_code == 412 and stale.json()["current_version"] == 2
    assert "team TDO-M-01 has changed since version 1" in stale.json()["detail"]
    unknown = api.patch(team_url, {"organisation": "X"}, content_type="application/json", HTTP_IF_MATCH='"2"')
    assert unknown.status_code == 422 and unknown.json()["field"] == "organisation"
    too_big = api.patch(team_url, {"size": 5000}, content_type="application/json", HTTP_IF_MATCH='"2"')
    assert too_big.status_code == 422 and too_big.json()["field"] == "size"
    team = Team.objects.get(code="TDO-M-01")
    assert (team.kind, team.size, team.version) == ("manual", 9, 2)

    no_team = api.patch(asset_url, {"team": "NOPE"}, content_type="application/json", HTTP_IF_MATCH='"1"')
    assert no_team.status_code == 422 and no_team.json()["field"] == "team"
    assert api.patch(asset_url, {"name": "D"}, content_type="application/json").status_code == 428
    asset = Asset.objects.get(identifier="DET-1")
    assert (asset.team.code, asset.name, asset.version) == ("TDO-M-01", "", 1)
    with pytest.raises(CommandError, match="no team 'NOPE'"):
        cli("asset", "edit", "DET-1", "--team", "NOPE")
    with pytest.raises(CommandError, match="nothing to change"):
        cli("team", "edit", "TDO-M-01")
