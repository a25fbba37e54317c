"""Personal data: encrypted at rest, visible to the VA role only, every view and export audited,
rectification and erasure on request."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from safeground.victims import services
from safeground.victims.access import Actor
from safeground.victims.models import AccessLog, Victim
from safeground.victims.tests.conftest import ADDRESS, NAME, NOTES

pytestmark = pytest.mark.django_db

PURPOSE = "follow-up call about the prosthetics referral"


def personal(client, code, purpose=PURPOSE):
    return client.post(f"/api/v1/victims/{code}/personal-data", {"purpose": purpose}, content_type="application/json")


def test_columns_hold_ciphertext_only(victim):
    with connection.cursor() as c:
        c.execute(
            "SELECT name_enc, date_of_birth_enc, address_enc, medical_notes_enc FROM victims_victim WHERE code = %s",
            [victim.code],
        )
        row = c.fetchone()
    assert all(value.startswith("sgf1:") for value in row)
    stored = " ".join(row)
    for secret in (NAME, "Sokhim", ADDRESS, "Kbal Damrei", NOTES, "1988-06-14"):
        assert secret not in stored
    # The history table never receives the encrypted columns at all.
    history_columns = {f.name for f in Victim.history.model._meta.get_fields()}
    assert not {"name_enc", "address_enc", "date_of_birth_enc", "medical_notes_enc"} & history_columns


SCRIPT = r"""
import datetime as dt, json, os, django
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
import shapely
from django.contrib.gis.geos import MultiPolygon, Polygon
from safeground.gazetteer.models import AdminArea
from safeground.victims import services
from safeground.victims.access import Actor
from safeground.victims.models import Victim
box = Polygon.from_bbox((102.3, 10.4, 107.7, 14.7)); box.srid = 4326
AdminArea.objects.create(country="KHM", level=0, code="KHM", name="Cambodia", geom=MultiPolygon(box, srid=4326))
system = Actor.for_system("file test")
acc = services.create_accident(point=shapely.Point(103.05, 13.05), occurred_on=dt.date(2023, 5, 1),
                               accident_type="mine_erw", device_category="uxo")
people = json.loads(os.environ["PEOPLE"])
codes = []
for p in people:
    v = services.record_victim(accident=acc.code, outcome="injured", actor=system, name=p["name"],
                               address=p["address"], medical_notes=p["notes"], date_of_birth=dt.date(1990, 1, 2))
    codes.append(v.code)
first = Victim.objects.get(code=codes[0])
first = services.rectify(first, Actor.for_system("rectification on request"), name=os.environ["RECTIFIED"])
print(json.dumps({"codes": codes, "read_back": services._personal(first, services.crypto.keyring())["name"]}))
"""


def test_raw_database_file_holds_no_name_or_address(tmp_path, field_key):
    """A real SpatiaLite file is written by another process; its bytes are searched for the people's details."""
    db = tmp_path / "victims.sqlite"
    people = [
        {"name": "Chanthou Sreypeou", "address": "Phum Ou Angkrang, Battambang", "notes": "shrapnel in the left eye"},
        {"name": "Vuthy Kosalroth", "address": "Phum Svay Chrum, Pailin", "notes": "burns to both hands"},
    ]
    rectified = "Chanthou Sreypeou-Rectified"
    env = {
        **os.environ,
        "SAFEGROUND_DATABASE_URL": f"spatialite:///{db}",
        "SAFEGROUND_FIELD_KEY": field_key,
        "PEOPLE": json.dumps(people),
        "RECTIFIED": rectified,
    }
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["read_back"] == rectified  # the data is really there, and opens with the key
    raw = b"".join(p.read_bytes() for p in Path(tmp_path).glob("victims.sqlite*"))
    for code in out["codes"]:
        assert code.encode() in raw  # the search itself works: the pseudonymous codes are found
    for secret in [rectified] + [v for p in people for v in p.values()] + ["Chanthou", "Kosalroth", "Ou Angkrang"]:
        assert secret.encode("utf-8") not in raw, secret
        assert secret.encode("utf-16-le") not in raw, secret


