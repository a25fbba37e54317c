"""The people kinds: NG accident, victim, victim_assistance, mre and qa, through their services.

The kinds of the tables they link to (organisation, location, ordnance, hazreduc, …) are other modules;
here they are stood in for by traces of what those NG records became (`link`), and their modules read
nothing, so these tests hold whatever those kinds do.
"""

from __future__ import annotations

import base64
import datetime as dt
import os
import uuid
from types import SimpleNamespace

import pytest
import shapely
from django.db import connection

from safeground.core import crypto
from safeground.eore.models import Session
from safeground.imsma import kinds
from safeground.imsma.migrate import migrate
from safeground.imsma.models import MigratedRecord, MigrationRun
from safeground.organisations.models import Organisation
from safeground.qm.models import Visit
from safeground.victims import services as victim_services
from safeground.victims.access import Actor
from safeground.victims.models import AccessLog, Accident, Assessment, Referral, Victim

pytestmark = pytest.mark.django_db

MINE = ("victim", "accident", "victim_assistance", "mre", "qa", "hazard")
POINT = (-24.3, -34.6)
FIRST, LAST, BORN = "Zebulon", "Quartermaine", dt.datetime(1990, 4, 17)
SECRETS = ("Zebulon", "Quartermaine", "1990-04-17", "Wolfgang", "Ironbridge", "1985-11-23", "left leg below knee")


@pytest.fixture(autouse=True)
def field_key(monkeypatch, tmp_path):
    """A key of the test's own from SAFEGROUND_FIELD_KEY (as the victims tests do); no key file."""
    monkeypatch.delenv(crypto.ENV_KEY_FILE, raising=False)
    monkeypatch.delenv(crypto.ENV_OLD_KEYS, raising=False)
    monkeypatch.setenv(crypto.ENV_KEY, base64.b64encode(os.urandom(32)).decode())
    monkeypatch.chdir(tmp_path)
    crypto.reset()
    yield
    crypto.reset()


@pytest.fixture
def world(ng_country, ngdb, monkeypatch):
    """NG with the value lists these kinds use; other tables' kinds stood in for (see `link`)."""
    real = kinds.module
    idle = SimpleNamespace(ENUMS={}, migrate=lambda run, table: run.report.read(table, 0))
    monkeypatch.setattr(kinds, "module", lambda table: real(table) if table in MINE else idle)
    trace_run = MigrationRun.objects.create(source="other kinds", country=ng_country)

    def link(table: str, record) -> str:
        guid = str(uuid.uuid4())
        MigratedRecord.objects.create(
            table=table,
            guid=guid,
            status="migrated",
            target_type=_content_type(record),
            target_id=str(record.pk),
            fingerprint="-",
            run=trace_run,
        )
        return guid

    return SimpleNamespace(db=ngdb, e=ngdb.enum, link=link, nma=Organisation.objects.get(acronym="NMA"))


def _content_type(record):
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(record)


def _run(w) -> dict:
    return migrate(w.db.url, country="XNG").report["tables"]


def _accident(w, **row) -> str:
    guid = str(uuid.uuid4())
    values = {
        "accident_guid": guid,
        "accident_localid": "ACC-1",
        "accidentdate": dt.datetime(2015, 6, 1),
        "accidenttypeenum_guid": w.e("Accident Type", "Mine accident"),
        "dataentrydate": dt.datetime(2015, 6, 3),
        "dataenterer": "clerk",
    }
    values.update(row)
    w.db.insert("accident", **values)
    w.db.shape("accident", guid, [POINT], shape="Point")
    return guid


def _victim(w, accident: str, **row) -> str:
    guid = str(uuid.uuid4())
    values = {
        "victim_guid": guid,
        "victim_localid": "VIC-1",
        "accident_guid": accident,
        "firstname": FIRST,
        "lastname": LAST,
        "birthdate": BORN,
        "age": 25,
        "genderenum_guid": w.e("Gender", "Male"),
        "killedorinjuredenum_guid": w.e("Killed or Injured", "Injured"),
        "activityataccenum_guid": w.e("Activity", "Farming"),
        "dataentrydate": dt.datetime(2015, 6, 3),
        "dataenterer": "clerk",
    }
    values.update(row)
    w.db.insert("victim", **values)
    return guid


