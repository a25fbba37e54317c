"""`safeground backup` / `safeground restore` on the database the suite runs on (SpatiaLite or PostGIS).

pg_dump cannot see a test's open transaction, so these tests are transactional: they commit, and
pytest-django empties every table after each one, the gazetteer the other tests rely on included.
So the module first backs up the test database as it was (gazetteer loaded) and restores it, with
the commands under test, before each test and once after the last (checked by checksum).
"""

import datetime as dt
import json

import pytest
import shapely
from django.core.management import call_command
from django.core.management.base import CommandError

from config.backup import fingerprint, manifest, postgres
from config.backup.errors import BackupError
from safeground.core.tests.fixtures import BATTAMBANG, square

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="module")
def before(django_db_setup, django_db_blocker, tmp_path_factory):
    """A backup of the test database as the session set it up; restored once the module is done."""
    path = tmp_path_factory.mktemp("before") / "before.backup"
    with django_db_blocker.unblock():
        call_command("backup", str(path))
    yield path
    with django_db_blocker.unblock():
        call_command("restore", str(path), force=True)
        assert fingerprint.take().checksum == _manifest(path)["checksum"]


@pytest.fixture
def committed(before):
    """The test database as the session set it up (the previous test's flush emptied it)."""
    call_command("restore", str(before), force=True)


def _records():
    """A hazard with a product and an organisation, written through the services (the ledger too)."""
    from django.contrib.auth import get_user_model

    from safeground.hazards import services as hazards
    from safeground.landrelease import services as landrelease
    from safeground.operations.models import Activity
    from safeground.organisations.models import Organisation

    user = get_user_model().objects.create_user(username="backup-officer", password="x-not-used-x")
    org = Organisation.objects.create(name="Backup Test Operator", acronym="BTO", kind="operator", country="KHM")
    hazard = hazards.create_hazard(
        geometry=shapely.geometry.shape(square(*BATTAMBANG, half_deg=0.002)),
        hazard_class="CHA",
        contamination_type="ap_mines",
        recorded_on=dt.date(2024, 1, 15),
        reporting_organisation="BTO",
        user=user,
    )
    activity = Activity.objects.create(
        code="KH-CLR-BACKUP-1",
        activity_type="clearance",
        organisation=org,
        methods=["manual"],
        reference_point=hazard.geom.centroid,
        country="KHM",
        start_date=dt.date(2024, 2, 1),
        status="ongoing",
    )
    activity.hazards.add(hazard)
    landrelease.create_product(
        activity=activity.code,
        hazard=hazard.code,
        outcome="cleared",
        geometry=shapely.geometry.shape(square(*BATTAMBANG, half_deg=0.001)),
        released_on=dt.date(2024, 3, 1),
        clearance_depth_cm=20,
        user=user,
    )
    return hazard


def _manifest(path):
    return json.loads(manifest.path_for(path).read_text())


def test_round_trip_restores_every_row_and_verifies(committed, tmp_path, capsys):
    from safeground.hazards import services as hazards
    from safeground.hazards.models import Hazard
    from safeground.landrelease.ledger import store
    from safeground.landrelease.models import Product

    hazard = _records()
    out = tmp_path / "sg.backup"
    call_command("backup", str(out))
    saved = _manifest(out)
    assert saved["rows"] == sum(t["rows"] for t in saved["tables"].values())
    assert saved["tables"]["hazards_hazard"]["rows"] == Hazard.objects.count()
    assert saved["ledger_problems"] == []

    area = hazard.area_m2
    hazards.update_hazard(hazard, geometry=shapely.geometry.shape(square(*BATTAMBANG, half_deg=0.003)))
    hazards.create_hazard(
        geometry=shapely.geometry.shape(square(BATTAMBANG[0] + 0.02, BATTAMBANG[1], half_deg=0.001)),
        hazard_class="SHA",
        contamination_type="uxo",
        recorded_on=dt.date(2024, 5, 1),
    )
    Product.objects.filter(hazard=hazard).delete()
    assert fingerprint.take().checksum != saved["checksum"]

    with pytest.raises(CommandError, match="holds data: pass --force"):
        call_command("restore", str(out))
    capsys.readouterr()
    call_command("restore", str(out), force=True)
    assert "verified" in capsys.readouterr().out

    now = fingerprint.take()
    assert now.checksum == saved["checksum"]
    assert {name: t["rows"] for name, t in now.tables.items()} == {
        name: t["rows"] for name, t in saved["tables"].items()
    }
    assert store.verify() == []
    assert Product.objects.filter(hazard__code=hazard.code).count() == 1
    assert Hazard.objects.get(code=hazard.code).area_m2 == area != hazard.area_m2

    call_command("restore", str(out), check=True)
    assert "is identical to it" in capsys.readouterr().out


