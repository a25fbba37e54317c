"""Fixtures of the victims tests: a field key from the environment, an accident and victims."""

import base64
import datetime as dt
import os

import pytest
import shapely

from safeground.core import crypto
from safeground.core.tests.fixtures import BATTAMBANG

NAME = "Sokhim Vannaroth"  # distinctive, so a byte search can't find it by chance
ADDRESS = "Phum Kbal Damrei, Khum Treng"
NOTES = "Below-knee amputation, left leg"


def new_key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


@pytest.fixture(autouse=True)
def field_key(monkeypatch, tmp_path):
    """Every test gets its own key from SAFEGROUND_FIELD_KEY; no development key file is ever written."""
    key = new_key()
    monkeypatch.delenv(crypto.ENV_KEY_FILE, raising=False)
    monkeypatch.delenv(crypto.ENV_OLD_KEYS, raising=False)
    monkeypatch.setenv(crypto.ENV_KEY, key)
    monkeypatch.chdir(tmp_path)  # a stray development key would land here, not in the repository
    crypto.reset()
    yield key
    crypto.reset()


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """The demo accounts hash seven passwords per test: a fast hasher keeps the suite quick."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def accident(hazard):
    from safeground.victims import services

    return services.create_accident(
        point=shapely.Point(*BATTAMBANG),
        occurred_on=dt.date(2024, 3, 2),
        accident_type="mine_erw",
        device_category="ap_mine",
    )


@pytest.fixture
def victim(accident):
    from safeground.victims import services
    from safeground.victims.access import Actor

    return services.record_victim(
        accident=accident.code,
        outcome="injured",
        actor=Actor.for_system("test set-up"),
        name=NAME,
        date_of_birth=dt.date(1988, 6, 14),
        address=ADDRESS,
        medical_notes=NOTES,
        sex="male",
        injuries=["lower_limb_amputation"],
        victim_type="civilian",
        activity="farming",
        needs=["medical", "rehabilitation"],
    )


def add_victims(accident, n: int, **plain) -> list:
    """n more victims of the accident (system actor), e.g. to fill statistics cells."""
    from safeground.victims import services
    from safeground.victims.access import Actor

    return [
        services.record_victim(
            accident=accident.code,
            actor=Actor.for_system("test set-up"),
            name=f"Person {i}",
            **{"outcome": "injured", **plain},
        )
        for i in range(n)
    ]