@pytest.mark.parametrize("username", ["operator-cmac", "viewer"])
def test_operator_and_viewer_get_403_on_victim_details(client_as, victim, username):
    client = client_as(username)
    assert client.get(f"/api/v1/victims/{victim.code}").status_code == 403
    assert client.get("/api/v1/victims").status_code == 403
    response = personal(client, victim.code)
    assert response.status_code == 403
    assert "view_personal_data" in response.json()["detail"]
    assert NAME not in response.content.decode()
    # The refusal is recorded, with who and which record; nothing was shown.
    entry = AccessLog.objects.get(username=username)
    assert (entry.action, entry.victim_code) == ("denied", victim.code)


def test_im_officer_sees_pseudonymised_record_without_name(client_as, victim):
    client = client_as("im-officer")
    response = client.get(f"/api/v1/victims/{victim.code}")
    assert response.status_code == 200
    body = response.json()
    assert body["code"] == victim.code and body["outcome"] == "injured" and body["amputation"] is True
    assert NAME not in response.content.decode() and "name" not in body
    assert personal(client, victim.code).status_code == 403


def test_superuser_without_va_role_does_not_see_names(client_as, victim):
    response = personal(client_as("admin"), victim.code)
    assert response.status_code == 403
    assert not AccessLog.objects.filter(action="view").exists()


def test_va_officer_sees_names_and_each_view_is_audited(client_as, victim, accounts):
    client = client_as("va-officer")
    for n in (1, 2):
        response = personal(client, victim.code, purpose=f"{PURPOSE} #{n}")
        assert response.status_code == 200, response.content
        body = response.json()
        assert (body["name"], body["address"], body["medical_notes"]) == (NAME, ADDRESS, NOTES)
        assert body["date_of_birth"] == "1988-06-14"
        entries = list(AccessLog.objects.filter(action="view").order_by("at", "id"))
        assert len(entries) == n
        last = entries[-1]
        assert last.user == accounts["va-officer"] and last.victim == victim and last.channel == "api"
        assert last.purpose == f"{PURPOSE} #{n}" and "name" in last.fields
    # The audit is readable by the administrator, never by the VA officer who is audited.
    audit = client_as("admin").get(f"/api/v1/victims/access-log?victim={victim.code}")
    assert audit.status_code == 200 and [e["action"] for e in audit.json()] == ["view", "view"]
    assert client.get("/api/v1/victims/access-log").status_code == 403


@pytest.mark.parametrize("purpose", ["", "   ", "because"])
def test_views_need_a_stated_purpose(client_as, victim, purpose):
    response = personal(client_as("va-officer"), victim.code, purpose=purpose)
    assert response.status_code == 422
    assert response.json()["field"] == "purpose" and "state why" in response.json()["detail"]
    assert NAME not in response.content.decode()
    assert not AccessLog.objects.exists()


