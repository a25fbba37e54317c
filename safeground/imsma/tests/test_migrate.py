"""The migration's guards and its mapping: an unknown schema, a dry run, the read-only source, the
value-list mapping file; one hazard with its versions and a re-run."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import psycopg
import pytest
import shapely
import yaml

from safeground.core.history import history_entries
from safeground.hazards.models import Hazard
from safeground.imsma.enums import MappingError
from safeground.imsma.migrate import migrate, write_mapping
from safeground.imsma.models import MigratedRecord, MigrationRun
from safeground.imsma.source import NgSource, SourceError, UnknownSchema, redact
from safeground.imsma.tests.ngdb import NgDatabase

pytestmark = pytest.mark.django_db

SQUARE = [(-24.5, -34.5), (-24.49, -34.5), (-24.49, -34.49), (-24.5, -34.49), (-24.5, -34.5)]


def add_hazard(ngdb, name="North field", status="Active", kind="Confirmed Hazardous Area", versions=()):
    guid = str(uuid.uuid4())
    ngdb.insert(
        "hazard",
        hazard_guid=guid,
        hazard_localid=f"HAZ-{guid[:4]}",
        hazard_name=name,
        hazardtypeenum_guid=ngdb.enum("Hazard Type", kind),
        status_guid=ngdb.enum("Hazard Status", status),
        dangerousareatype_guid=ngdb.enum("Dangerous Area Type", "Minefield"),
        date_of_report=dt.datetime(2012, 5, 1),
        dataentrydate=dt.datetime(2012, 5, 2),
        dataenterer="jdoe",
    )
    for i, (old_name, when, who) in enumerate(versions):
        ngdb.insert(
            "hazardinfoversion",
            hazardinfoversion_guid=f"{guid[:30]}-v{i}",
            hazard_guid=guid,
            hazard_localid=f"HAZ-{guid[:4]}",
            hazard_name=old_name,
            dataentrydate=when,
            dataenterer=who,
        )
    ngdb.shape("hazard", guid, SQUARE)
    return guid


def test_a_database_that_is_not_ng_is_refused_naming_what_is_missing(ng_country):
    other = NgDatabase(tables=False)
    try:
        other.conn.execute("CREATE TABLE hazard (hazard_guid varchar(36), hazard_localid text)")
        with pytest.raises(UnknownSchema) as refused:
            migrate(other.url, country=ng_country)
        message = str(refused.value)
        assert "not an IMSMA NG v6 database" in message
        assert "geopoint" in message and "imsmaenum" in message
        assert "hazard (" in message and "hazard_name" in message  # the table that exists lacks columns
        assert other.name in message
    finally:
        other.drop()
    assert not MigrationRun.objects.exists() and not Hazard.objects.exists()


def test_an_unreachable_database_and_an_unknown_country_are_refused(ng_country, ngdb):
    with pytest.raises(SourceError, match="cannot open the IMSMA NG database"):
        migrate("postgresql://postgres:secret@127.0.0.1:5432/sg_no_such_database", country=ng_country)
    with pytest.raises(SourceError, match="no programme for country XZZ"):
        migrate(ngdb.url, country="XZZ")
    assert not MigrationRun.objects.exists()


def test_the_source_is_opened_read_only(ngdb):
    with NgSource(ngdb.url) as source:
        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
            source.conn.execute("DELETE FROM hazard")


def test_a_hazard_comes_across_with_its_versions_and_a_rerun_changes_nothing(ng_country, ngdb):
    guid = add_hazard(
        ngdb,
        versions=[("Old name", dt.datetime(2010, 3, 1), "asmith"), ("North field", dt.datetime(2012, 5, 2), "jdoe")],
    )
    run = migrate(ngdb.url, country=ng_country)
    hazard = Hazard.objects.get(source_id=guid)
    assert (hazard.name, hazard.hazard_class, hazard.status, hazard.contamination_type) == (
        "North field",
        "CHA",
        "open",
        "ap_mines",
    )
    assert hazard.source_attributes["imsma_guid"] == guid and hazard.source_attributes["dataenterer"] == "jdoe"
    entries = history_entries(hazard)
    past = sorted((e for e in entries if e["history_date"].year < 2020), key=lambda e: e["history_date"])
    assert [e["history_date"].date() for e in past] == [dt.date(2010, 3, 1), dt.date(2012, 5, 2)]
    assert hazard.history.filter(history_change_reason__contains="entered by asmith").exists()
    assert run.report["tables"]["hazard"] == {
        "read": 1,
        "migrated": 1,
        "updated": 0,
        "unchanged": 0,
        "merged": 0,
        "refused": 0,
        "causes": {},
    }
    before = hazard.history.count()
    again = migrate(ngdb.url, country=ng_country)
    assert again.report["tables"]["hazard"]["unchanged"] == 1
    assert Hazard.objects.count() == 1 and hazard.history.count() == before

    ngdb.conn.execute("UPDATE hazard SET hazard_name = 'North field (resurveyed)' WHERE hazard_guid = %s", [guid])
    third = migrate(ngdb.url, country=ng_country)
    assert third.report["tables"]["hazard"]["updated"] == 1
    hazard.refresh_from_db()
    assert hazard.name == "North field (resurveyed)" and hazard.history.count() == before + 1


def test_a_dry_run_writes_nothing_but_its_report(ng_country, ngdb):
    add_hazard(ngdb)
    run = migrate(ngdb.url, country=ng_country, dry_run=True)
    assert run.status == "dry-run" and run.report["tables"]["hazard"]["migrated"] == 1
    assert not Hazard.objects.exists() and not MigratedRecord.objects.exists()
    assert MigrationRun.objects.count() == 1


def test_a_hazard_without_a_class_is_refused_and_kept_in_the_trace(ng_country, ngdb):
    guid = add_hazard(ngdb, kind="Something local")
    run = migrate(ngdb.url, country=ng_country)
    assert run.report["tables"]["hazard"]["refused"] == 1
    assert run.report["tables"]["hazard"]["causes"] == {"unmapped-value": 1}
    problem = next(p for p in run.report["problems"] if p["guid"] == guid)
    assert "hazardtypeenum_guid" in problem["detail"]
    assert not Hazard.objects.exists()
    trace = MigratedRecord.objects.get(guid=guid)
    assert trace.status == "refused" and trace.kept["hazard_name"] == "North field"


def test_the_mapping_file_decides_and_a_bad_target_is_refused(ng_country, ngdb, tmp_path):
    guid = add_hazard(ngdb, kind="Something local", status="Expired")
    text = write_mapping(ngdb.url)
    mapping = yaml.safe_load(text)
    assert mapping["hazard.hazardtypeenum_guid"]["values"] == {"Something local": None}
    assert mapping["hazard.status_guid"]["values"] == {"Expired": "closed"}  # guessed
    mapping["hazard.hazardtypeenum_guid"]["values"]["Something local"] = "SHA"
    path = tmp_path / "mapping.yaml"
    path.write_text(yaml.safe_dump(mapping))
    run = migrate(ngdb.url, country=ng_country, mapping=str(path))
    assert Hazard.objects.get(source_id=guid).hazard_class == "SHA"
    assert {
        "table": "hazard",
        "column": "hazardtypeenum_guid",
        "value": "Something local",
        "target": "SHA",
        "count": 1,
        "kept": False,
    } in run.report["enums"]

    mapping["hazard.status_guid"]["values"]["Expired"] = "gone"
    path.write_text(yaml.safe_dump(mapping))
    with pytest.raises(MappingError, match="hazard.status_guid maps 'Expired' to 'gone'"):
        migrate(ngdb.url, country=ng_country, mapping=str(path))


def test_a_record_the_database_refuses_is_refused_alone_and_the_run_goes_on(ng_country, ngdb):
    taken = add_hazard(ngdb, name="Taken")
    fine = add_hazard(ngdb, name="Fine")
    from safeground.hazards.services import create_hazard

    create_hazard(  # an earlier import already used the NG GUID as its source_id
        geometry=shapely.Polygon(SQUARE),
        hazard_class="SHA",
        contamination_type="uxo",
        recorded_on=dt.date(2020, 1, 1),
        country=ng_country,
        source_id=taken,
    )
    run = migrate(ngdb.url, country=ng_country)
    assert run.status == "done"
    assert run.report["tables"]["hazard"]["migrated"] == 1 and run.report["tables"]["hazard"]["refused"] == 1
    problem = next(p for p in run.report["problems"] if p["guid"] == taken)
    assert problem["cause"] == "database" and "source_id" in problem["detail"].lower()
    assert Hazard.objects.get(source_id=fine).name == "Fine"
    assert Hazard.objects.get(source_id=taken).name == ""  # the earlier record, untouched


def test_a_persons_columns_the_schema_does_not_name_are_withheld(ng_country, ngdb):
    ngdb.conn.execute("ALTER TABLE victim ADD COLUMN fathername text")
    accident = str(uuid.uuid4())
    ngdb.insert(
        "accident",
        accident_guid=accident,
        accident_localid="ACC-1",
        accidentdate=dt.datetime(2019, 3, 1),
        accidenttypeenum_guid=ngdb.enum("Accident Type", "Mine Accident"),
    )
    ngdb.shape("accident", accident, [(-24.5, -34.5)], shape="Point")
    ngdb.insert(
        "victim",
        victim_guid=str(uuid.uuid4()),
        victim_localid="VIC-1",
        accident_guid=accident,
        killedorinjuredenum_guid=ngdb.enum("Killed or Injured", "Injured"),
        fathername="Barnabas Featherstonehaugh",
    )
    run = migrate(ngdb.url, country=ng_country)
    assert run.report["tables"]["victim"]["migrated"] == 1
    from safeground.victims.models import Victim

    attributes = Victim.objects.get().source_attributes
    assert "fathername" not in attributes and attributes["columns_withheld"] == ["fathername"]
    assert "Featherstonehaugh" not in json.dumps(run.report)


def test_a_password_never_reaches_the_report():
    assert redact("postgresql://reader:s3cret@ng-host:5432/imsma") == "postgresql://reader:***@ng-host:5432/imsma"
    assert "s3cret" not in redact("host=ng-host dbname=imsma user=reader password=s3cret")
