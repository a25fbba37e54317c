"""Importing places (villages, landmarks): parse the file's columns; `gazetteer.services` checks and writes them."""

from __future__ import annotations

from django.utils.translation import gettext as _

from safeground.core.errors import BulkValidationFailed
from safeground.gazetteer import services
from safeground.gazetteer.models import Place
from safeground.interop.importers.common import Context, Plan, Rows, add_bulk_errors, points


def validate(rows: Rows, ctx: Context, progress) -> Plan:
    """Parse every row as a place and check it with the service; the plan carries what it checked."""
    progress.stage(_("checking places"), rows.n)
    columns = {
        "code": rows.text("code", required=True, max_length=20),
        "name": rows.text("name", required=True, max_length=200),
        "kind": rows.choice("kind", Place.KIND_CHOICES),
        "country": rows.text("country"),
        "point": list(points(rows, _("place"))),
        "source": ctx.reason[:200],
    }
    plan = Plan("places", rows.n)
    try:
        checked = services.check_places(columns)
    except BulkValidationFailed as exc:
        add_bulk_errors(rows, exc.errors, fields={"point": "geometry"})
        checked = None
    progress.update(rows.n)
    progress.close()
    if rows.bad.any() or checked is None:
        return plan
    plan.codes = checked.data["code"]
    plan.extra["checked"] = checked
    return plan


def write(plan: Plan, ctx: Context, progress) -> list[str]:
    """Write the checked places through the service."""
    checked = plan.extra["checked"]
    progress.stage(_("writing places"), checked.n)
    services.bulk_create_places(checked)
    progress.update(checked.n)
    progress.close()
    return []
