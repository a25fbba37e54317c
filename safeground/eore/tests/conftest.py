import pytest

from safeground.core.models import ApiToken


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def client_as(db, user, organisation):
    """client_as("operator-cmac") → a test client with that demo account's bearer token."""
    from django.test import Client

    from safeground.organisations.models import Organisation
    from safeground.organisations.roles import ensure_demo_accounts

    Organisation.objects.get_or_create(
        acronym="ANAMA", defaults={"name": "ANAMA", "kind": "authority", "country": "AZE"}
    )
    accounts = ensure_demo_accounts()

    def make(username: str):
        c = Client()
        c.defaults["HTTP_AUTHORIZATION"] = f"Bearer {ApiToken.issue(accounts[username])[1]}"
        return c

    return make
