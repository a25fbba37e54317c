"""One name, one schema: the OpenAPI document names its components after the Python classes, so two apps'
schemas of the same name would silently share one description (one app's answers then fail to match
the document). Every documented component must describe the class of its name."""

from __future__ import annotations

import importlib
import pkgutil

from ninja import Schema

import safeground
from config.api import api


def _schemas() -> dict[str, list[str]]:
    for module in pkgutil.walk_packages(safeground.__path__, "safeground."):
        if (
            ".tests" not in module.name
            and ".migrations" not in module.name
            and module.name.endswith(("api", "schemas"))
        ):
            importlib.import_module(module.name)
    found: dict[str, list[str]] = {}
    todo = list(Schema.__subclasses__())
    while todo:
        cls = todo.pop()
        todo += cls.__subclasses__()
        where = f"{cls.__module__}.{cls.__qualname__}"  # a ModelSchema's generated twin has the same
        if cls.__module__.startswith("safeground.") and where not in found.get(cls.__name__, []):
            found.setdefault(cls.__name__, []).append(where)
    return found


def test_no_two_documented_schemas_share_a_name():
    components = api.get_openapi_schema()["components"]["schemas"]
    shared = {name: sorted(classes) for name, classes in _schemas().items() if name in components and len(classes) > 1}
    assert shared == {}
