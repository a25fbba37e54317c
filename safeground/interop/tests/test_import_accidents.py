"""Importing accidents without personal data: casualty counts by sex and age, activity at the time,
points checked by the accident service's own rules; with `--on-error quarantine` like every kind."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command

from safeground.gazetteer.tests.testland import ISO3, build_testland
from safeground.interop.models import QuarantinedRow
from safeground.interop.services import import_file
from safeground.victims.models import Accident

pytestmark = pytest.mark.django_db

HEADER = "code;occurred_on;accident_type;victim_activity;lon;lat;killed_men;injured_boys;injured_girls\n"


def csv_file(tmp_path, lines: list[str], name="accidents.csv", encoding="latin-1") -> str:
    path = tmp_path / name
    path.write_bytes((HEADER + "".join(line + "\n" for line in lines)).encode(encoding))
    return str(path)


def test_accidents_from_a_latin1_csv_with_decimal_commas(tmp_path, user):
    build_testland()
    path = csv_file(
        tmp_path,
        [
            "XTL-ACC-1;2021-06-02;mine_erw;farming;-19,55;-29,5;1;2;0",
            "XTL-ACC-2;2022-01-15;mine_erw;travelling;-19,25;-29,75;0;0;1",
        ],
    )
    out = io.StringIO()
    call_command(
        "import", path, "--kind", "accidents", "--decimal", ",", "--no-progress", "--user", user.username, stdout=out
    )
    assert "imported 2 accidents" in out.getvalue()
    first = Accident.objects.get(code="XTL-ACC-1")
    assert first.country == ISO3 and first.province.code == "XT01"
    assert first.victim_activity == "farming"
    assert first.reported_casualties == {"killed_men": 1, "injured_boys": 2}
    assert first.evidence_status == "proposed"  # no hazard there: new evidence for the registry
    assert first.history.first().history_change_reason == "import accidents.csv"
    assert first.point.x == pytest.approx(-19.55)


def test_bad_accident_rows_are_named_and_nothing_is_written(tmp_path):
    build_testland()
    path = csv_file(
        tmp_path,
        [
            "XTL-ACC-1;2021-06-02;mine_erw;farming;19,55;-29,5;1;0;0",  # the longitude's sign flipped
            "XTL-ACC-2;2021-06-02;landslide;farming;-19,5;-29,5;1;0;0",
            "XTL-ACC-3;2021-06-02;mine_erw;farming;-19,5;-29,5;-1;0;0",
        ],
    )
    result = import_file(path, "accidents", decimal=",")
    assert not result.ok and not Accident.objects.exists()
    by_row = {e.row: e for e in result.errors}
    assert "the sign of the longitude looks flipped" in by_row[1].reason and by_row[1].field == "geometry"
    assert by_row[2].field == "accident_type" and by_row[3].field == "killed_men"


def test_accident_rows_can_be_quarantined(tmp_path, user):
    build_testland()
    path = csv_file(
        tmp_path,
        [
            "XTL-ACC-1;2021-06-02;mine_erw;farming;-19,5;-29,5;1;0;0",
            "XTL-ACC-2;2021-02-30;mine_erw;farming;-19,5;-29,5;0;1;0",
        ],
    )
    result = import_file(path, "accidents", decimal=",", on_error="quarantine", user=user)
    assert result.written == 1 and result.quarantine_causes == {"occurred_on: not a date": 1}
    held = QuarantinedRow.objects.get(kind="accidents")
    assert held.attributes["occurred_on"] == "2021-02-30"


def test_dates_known_only_to_the_year_or_month_keep_their_precision(tmp_path, client_for):
    build_testland()
    path = csv_file(
        tmp_path,
        [
            "XTL-ACC-1;2019;mine_erw;farming;-19,5;-29,5;1;0;0",
            "XTL-ACC-2;06/2020;mine_erw;farming;-19,5;-29,6;1;0;0",
            "XTL-ACC-3;2021-07-09;mine_erw;farming;-19,5;-29,7;1;0;0",
        ],
    )
    result = import_file(path, "accidents", decimal=",")
    assert result.ok, result.errors
    got = {a.code: (a.occurred_on.isoformat(), a.occurred_on_precision) for a in Accident.objects.all()}
    assert got == {
        "XTL-ACC-1": ("2019-01-01", "year"),
        "XTL-ACC-2": ("2020-06-01", "month"),
        "XTL-ACC-3": ("2021-07-09", "day"),
    }
    page = client_for("im_officer").get("/victims/").content.decode()
    assert '<td class="num">2019</td>' in page and '<td class="num">2020-06</td>' in page
    assert "2019-01-01" not in page


def test_reported_casualties_through_the_api(api):
    build_testland()
    body = {
        "point": {"type": "Point", "coordinates": [-19.5, -29.5]},
        "occurred_on": "2023-04-01",
        "accident_type": "mine_erw",
        "victim_activity": "herding",
        "reported_casualties": {"killed_women": 1, "injured_girls": 2},
    }
    created = api.post("/api/v1/victims/accidents", body, content_type="application/json")
    assert created.status_code == 201, created.content
    props = created.json()["properties"]
    assert props["reported_killed"] == 1 and props["reported_injured"] == 2 and props["victim_activity"] == "herding"
    listed = api.get("/api/v1/victims/accidents", {"country": ISO3}).json()["features"]
    assert [f["properties"]["reported_casualties"] for f in listed] == [{"killed_women": 1, "injured_girls": 2}]

    refused = api.post(
        "/api/v1/victims/accidents",
        {**body, "reported_casualties": {"killed_goats": 3}},
        content_type="application/json",
    )
    assert refused.status_code == 422 and "unknown casualty count(s) killed_goats" in refused.json()["detail"]
    assert Accident.objects.count() == 1


def test_eore_sessions_organisations_and_evidence_from_files(tmp_path, user):
    """The other new kinds: each through its service's rules, bad rows named."""
    from safeground.eore.models import Session
    from safeground.gazetteer.programmes import add_programme
    from safeground.hazards.services import create_hazard
    from safeground.organisations.models import Organisation

    build_testland()
    add_programme(ISO3, name="Testland")
    orgs = tmp_path / "orgs.csv"
    orgs.write_text(
        "acronym,name,kind,country\nTMA,Testland Mine Action,authority,XTL\nTDO,Testland Demining,operator,XTL\n"
    )
    assert import_file(orgs, "organisations").written == 2
    assert Organisation.objects.get(acronym="TDO").country == ISO3
    again = import_file(orgs, "organisations")
    assert not again.ok and {e.field for e in again.errors} == {"acronym"}

    sessions = tmp_path / "eore.csv"
    sessions.write_text(
        "held_on,organisation,method,audience,girls,boys,women,men,lon,lat\n"
        "2024-05-01,TDO,school,schoolchildren,12,15,0,1,-19.5,-29.5\n"
        "2024-05-02,TDO,mass_media,general,0,0,200,180,,\n"
        "2024-05-03,TDO,community,general,0,0,0,0,-19.4,-29.5\n"
    )
    refused = import_file(sessions, "eore")
    assert [(e.row, e.field) for e in refused.errors] == [(3, "girls")]  # a session reaches at least one person
    held = import_file(sessions, "eore", on_error="quarantine", user=user)
    assert held.written == 2 and held.quarantined == 1
    assert Session.objects.filter(country=ISO3).count() == 2
    assert Session.objects.get(method="school").history.first().history_change_reason == "import eore.csv"

    hazard = create_hazard(
        geometry=shapely_box(), hazard_class="SHA", contamination_type="ap_mines", recorded_on=dt.date(2024, 1, 1)
    )
    evidence = tmp_path / "evidence.csv"
    evidence.write_text(
        "hazard_code,kind,evidence_type,observed_on,lon,lat,description\n"
        f"{hazard.code},direct,device_seen,2023-11-02,-19.551,-29.551,PMN-2 seen by a herder\n"
        "XTL-NOPE,indirect,local_informant,,,,\n"
    )
    result = import_file(evidence, "evidence", on_error="quarantine")
    assert result.written == 1 and result.quarantine_causes == {"hazard_code: unknown": 1}
    seen = hazard.evidence.get()
    assert seen.evidence_type == "device_seen" and seen.point.x == pytest.approx(-19.551)


