"""Importing hazards: parse the file's columns, then `hazards.services` checks, derives and writes them.

A layer may hold polygons and points (a hazard known only as a spot, with an optional `radius_m`).

The service applies the rules of a single hazard write to every row (choices, dates, organisations and
ordnance models, geometry and the border rule, codes per province) and writes one batch; this module
only reads the file (vocabularies, date formats, the repair of invalid polygons when asked) and maps
the service's errors onto the file's rows.

Provenance: the source's columns that map to no field are kept per record (`source_attributes`), and
a `source_id` column (the source dataset's own ID) makes a re-import idempotent: a row whose
`source_id` is already recorded with the same values is skipped, one with changed values updates
its hazard through `update_hazard` (a history row naming the file), and only new ones are added.
"""

from __future__ import annotations

import shapely
from django.utils.translation import gettext as _

from safeground.core.errors import BulkValidationFailed
from safeground.core.geometry import GeometryError, validate_point
from safeground.hazards import services
from safeground.hazards.models import CONTAMINATION_CHOICES, Hazard
from safeground.interop.importers.common import (
    Context,
    Plan,
    Rows,
    add_bulk_errors,
    polygons_or_points,
    refresh_ledger,
    source_attributes,
)
from safeground.interop.importers.rowwise import trial
from safeground.interop.layers import COMPUTED

#: What a re-import compares to tell a changed row from an unchanged one (the geometry apart).
COMPARED = (
    "name",
    "hazard_class",
    "status",
    "contamination_type",
    "recorded_on",
    "recorded_on_precision",
    "source_attributes",
)


def validate(rows: Rows, ctx: Context, progress) -> Plan:
    """Parse every row as a hazard and check it with the service; the plan carries what it checked."""
    progress.stage(_("checking hazards"), rows.n)
    codes = rows.text("code", max_length=40)
    name = rows.text("name", max_length=200)
    hazard_class = rows.choice("hazard_class", Hazard.CLASS_CHOICES)
    status = rows.choice("status", Hazard.STATUS_CHOICES, default="open")
    contamination = rows.choice("contamination_type", CONTAMINATION_CHOICES)
    recorded_on, recorded_precision = rows.partial_date("recorded_on", required=True)
    changed_on = rows.date("status_changed_on")
    bx, by = rows.number("benchmark_lon"), rows.number("benchmark_lat")
    benchmarks: list = [None] * rows.n
    for i, (x, y) in enumerate(zip(bx, by, strict=True)):
        if x is None and y is None:
            continue
        try:
            if x is None or y is None:
                raise GeometryError(_("benchmark needs both benchmark_lon and benchmark_lat"), reason="missing")
            benchmarks[i] = shapely.Point(x, y)
            validate_point(benchmarks[i], "benchmark")
        except GeometryError as exc:
            rows.error(i, "benchmark_lon", f"{x} {y}", str(exc))
            benchmarks[i] = None
    columns = {
        "code": codes,
        "name": name,
        "hazard_class": hazard_class,
        "status": status,
        "contamination_type": contamination,
        "recorded_on": recorded_on,
        "status_changed_on": changed_on,
        "reporting_organisation": rows.text("reporting_organisation"),
        "suspected_models": rows.listing("suspected_models"),
        "benchmark": benchmarks,
        "is_synthetic": rows.boolean("is_synthetic"),
        "country": rows.text("country"),
        # Polygons and points (indications, EOD spot tasks) in one layer; a point may declare a radius.
        "geometry": list(polygons_or_points(rows, _("hazard geometry"), ctx.repair)),
        "radius_m": rows.number("radius_m", positive=True),
        "source_id": rows.text("source_id", max_length=100),
        "recorded_on_precision": recorded_precision,
    }
    columns["name"] = [v or "" for v in columns["name"]]
    columns["source_attributes"] = source_attributes(rows, COMPUTED.get("hazards", set()) | {"hazard_code"})
    recorded = _recorded(rows, columns["source_id"])
    new = [i for i, sid in enumerate(columns["source_id"]) if sid is None or sid not in recorded]
    updates, unchanged = _changes(rows, columns, recorded)
    plan = Plan("hazards", rows.n)
    checked = None
    if new:
        try:
            checked = services.check_hazards({k: [v[i] for i in new] for k, v in columns.items()})
        except BulkValidationFailed as exc:
            add_bulk_errors(rows, exc.errors, row_of=new, fields={"benchmark": "benchmark_lon"})
    progress.update(rows.n)
    progress.close()
    if rows.bad.any():
        return plan
    plan.codes = (checked.codes if checked is not None else []) + [h.code for h, _changes in updates]
    plan.extra.update(checked=checked, updates=updates, unchanged=unchanged, row_of=new)
    return plan