def _clear_hits(*needles: str) -> list[str]:
    """Every table.column whose text holds one of `needles` (PostGIS: text/JSON columns; SpatiaLite:
    every column, as text)."""
    hits = []
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(
                """SELECT table_name, column_name FROM information_schema.columns
                   WHERE table_schema = 'public' AND data_type IN ('text', 'character varying', 'json', 'jsonb')"""
            )
            columns = cur.fetchall()
        else:
            cur.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            columns = []
            for (table,) in cur.fetchall():
                cur.execute(f'PRAGMA table_info("{table}")')
                columns += [(table, c[1]) for c in cur.fetchall()]
        for table, column in columns:
            for needle in needles:
                try:
                    cur.execute(
                        f'SELECT count(*) FROM "{table}" WHERE CAST("{column}" AS TEXT) LIKE %s', [f"%{needle}%"]
                    )
                except Exception:  # noqa: BLE001 (SpatiaLite's virtual index tables)
                    continue
                if cur.fetchone()[0]:
                    hits.append(f"{table}.{column}: {needle}")
    return hits


def _reveal(victim: Victim) -> dict:
    return victim_services.reveal(victim, Actor.for_system("checking the migration test"))


# ------------------------------------------------------------------------------------------- tests


def test_accident_victims_and_assistance_come_across_with_names_sealed(world):
    w = world
    hazard = str(uuid.uuid4())
    w.db.insert(
        "hazard",
        hazard_guid=hazard,
        hazard_localid="HAZ-1",
        hazard_name="Field",
        hazardtypeenum_guid=w.e("Hazard Type", "Confirmed Hazardous Area"),
        status_guid=w.e("Status", "Active"),
        dangerousareatype_guid=w.e("DA", "Minefield"),
        date_of_report=dt.datetime(2014, 1, 1),
    )
    # Around the accident's point; sides under 5 km (NG's far-apart check refuses longer steps).
    w.db.shape(
        "hazard", hazard, [(-24.32, -34.62), (-24.28, -34.62), (-24.28, -34.58), (-24.32, -34.58), (-24.32, -34.62)]
    )
    accident = _accident(w, hazard_guid=hazard)
    zebulon = _victim(w, accident)
    killed = _victim(
        w,
        accident,
        victim_localid="VIC-2",
        firstname="Wolfgang",
        lastname="Ironbridge",
        birthdate=dt.datetime(1985, 11, 23),
        age=None,
        killedorinjuredenum_guid=w.e("Killed or Injured", "Killed"),
    )
    w.db.insert(
        "victiminfoversion",
        victiminfoversion_guid=str(uuid.uuid4()),
        victim_guid=zebulon,
        victim_localid="VIC-1",
        accident_guid=accident,
        firstname="Zebulon",
        lastname="Quartermaine-Old",
        birthdate=BORN,
        genderenum_guid=w.e("Gender", "Female"),
        killedorinjuredenum_guid=w.e("Killed or Injured", "Injured"),
        dataentrydate=dt.datetime(2015, 6, 2),
        dataenterer="clerk",
    )
    w.db.insert("customdefinedfield", cdf_id=1, name="Home village", cdf_datatype="string")
    w.db.insert("cdfvalue", cdfvalue_guid="cdf-1", cdf_id=1, stringvalue="Quartermaine Farm")
    w.db.insert("victim_has_cdfvalue", victim_guid=zebulon, cdfvalue_guid="cdf-1")
    rehab = w.e("Assistance Type", "Physical rehabilitation")
    w.db.insert(
        "victim_assistance",
        guid=str(uuid.uuid4()),
        localid="VA-1",
        victim_guid=zebulon,
        organisation_guid=w.link("organisation", w.nma),
        assistancetypeenum_guid=rehab,
        status_guid=w.e("Assistance Status", "Completed"),
        startdate=dt.datetime(2015, 7, 1),
        description="left leg below knee",
    )
    w.db.insert(
        "victim_assistance",
        guid=str(uuid.uuid4()),
        localid="VA-2",
        victim_guid=zebulon,
        assistancetypeenum_guid=w.e("Assistance Type", "Psychosocial support"),
        startdate=dt.datetime(2015, 8, 1),
    )

    tables = _run(w)

    assert (tables["accident"]["migrated"], tables["victim"]["migrated"], tables["victim_assistance"]["migrated"]) == (
        1,
        2,
        2,
    )
    acc = Accident.objects.get(source_id=accident)
    assert (acc.occurred_on, acc.accident_type, acc.country) == (dt.date(2015, 6, 1), "mine_erw", "XNG")
    assert acc.hazard is not None and acc.hazard.source_id == hazard and acc.evidence_status == "linked"
    assert acc.point.coords == POINT
    v = Victim.objects.get(source_id=zebulon)
    assert (v.accident_id, v.outcome, v.sex, v.age_years, v.age_group, v.activity) == (
        acc.pk,
        "injured",
        "male",
        25,
        "adult",
        "farming",
    )
    assert v.source_attributes["custom_fields_withheld"] == ["Home village"]
    assert _reveal(v)["name"] == "Zebulon Quartermaine" and _reveal(v)["date_of_birth"] == "1990-04-17"
    reasons = list(v.history.order_by("history_date").values_list("history_change_reason", "sex"))
    # the NG version (its sex then, no name), created, then the assessment's needs (the service's own row)
    assert len(reasons) == 3 and reasons[0][0].startswith("IMSMA NG victim VIC-1 version 1 of 1")
    assert reasons[1][0] == "migrated from IMSMA NG (VIC-1)"
    assert reasons[0][1] == "female" and v.needs == ["psychosocial"]
    dead = Victim.objects.get(source_id=killed)
    assert (dead.outcome, dead.age_years) == ("killed", 29)
    referral = Referral.objects.get(victim=v)
    assert (referral.need, referral.provider, referral.status, referral.referred_on) == (
        "rehabilitation",
        "Nglandia Mine Action Centre",
        "completed",
        dt.date(2015, 7, 1),
    )
    assert _reveal(v)["referrals"][0]["notes"] == "left leg below knee"
    assert Assessment.objects.get(victim=v).needs == ["psychosocial"]
    assert not AccessLog.objects.exists()  # a data migration is the system actor

    assert _clear_hits(*SECRETS) == []
    assert _clear_hits("Nglandia Mine Action", "Physical rehabilitation")  # the scan finds what is in clear

    tables = _run(w)  # again: nothing changed
    assert [tables[t]["unchanged"] for t in ("accident", "victim", "victim_assistance")] == [1, 2, 2]
    assert _clear_hits(*SECRETS) == []


