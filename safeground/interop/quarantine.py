"""The import quarantine: hold the rows an import could not take, then fix and re-submit or discard them.

`import_file(..., on_error="quarantine")` writes the valid rows and calls `hold` for the others, in the
same transaction, so a file is never half taken and nothing of it is lost. A held row is re-checked by
the very importer of its kind (`resubmit`): the fixed row is written like any imported row, in a batch
whose source names the file and the row, which is what the record's history then shows.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np
import shapely
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safeground.core import versions
from safeground.interop import importers as importer
from safeground.interop.importers import Context, Plan, RowError, Rows
from safeground.interop.importers.common import plain, value_at
from safeground.interop.models import QuarantinedRow
from safeground.interop.progress import Silent
from safeground.interop.reader import Mapping, Table


class QuarantineRefused(ValueError):
    """The row is no longer held (approved or discarded meanwhile): nothing changes."""


@dataclass
class Split:
    """Which rows of a table an import writes and which it holds, with every held row's errors."""

    keep: np.ndarray  # row indices that passed
    errors: list[RowError]  # numbered by the rows of the whole table

    def held_rows(self) -> list[int]:
        return sorted({e.row - 1 for e in self.errors})


def causes(errors: list[RowError]) -> dict[str, int]:
    """Rows per cause ("geometry: no geometry"): a row with two different problems counts under both."""
    per_row = {(e.row, e.cause) for e in errors}
    return dict(sorted(Counter(cause for _row, cause in per_row).items(), key=lambda kv: (-kv[1], kv[0])))


def subset(table: Table, keep: np.ndarray) -> Table:
    """The rows `keep` of a table (geometry errors renumbered; they only ever belong to held rows)."""
    columns = {
        name: (col[keep] if isinstance(col, np.ndarray) else [col[i] for i in keep])
        for name, col in table.columns.items()
    }
    position = {int(i): k for k, i in enumerate(keep)}
    return Table(
        n=len(keep),
        layer=table.layer,
        columns=columns,
        geoms=None if table.geoms is None else table.geoms[keep],
        crs=table.crs,
        notes=[],
        geometry_errors={position[i]: e for i, e in table.geometry_errors.items() if i in position},
    )


def split(
    kind: str, table: Table, mapping: Mapping, ctx: Context, progress, first: tuple[Plan, Rows]
) -> tuple[Split, Plan, Rows]:
    """Re-check the rows that passed until none fails (a rule across rows, e.g. duplicate codes, can
    fail a row only once the others are gone); returns the split, and the plan and rows of the last check."""
    plan, rows = first
    errors = list(rows.errors)
    keep = np.flatnonzero(~rows.bad)
    while keep.size:
        plan, rows = importer.validate(kind, subset(table, keep), mapping, ctx, progress)
        if not rows.errors:
            break
        errors += [RowError(int(keep[e.row - 1]) + 1, e.field, e.value, e.reason, e.kind) for e in rows.errors]
        keep = keep[~rows.bad]
    return Split(keep, sorted(errors, key=lambda e: (e.row, e.field))), plan, rows


def hold(table: Table, held: Split, *, kind: str, mapping: Mapping, ctx: Context, import_id) -> int:
    """Store the held rows of `table` as read, with their errors; returns how many."""
    by_row: dict[int, list[dict]] = {}
    for e in held.errors:
        by_row.setdefault(e.row - 1, []).append(
            {"field": e.field, "value": e.value, "reason": e.reason, "kind": e.kind}
        )
    rules = mapping_rules(mapping)
    objs = []
    for i in held.held_rows():
        geometry = table.geoms[i] if table.geoms is not None else None
        objs.append(
            QuarantinedRow(
                import_id=import_id,
                kind=kind,
                source=ctx.source[:300],
                layer=table.layer[:200],
                row=i + 1,
                attributes={name: plain(value_at(col, i)) for name, col in table.columns.items()},
                geometry="" if geometry is None else shapely.to_wkt(geometry, rounding_precision=-1),
                errors=by_row[i],
                mapping=rules,
                repair=ctx.repair,
                created_by=ctx.user,
            )
        )
    QuarantinedRow.objects.bulk_create(objs, batch_size=1000)
    QuarantinedRow.history.bulk_history_create(
        objs, batch_size=1000, default_user=ctx.user, default_change_reason=ctx.reason[:100]
    )
    return len(objs)