def test_a_manifest_that_does_not_match_the_restored_rows_is_reported(committed, tmp_path, capsys):
    out = tmp_path / "sg.backup"
    call_command("backup", str(out))
    data = _manifest(out)
    data["tables"]["hazards_hazard"]["rows"] += 1
    data["rows"] += 1
    data["checksum"] = fingerprint.Fingerprint.from_dict(data).checksum
    manifest.path_for(out).write_text(json.dumps(data))

    with pytest.raises(CommandError) as refused:
        call_command("restore", str(out), force=True)
    message = str(refused.value)
    assert "differs from the manifest" in message
    rows = data["tables"]["hazards_hazard"]["rows"]
    assert f"hazards_hazard: {rows - 1} rows, the backup has {rows}" in message
    assert message.count("\n") == 1  # that table and nothing else

    call_command("restore", str(out), check=True)
    assert "hazards_hazard" in capsys.readouterr().out


def _unchanged(action, message: str) -> None:
    before = fingerprint.take().checksum
    with pytest.raises(CommandError, match=message):
        action()
    assert fingerprint.take().checksum == before


def test_a_damaged_backup_or_manifest_is_refused_before_anything_changes(committed, tmp_path):
    out = tmp_path / "sg.backup"
    call_command("backup", str(out))
    good = manifest.path_for(out).read_text()

    edited = json.loads(good)
    edited["tables"]["hazards_hazard"]["rows"] += 1
    manifest.path_for(out).write_text(json.dumps(edited))
    _unchanged(lambda: call_command("restore", str(out), force=True), "is inconsistent: its tables do not add up")

    manifest.path_for(out).write_text("{not json")
    _unchanged(
        lambda: call_command("restore", str(out), force=True), f"manifest {manifest.path_for(out)} is unreadable"
    )

    manifest.path_for(out).unlink()
    _unchanged(lambda: call_command("restore", str(out), force=True), f"no manifest {manifest.path_for(out)} beside")

    manifest.path_for(out).write_text(good)
    with out.open("r+b") as f:
        f.seek(out.stat().st_size // 2)
        byte = f.read(1)
        f.seek(-1, 1)
        f.write(bytes([byte[0] ^ 0xFF]))
    _unchanged(
        lambda: call_command("restore", str(out), force=True), r"does not match its manifest .* \(SHA-256 differs\)"
    )


def test_bad_paths_are_refused_with_their_name(committed, tmp_path):
    from django.db import connection

    missing = tmp_path / "missing.backup"
    _unchanged(lambda: call_command("restore", str(missing), force=True), f"no such backup file: {missing}")
    _unchanged(lambda: call_command("restore", str(tmp_path), force=True), f"not a file: {tmp_path}")

    text = tmp_path / "notes.txt"
    text.write_text("hello")
    _unchanged(lambda: call_command("restore", str(text), force=True), f"{text} is not a SafeGround backup")

    other = tmp_path / "other.backup"
    if connection.vendor == "postgresql":
        other.write_bytes(b"SQLite format 3\x00" + bytes(100))
        expected = f"{other} is a SpatiaLite database, but the database in use is PostgreSQL"
    else:
        other.write_bytes(b"PGDMP" + bytes(100))
        expected = f"{other} is a pg_dump custom-format archive, but the database in use is SpatiaLite"
    _unchanged(lambda: call_command("restore", str(other), force=True), expected)

    nowhere = tmp_path / "no-such-folder" / "x.backup"
    with pytest.raises(CommandError, match=f"no such folder: {nowhere.parent}"):
        call_command("backup", str(nowhere))
    with pytest.raises(CommandError, match=f"{text} exists: pass --force"):
        call_command("backup", str(text))
    assert text.read_text() == "hello"


@pytest.mark.django_db(transaction=False)
def test_a_missing_pg_dump_is_named(monkeypatch):
    monkeypatch.setenv("PATH", "/nowhere")
    with pytest.raises(BackupError, match=r"pg_dump not found on PATH \(/nowhere\)"):
        postgres._program("pg_dump")
