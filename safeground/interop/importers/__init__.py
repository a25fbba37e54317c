"""Importing records from a layer: set-based validation with a per-row error report, then bulk writes.

One module per kind (hazards, activities, products, devices, places), each with `validate(rows, ctx,
progress) -> Plan` and `write(plan, ctx, progress) -> notes`; `common` holds what they share. Every row
is checked before anything is written — choices, dates, references to other records by code, duplicate
codes, and geometry through the same rules as the services (`validate_polygonal`,
`check_inside_country`) — and the import is all or nothing: one bad row and nothing is written; the
report names every bad row (row, field, value, reason).
"""

from __future__ import annotations

from safeground.interop.importers import activities, devices, hazards, places, products
from safeground.interop.importers.common import Context, Plan, RowError, Rows
from safeground.interop.reader import Mapping, Table

KINDS = ("hazards", "activities", "products", "devices", "places")
#: The permission an account needs to import each kind (API and page).
IMPORT_PERMISSION = {
    "hazards": "hazards.add_hazard",
    "activities": "operations.add_activity",
    "products": "landrelease.add_product",
    "devices": "landrelease.add_device",
    "places": "gazetteer.add_place",
}
_MODULES = {"hazards": hazards, "activities": activities, "products": products, "devices": devices, "places": places}
VALIDATORS = {kind: module.validate for kind, module in _MODULES.items()}
WRITERS = {kind: module.write for kind, module in _MODULES.items()}

__all__ = [
    "IMPORT_PERMISSION",
    "KINDS",
    "VALIDATORS",
    "WRITERS",
    "Context",
    "Plan",
    "RowError",
    "Rows",
    "validate",
    "write",
]


def validate(kind: str, table: Table, mapping: Mapping, ctx: Context, progress) -> tuple[Plan, Rows]:
    """Check every row of `table` as `kind`; the plan is only writable when `rows.errors` is empty."""
    rows = Rows(table, mapping)
    plan = VALIDATORS[kind](rows, ctx, progress)
    return plan, rows


def write(plan: Plan, ctx: Context, progress) -> list[str]:
    """Write the plan's rows (inside the import's transaction); returns notes (ledger refreshed, products split)."""
    return WRITERS[plan.kind](plan, ctx, progress)