def _recorded(rows: Rows, source_ids: list[str | None]) -> dict[str, Hazard]:
    """The hazards already recorded under the file's source IDs (a repeated ID in the file is an error)."""
    seen = rows.once_in_file(source_ids, "source_id", _("duplicate source_id (also on row %(row)d)"))
    wanted = list(seen)
    found: dict[str, Hazard] = {}
    for start in range(0, len(wanted), 5000):
        found.update((h.source_id, h) for h in Hazard.objects.filter(source_id__in=wanted[start : start + 5000]))
    return found


def _changes(rows: Rows, columns: dict, recorded: dict[str, Hazard]) -> tuple[list[tuple[Hazard, dict]], int]:
    """For rows whose source_id is recorded: what changed (tried through `update_hazard`), and how many
    rows changed nothing."""
    updates, unchanged = [], 0
    for i, sid in enumerate(columns["source_id"]):
        hazard = recorded.get(sid) if sid is not None else None
        if hazard is None or rows.bad[i]:
            continue
        changes = {f: columns[f][i] for f in COMPARED if columns[f][i] != getattr(hazard, f)}
        geometry = columns["geometry"][i]
        if geometry is not None and not _same_shape(geometry, hazard):
            changes["geometry"] = geometry
        if not changes:
            unchanged += 1
        elif trial(rows, i, lambda h=hazard, c=changes: _update(h.pk, c), {"geometry": "geometry"}):
            updates.append((hazard, changes))
    return updates, unchanged


def _update(pk, changes: dict, **how) -> Hazard:
    """`update_hazard` on a fresh copy (a rolled-back trial leaves its changes on the instance it used)."""
    return services.update_hazard(Hazard.objects.get(pk=pk), **changes, **how)


def _same_shape(geometry, hazard: Hazard) -> bool:
    """The file's geometry is the recorded one (to a millimetre or so: 1e-8°)."""
    stored = hazard.shape
    if stored is None:
        return False
    mine = shapely.from_wkb(bytes(stored.wkb))
    if geometry.geom_type == "Polygon":
        geometry = shapely.MultiPolygon([geometry])
    return bool(shapely.equals_exact(shapely.normalize(geometry), shapely.normalize(mine), tolerance=1e-8))


def write(plan: Plan, ctx: Context, progress) -> list[str]:
    """Write the new hazards through the service (one batch) and the changed ones one by one (history
    naming the file); their ledger rows refreshed."""
    checked, updates = plan.extra["checked"], plan.extra["updates"]
    progress.stage(_("writing hazards"), (checked.n if checked else 0) + len(updates))
    touched: set = set()
    if checked is not None:
        result = services.bulk_create_hazards(checked, user=ctx.user, source=ctx.source, reason=ctx.reason)
        touched |= set(result.ids)
        progress.update(checked.n)
    for hazard, changes in updates:
        # The reason names what changed: a bulk-written record has no earlier history row to diff against.
        _update(hazard.pk, changes, user=ctx.user, reason=f"{ctx.reason}: {', '.join(sorted(changes))}"[:100])
        touched.add(hazard.pk)
        progress.update(1)
    progress.close()
    notes = [refresh_ledger(touched)]
    if updates:
        notes.append(_("%(n)d hazard(s) already recorded under their source_id were updated") % {"n": len(updates)})
    if plan.extra["unchanged"]:
        notes.append(
            _("%(n)d row(s) skipped: recorded under their source_id with the same values")
            % {"n": plan.extra["unchanged"]}
        )
    return notes
