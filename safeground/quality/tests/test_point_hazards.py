"""Quality checks with point hazards: checked as points (country, border, duplicates), never fed to the
polygon checks; a product filed under one is not "outside its hazard". In Testland (XTL)."""

import datetime as dt

import pytest
import shapely

from safeground.gazetteer import programmes
from safeground.gazetteer.tests.testland import build_testland
from safeground.hazards import services as hazard_services
from safeground.hazards.models import Hazard
from safeground.quality import queries

pytestmark = pytest.mark.django_db

SPOT = (-19.25, -29.5)


def make(geometry, **extra):
    return hazard_services.create_hazard(
        geometry=geometry, hazard_class="SHA", contamination_type="uxo", recorded_on=dt.date(2025, 2, 1), **extra
    )


def test_point_hazards_are_checked_as_points(db):
    build_testland()
    programmes.add_programme("XTL", name="Testland")
    first = make(shapely.Point(*SPOT))
    twin = make(shapely.Point(*SPOT))
    far = make(shapely.Point(-19.6, -29.4))
    field = make(shapely.box(-19.8, -29.6, -19.79, -29.59))
    # Moved into the sea behind the services' back (as old data may be): the checks find it.
    Hazard.objects.filter(pk=far.pk).update(point=shapely.Point(-20.3, -29.4).wkt)
    report = queries.run(country="XTL", fresh=True)
    assert report.checked["hazard"] == 4
    findings = {(f.check, f.code) for f in report.findings}
    assert findings == {("duplicate-geometry", twin.code), ("outside-country", far.code)}
    duplicate = next(f for f in report.findings if f.check == "duplicate-geometry")
    assert duplicate.message == f"same point as hazard {first.code}" and duplicate.related == [first.code]
    outside = next(f for f in report.findings if f.check == "outside-country")
    assert "outside Testland (XTL)" in outside.message and (outside.lon, outside.lat) == (-20.3, -29.4)
    assert field.code not in {f.code for f in report.findings}
