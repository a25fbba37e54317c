"""Reading the migration runs for the pages and the API: the list, one run, and its report."""

from __future__ import annotations

from safeground.imsma.models import MigrationRun
from safeground.imsma.reconcile import OUTCOMES, Reconciliation

#: The permission every page and API operation on runs needs: the people who run imports (decision 0041).
VIEW = "imsma.view_migrationrun"


def runs():
    return MigrationRun.objects.select_related("user").order_by("-started_at")


def reconciliation(run: MigrationRun) -> Reconciliation:
    return Reconciliation.from_dict(run.report or {})


def summary(run: MigrationRun) -> dict:
    """A run in a line: where from, when, by whom, its status and its counts over every table."""
    tables = (run.report or {}).get("tables") or {}
    counts = {key: sum(int(t.get(key) or 0) for t in tables.values()) for key in ("read", *OUTCOMES)}
    return {
        "id": run.pk,
        "source": run.source,
        "country": run.country,
        "started_at": run.started_at,
        "finished_at": run.finished_at,
        "status": run.status,
        "user": run.user.get_username() if run.user else None,
        "dry_run": bool((run.report or {}).get("dry_run", run.status == "dry-run")),
        "balanced": (run.report or {}).get("balanced") if run.report else None,
        "counts": counts,
        "problems": len((run.report or {}).get("problems") or []),
    }
