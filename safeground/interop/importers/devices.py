"""Importing devices found: the file's columns parsed here, every rule checked and written by the service.

`landrelease.services.check_devices` holds the rules (choices, references, position inside the
country, codes new to the database) and `bulk_create_devices` the write (one batch, COPY on PostGIS);
this module only turns the layer's values into typed columns and the service's errors into the
import report (row, field, value, reason).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from safeground.interop.importers.common import Context, Plan, Rows, add_bulk_errors, geometry_column, provenance
from safeground.interop.layers import COMPUTED
from safeground.landrelease import services
from safeground.landrelease.models import Device


def validate(rows: Rows, ctx: Context, progress) -> Plan:
    """Parse every column, then check the rows with the service; the plan holds its checked result."""
    progress.stage(_("checking devices"), rows.n)
    columns = dict(
        code=rows.text("code", max_length=40),
        category=rows.text("category"),
        model=rows.text("model"),
        condition=rows.text("condition"),
        disposal=rows.text("disposal"),
        depth_cm=rows.integer("depth_cm"),
        found_on=rows.date("found_on", required=True),
        count=rows.integer("count"),
        product_code=rows.text("product_code"),
        activity_code=rows.text("activity_code"),
        is_synthetic=rows.boolean("is_synthetic"),
        point=geometry_column(rows),
    )
    columns.update(provenance(rows, Device, COMPUTED["devices"]))
    checked = services.check_devices(columns)
    add_bulk_errors(rows, checked.errors, fields={"point": "geometry"})
    progress.update(rows.n)
    progress.close()
    plan = Plan("devices", rows.n)
    if not rows.bad.any():
        plan.codes = checked.codes
        plan.extra["checked"] = checked
    return plan


def write(plan: Plan, ctx: Context, progress) -> list[str]:
    """Write the checked devices through the service (one batch; the ledger's devices outside updated)."""
    progress.stage(_("writing devices"), plan.n)
    result = services.bulk_create_devices(
        plan.extra["checked"], user=ctx.user, source=ctx.source, reason=ctx.reason, progress=progress
    )
    progress.close()
    return result.notes
