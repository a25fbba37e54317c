"""Importing explosive ordnance risk education sessions: date, organisation, method, audience, the
people reached (girls, boys, women, men), materials; a point except for mass media and digital.

Each row is tried through `eore.services.create_session` (`rowwise`): the organisation, its team,
the point in the country, the hazards nearby and the code are the service's.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from safeground.eore import services
from safeground.eore.models import Session
from safeground.interop.importers.common import Context, Plan, Rows, points
from safeground.interop.importers.rowwise import trial

PEOPLE = ("girls", "boys", "women", "men")


def validate(rows: Rows, ctx: Context, progress) -> Plan:
    progress.stage(_("checking EORE sessions"), rows.n)
    codes = rows.text("code", max_length=40)
    columns = {
        "code": codes,
        "held_on": rows.date("held_on", required=True),
        "organisation": rows.text("organisation", required=True, max_length=20),
        "method": rows.choice("method", Session.METHOD_CHOICES),
        "audience": rows.choice("audience", Session.AUDIENCE_CHOICES, default="general"),
        "team": rows.text("team", max_length=40),
        "country": rows.text("country", max_length=3),
        "materials": rows.listing("materials"),
        "point": list(points(rows, _("session point"), required=False)),
        **{name: [n or 0 for n in rows.integer(name, low=0, high=1_000_000)] for name in PEOPLE},
    }
    rows.unique_codes(Session, codes)
    planned = []
    for i in range(rows.n):
        if rows.bad[i]:
            continue
        row = {name: values[i] for name, values in columns.items()}
        if trial(rows, i, lambda row=row: services.create_session(**row, user=ctx.user), {"point": "geometry"}):
            planned.append(row)
        progress.update(1)
    progress.close()
    plan = Plan("eore", rows.n)
    plan.codes = [c for c in codes if c]
    if not rows.bad.any():
        plan.extra["rows"] = planned
    return plan


def write(plan: Plan, ctx: Context, progress) -> list[str]:
    progress.stage(_("writing EORE sessions"), len(plan.extra["rows"]))
    plan.codes = []
    for row in plan.extra["rows"]:
        plan.codes.append(services.create_session(**row, user=ctx.user, reason=ctx.reason).code)
        progress.update(1)
    progress.close()
    return []
