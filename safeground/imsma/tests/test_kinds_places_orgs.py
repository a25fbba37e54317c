"""The reference kinds from IMSMA NG: organisations, gazetteer/places/locations, ordnance, tasks."""

from __future__ import annotations

import datetime as dt
import io
import uuid

import pytest
from django.core.management import call_command

from safeground.gazetteer.models import AdminArea, Place
from safeground.imsma.kinds.tasks import steps
from safeground.imsma.migrate import migrate
from safeground.imsma.models import MigratedRecord
from safeground.ordnance.models import OrdnanceModel
from safeground.organisations.models import Organisation
from safeground.tasking.models import Task

pytestmark = pytest.mark.django_db
SQUARE = [(-24.5, -34.5), (-24.49, -34.5), (-24.49, -34.49), (-24.5, -34.49), (-24.5, -34.5)]


def _guid() -> str:
    return str(uuid.uuid4())


def _table(run, table: str) -> dict:
    return run.report["tables"][table]


def _refusals(run, table: str) -> dict[str, str]:
    """localid → cause of each refusal of `table`."""
    return {
        p["localid"]: p["cause"] for p in run.report["problems"] if p["table"] == table and p["action"] == "refused"
    }


def _org(ngdb, localid: str, name=None, acronym=None, kind=None, **more) -> str:
    guid = _guid()
    kind_guid = ngdb.enum("Organisation Type", kind) if kind else None
    ngdb.insert(
        "organisation",
        org_guid=guid,
        org_localid=localid,
        name=name,
        acronym=acronym,
        orgtypeenum_guid=kind_guid,
        **more,
    )
    return guid


# ------------------------------------------------------------------------------------------ organisations
def test_organisations_merge_create_refuse_and_update(ng_country, ngdb):
    by_acronym = _org(ngdb, "ORG-1", name="National Mine Action Authority", acronym="n.m.a.", kind="Government")
    by_name = _org(ngdb, "ORG-2", name="nglandia  MINE action centre", kind="Government")
    dt_guid = _org(ngdb, "ORG-3", name="Demining Together", acronym="DT", kind="Operator", isactive=True)
    _org(ngdb, "ORG-4", name="Old Donor Fund", kind="Donor", isactive=False)
    _org(ngdb, "ORG-5", name=None, acronym=None, kind="Operator")
    before = Organisation.objects.count()

    run = migrate(ngdb.url, country="XNG")

    counts = _table(run, "organisation")
    assert (counts["read"], counts["merged"], counts["migrated"], counts["refused"]) == (5, 2, 2, 1)
    assert _refusals(run, "organisation") == {"ORG-5": "unmapped-value"}
    nma = Organisation.objects.get(acronym="NMA")
    assert nma.name == "Nglandia Mine Action Centre"  # merged: SafeGround's own kept as it was
    for guid in (by_acronym, by_name):
        trace = MigratedRecord.objects.get(table="organisation", guid=guid)
        assert (trace.status, trace.target) == ("merged", nma)
    assert Organisation.objects.count() == before + 2
    demining = Organisation.objects.get(acronym="DT")
    assert (demining.name, demining.kind, demining.country, demining.is_active) == (
        "Demining Together",
        "operator",
        "XNG",
        True,
    )
    donor = Organisation.objects.get(acronym="ODF")  # no NG acronym: the name's initials
    assert (donor.kind, donor.is_active) == ("donor", False)
    assert demining.history.count() == 1

    again = migrate(ngdb.url, country="XNG")
    counts = _table(again, "organisation")
    assert (counts["unchanged"], counts["refused"]) == (4, 1)

    ngdb.conn.execute("UPDATE organisation SET name = 'Demining Together International' WHERE acronym = 'DT'")
    ngdb.conn.execute("UPDATE organisation SET name = 'NMA of Nglandia' WHERE org_guid = %s", [by_acronym])
    third = migrate(ngdb.url, country="XNG")
    counts = _table(third, "organisation")
    assert (counts["updated"], counts["merged"], counts["unchanged"]) == (1, 1, 2)
    demining.refresh_from_db()
    assert demining.name == "Demining Together International"
    assert demining.history.count() == 2
    assert "IMSMA NG" in demining.history.first().history_change_reason
    nma.refresh_from_db()
    assert nma.name == "Nglandia Mine Action Centre"  # never changed by NG
    assert MigratedRecord.objects.get(table="organisation", guid=dt_guid).status == "migrated"


