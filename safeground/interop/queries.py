"""Reads of the import quarantine for its pages and API."""

from __future__ import annotations

import uuid

from django.db.models import Count, QuerySet

from safeground.interop.models import QuarantinedRow


def held(status: str = "held", kind: str = "", import_id: str = "") -> QuerySet[QuarantinedRow]:
    """Quarantined rows, filtered (an empty filter matches all), oldest import first, in file order."""
    rows = QuarantinedRow.objects.select_related("created_by", "resolved_by")
    if status:
        rows = rows.filter(status=status)
    if kind:
        rows = rows.filter(kind=kind)
    if import_id:
        found = as_uuid(import_id)
        rows = rows.filter(import_id=found) if found else rows.none()
    return rows.order_by("created_at", "source", "row")


def as_uuid(text) -> uuid.UUID | None:
    """The UUID a text names, or None (a mistyped id in a link finds nothing instead of failing)."""
    try:
        return uuid.UUID(str(text))
    except ValueError:
        return None


def get(row_id) -> QuarantinedRow | None:
    found = as_uuid(row_id)
    return QuarantinedRow.objects.filter(pk=found).first() if found else None


def counts(kind: str = "", import_id: str = "") -> dict[str, int]:
    """Rows per status under the same filters."""
    rows = held("", kind, import_id).order_by()
    return dict(rows.values_list("status").annotate(n=Count("id")).values_list("status", "n"))


def imports() -> list[dict]:
    """The imports that left rows in the quarantine: when, what file, how many rows are still held."""
    rows = (
        QuarantinedRow.objects.order_by()
        .values("import_id", "source", "kind")
        .annotate(rows=Count("id"))
        .order_by("source")
    )
    held_rows = dict(
        QuarantinedRow.objects.filter(status="held")
        .order_by()
        .values_list("import_id")
        .annotate(n=Count("id"))
        .values_list("import_id", "n")
    )
    return [{**r, "held": held_rows.get(r["import_id"], 0)} for r in rows]
