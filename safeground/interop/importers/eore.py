"""Importing explosive ordnance risk education sessions: date, organisation, method, audience, the
people reached (girls, boys, women, men), materials; a point except for mass media and digital.

Each row is tried through `eore.services.create_session` (`rowwise`): the organisation, its team,
the point in the country, the hazards nearby and the code are the service's.
"""

from __future__ import annotations

from functools import partial

from django.utils.translation import gettext as _

from safeground.eore import services
from safeground.eore.models import Session
from safeground.interop.importers.common import Context, Plan, Rows, points, provenance
from safeground.interop.importers.rowwise import plan_rows, write_rows

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
    columns.update(provenance(rows, Session))
    create = partial(services.create_session, user=ctx.user)
    return plan_rows("eore", rows, columns, create, progress, {"point": "geometry"})


def write(plan: Plan, ctx: Context, progress) -> list[str]:
    create = partial(services.create_session, user=ctx.user, reason=ctx.reason)
    plan.codes = [session.code for session in write_rows(plan, create, progress, _("writing EORE sessions"))]
    return []
