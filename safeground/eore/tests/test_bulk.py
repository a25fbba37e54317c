"""eore.services.bulk_create_sessions (the demo's path): create_session's checks on every row, one batch."""

import datetime as dt
import uuid

import pytest
from django.contrib.gis.geos import Point

from safeground.core.errors import BulkValidationFailed
from safeground.core.tests.fixtures import BATTAMBANG
from safeground.eore import services
from safeground.eore.models import Session

pytestmark = pytest.mark.django_db


def _session(organisation, code, **kw):
    fields = dict(
        code=code,
        held_on=dt.date(2025, 3, 1),
        organisation=organisation,
        method="community",
        audience="general",
        country="KHM",
        point=Point(*BATTAMBANG, srid=4326),
        girls=1,
        boys=2,
        women=3,
        men=4,
    )
    return Session(**{**fields, **kw})


def test_sessions_and_links_written_in_one_batch(organisation, hazard):
    rows = [_session(organisation, "KH-EORE-000001"), _session(organisation, "KH-EORE-000002")]
    assert services.bulk_create_sessions(rows, [[hazard.pk], []], reason="test") == 2
    first = Session.objects.get(code="KH-EORE-000001")
    assert list(first.hazards.all()) == [hazard] and first.batch.rows == 2
    assert not Session.history.exists()  # bulk rows carry their batch instead (decision 0015)


def test_bad_rows_are_named_and_nothing_is_written(organisation, hazard):
    rows = [
        _session(organisation, "KH-EORE-000001"),
        _session(organisation, "KH-EORE-000002", girls=0, boys=0, women=0, men=0),
        _session(organisation, "KH-EORE-000003", point=None),
        _session(organisation, "KH-EORE-000004", held_on=dt.date.today() + dt.timedelta(days=3)),
        _session(organisation, "KH-EORE-000005", method="carrier pigeon"),
    ]
    with pytest.raises(BulkValidationFailed) as err:
        services.bulk_create_sessions(rows, [[hazard.pk], [], [], [], [uuid.uuid4()]])
    found = {(e.row, e.field) for e in err.value.errors}
    assert {(2, "girls"), (3, "point"), (4, "held_on"), (5, "method"), (5, "hazards")} <= found
    assert "session KH-EORE-000002: a session reaches at least one person" in str(err.value)
    assert not Session.objects.exists() and not Session.hazards.through.objects.exists()


def test_existing_code_is_refused(organisation):
    services.bulk_create_sessions([_session(organisation, "KH-EORE-000001")])
    with pytest.raises(BulkValidationFailed, match="session with code 'KH-EORE-000001' already exists"):
        services.bulk_create_sessions([_session(organisation, "KH-EORE-000001")])
    assert Session.objects.count() == 1


def test_delete_synthetic_leaves_real_sessions(organisation):
    services.bulk_create_sessions(
        [_session(organisation, "KH-EORE-000001"), _session(organisation, "KH-EORE-000002", is_synthetic=True)]
    )
    services.delete_synthetic()
    assert list(Session.objects.values_list("code", flat=True)) == ["KH-EORE-000001"]
