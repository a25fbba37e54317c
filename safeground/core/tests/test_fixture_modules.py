"""Each app's fixture module is registered in the root conftest, so its fixtures are found by name."""

from pathlib import Path

import conftest

ROOT = Path(conftest.__file__).parent


def test_every_app_fixture_module_is_a_registered_plugin():
    modules = {
        ".".join(path.relative_to(ROOT).with_suffix("").parts) for path in ROOT.glob("safeground/*/tests/fixtures.py")
    }
    assert modules, "no fixture modules found"
    assert modules - set(conftest.pytest_plugins) == set()
