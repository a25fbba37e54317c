"""Fixtures of the EORE tests (the demo accounts and `client_as` come from organisations/tests/fixtures.py)."""

import pytest


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
