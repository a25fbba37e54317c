"""Activity factories."""

import datetime as dt

import pytest


@pytest.fixture
def activity(hazard, organisation):
    """An ongoing manual clearance activity of `organisation` on `hazard`."""
    from safeground.operations.models import Activity

    act = Activity.objects.create(
        code="KH-CLR-TEST-1",
        activity_type="clearance",
        organisation=organisation,
        methods=["manual"],
        reference_point=hazard.geom.centroid,
        country="KHM",
        start_date=dt.date(2024, 2, 1),
        status="ongoing",
    )
    act.hazards.add(hazard)
    return act
