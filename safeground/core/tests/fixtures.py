"""Fixtures and helpers every app's tests share: test geometry and API clients.

Each app keeps its own factories in `<app>/tests/fixtures.py` (accounts and organisations in
`organisations`, hazards in `hazards`, activities in `operations`); the root conftest lists them all
in `pytest_plugins`, so any test can ask for any fixture by name.
"""

import pytest
import shapely

from safeground.core.models import ApiToken


def square(lon: float, lat: float, half_deg: float = 0.001) -> dict:
    """A GeoJSON square polygon centred on (lon, lat); 0.001° ≈ 110 m."""
    return shapely.geometry.mapping(shapely.box(lon - half_deg, lat - half_deg, lon + half_deg, lat + half_deg))


# A point well inside Battambang province, Cambodia, and one in Fuzuli rayon, Azerbaijan.
BATTAMBANG = (103.05, 13.05)
FUZULI = (47.15, 39.55)


@pytest.fixture
def token(user) -> str:
    """A bearer token of `user` (the IM officer from the organisations fixtures)."""
    return ApiToken.issue(user, name="tests")[1]


@pytest.fixture
def api(client, token):
    """A Django test client that sends the bearer token."""
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return client
