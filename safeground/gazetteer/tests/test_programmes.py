"""Programme profiles: a third country added, shown and edited from the CLI and the API; bad input writes nothing."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command

from safeground.gazetteer import programmes
from safeground.gazetteer.models import Programme

pytestmark = pytest.mark.django_db

# A country the tests make up (XT… is a user-assigned ISO 3166 range): no real programme's data.
ISO3 = "XTL"


def cli(*args: str) -> str:
    out = io.StringIO()
    call_command("programme", *args, stdout=out)
    return out.getvalue()


def test_a_programme_from_the_cli_alone():
    said = cli(
        "add", "xtl", "--name", "Testland", "--levels", "Departamento, Municipio", "--crs", "EPSG:32618",
        "--legacy-datums", "EPSG:4218", "--languages", "es", "--apmbc", "--no-ccm",
        "--article5-deadline", "2031-03-01", "--map-bbox=-79.5,-4.3,-66.8,12.5",
    )  # fmt: skip
    assert said.strip() == "added programme XTL Testland"
    assert json.loads(cli("show", ISO3)) == {
        "iso3": "XTL",
        "name": "Testland",
        "admin_levels": ["Departamento", "Municipio"],
        "local_crs": "EPSG:32618",
        "legacy_datums": ["EPSG:4218"],
        "languages": ["es"],
        "apmbc_party": True,
        "ccm_party": False,
        "article5_deadline": "2031-03-01",
        "map_bbox": [-79.5, -4.3, -66.8, 12.5],
        "point_radius_area": False,
    }
    assert "XTL  Testland  (levels: Departamento, Municipio)" in cli("list")
    assert "changed ccm_party, local_crs of programme XTL" in cli("edit", ISO3, "--ccm", "--crs", "")
    p = Programme.objects.get(iso3=ISO3)
    assert (p.ccm_party, p.local_crs, p.admin_levels) == (True, "", ["Departamento", "Municipio"])  # others kept
    assert p.level_name(1) == "Departamento" and p.level_name(3) == "Level 3"
    assert p.history.count() == 2  # the edit is in the profile's history


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["add", "XT", "--name", "Testland"], "iso3 must be three letters (ISO 3166-1 alpha-3); got 'XT'"),
        (["add", ISO3, "--name", " "], "name is required"),
        (["add", ISO3, "--name", "T", "--crs", "EPSG:999999"], "local_crs: 'EPSG:999999' is not a coordinate"),
        (["add", ISO3, "--name", "T", "--levels", "A,B,C,D"], "admin_levels: at most 3 names, got 4"),
        (["add", ISO3, "--name", "T", "--levels", "A,,C"], "admin_levels: a blank name in 'A,,C'"),
        (["add", ISO3, "--name", "T", "--levels", "R" * 101], "admin_levels: a name longer than 100 characters"),
        (["add", ISO3, "--name", "T", "--languages", ",".join(["es"] * 21)], "languages: at most 20 names, got 21"),
        (["add", ISO3, "--name", "T" * 201], "name is longer than 200 characters"),
        (["add", ISO3, "--name", "T", "--languages", "Spanish"], "languages: 'Spanish' is not a language code"),
        (["add", ISO3, "--name", "T", "--map-bbox", "10,0,5,1"], "map_bbox 10.0,0.0,5.0,1.0 is not a lon/lat box"),
        (["add", ISO3, "--name", "T", "--article5-deadline", "2031-02-30"], "article5_deadline must be a date"),
        (["edit", "XTZ", "--name", "T"], "no programme XTZ"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_written(args, message):
    before = list(Programme.objects.values_list("iso3", "name"))
    with pytest.raises(CommandError, match="^" + message.replace("(", r"\(").replace(")", r"\)").replace(".", r"\.")):
        cli(*args)
    assert list(Programme.objects.values_list("iso3", "name")) == before


def test_a_second_profile_for_the_same_country_is_refused():
    programmes.add_programme(ISO3, name="Testland")
    with pytest.raises(CommandError, match="a programme for XTL already exists"):
        cli("add", ISO3, "--name", "Again")
    assert list(Programme.objects.filter(iso3=ISO3).values_list("name", flat=True)) == ["Testland"]


def test_the_api_reads_and_writes_profiles_by_role(api, client_for):
    created = api.post(
        "/api/v1/programmes",
        {"iso3": "xtl", "name": "Testland", "admin_levels": ["Provincia"], "article5_deadline": "2031-03-01"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["iso3"] == "XTL" and created.json()["admin_levels"] == ["Provincia"]
    assert api.get("/api/v1/programmes/xtl").json()["article5_deadline"] == "2031-03-01"
    assert "XTL" in [p["iso3"] for p in api.get("/api/v1/programmes").json()]

    missing = api.patch("/api/v1/programmes/XTL", {"ccm_party": True}, content_type="application/json")
    assert missing.status_code == 428 and missing.json()["reason"] == "required"  # If-Match is needed
    assert missing.json()["current_version"] == 1 and not Programme.objects.get(iso3="XTL").ccm_party
    changed = api.patch(
        "/api/v1/programmes/XTL", {"ccm_party": True}, content_type="application/json", HTTP_IF_MATCH='"1"'
    )
    assert changed.status_code == 200 and changed.json()["ccm_party"] is True
    assert changed.json()["admin_levels"] == ["Provincia"]  # what the PATCH left out stays

    refused = api.patch(
        "/api/v1/programmes/XTL", {"local_crs": "nonsense"}, content_type="application/json", HTTP_IF_MATCH='"2"'
    )
    assert refused.status_code == 422 and refused.json()["field"] == "local_crs"
    assert api.get("/api/v1/programmes/XTZ").status_code == 404

    viewer = client_for("viewer")
    assert viewer.get("/api/v1/programmes/XTL").status_code == 200
    denied = viewer.post("/api/v1/programmes", {"iso3": "XTM", "name": "No"}, content_type="application/json")
    assert denied.status_code == 403
    assert not Programme.objects.filter(iso3="XTM").exists()
    p = Programme.objects.get(iso3="XTL")
    assert (p.ccm_party, p.local_crs, p.article5_deadline) == (True, "", dt.date(2031, 3, 1))


def test_a_change_to_an_older_version_is_refused_with_412_and_nothing_is_written(api):
    """Two editors read version 1; the second one's change would silently undo the first's: refused."""
    created = api.post("/api/v1/programmes", {"iso3": "XTL", "name": "Testland"}, content_type="application/json")
    assert created.json()["version"] == 1
    first = api.patch(
        "/api/v1/programmes/XTL", {"ccm_party": True}, content_type="application/json", HTTP_IF_MATCH='"1"'
    )
    assert first.status_code == 200 and first.json()["version"] == 2
    stale = api.patch("/api/v1/programmes/XTL", {"name": "Old"}, content_type="application/json", HTTP_IF_MATCH='"1"')
    assert stale.status_code == 412
    assert stale.json() == {
        "detail": "programme XTL has changed since version 1 (it is now at version 2): "
        "reload it and apply your change again",
        "field": "If-Match",
        "reason": "stale",
        "current_version": 2,
    }
    bad = api.patch(
        "/api/v1/programmes/XTL", {"name": "Old"}, content_type="application/json", HTTP_IF_MATCH="yesterday"
    )
    assert bad.status_code == 422 and bad.json()["field"] == "If-Match"
    p = Programme.objects.get(iso3="XTL")
    assert (p.name, p.ccm_party, p.version, p.history.count()) == ("Testland", True, 2, 2)
    weak = api.patch("/api/v1/programmes/XTL", {"name": "New"}, content_type="application/json", HTTP_IF_MATCH='W/"2"')
    assert weak.status_code == 200 and weak.json()["version"] == 3
