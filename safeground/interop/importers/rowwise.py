"""Kinds whose rules live in a single-record service (accidents, EORE sessions, organisations): each
row is tried through that service in a savepoint that is rolled back, so the import refuses exactly
what the API refuses; the write then calls the service again for real. Twice the work of a set-based
check, which such files (thousands of rows, not millions) afford."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.db import transaction

from safeground.core.errors import ValidationFailed
from safeground.interop.importers.common import Rows


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
