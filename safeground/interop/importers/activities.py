"""Importing activities: parse the file's columns, then `operations.services` checks, derives and writes them.

The service applies the rules of a single activity write to every row (choices, dates, references to
organisations, teams and hazards, the border rule, the accreditation gate for planned and ongoing
work, codes per province and type) and writes one batch with the teams and hazards linked.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from safeground.core.errors import BulkValidationFailed
from safeground.interop.importers.common import Context, Plan, Rows, add_bulk_errors, points, provenance
from safeground.interop.layers import COMPUTED
from safeground.operations import services
from safeground.operations.models import Activity


def validate(rows: Rows, ctx: Context, progress) -> Plan:
    """Parse every row as an activity and check it with the service; the plan carries what it checked."""
    progress.stage(_("checking activities"), rows.n)
    columns = {
        "code": rows.text("code", max_length=40),
        "activity_type": rows.choice("activity_type", Activity.TYPE_CHOICES),
        "status": rows.choice("status", Activity.STATUS_CHOICES, default="planned"),
        "organisation": rows.text("organisation", required=True),
        "methods": rows.listing("methods"),
        "teams": rows.listing("teams"),
        "hazards": rows.listing("hazard_codes"),
        "start_date": rows.date("start_date", required=True, future=True),
        "end_date": rows.date("end_date", future=True),
        "is_synthetic": rows.boolean("is_synthetic"),
        "country": rows.text("country"),
        "reference_point": list(points(rows, _("reference point"))),
    }
    columns.update(provenance(rows, Activity, COMPUTED["activities"]))
    plan = Plan("activities", rows.n)
    try:
        checked = services.check_activities(columns)
    except BulkValidationFailed as exc:
        add_bulk_errors(rows, exc.errors, fields={"hazards": "hazard_codes", "reference_point": "geometry"})
        checked = None
    progress.update(rows.n)
    progress.close()
    if rows.bad.any() or checked is None:
        return plan
    plan.codes = checked.codes
    plan.extra["checked"] = checked
    return plan


def write(plan: Plan, ctx: Context, progress) -> list[str]:
    """Write the checked activities through the service (one batch, teams and hazards linked)."""
    checked = plan.extra["checked"]
    progress.stage(_("writing activities"), checked.n)
    services.bulk_create_activities(checked, user=ctx.user, source=ctx.source, reason=ctx.reason)
    progress.update(checked.n)
    progress.close()
    return []
