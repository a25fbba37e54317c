"""One module per NG table family; `KINDS` maps each NG table to the module that migrates it."""

from __future__ import annotations

import importlib
from types import ModuleType

#: NG table → module (under safeground.imsma.kinds) with `ENUMS` and `migrate(run, table)`.
MODULES = {
    "organisation": "organisations",
    "gazetteer": "places",
    "place": "places",
    "location": "places",
    "ordnance": "ordnance",
    "hazard": "hazards",
    "hazreduc": "reductions",
    "hazreducdeviceinfo": "reductions",
    "accident": "accidents",
    "victim": "accidents",
    "victim_assistance": "accidents",
    "mre": "eore",
    "qa": "qa",
    "task": "tasks",
}


def module(table: str) -> ModuleType:
    return importlib.import_module(f"safeground.imsma.kinds.{MODULES[table]}")


def enums() -> dict[tuple[str, str], tuple[str, list]]:
    """Every value-list column a kind maps: (table, column) → (SafeGround field, choices)."""
    found: dict[tuple[str, str], tuple[str, list]] = {}
    for name in sorted(set(MODULES.values())):
        found.update(importlib.import_module(f"safeground.imsma.kinds.{name}").ENUMS)
    return found
