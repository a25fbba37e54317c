"""Field sync on one installation playing both sides: the laptop's tables and the server's are apart, so
a package exported here can be imported here (Testland, the third country of qm_world)."""

import datetime as dt

import pytest
import shapely


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def keys(tmp_path):
    """The laptop's and the server's keys: name → (private key, public line)."""
    from safeground.core import packages

    out = {}
    for name in ("laptop", "server", "stranger"):
        private, public, _fp = packages.generate_key(tmp_path / name)
        out[name] = (packages.load_private(private), public.read_text().strip())
    return out


@pytest.fixture
def office(qm_world, keys):
    """Laptop: field office TDO-FO1 from a moment ago. Server: the same office registered, submitting as op-tdo."""
    from safeground.fieldsync import services

    services.init_office(code="TDO-FO1", organisation="TDO")  # its baseline: now, after the seed
    services.trust_server(keys["server"][1])
    return services.add_office(
        code="TDO-FO1", name="Field office 1", organisation="TDO", key=keys["laptop"][1], account="op-tdo"
    )


@pytest.fixture
def laptop_changes(qm_world, office):
    """A new hazard and a changed product, recorded on the laptop after its baseline."""
    from safeground.hazards.services import create_hazard
    from safeground.landrelease import services as release

    product = release.update_product(qm_world["product"], clearance_depth_cm=30)
    hazard = create_hazard(
        geometry=shapely.box(-19.7, -29.7, -19.699, -29.699),
        hazard_class="SHA",
        contamination_type="ap_mines",
        recorded_on=dt.date(2025, 1, 10),
        reporting_organisation="TDO",
        name="Seen by the field office",
    )
    return {"product": product, "hazard": hazard}
