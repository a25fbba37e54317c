"""Issue 20's must-show: the synthetic NG database migrated, on whichever target database the suite runs.

Counts reconcile exactly per table; every injected geocheck problem is on the report with the right
cause and action; repaired polygons are valid with areas within 0.01% of PostGIS's own computation on
the NG database (synthetic.py, geocheck-style SQL); changing 5 NG records and re-running adds exactly 5
history entries; victims' names are nowhere in clear in the target database."""

from __future__ import annotations

import uuid

import pytest
import shapely
from django.apps import apps
from django.db import connection

from safeground.hazards.models import Hazard
from safeground.imsma import schema, synthetic
from safeground.imsma.migrate import migrate
from safeground.imsma.models import MigratedRecord
from safeground.imsma.reconcile import Reconciliation
from safeground.imsma.tests.conftest import BBOX
from safeground.imsma.tests.ngdb import ADMIN_URL

pytestmark = pytest.mark.django_db

#: What becomes of a record carrying each injected problem: its geometry repaired, the record refused,
#: or the problem reported with the record kept.
ACTION = {
    "duplicate-consecutive-points": "repaired",
    "ring-not-closed": "repaired",
    "self-intersection": "repaired",
    "too-few-vertices": "refused",
    "far-apart-points": "refused",
    "traverse-mismatch": "reported",
    "duplicate-localid": "reported",
}


@pytest.fixture(scope="module")
def synthetic_ng():
    name = f"sg_ngsyn_{uuid.uuid4().hex[:10]}"
    url = synthetic.create_database(ADMIN_URL, name)
    try:
        yield url, synthetic.build(url, bbox=BBOX, seed=1)
    finally:
        synthetic.drop_database(ADMIN_URL, name)


def history_rows() -> int:
    """Every history row of every model that keeps one."""
    return sum(m.objects.count() for m in apps.get_models() if m.__name__.startswith("Historical"))


def text_columns() -> list[tuple[str, str]]:
    """(table, column) of every text-like column of the target database."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' "
                "AND data_type IN ('text', 'character varying', 'jsonb', 'json')"
            )
            return list(cursor.fetchall())
        found = []
        tables = [t for t in connection.introspection.table_names(cursor) if not t.startswith(("sqlite_", "idx_"))]
        for table in tables:
            cursor.execute(f'PRAGMA table_info("{table}")')
            found += [
                (table, c[1])
                for c in cursor.fetchall()
                if any(k in (c[2] or "").upper() for k in ("CHAR", "TEXT", "JSON"))
            ]
        return found


def occurrences(needle: str) -> list[str]:
    hits = []
    with connection.cursor() as cursor:
        for table, column in text_columns():
            cursor.execute(f'SELECT count(*) FROM "{table}" WHERE CAST("{column}" AS TEXT) LIKE %s', [f"%{needle}%"])
            if cursor.fetchone()[0]:
                hits.append(f"{table}.{column}")
    return hits


def test_the_synthetic_ng_database_migrates_reconciles_and_reruns(ng_country, synthetic_ng):
    url, manifest = synthetic_ng
    run = migrate(url, country=ng_country)
    report = Reconciliation.from_dict(run.report)

    # Counts reconcile exactly, per table, and every kind of record came across.
    for table in schema.RECORDS:
        counts = report.tables[table]
        assert counts.read == manifest.counts[table], table
        assert counts.balanced, (table, counts)
        assert counts.migrated + counts.merged > 0, (table, counts)
    assert report.balanced()

    # Every injected problem is reported, with the right cause and what was done.
    for cause, records in manifest.problems.items():
        for table, guid in records:
            found = [p for p in report.problems if p.guid == guid and p.cause == cause]
            assert found, (cause, table, guid)
            if cause in ACTION:
                assert {p.action for p in found} == {ACTION[cause]}, (cause, table, guid, found)
    for _table, guid in manifest.problems["no-geometry"]:
        outcome = [p for p in report.problems if p.guid == guid]
        assert outcome and outcome[0].action in ("refused", "reported"), outcome  # hazards need one, work not

    # Repaired polygons are valid, with the area PostGIS computes on the NG side (within 0.01%).
    repaired = {
        g
        for c in ("self-intersection", "duplicate-consecutive-points", "ring-not-closed")
        for t, g in manifest.problems[c]
        if t == "hazard"
    }
    assert repaired
    for guid in repaired:
        hazard = Hazard.objects.get(source_id=guid)
        assert shapely.from_wkb(bytes(hazard.geom.wkb)).is_valid
        assert hazard.area_m2 == pytest.approx(manifest.hazard_area_m2[guid], rel=1e-4), guid
    for guid, area in manifest.hazard_area_m2.items():
        assert Hazard.objects.get(source_id=guid).area_m2 == pytest.approx(area, rel=1e-4), guid

    # The report's NG figures are PostGIS's; SafeGround's match where nothing was refused.
    totals = {(t.name, t.key): t for t in report.totals}
    for status, figures in manifest.hazards_by_status.items():
        assert totals[("hazards by status", status)].source == figures["count"]
        assert totals[("hazard area by status", status)].target == pytest.approx(figures["area_m2"], rel=1e-4)
    for model, quantity in manifest.devices_by_model.items():
        assert totals[("devices by ordnance model", model)].source == quantity

    # Re-running after 5 NG records changed: exactly 5 history entries, 5 updates, nothing new.
    before, hazards = history_rows(), Hazard.objects.count()
    # Five records that came across (a refused one has nothing to update): three hazards, two products.
    migrated = MigratedRecord.objects.filter(status="migrated").order_by("localid", "guid")
    picks = [("hazard", t.guid) for t in migrated.filter(table="hazard")[:3]]
    picks += [("hazreduc", t.guid) for t in migrated.filter(table="hazreduc", target_type__model="product")[:2]]
    changed = synthetic.change_records(url, records=picks)
    again = Reconciliation.from_dict(migrate(url, country=ng_country).report)
    assert history_rows() - before == 5
    assert sum(c.updated for c in again.tables.values()) == 5
    assert sum(c.migrated for c in again.tables.values()) == 0 and Hazard.objects.count() == hazards
    for table in {t for t, _g in changed}:
        assert again.tables[table].updated == sum(1 for t, _g in changed if t == table), table

    # Victims' personal data: nowhere in clear in the target database (records, history, trace, reports).
    assert manifest.victim_names
    for name in manifest.victim_names:
        assert occurrences(name) == [], name
        surname = name.split()[-1]
        assert occurrences(surname) == [], surname