def test_changes_in_ng_update_with_one_history_row_each(world):
    w = world
    accident = _accident(w)
    zebulon = _victim(w, accident)
    assistance = str(uuid.uuid4())
    w.db.insert(
        "victim_assistance",
        guid=assistance,
        localid="VA-1",
        victim_guid=zebulon,
        organisation_guid=w.link("organisation", w.nma),
        assistancetypeenum_guid=w.e("Assistance Type", "Medical care"),
        status_guid=w.e("Assistance Status", "Referred"),
        startdate=dt.datetime(2015, 7, 1),
    )
    _run(w)
    acc, v = Accident.objects.get(source_id=accident), Victim.objects.get(source_id=zebulon)
    referral = Referral.objects.get(victim=v)
    before = (acc.history.count(), v.history.count(), referral.history.count())

    w.db.conn.execute(
        "UPDATE accident SET accidenttypeenum_guid = %s WHERE accident_guid = %s",
        [w.e("Accident Type", "Demining accident"), accident],
    )
    w.db.conn.execute(
        "UPDATE victim SET lastname = 'Quartermaine-Smythe', genderenum_guid = %s WHERE victim_guid = %s",
        [w.e("Gender", "Female"), zebulon],
    )
    w.db.conn.execute(
        "UPDATE victim_assistance SET status_guid = %s WHERE guid = %s",
        [w.e("Assistance Status", "Completed"), assistance],
    )
    tables = _run(w)

    assert [tables[t]["updated"] for t in ("accident", "victim", "victim_assistance")] == [1, 1, 1]
    acc.refresh_from_db()
    v.refresh_from_db()
    referral.refresh_from_db()
    assert acc.accident_type == "demining" and v.sex == "female" and referral.status == "completed"
    assert (acc.history.count(), v.history.count(), referral.history.count()) == tuple(n + 1 for n in before)
    assert _reveal(v)["name"] == "Zebulon Quartermaine-Smythe"
    assert v.history.latest().history_change_reason.startswith("changed in IMSMA NG")
    assert _clear_hits(*SECRETS) == []


