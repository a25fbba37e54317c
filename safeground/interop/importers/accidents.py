"""Importing accidents without personal data: date, place, device, what people were doing, and the
numbers killed and injured by sex and age (`killed_men` … `injured_unknown`).

Each row is tried through `victims.services.create_accident` itself (`rowwise`): the service settles
the country with its border tolerance, links the hazard or the released land and numbers the code.
"""

from __future__ import annotations

from functools import partial

from django.utils.translation import gettext as _

from safeground.interop.importers.common import Context, Plan, Rows, points, provenance
from safeground.interop.importers.rowwise import plan_rows, write_rows
from safeground.interop.layers import COMPUTED
from safeground.victims import services
from safeground.victims.models import ACTIVITY_CHOICES, CASUALTY_COUNTS, DEVICE_CATEGORY_CHOICES, Accident


def validate(rows: Rows, ctx: Context, progress) -> Plan:
    progress.stage(_("checking accidents"), rows.n)
    codes = rows.text("code", max_length=40)
    occurred_on, precision = rows.partial_date("occurred_on", required=True)
    columns = {
        "occurred_on": occurred_on,
        "occurred_on_precision": precision,
        "accident_type": rows.choice("accident_type", Accident.TYPE_CHOICES),
        "device_category": rows.choice("device_category", DEVICE_CATEGORY_CHOICES, default="unknown"),
        "victim_activity": rows.choice("victim_activity", ACTIVITY_CHOICES, default="unknown"),
        "device_model": rows.text("device_model", max_length=100),
        "hazard": rows.text("hazard_code", max_length=40),
        "activity": rows.text("activity_code", max_length=40),
        "organisation": rows.text("organisation", max_length=20),
        "country": rows.text("country", max_length=3),
        "point": list(points(rows, _("accident point"))),
    }
    counts = {key: rows.integer(key, low=0, high=10_000) for key in CASUALTY_COUNTS}
    rows.unique_codes(Accident, codes)
    fields = {"hazard": "hazard_code", "activity": "activity_code", "point": "geometry"}
    columns["code"] = codes
    columns.update(provenance(rows, Accident, COMPUTED["accidents"]))
    columns["reported_casualties"] = [
        {key: values[i] for key, values in counts.items() if values[i]} for i in range(rows.n)
    ]
    return plan_rows("accidents", rows, columns, services.create_accident, progress, fields)


def write(plan: Plan, ctx: Context, progress) -> list[str]:
    """Each accident through the service, with the import as the history's reason."""
    made = write_rows(
        plan, partial(services.create_accident, user=ctx.user, reason=ctx.reason), progress, _("writing accidents")
    )
    plan.codes = [accident.code for accident in made]
    proposed = Accident.objects.filter(code__in=plan.codes, evidence_status="proposed").count()
    if not proposed:
        return []
    return [_("%(n)d accident(s) lie in no recorded hazard: proposed as new evidence") % {"n": proposed}]
