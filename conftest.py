"""Test set-up shared by every app: the reference gazetteer is loaded once per test session.

Run the suite on either database by setting SAFEGROUND_DATABASE_URL (see the Makefile's `test`).
"""

import pytest
from django.conf import settings

#: Fixture modules, one per app (as Saleor does): any test may use any fixture by name.
pytest_plugins = [
    "safeground.core.tests.fixtures",
    "safeground.core.tests.live",
    "safeground.core.tests.openapi",
    "safeground.organisations.tests.fixtures",
    "safeground.hazards.tests.fixtures",
    "safeground.operations.tests.fixtures",
    "safeground.qm.tests.fixtures",
    "safeground.library.tests.fixtures",
]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the real Cambodian and Azerbaijani gazetteer into the test database once."""
    from safeground.gazetteer.loaders import load_reference

    with django_db_blocker.unblock():
        load_reference(settings.SHARED_DATA_DIR, report=lambda message: None)


@pytest.fixture(scope="session", autouse=True)
def _attachments_in_a_temporary_folder(tmp_path_factory):
    """Attachments written by tests go to a folder of the test session, never to var/media."""
    from django.test import override_settings

    storages = {**settings.STORAGES}
    location = str(tmp_path_factory.mktemp("attachments"))
    storages["attachments"] = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": location},
    }
    with override_settings(STORAGES=storages):
        yield location


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language: a request leaves the language it chose active in the
    thread (LocaleMiddleware), and a later test's command would otherwise print in it."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fresh_gazetteer_caches():
    from safeground.gazetteer.queries import clear_caches

    clear_caches()
    yield
    clear_caches()


@pytest.fixture(autouse=True)
def _fresh_rate_limits(monkeypatch):
    """Each test counts its requests afresh: the suite's clients all share one address, so counts
    carried over from earlier tests would refuse later ones (core/ratelimit.py)."""
    import uuid

    from safeground.core import ratelimit

    monkeypatch.setattr(ratelimit, "KEY_PREFIX", f"sg-rate-{uuid.uuid4().hex}")