def shapely_box():
    import shapely

    return shapely.box(-19.56, -29.56, -19.54, -29.54)


def test_accidents_are_exported_and_reimport_as_they_were(tmp_path, user):
    """The accidents layer holds what the accidents import reads: a round trip keeps every count."""
    from pyogrio.raw import read as ogr_read

    from safeground.interop.exporter import export

    build_testland()
    path = csv_file(tmp_path, ["XTL-ACC-1;2019;mine_erw;farming;-19,5;-29,5;2;1;0"])
    assert import_file(path, "accidents", decimal=",", user=user).written == 1
    out = tmp_path / "out.gpkg"
    export("gpkg", out, ["accidents"])
    meta, _fids, geoms, values = ogr_read(out, layer="accidents")
    row = {name: column[0] for name, column in zip(meta["fields"], values, strict=True)}
    assert meta["geometry_type"] == "Point" and "name" not in row  # no personal data
    assert (row["code"], row["killed_men"], row["injured_boys"], row["occurred_on_precision"]) == (
        "XTL-ACC-1",
        2,
        1,
        "year",
    )
    Accident.objects.all().delete()
    assert import_file(out, "accidents", user=user).written == 1
    again = Accident.objects.get(code="XTL-ACC-1")
    assert again.reported_casualties == {"killed_men": 2, "injured_boys": 1} and again.point.x == pytest.approx(-19.5)