def test_a_refused_change_keeps_the_record_linked_and_is_tried_again(world):
    w = world
    accident = _accident(w)
    zebulon = _victim(w, accident)
    _run(w)
    acc = Accident.objects.get(source_id=accident)
    w.db.conn.execute("UPDATE geopoint SET longitude = -24.31")  # its point moved: not moved by a re-run
    w.db.conn.execute("UPDATE victim SET age = 26 WHERE victim_guid = %s", [zebulon])

    for _ in range(2):
        tables = _run(w)
        assert dict(tables["accident"]["causes"]) == {"no-update": 1}
        assert tables["victim"]["unchanged"] + tables["victim"]["updated"] == 1  # still finds its accident
        assert Accident.objects.count() == 1 and Victim.objects.get(source_id=zebulon).accident_id == acc.pk
    trace = MigratedRecord.objects.get(table="accident", guid=accident)
    assert trace.target == acc and trace.reasons[0]["cause"] == "no-update"


def test_an_erased_victim_is_not_given_its_name_back(world):
    w = world
    zebulon = _victim(w, _accident(w))
    _run(w)
    v = Victim.objects.get(source_id=zebulon)
    victim_services.erase(v, Actor.for_system("written request of the person, test"))
    w.db.conn.execute(
        "UPDATE victim SET genderenum_guid = %s WHERE victim_guid = %s", [w.e("Gender", "Female"), zebulon]
    )

    assert _run(w)["victim"]["updated"] == 1
    v.refresh_from_db()
    assert v.sex == "female" and v.age_years is None and v.name_enc == "" and v.date_of_birth_enc == ""


def test_refusals_name_their_cause_and_write_nothing(world):
    w = world
    accident = _accident(w, accidentdate=None)  # no date: refused
    orphan = _victim(w, accident)  # its accident did not come across
    good = _accident(w, accident_localid="ACC-2")
    late_born = _victim(w, good, victim_localid="VIC-2", birthdate=dt.datetime(2016, 1, 1), age=None)
    killed = _victim(w, good, victim_localid="VIC-3", killedorinjuredenum_guid=w.e("Killed or Injured", "Killed"))
    for localid, victim in (("VA-1", orphan), ("VA-2", killed)):
        w.db.insert(
            "victim_assistance",
            guid=str(uuid.uuid4()),
            localid=localid,
            victim_guid=victim,
            assistancetypeenum_guid=w.e("Assistance Type", "Medical care"),
            startdate=dt.datetime(2015, 7, 1),
            description="left leg below knee",
        )

    tables = _run(w)

    assert tables["accident"]["refused"] == 1 and dict(tables["accident"]["causes"]) == {"unmapped-value": 1}
    assert dict(tables["victim"]["causes"]) == {"missing-link": 1, "birthdate-after-accident": 1}
    assert dict(tables["victim_assistance"]["causes"]) == {"missing-link": 1, "victim-killed": 1}
    assert Accident.objects.count() == 1 and Victim.objects.count() == 1
    assert not Referral.objects.exists() and not Assessment.objects.exists()
    trace = MigratedRecord.objects.get(table="victim", guid=orphan)
    assert trace.status == "refused" and trace.reasons[0]["cause"] == "missing-link"
    assert accident in trace.reasons[0]["detail"]
    assert "firstname" not in trace.kept and "birthdate" not in trace.kept and trace.kept["age"] == 25
    assert MigratedRecord.objects.get(table="victim", guid=late_born).status == "refused"
    assert _clear_hits(*SECRETS) == []


