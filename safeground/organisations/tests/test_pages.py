"""The organisation pages: add, edit (with its version), deactivate, teams and assets; refusals write nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from safeground.gazetteer.programmes import add_programme
from safeground.gazetteer.tests.testland import ISO3, build_testland
from safeground.organisations.models import Asset, Organisation, Team

pytestmark = pytest.mark.django_db


@pytest.fixture
def testland():
    build_testland()
    add_programme(ISO3, name="Testland", admin_levels=["Departamento", "Municipio"])


def test_an_officer_adds_and_edits_an_organisation_with_its_teams_and_assets(testland, client_for):
    officer = client_for("im_officer")
    listed = officer.get(reverse("organisation-list")).content.decode()
    assert '<option value="XTL">Testland (XTL)</option>' in listed

    added = officer.post(
        reverse("organisation-list"),
        {"acronym": "TDO", "name": "Testland Demining", "kind": "operator", "country": ISO3},
    )
    assert added.status_code == 302 and added["Location"] == "/organisations/TDO/"
    page = reverse("organisation-detail", args=["TDO"])
    assert officer.post(page, {"action": "team", "code": "TDO-T1", "kind": "manual", "size": "8"}).status_code == 302
    assert (
        officer.post(page, {"action": "asset", "kind": "dog", "identifier": "TDO-DOG-1", "team": "TDO-T1"}).status_code
        == 302
    )
    assert Team.objects.get(code="TDO-T1").organisation.acronym == "TDO"
    assert Asset.objects.get(identifier="TDO-DOG-1").team.code == "TDO-T1"

    edit = {
        "action": "edit",
        "name": "Testland Demining Organisation",
        "kind": "operator",
        "country": ISO3,
        "version": "1",
    }
    assert officer.post(page, edit).status_code == 302
    stale = officer.post(page, {**edit, "name": "Late edit"})  # made to version 1, which is gone
    shown = stale.content.decode()
    assert stale.status_code == 409 and "Someone else changed this since you opened the page" in shown
    assert 'value="Late edit"' in shown and '<input type="hidden" name="version" value="2">' in shown  # kept
    assert Organisation.objects.get(acronym="TDO").name == "Testland Demining Organisation"
    assert officer.post(page, {**edit, "name": "Late edit", "version": "2"}).status_code == 302  # saved again
    assert Organisation.objects.get(acronym="TDO").name == "Late edit"

    team_edit = {"action": "edit-team", "target": "TDO-T1", "kind": "mdd", "size": "6", "version": "1"}
    assert officer.post(page, team_edit).status_code == 302
    late = officer.post(page, {**team_edit, "size": "9"})
    assert late.status_code == 409 and 'value="9"' in late.content.decode()
    assert (Team.objects.get(code="TDO-T1").size, Team.objects.get(code="TDO-T1").version) == (6, 2)
    assert officer.post(page, {"action": "team", "code": "TDO-T2", "kind": "mdd", "size": "4"}).status_code == 302
    handed = {"action": "edit-asset", "target": "TDO-DOG-1", "name": "Rex", "team": "TDO-T2", "version": "1"}
    assert officer.post(page, handed).status_code == 302
    dog = Asset.objects.get(identifier="TDO-DOG-1")
    assert (dog.team.code, dog.name, dog.version) == ("TDO-T2", "Rex", 2)

    assert officer.post(page, {"action": "deactivate", "version": "3"}).status_code == 302
    shown = officer.get(page).content.decode()
    assert "Deactivated" in shown and 'value="team"' not in shown  # no new teams for an inactive one


def test_bad_input_is_named_and_writes_nothing(testland, client_for):
    officer = client_for("im_officer")
    Organisation.objects.create(acronym="TMA", name="Testland Mine Action", kind="authority", country=ISO3)
    again = officer.post(
        reverse("organisation-list"), {"acronym": "TMA", "name": "Again", "kind": "authority", "country": ISO3}
    )
    assert again.status_code == 422 and "acronym" in again.content.decode()
    nowhere = officer.post(
        reverse("organisation-list"), {"acronym": "NOP", "name": "Nowhere", "kind": "operator", "country": "ZZZ"}
    )
    assert nowhere.status_code == 422 and "not a programme" in nowhere.content.decode()
    page = reverse("organisation-detail", args=["TMA"])
    big = officer.post(page, {"action": "team", "code": "TMA-T1", "kind": "manual", "size": "5000"})
    assert big.status_code == 422
    assert Organisation.objects.count() == 1 and not Team.objects.exists()


def test_a_viewer_reads_but_cannot_change(testland, client_for):
    Organisation.objects.create(acronym="TMA", name="Testland Mine Action", kind="authority", country=ISO3)
    viewer = client_for("viewer")
    page = reverse("organisation-detail", args=["TMA"])
    assert viewer.get(page).status_code == 200 and 'name="action"' not in viewer.get(page).content.decode()
    assert viewer.post(page, {"action": "edit-team", "target": "X", "kind": "mdd", "size": "3"}).status_code == 403
    assert viewer.post(page, {"action": "deactivate"}).status_code == 403
    assert Organisation.objects.get(acronym="TMA").is_active


def test_people_from_the_cli_and_the_api(testland, api):
    """Staff of a third country's operator: names only to those allowed; refusals name the field."""
    import io

    from django.core.management import call_command

    from safeground.organisations.models import Personnel

    Organisation.objects.create(acronym="TDO", name="Testland Demining", kind="operator", country=ISO3)
    Team.objects.create(organisation=Organisation.objects.get(acronym="TDO"), code="TDO-T1", kind="manual", size=8)
    out = io.StringIO()
    call_command(
        "person",
        "add",
        "TDO-P-1",
        "--org",
        "TDO",
        "--role",
        "deminer",
        "--name",
        "Ana Pérez",
        "--nationality",
        "xtl",
        "--team",
        "TDO-T1",
        stdout=out,
    )
    assert "added TDO-P-1 (deminer) to TDO" in out.getvalue()
    assert Personnel.objects.get(code="TDO-P-1").nationality == "XTL"

    body = {"code": "TDO-P-2", "organisation": "TDO", "role": "medic", "full_name": "Luis Gómez", "nationality": "XTL"}
    created = api.post("/api/v1/organisations/personnel", body, content_type="application/json")
    assert created.status_code == 201 and created.json()["code"] == "TDO-P-2"
    for bad, field in [
        ({"nationality": "Testland"}, "nationality"),
        ({"team": "NOPE"}, "team"),
        ({"role": "pilot"}, "role"),
    ]:
        refused = api.post(
            "/api/v1/organisations/personnel", {**body, "code": "TDO-P-3", **bad}, content_type="application/json"
        )
        assert refused.status_code == 422 and refused.json()["field"] == field, refused.content
    assert Personnel.objects.count() == 2