def test_an_acronym_another_programme_holds(ng_country, ngdb):
    call_command("programme", "add", "XNH", "--name", "Elsewhere", "--levels", "Province", stdout=io.StringIO())
    call_command(
        "org", "add", "HALO", "--name", "HALO Elsewhere", "--kind", "operator", "--country", "XNH", stdout=io.StringIO()
    )
    guid = _org(ngdb, "ORG-1", name="HALO Nglandia", acronym="HALO", kind="Operator")

    run = migrate(ngdb.url, country="XNG")

    assert _table(run, "organisation")["migrated"] == 1
    made = MigratedRecord.objects.get(table="organisation", guid=guid).target
    assert (made.acronym, made.country, made.name) == ("HALO-XNG", "XNG", "HALO Nglandia")
    notes = [p for p in run.report["problems"] if p["table"] == "organisation"]
    assert [(p["cause"], p["action"], p["code"]) for p in notes] == [("acronym-taken", "reported", "HALO-XNG")]
    assert Organisation.objects.get(acronym="HALO").name == "HALO Elsewhere"


# ------------------------------------------------------------------------------------------ gazetteer, places
def _gazetteer(ngdb, localid, name, level, parent=None) -> str:
    guid = _guid()
    ngdb.insert(
        "gazetteer",
        gazetteer_guid=guid,
        gazetteer_localid=localid,
        name=name,
        parent_guid=parent,
        gazetteerlevelenum_guid=ngdb.enum("Gazetteer Level", level),
    )
    return guid


def test_gazetteer_merges_onto_admin_areas_or_is_refused(ng_country, ngdb):
    # children listed before their parents: the kind puts parents first
    west = _gazetteer(ngdb, "G-2", "West Province", "Province")
    country = _gazetteer(ngdb, "G-1", "NGLANDIA", "Country")
    ngdb.conn.execute("UPDATE gazetteer SET parent_guid = %s WHERE gazetteer_guid = %s", [country, west])
    east = _gazetteer(ngdb, "G-3", "East", "Level 1", parent=country)
    _gazetteer(ngdb, "G-4", "Atlantis", "District", parent=west)
    areas = AdminArea.objects.count()

    run = migrate(ngdb.url, country="XNG")

    counts = _table(run, "gazetteer")
    assert (counts["read"], counts["merged"], counts["refused"]) == (4, 3, 1)
    refused = [p for p in run.report["problems"] if p["table"] == "gazetteer" and p["action"] == "refused"]
    assert [(p["localid"], p["cause"]) for p in refused] == [("G-4", "no-boundary")]
    assert "Atlantis" in refused[0]["detail"] and "still migrate" in refused[0]["detail"]
    target = {t.guid: t.target for t in MigratedRecord.objects.filter(table="gazetteer", status="merged")}
    assert (target[country].level, target[country].name) == (0, "Nglandia")
    assert target[west].code == "NG01" and target[east].code == "NG02"
    assert AdminArea.objects.count() == areas  # nothing written

    again = migrate(ngdb.url, country="XNG")
    assert (_table(again, "gazetteer")["unchanged"], _table(again, "gazetteer")["refused"]) == (3, 1)


def _place(ngdb, localid, name, point=None, kind=None) -> str:
    guid = _guid()
    ngdb.insert(
        "place",
        place_guid=guid,
        place_localid=localid,
        name=name,
        placetypeenum_guid=ngdb.enum("Place Type", kind) if kind else None,
    )
    if point:
        ngdb.shape("place", guid, [point], shape="Point")
    return guid


def _location(ngdb, localid, name, place=None, points=None, shape="Polygon") -> str:
    guid = _guid()
    ngdb.insert("location", location_guid=guid, location_localid=localid, locationname=name, place_guid=place)
    if points:
        ngdb.shape("location", guid, points, shape=shape)
    return guid


