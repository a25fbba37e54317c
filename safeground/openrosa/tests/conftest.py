import pytest


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_cache():
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def field_key(monkeypatch):
    """A field key of the test's own (Digest's HA1 is stored encrypted with it)."""
    from safeground.core import crypto

    monkeypatch.setenv(crypto.ENV_KEY, crypto.generate_key())
    crypto.reset()
    yield
    crypto.reset()
