"""Testland (XTL) as the exporting programme: three hazards, an accident with victims, a signing key
and a partner whose key is this installation's own (one database plays both sides)."""

import datetime as dt

import pytest
import shapely


def square(lon: float, lat: float, half: float = 0.002) -> shapely.Polygon:
    return shapely.box(lon - half, lat - half, lon + half, lat + half)


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def land(db):
    from safeground.gazetteer import programmes
    from safeground.gazetteer.tests.testland import build_testland
    from safeground.hazards import services as hazards

    areas = build_testland()
    programmes.add_programme("XTL", name="Testland")
    made = [
        hazards.create_hazard(
            geometry=square(lon, lat),
            hazard_class=cls,
            contamination_type=kind,
            recorded_on=dt.date(2024, 3, 1),
        )
        for lon, lat, cls, kind in [
            (-19.75, -29.6, "SHA", "uxo"),
            (-19.25, -29.6, "CHA", "ap_mines"),
            (-19.3, -29.8, "SHA", "axo"),
        ]
    ]
    return {"areas": areas, "hazards": made}


@pytest.fixture
def key(tmp_path, monkeypatch):
    """This installation's signing key, in a temporary folder: (private path, public line, fingerprint)."""
    from safeground.core import packages

    monkeypatch.setenv(packages.KEY_ENV, str(tmp_path / "keys" / "signing-key.pem"))
    private, public, fingerprint = packages.generate_key(tmp_path / "keys")
    return private, public.read_text().strip(), fingerprint


@pytest.fixture
def partner(db):
    from safeground.cooperation import services

    return services.create_partner(code="XPA", name="Partner authority", kind="national_authority")


@pytest.fixture
def package(land, key, partner, tmp_path):
    """A package of Testland for XPA under the 10 km grid, and its bytes."""
    from safeground.exchange import services

    out = tmp_path / "xtl.sgx"
    log = services.export_package(partner="XPA", policy="grid-10km", out=out, programme="XTL")
    return {"path": out, "bytes": out.read_bytes(), "log": log}


@pytest.fixture
def trusted(package, key, partner):
    """The package's signer registered as XPA's key (the receiving side's step)."""
    from safeground.exchange import services

    return services.trust_key(partner="XPA", key=key[1])