def test_places_and_locations(ng_country, ngdb):
    alpha = _place(ngdb, "PL-1", "Alpha", (-24.7, -34.5), kind="Town")
    alpha_too = _place(ngdb, "PL-2", "ALPHA", (-24.7, -34.49))  # about 1.1 km north: the same place
    _place(ngdb, "PL-3", "Alpha", (-24.7, -34.45))  # same name 5.5 km away: another place
    _place(ngdb, "PL-4", "Beta")  # no geometry
    _place(ngdb, "PL-5", "Gone", (-20.0, -34.5))  # outside Nglandia
    _place(ngdb, "PL-6", "Delta school", (-24.3, -34.3), kind="School")  # a type SafeGround has no kind for
    by_place = _location(ngdb, "LOC-1", "Alpha school", place=alpha)
    gamma = _location(ngdb, "LOC-2", "Gamma", points=SQUARE)
    _location(ngdb, "LOC-3", "Nowhere")  # no place, no geometry
    by_name = _location(ngdb, "LOC-4", "alpha", points=[(-24.701, -34.5)], shape="Point")

    run = migrate(ngdb.url, country="XNG")

    counts = _table(run, "place")
    assert (counts["read"], counts["migrated"], counts["merged"], counts["refused"]) == (6, 3, 1, 2)
    assert _refusals(run, "place") == {"PL-4": "no-geometry", "PL-5": "outside country"}
    first = Place.objects.get(country="XNG", code="PL-1")
    assert (first.name, first.kind, first.admin_area and first.admin_area.code) == ("Alpha", "town", "NG01")
    assert first.source == "IMSMA NG place PL-1"
    assert Place.objects.get(code="PL-3").kind == "village"
    school = Place.objects.get(code="PL-6")
    assert (school.kind, school.source) == ("village", "IMSMA NG place PL-6; NG type: School")
    assert MigratedRecord.objects.get(table="place", guid=alpha_too).target == first
    assert not Place.objects.filter(name__in=["Beta", "Gone"]).exists()

    counts = _table(run, "location")
    assert (counts["read"], counts["migrated"], counts["merged"], counts["refused"]) == (4, 1, 2, 1)
    assert _refusals(run, "location") == {"LOC-3": "no-geometry"}
    assert MigratedRecord.objects.get(table="location", guid=by_place).target == first
    assert MigratedRecord.objects.get(table="location", guid=by_name).target == first
    made = MigratedRecord.objects.get(table="location", guid=gamma).target
    assert (made.name, made.kind, made.code, made.admin_area.code) == ("Gamma", "village", "LOC-2", "NG02")
    assert made.point.x == pytest.approx(-24.495) and made.point.y == pytest.approx(-34.495)
    places = Place.objects.count()

    again = migrate(ngdb.url, country="XNG")
    assert _table(again, "place")["unchanged"] == 4 and _table(again, "location")["unchanged"] == 3
    assert Place.objects.count() == places

    # places have no history: a created one changed in NG is not updated
    ngdb.conn.execute("UPDATE location SET locationname = 'Gamma East' WHERE location_guid = %s", [gamma])
    third = migrate(ngdb.url, country="XNG")
    assert _refusals(third, "location") == {"LOC-2": "no-update", "LOC-3": "no-geometry"}
    made.refresh_from_db()
    assert made.name == "Gamma" and Place.objects.count() == places
    fourth = migrate(ngdb.url, country="XNG")  # the refusal is kept: no second place
    assert _refusals(fourth, "location")["LOC-2"] == "no-update"
    assert Place.objects.count() == places


# ------------------------------------------------------------------------------------------ ordnance
def test_ordnance_merges_onto_the_catalogue_or_is_refused(ng_country, ngdb):
    guids = {}
    for localid, model in [("O-1", "PMN2"), ("O-2", "pmn 2"), ("O-3", "type-72a"), ("O-4", "XYZ-99"), ("O-5", None)]:
        guids[localid] = _guid()
        ngdb.insert(
            "ordnance",
            ordnance_guid=guids[localid],
            ordnance_localid=localid,
            model=model,
            ordcategoryenum_guid=ngdb.enum("Ordnance Category", "AP mine"),
        )
    models = OrdnanceModel.objects.count()

    run = migrate(ngdb.url, country="XNG")

    counts = _table(run, "ordnance")
    assert (counts["read"], counts["merged"], counts["refused"]) == (5, 3, 2)
    assert _refusals(run, "ordnance") == {"O-4": "not-in-catalogue", "O-5": "unmapped-value"}
    target = {t.guid: t.target for t in MigratedRecord.objects.filter(table="ordnance", status="merged")}
    assert target[guids["O-1"]].name == target[guids["O-2"]].name == "PMN-2"
    assert target[guids["O-3"]].name == "Type 72A"
    assert OrdnanceModel.objects.count() == models
    again = migrate(ngdb.url, country="XNG")
    assert (_table(again, "ordnance")["unchanged"], _table(again, "ordnance")["refused"]) == (3, 2)


