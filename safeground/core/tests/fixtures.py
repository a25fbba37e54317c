"""Factories shared by every app's tests (listed in the root conftest's pytest_plugins)."""

import datetime as dt

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
def user(django_user_model):
    """An information management officer (national role: reads everything, writes domain records)."""
    from safeground.organisations.roles import assign_role

    account = django_user_model.objects.create_user(username="im-officer", password="x-not-used-x")
    assign_role(account, "im_officer")
    return account


@pytest.fixture
def signed_in(user):
    """A test client signed in as `user` (an IM officer): pages need an account, see core.access."""
    from django.test import Client

    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def client_for(db, django_user_model):
    """Factory: a test client signed in with a new account holding `role` (operators need an organisation).

    `client_for("viewer")`, `client_for("operator", organisation=cmac)`; the account is `client.user`.
    """
    from django.test import Client

    from safeground.organisations.roles import assign_role

    def make(role: str, organisation=None, username: str | None = None) -> Client:
        name = username or f"{role}-{organisation.acronym.lower() if organisation else 'national'}"
        account, _ = django_user_model.objects.get_or_create(username=name)
        assign_role(account, role, organisation)
        signed_in = Client()
        signed_in.force_login(account)
        signed_in.user = account
        return signed_in

    return make


@pytest.fixture
def token(user) -> str:
    return ApiToken.issue(user, name="tests")[1]


@pytest.fixture
def api(client, token):
    """A Django test client that sends the bearer token."""
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return client


@pytest.fixture
def organisation():
    from safeground.organisations.models import Organisation

    return Organisation.objects.create(
        name="Cambodian Mine Action Centre", acronym="CMAC", kind="operator", country="KHM"
    )


@pytest.fixture
def hazard(user, organisation):
    from safeground.hazards import services

    return services.create_hazard(
        geometry=shapely.geometry.shape(square(*BATTAMBANG, half_deg=0.002)),
        hazard_class="CHA",
        contamination_type="ap_mines",
        recorded_on=dt.date(2024, 1, 15),
        reporting_organisation="CMAC",
        user=user,
    )


@pytest.fixture
def activity(hazard, organisation):
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
