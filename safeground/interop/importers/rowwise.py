"""Kinds whose rules live in a single-record service (accidents, EORE sessions, organisations): each
row is tried through that service in a savepoint that is rolled back, so the import refuses exactly
what the API refuses; the write then calls the service again for real. Twice the work of a set-based
check, which such files (thousands of rows, not millions) afford."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.db import transaction

from safeground.core.errors import ValidationFailed
from safeground.interop.importers.common import Plan, Rows


class _Rollback(Exception):
    """Undo a row's trial write."""


def trial(rows: Rows, i: int, call: Callable[[], object], fields: dict[str, str] | None = None) -> bool:
    """Whether row `i` passes `call` (the service's write, undone); its refusal goes on the report."""
    fields = fields or {}
    try:
        with transaction.atomic():
            call()
            raise _Rollback
    except _Rollback:
        return True
    except ValidationFailed as exc:
        rows.error(i, fields.get(exc.field or "", exc.field or "row"), "", str(exc), exc.reason)
    except PermissionDenied as exc:
        rows.error(i, "organisation", "", str(exc), "not allowed")
    return False


def plan_rows(
    kind: str, rows: Rows, columns: dict[str, list], create: Callable[..., object], progress, fields=None, key="code"
) -> Plan:
    """Try every row that parsed through `create(**row)`; the plan keeps the rows that pass (all of
    them, or the import is refused) and the codes (`key`) the file gave."""
    planned = []
    for i in range(rows.n):
        if rows.bad[i]:
            continue
        row = {name: values[i] for name, values in columns.items()}
        if trial(rows, i, lambda row=row: create(**row), fields):
            planned.append(row)
        progress.update(1)
    progress.close()
    plan = Plan(kind, rows.n)
    plan.codes = [c for c in columns.get(key, []) if c]
    if not rows.bad.any():
        plan.extra["rows"] = planned
    return plan


def write_rows(plan: Plan, create: Callable[..., object], progress, label: str) -> list:
    """Write the plan's rows through `create(**row)` for real; returns what it made, in order."""
    progress.stage(label, len(plan.extra["rows"]))
    made = []
    for row in plan.extra["rows"]:
        made.append(create(**row))
        progress.update(1)
    progress.close()
    return made