def test_risk_education_sessions(world):
    w = world
    nma = w.link("organisation", w.nma)
    session = str(uuid.uuid4())
    w.db.insert(
        "mre",
        mre_guid=session,
        mre_localid="MRE-1",
        organisation_guid=nma,
        startdate=dt.datetime(2016, 3, 4),
        enddate=dt.datetime(2016, 3, 4),
        mineactiontype_guid=w.e("MRE Type", "Community session"),
        no_of_males=12,
        no_of_females=15,
        no_of_boys=30,
        no_of_girls=28,
    )
    w.db.shape("mre", session, [POINT], shape="Point")
    radio = str(uuid.uuid4())
    w.db.insert(
        "mre",
        mre_guid=radio,
        mre_localid="MRE-2",
        organisation_guid=nma,
        startdate=dt.datetime(2016, 5, 1),
        mineactiontype_guid=w.e("MRE Type", "Mass media"),
        no_of_males=1000,
    )
    w.db.insert(
        "mre",
        mre_guid=str(uuid.uuid4()),
        mre_localid="MRE-3",
        organisation_guid=str(uuid.uuid4()),
        startdate=dt.datetime(2016, 5, 1),
        no_of_girls=3,
    )

    tables = _run(w)

    assert (tables["mre"]["migrated"], dict(tables["mre"]["causes"])) == (2, {"missing-link": 1})
    s = Session.objects.get(source_id=session)
    assert (s.held_on, s.method, s.organisation.acronym, s.country) == (dt.date(2016, 3, 4), "community", "NMA", "XNG")
    assert (s.men, s.women, s.boys, s.girls) == (12, 15, 30, 28)
    assert s.point.coords == POINT and s.source_attributes["enddate"].startswith("2016-03-04")
    media = Session.objects.get(source_id=radio)
    assert media.method == "mass_media" and media.point is None and media.men == 1000
    assert Session.objects.count() == 2

    assert _run(w)["mre"]["unchanged"] == 2
    history = s.history.count()
    w.db.conn.execute("UPDATE mre SET no_of_girls = 31 WHERE mre_guid = %s", [session])
    assert _run(w)["mre"]["updated"] == 1
    s.refresh_from_db()
    assert s.girls == 31 and s.history.count() == history + 1


def test_qa_visits_to_products_and_activities(world):
    import shapely as sh

    from safeground.hazards.services import create_hazard
    from safeground.landrelease import services as release
    from safeground.operations.models import Activity

    w = world
    hazard = create_hazard(
        geometry=sh.box(-24.6, -34.6, -24.5, -34.5),
        hazard_class="CHA",
        contamination_type="ap_mines",
        recorded_on=dt.date(2010, 1, 1),
        country="XNG",
    )
    activity = Activity.objects.create(
        code="XNG-CLR-1",
        activity_type="clearance",
        organisation=w.nma,
        methods=["manual"],
        reference_point="POINT(-24.55 -34.55)",
        country="XNG",
        start_date=dt.date(2011, 1, 1),
        end_date=dt.date(2011, 6, 1),
        status="completed",
    )
    activity.hazards.add(hazard)
    product = release.create_product(
        activity=activity.code,
        hazard=hazard.code,
        outcome="cleared",
        geometry=shapely.box(-24.6, -34.6, -24.598, -34.598),
        released_on=dt.date(2011, 5, 1),
        clearance_depth_cm=20,
    )
    nma = w.link("organisation", w.nma)
    passed = w.e("QA Result", "Passed")
    to_product = str(uuid.uuid4())
    rows = (
        (to_product, "QA-1", w.link("hazreduc", product)),
        (str(uuid.uuid4()), "QA-2", w.link("hazreduc", activity)),
        (str(uuid.uuid4()), "QA-3", str(uuid.uuid4())),  # its hazreduc did not come across
    )
    for guid, localid, work in rows:
        w.db.insert(
            "qa",
            qa_guid=guid,
            qa_localid=localid,
            hazreduc_guid=work,
            organisation_guid=nma,
            qadate=dt.datetime(2011, 5, 20),
            qaresultstatus_guid=passed,
            activitytype_guid=w.e("QA Activity", "Post-clearance inspection"),
            dataenterer="inspector.k",
        )

    tables = _run(w)

    assert (tables["qa"]["migrated"], dict(tables["qa"]["causes"])) == (2, {"missing-link": 1})
    visit = Visit.objects.get(source_id=to_product)
    assert (visit.product_id, visit.activity_id, visit.visit_type, visit.visited_on) == (
        product.pk,
        None,
        "post_clearance",
        dt.date(2011, 5, 20),
    )
    assert visit.findings == "QA result in IMSMA NG: Passed" and visit.inspecting_organisation == w.nma
    assert Visit.objects.get(source_attributes__qa_localid="QA-2").activity_id == activity.pk

    assert _run(w)["qa"]["unchanged"] == 2
    history = visit.history.count()
    w.db.conn.execute(
        "UPDATE qa SET qaresultstatus_guid = %s WHERE qa_guid = %s", [w.e("QA Result", "Failed"), to_product]
    )
    assert _run(w)["qa"]["updated"] == 1
    visit.refresh_from_db()
    assert visit.findings == "QA result in IMSMA NG: Failed" and visit.history.count() == history + 1