# ------------------------------------------------------------------------------------------ tasks
def _hazard(ngdb, localid: str) -> str:
    guid = _guid()
    ngdb.insert(
        "hazard",
        hazard_guid=guid,
        hazard_localid=localid,
        hazard_name=f"Field {localid}",
        hazardtypeenum_guid=ngdb.enum("Hazard Type", "Confirmed Hazardous Area"),
        status_guid=ngdb.enum("Status", "Active"),
        dangerousareatype_guid=ngdb.enum("DA", "Minefield"),
        date_of_report=dt.datetime(2012, 5, 1),
    )
    ngdb.shape("hazard", guid, SQUARE)
    return guid


def _task(ngdb, localid, organisation, hazard, kind="Manual Clearance", status="Completed", **more) -> str:
    guid = _guid()
    ngdb.insert(
        "task",
        guid=guid,
        localid=localid,
        taskname=f"Clear {localid}",
        organisation_guid=organisation,
        hazard_guid=hazard,
        tasktypeenum_guid=ngdb.enum("Task Type", kind),
        status_guid=ngdb.enum("Task Status", status),
        startdate=dt.datetime(2013, 1, 10),
        enddate=dt.datetime(2013, 3, 1),
        **more,
    )
    return guid


def test_task_life():
    assert steps("issued", "completed") == ["accepted", "in_progress", "completed"]
    assert steps("issued", "issued") == []
    assert steps("completed", "in_progress") is None


def test_tasks(ng_country, ngdb):
    operator = _org(ngdb, "ORG-1", name="Demining Together", acronym="DT", kind="Operator")
    hazard = _hazard(ngdb, "HAZ-1")
    done = _task(ngdb, "T-1", operator, hazard)
    going = _task(ngdb, "T-2", operator, hazard, status="In progress")
    missing = _guid()
    _task(ngdb, "T-3", operator, missing)
    _task(ngdb, "T-4", None, hazard)
    _task(ngdb, "T-5", operator, hazard, kind="Gardening")

    run = migrate(ngdb.url, country="XNG")

    counts = _table(run, "task")
    assert (counts["read"], counts["migrated"], counts["refused"]) == (5, 2, 3)
    assert _refusals(run, "task") == {"T-3": "missing-link", "T-4": "missing-link", "T-5": "unmapped-value"}
    detail = next(p["detail"] for p in run.report["problems"] if p["localid"] == "T-3")
    assert f"hazard_guid {missing}" in detail
    assert Task.objects.count() == 2
    task = Task.objects.get(source_id=done)
    assert (task.organisation.acronym, task.methods, task.status, task.notes) == (
        "DT",
        ["manual"],
        "completed",
        "Clear T-1",
    )
    assert (task.planned_start, task.planned_end) == (dt.date(2013, 1, 10), dt.date(2013, 3, 1))
    assert [h.source_id for h in task.hazards.all()] == [hazard]
    # issued (two rows of version 1: the hazard links are a row of their own), accepted, in progress, completed
    assert task.history.count() == 5
    assert task.status_changed_at is not None and task.status_changed_at.date() == dt.date(2013, 3, 1)
    assert (task.source_attributes or {})["imsma_guid"] == done
    assert Task.objects.get(source_id=going).status == "in_progress"
    totals = {(t["name"], t["key"]): (t["source"], t["target"]) for t in run.report["totals"]}
    assert totals[("tasks by status", "Completed")] == (4, 1)  # T-3, T-4, T-5 refused
    assert totals[("tasks by status", "In progress")] == (1, 1)

    again = migrate(ngdb.url, country="XNG")
    assert (_table(again, "task")["unchanged"], _table(again, "task")["refused"]) == (2, 3)

    ngdb.conn.execute("UPDATE task SET enddate = '2013-06-30' WHERE guid = %s", [going])
    third = migrate(ngdb.url, country="XNG")
    assert _table(third, "task")["updated"] == 1
    moved = Task.objects.get(source_id=going)
    assert moved.planned_end == dt.date(2013, 6, 30)
    assert moved.history.count() == 5  # issued (2 rows), accepted, in progress, and the one change
    assert "IMSMA NG" in moved.history.first().history_change_reason

    # a completed task's plan can't change: refused, run after run, never issued twice
    ngdb.conn.execute("UPDATE task SET taskname = 'Cleared' WHERE guid = %s", [done])
    for _ in range(2):  # the service refuses it, run after run; the record stays linked
        later = migrate(ngdb.url, country="XNG")
        assert _refusals(later, "task")["T-1"] == "refused"
    assert Task.objects.filter(source_id=done).count() == 1 and Task.objects.count() == 2