def test_export_of_personal_data_is_audited_per_person(client_as, victim, accident):
    other = services.record_victim(
        accident=accident.code, outcome="killed", actor=Actor.for_system("t"), name="Keo Bopharith", sex="male"
    )
    refused = client_as("viewer").post(
        "/api/v1/victims/export", {"purpose": "annual report to donors"}, content_type="application/json"
    )
    assert refused.status_code == 403 and NAME not in refused.content.decode()
    response = client_as("va-officer").post(
        "/api/v1/victims/export",
        {"purpose": "referral list for the rehabilitation centre", "format": "csv"},
        content_type="application/json",
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert NAME in text and "Keo Bopharith" in text and response["Cache-Control"] == "no-store"
    exported = AccessLog.objects.filter(action="export")
    assert sorted(exported.values_list("victim_code", flat=True)) == sorted([victim.code, other.code])
    assert set(exported.values_list("purpose", flat=True)) == {"referral list for the rehabilitation centre"}


def test_rectification_on_request_is_audited(client_as, victim):
    client = client_as("va-officer")
    before = victim.history.count()
    response = client.patch(
        f"/api/v1/victims/{victim.code}",
        {"purpose": "request of the person, letter 2024/17", "name": "Sokhim Vannarith", "sex": "female"},
        content_type="application/json",
        HTTP_IF_MATCH=f'"{victim.version}"',
    )
    assert response.status_code == 200, response.content
    assert response.json()["sex"] == "female"
    assert personal(client, victim.code).json()["name"] == "Sokhim Vannarith"
    entry = AccessLog.objects.get(action="rectify")
    assert entry.fields == ["name", "sex"] and entry.purpose == "request of the person, letter 2024/17"
    assert "Vannarith" not in json.dumps(entry.fields) + entry.purpose  # the audit holds no values
    assert victim.history.count() == before + 1
    assert victim.history.first().history_change_reason == "rectification on request"


def test_rectification_without_purpose_or_role_changes_nothing(client_as, victim):
    stored = Victim.objects.values_list("name_enc", "sex").get(pk=victim.pk)
    no_purpose = client_as("va-officer").patch(
        f"/api/v1/victims/{victim.code}",
        {"purpose": "", "name": "X Y"},
        content_type="application/json",
        HTTP_IF_MATCH=f'"{victim.version}"',
    )
    assert no_purpose.status_code == 422 and no_purpose.json()["field"] == "purpose"
    no_role = client_as("im-officer").patch(
        f"/api/v1/victims/{victim.code}",
        {"purpose": PURPOSE, "sex": "female"},
        content_type="application/json",
        HTTP_IF_MATCH=f'"{victim.version}"',
    )
    assert no_role.status_code == 403
    assert Victim.objects.values_list("name_enc", "sex").get(pk=victim.pk) == stored
    assert not AccessLog.objects.filter(action="rectify").exists()


def test_erasure_on_request_keeps_the_statistics(client_as, victim, accident):
    client = client_as("va-officer")
    services.add_assessment(victim, Actor.for_system("t"), assessed_on="2024-03-20", needs=["medical"], notes="x ray")
    stats_before = client.get("/api/v1/victims/statistics?by=outcome").json()
    refused = client_as("operator-cmac").post(
        f"/api/v1/victims/{victim.code}/erase", {"purpose": "request by phone"}, content_type="application/json"
    )
    assert refused.status_code == 403 and Victim.objects.get(pk=victim.pk).name_enc
    response = client.post(
        f"/api/v1/victims/{victim.code}/erase",
        {"purpose": "written request of the person, ref 2024/22"},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["personal_data_erased"] is True
    row = Victim.objects.get(pk=victim.pk)
    assert (row.name_enc, row.address_enc, row.date_of_birth_enc, row.medical_notes_enc) == ("", "", "", "")
    assert row.age_years is None and row.outcome == "injured"
    assert not row.assessments.exclude(notes_enc="").exists()
    assert client.get("/api/v1/victims/statistics?by=outcome").json() == stats_before
    assert AccessLog.objects.get(action="erase").purpose == "written request of the person, ref 2024/22"
    again = client.patch(
        f"/api/v1/victims/{victim.code}",
        {"purpose": PURPOSE, "name": NAME},
        content_type="application/json",
        HTTP_IF_MATCH=f'"{Victim.objects.get(pk=victim.pk).version}"',
    )
    assert again.status_code == 422 and "erased" in again.json()["detail"]


def test_access_log_is_append_only(client_as, victim):
    personal(client_as("va-officer"), victim.code)
    entry = AccessLog.objects.get()
    entry.purpose = "something else"
    with pytest.raises(ValueError, match="never changed"):
        entry.save()
    with pytest.raises(ValueError, match="never deleted"):
        entry.delete()
    assert AccessLog.objects.get().purpose == PURPOSE
