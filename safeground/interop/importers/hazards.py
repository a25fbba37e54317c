"""Importing hazards: parse the file's columns, then `hazards.services` checks, derives and writes them.

A layer may hold polygons and points (a hazard known only as a spot, with an optional `radius_m`).

The service applies the rules of a single hazard write to every row (choices, dates, organisations and
ordnance models, geometry and the border rule, codes per province) and writes one batch; this module
only reads the file (vocabularies, date formats, the repair of invalid polygons when asked) and maps
the service's errors onto the file's rows.
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
)


def validate(rows: Rows, ctx: Context, progress) -> Plan:
    """Parse every row as a hazard and check it with the service; the plan carries what it checked."""
    progress.stage(_("checking hazards"), rows.n)
    codes = rows.text("code", max_length=40)
    name = rows.text("name", max_length=200)
    hazard_class = rows.choice("hazard_class", Hazard.CLASS_CHOICES)
    status = rows.choice("status", Hazard.STATUS_CHOICES, default="open")
    contamination = rows.choice("contamination_type", CONTAMINATION_CHOICES)
    recorded_on = rows.date("recorded_on", required=True)
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
    }
    plan = Plan("hazards", rows.n)
    try:
        checked = services.check_hazards(columns)
    except BulkValidationFailed as exc:
        add_bulk_errors(rows, exc.errors, fields={"benchmark": "benchmark_lon"})
        checked = None
    progress.update(rows.n)
    progress.close()
    if rows.bad.any() or checked is None:
        return plan
    plan.codes = checked.codes
    plan.extra["checked"] = checked
    return plan


def write(plan: Plan, ctx: Context, progress) -> list[str]:
    """Write the checked hazards through the service (one batch); their ledger rows refreshed."""
    checked = plan.extra["checked"]
    progress.stage(_("writing hazards"), checked.n)
    result = services.bulk_create_hazards(checked, user=ctx.user, source=ctx.source, reason=ctx.reason)
    progress.update(checked.n)
    progress.close()
    return [refresh_ledger(set(result.ids))]
