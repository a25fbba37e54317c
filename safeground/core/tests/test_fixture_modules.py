"""Each app's fixture module is registered in the root conftest, so its fixtures are found by name."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def _root_conftest():
    """The repository's root conftest.py, read by path: `import conftest` may find tests/conftest.py."""
    spec = importlib.util.spec_from_file_location("root_conftest", ROOT / "conftest.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_app_fixture_module_is_a_registered_plugin():
    conftest = _root_conftest()
    modules = {
        ".".join(path.relative_to(ROOT).with_suffix("").parts) for path in ROOT.glob("safeground/*/tests/fixtures.py")
    }
    assert modules, "no fixture modules found"
    assert modules - set(conftest.pytest_plugins) == set()
