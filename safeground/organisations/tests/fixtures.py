"""Factories of organisations, teams and assets, and of accounts holding a role (a role ties a user to one)."""

import datetime as dt

import pytest


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
def organisation():
    from safeground.organisations.models import Organisation

    return Organisation.objects.create(
        name="Cambodian Mine Action Centre", acronym="CMAC", kind="operator", country="KHM"
    )


@pytest.fixture
def team(organisation):
    """A dog team of `organisation` with one dog (D-101, "Rex") and one detector."""
    from safeground.organisations.models import Asset, Team

    t = Team.objects.create(organisation=organisation, code="CMAC-MDD-T1", kind="mdd", size=4)
    Asset.objects.create(kind="dog", identifier="D-101", name="Rex", team=t)
    Asset.objects.create(kind="detector", identifier="DET-9", team=t)
    return t


@pytest.fixture
def accredited(organisation):
    """`organisation` accredited for manual clearance through 2024."""
    from safeground.organisations import services

    return services.accredit_organisation(
        organisation, "manual", dt.date(2024, 1, 1), dt.date(2024, 12, 31), issuing_authority="CMAA"
    )


@pytest.fixture
def accounts(db, settings, user, organisation):
    """The demo sign-ins (admin, im-officer, …, va-officer) by username; the `user` fixture (im-officer) comes first."""
    from safeground.organisations.models import Organisation
    from safeground.organisations.roles import ensure_demo_accounts

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # seven hashes: keep them fast
    Organisation.objects.get_or_create(
        acronym="ANAMA", defaults={"name": "ANAMA", "kind": "authority", "country": "AZE"}
    )
    return ensure_demo_accounts()


@pytest.fixture
def client_as(accounts):
    """client_as("viewer") → a test client sending that demo account's bearer token."""
    from django.test import Client

    from safeground.core.models import ApiToken

    def make(username: str) -> Client:
        c = Client()
        c.defaults["HTTP_AUTHORIZATION"] = f"Bearer {ApiToken.issue(accounts[username], name='tests')[1]}"
        return c

    return make
