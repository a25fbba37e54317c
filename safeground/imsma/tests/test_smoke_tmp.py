import datetime as dt
import uuid

import pytest

from safeground.hazards.models import Hazard
from safeground.imsma.migrate import migrate

pytestmark = pytest.mark.django_db


def test_smoke(ng_country, ngdb):
    g = str(uuid.uuid4())
    ngdb.insert(
        "hazard",
        hazard_guid=g,
        hazard_localid="HAZ-1",
        hazard_name="North field",
        hazardtypeenum_guid=ngdb.enum("Hazard Type", "Confirmed Hazardous Area"),
        status_guid=ngdb.enum("Status", "Active"),
        dangerousareatype_guid=ngdb.enum("DA", "Minefield"),
        date_of_report=dt.datetime(2012, 5, 1),
        dataentrydate=dt.datetime(2012, 5, 2),
        dataenterer="jdoe",
    )
    ngdb.insert(
        "hazardinfoversion",
        hazardinfoversion_guid=str(uuid.uuid4()),
        hazard_guid=g,
        hazard_localid="HAZ-1",
        hazard_name="Old name",
        dataentrydate=dt.datetime(2011, 1, 1),
        dataenterer="asmith",
    )
    ngdb.shape("hazard", g, [(-24.5, -34.5), (-24.49, -34.5), (-24.49, -34.49), (-24.5, -34.49), (-24.5, -34.5)])
    run = migrate(ngdb.url, country="XNG")
    print(run.report)
    h = Hazard.objects.get(source_id=g)
    assert h.hazard_class == "CHA" and h.status == "open" and h.contamination_type == "ap_mines"
    assert h.history.count() == 2
    run2 = migrate(ngdb.url, country="XNG")
    assert run2.report["tables"]["hazard"]["unchanged"] == 1
