"""Importing records from a layer: validation with a per-row error report, then the services' writes.

One module per kind (`KINDS`), each with `validate(rows, ctx, progress) -> Plan` and
`write(plan, ctx, progress) -> notes`; `common` holds what they share. Every row is checked before
anything is written — choices, dates, references to other records by code, duplicate codes, and
geometry through the same rules as the services — set-based for the big kinds (hazards, products,
devices), row by row through the service for the others (`rowwise`). All or nothing by default; the
report names every bad row (row, field, value, reason), and `services.import_file(on_error=
"quarantine")` writes the good rows and holds the others.
"""

from __future__ import annotations

import numpy as np
from django.apps import apps
from django.utils.translation import gettext_lazy as _

from safeground.interop.importers import (
    accidents,
    activities,
    devices,
    eore,
    evidence,
    hazards,
    organisations,
    places,
    products,
)
from safeground.interop.importers.common import Context, Plan, RowError, Rows
from safeground.interop.layer_registry import registry
from safeground.interop.reader import Mapping, Table

#: The layers' import kinds come from the layer registry (the layer a kind's files are exported as);
#: the kinds with no layer of their own follow.
_LAYER_KINDS = {layer.import_kind: layer for layer in registry().values() if layer.import_kind}
_OTHER_KINDS = {
    "eore": (_("Risk education sessions"), "eore.add_session"),
    "organisations": (_("Organisations"), "organisations.add_organisation"),
    "evidence": (_("Evidence"), "hazards.add_evidence"),
}
KINDS = (*_LAYER_KINDS, *_OTHER_KINDS)
#: What each kind is called on the pages (the kind's key is what the CLI and the API take).
KIND_LABELS = {
    **{kind: layer.label for kind, layer in _LAYER_KINDS.items()},
    **{kind: label for kind, (label, _perm) in _OTHER_KINDS.items()},
}
#: Every import needs this (national data management: IM officers, administrators) ...
IMPORT_RECORDS = "interop.import_records"
#: ... and the permission to add records of the kind it imports (API and page): the layer's own model.
IMPORT_PERMISSION = {
    **{
        kind: f"{layer.depends[0]._meta.app_label}.add_{layer.depends[0]._meta.model_name}"
        for kind, layer in _LAYER_KINDS.items()
    },
    **{kind: perm for kind, (_label, perm) in _OTHER_KINDS.items()},
}
#: The model of each kind whose rows `--repair` can change (polygons).
REPAIRABLE = {"hazards": "hazards.Hazard", "products": "landrelease.Product"}
_MODULES = {
    "hazards": hazards,
    "activities": activities,
    "products": products,
    "devices": devices,
    "places": places,
    "accidents": accidents,
    "eore": eore,
    "organisations": organisations,
    "evidence": evidence,
}
VALIDATORS = {kind: module.validate for kind, module in _MODULES.items()}
WRITERS = {kind: module.write for kind, module in _MODULES.items()}

__all__ = [
    "IMPORT_PERMISSION",
    "IMPORT_RECORDS",
    "KIND_LABELS",
    "KINDS",
    "VALIDATORS",
    "WRITERS",
    "Context",
    "Plan",
    "RowError",
    "Rows",
    "record_repairs",
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


def record_repairs(kind: str, plan: Plan, rows: Rows, ctx: Context, file_rows: np.ndarray | None = None) -> int:
    """One history row per record whose geometry `--repair` changed, saying what was done and to which
    row of the file (bulk writes have no history row of their own: decision 0015)."""
    if not rows.repairs or kind not in REPAIRABLE:
        return 0
    model = apps.get_model(REPAIRABLE[kind])
    row_of = plan.extra.get("row_of") or range(len(plan.codes))
    code_rows = {code: i for code, i in zip(plan.codes, row_of, strict=True) if i in rows.repairs}
    records = list(model.objects.filter(code__in=list(code_rows)))
    for record in records:
        i = code_rows[record.code]
        row = int(file_rows[i]) + 1 if file_rows is not None else i + 1
        # Stored in the history, so in the one language of the data.
        record._change_reason = f"repaired on import ({ctx.source[:30]} row {row}): {rows.repairs[i]}"[:100]
    model.history.bulk_history_create(records, update=True, default_user=ctx.user)
    return len(records)