def mapping_rules(mapping: Mapping) -> dict:
    """What of a mapping still applies to renamed columns: vocabularies, defaults and date formats."""
    return {
        "values": {k: {str(a): plain(b) for a, b in v.items()} for k, v in mapping.values.items()},
        "defaults": {k: plain(v) for k, v in mapping.defaults.items()},
        "dates": list(mapping.dates),
    }


def row_table(row: QuarantinedRow, attributes: dict, geometry: str) -> Table:
    """A one-row table of the (fixed) row, as the reader would have produced it."""
    geoms = None
    errors: dict[int, str] = {}
    if geometry.strip():
        try:
            geoms = np.array([shapely.from_wkt(geometry.strip())], dtype=object)
        except shapely.errors.GEOSException as exc:
            errors[0] = _("the geometry is not WKT: %(error)s") % {"error": exc}
    if geoms is None:
        geoms = np.array([None], dtype=object)
    return Table(
        n=1,
        layer=row.layer,
        columns={name: [value] for name, value in attributes.items()},
        geoms=geoms,
        crs="EPSG:4326",
        geometry_errors=errors,
    )


def _locked(row_id, expected: int | None) -> QuarantinedRow:
    row = QuarantinedRow.objects.select_for_update().get(pk=row_id)
    versions.check(row, expected, _("quarantined row %(row)s") % {"row": row})
    if row.status != "held":
        raise QuarantineRefused(
            _("%(row)s is no longer waiting for a fix (%(status)s)")
            % {"row": row, "status": _(row.get_status_display())}
        )
    return row


@transaction.atomic
def resubmit(
    row_id, *, attributes: dict, geometry: str, user, expected_version: int | None = None
) -> tuple[QuarantinedRow, list[RowError]]:
    """Check the fixed row with its kind's importer and write it when it passes; otherwise keep the fix
    with the problems it still has (returned; nothing written). The record's batch names the file and row."""
    row = _locked(row_id, expected_version)
    attributes = {str(k): plain(v) for k, v in attributes.items()}
    table = row_table(row, attributes, geometry)
    mapping = Mapping(
        values=row.mapping.get("values", {}),
        defaults=row.mapping.get("defaults", {}),
        dates=row.mapping.get("dates", []),
    )
    # Stored on the batch, so in the one language of the data (as the history's reasons are).
    ctx = Context(
        repair=row.repair,
        user=user,
        reason=f"fixed in quarantine by {user.get_username() if user else '—'}"[:100],
        source=f"{row.source[:280]}, row {row.row} (quarantine)",
    )
    with transaction.atomic():
        plan, rows = importer.validate(row.kind, table, mapping, ctx, Silent())
        if not rows.errors:
            importer.write(plan, ctx, Silent())
    row.attributes, row.geometry, row.version = attributes, geometry.strip(), row.version + 1
    row._history_user = user
    if rows.errors:
        row.errors = [{"field": e.field, "value": e.value, "reason": e.reason, "kind": e.kind} for e in rows.errors]
        row._change_reason = "fix refused"
        row.save()
        return row, rows.errors
    row.status, row.errors = "approved", []
    row.result_code = (plan.codes[0] if plan.codes else "")[:40]
    row.resolved_at, row.resolved_by = timezone.now(), user
    row._change_reason = "approved"
    row.save()
    return row, []


@transaction.atomic
def discard(row_id, *, user, expected_version: int | None = None, reason: str = "") -> QuarantinedRow:
    """Give up a held row (a duplicate, a test feature): it stays in the quarantine as discarded."""
    row = _locked(row_id, expected_version)
    row.status, row.version = "discarded", row.version + 1
    row.resolved_at, row.resolved_by = timezone.now(), user
    row._history_user, row._change_reason = user, (reason or "discarded")[:100]
    row.save()
    return row
