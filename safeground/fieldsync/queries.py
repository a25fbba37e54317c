"""Read side of field sync: the laptop's packages and items, the server's offices and imports."""

from __future__ import annotations

from django.db.models import QuerySet

from safeground.fieldsync.models import FieldOffice, ImportedItem, LocalOffice, SyncImport, SyncItem, SyncPackage
from safeground.workbench import queries as workbench_queries


def local_office() -> LocalOffice | None:
    return LocalOffice.objects.first()


def packages() -> QuerySet[SyncPackage]:
    return SyncPackage.objects.order_by("-sequence")


def items() -> QuerySet[SyncItem]:
    return SyncItem.objects.select_related("package").order_by("-package__sequence", "item_id")


def status_counts() -> dict[str, int]:
    counts: dict[str, int] = {}
    for status in SyncItem.objects.values_list("status", flat=True):
        counts[status] = counts.get(status, 0) + 1
    return counts


def offices() -> QuerySet[FieldOffice]:
    return FieldOffice.objects.select_related("organisation", "account").order_by("code")


def imports() -> QuerySet[SyncImport]:
    return SyncImport.objects.select_related("office", "imported_by").order_by("-created_at")


def imported_items(sync_import: SyncImport) -> list[dict]:
    """Each item of an import with its submission, the submission's status and the conflict flag."""
    rows = []
    for item in ImportedItem.objects.filter(sync_import=sync_import).select_related("submission").order_by("id"):
        origin = workbench_queries.origin(item.submission) if item.submission else None
        rows.append(
            {
                "item": item,
                "submission": item.submission,
                "status": item.submission.status if item.submission else "refused",
                "conflict": bool(origin and origin["conflict"]),
                "current_version": origin["current_version"] if origin else None,
            }
        )
    return rows
