"""Hazard factories."""

import datetime as dt

import pytest
import shapely

from safeground.core.tests.fixtures import BATTAMBANG, square


@pytest.fixture
def hazard(user, organisation):
    """A confirmed hazard (CHA, AP mines) of about 0.19 km² in Battambang, reported by CMAC."""
    from safeground.hazards import services

    return services.create_hazard(
        geometry=shapely.geometry.shape(square(*BATTAMBANG, half_deg=0.002)),
        hazard_class="CHA",
        contamination_type="ap_mines",
        recorded_on=dt.date(2024, 1, 15),
        reporting_organisation="CMAC",
        user=user,
    )
