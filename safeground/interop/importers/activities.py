"""Importing activities: checks, codes per province and type, teams and hazards linked."""

from __future__ import annotations

import uuid
from collections import defaultdict

from django.utils.translation import gettext as _

from safeground.core.geojson import to_geos
from safeground.gazetteer.models import AdminArea
from safeground.gazetteer.queries import locate
from safeground.hazards.models import Hazard
from safeground.interop.importers.common import (
    COUNTRY_PREFIX,
    CodeAllocator,
    Context,
    Plan,
    Rows,
    history_rows,
    lookup,
    points,
    settle_countries,
)
from safeground.operations.models import METHOD_CHOICES, Activity
from safeground.organisations.models import Organisation, Team

ACTIVITY_TYPE_CODES = {"nts": "NTS", "ts": "TS", "clearance": "CLR", "bac": "BAC", "eod": "EOD"}


def validate(rows: Rows, ctx: Context, progress) -> Plan:
    """Check every row as activities; the plan carries the columns to write when no row is bad."""
    progress.stage(_("checking activities"), rows.n)
    codes = rows.text("code", max_length=40)
    activity_type = rows.choice("activity_type", Activity.TYPE_CHOICES)
    status = rows.choice("status", Activity.STATUS_CHOICES, default="planned")
    org_given = rows.text("organisation", required=True)
    orgs = rows.reference(
        "organisation", org_given, lookup(Organisation, "acronym", org_given, "id"), _("organisation")
    )
    methods = rows.listing("methods")
    allowed = {c[0] for c in METHOD_CHOICES}
    for i, ms in enumerate(methods):
        bad = [m for m in ms if m not in allowed]
        if bad:
            rows.error(i, "methods", ", ".join(bad), _("must be among %(c)s") % {"c": ", ".join(sorted(allowed))})
    teams_given = rows.listing("teams")
    team_ids = lookup(Team, "code", [t for ts in teams_given for t in ts], "id")
    hazards_given = rows.listing("hazard_codes")
    hazard_ids = lookup(Hazard, "code", [h for hs in hazards_given for h in hs], "id")
    for name, given, known in (("teams", teams_given, team_ids), ("hazard_codes", hazards_given, hazard_ids)):
        for i, values in enumerate(given):
            missing = [v for v in values if v not in known]
            if missing:
                rows.error(i, name, ", ".join(missing), _("unknown code(s)"))
    start = rows.date("start_date", required=True, future=True)
    end = rows.date("end_date", future=True)
    for i, (a, b) in enumerate(zip(start, end, strict=True)):
        if a and b and b < a:
            rows.error(i, "end_date", b, _("before start_date (%(d)s)") % {"d": a})
    synthetic = rows.boolean("is_synthetic")
    geoms = points(rows, _("reference point"))
    country = settle_countries(rows, geoms, rows.text("country"), _("reference point"))
    rows.unique_codes(Activity, codes)
    progress.update(rows.n)
    progress.close()
    plan = Plan("activities", rows.n)
    if rows.bad.any():
        return plan
    stems = {}
    by_country: dict[str, list[int]] = defaultdict(list)
    for i in range(rows.n):
        if codes[i] is None:
            by_country[country[i]].append(i)
    province_codes = dict(AdminArea.objects.filter(level=1).values_list("id", "code"))
    for c, idx in by_country.items():
        for i, where in zip(idx, locate(list(geoms[idx]), c), strict=True):
            prefix = province_codes.get(where.province_id) or COUNTRY_PREFIX.get(c, c)
            stems[i] = (prefix, ACTIVITY_TYPE_CODES[activity_type[i]])
    for type_code in {s[1] for s in stems.values()}:
        alloc = CodeAllocator(Activity, type_code, 6, {c for c in codes if c})
        alloc.prime({s[0] for s in stems.values() if s[1] == type_code})
        for i, s in stems.items():
            if s[1] == type_code:
                codes[i] = alloc.code(s[0])
    plan.codes = codes
    plan.data = dict(
        code=codes,
        activity_type=activity_type,
        status=status,
        organisation_id=orgs,
        methods=methods,
        reference_point=geoms,
        country=country,
        start_date=start,
        end_date=end,
        is_synthetic=synthetic,
    )
    plan.extra["teams"] = [[team_ids[t] for t in ts] for ts in teams_given]
    plan.extra["hazards"] = [[hazard_ids[h] for h in hs] for hs in hazards_given]
    return plan


def write(plan: Plan, ctx: Context, progress) -> list[str]:
    """Write the validated activities (inside the import's transaction); returns notes."""
    d = plan.data
    progress.stage(_("writing activities"), plan.n)
    objs = [
        Activity(
            id=uuid.uuid4(),
            code=d["code"][i],
            activity_type=d["activity_type"][i],
            status=d["status"][i],
            organisation_id=d["organisation_id"][i],
            methods=d["methods"][i],
            reference_point=to_geos(d["reference_point"][i]),
            country=d["country"][i],
            start_date=d["start_date"][i],
            end_date=d["end_date"][i],
            is_synthetic=d["is_synthetic"][i],
        )
        for i in range(plan.n)
    ]
    Activity.objects.bulk_create(objs, batch_size=1000)
    links = {}
    for field_name, other in (("teams", "team_id"), ("hazards", "hazard_id")):
        through = getattr(Activity, field_name).through
        links[field_name] = through.objects.bulk_create(
            [
                through(activity_id=o.id, **{other: x})
                for o, xs in zip(objs, plan.extra[field_name], strict=True)
                for x in xs
            ],
            batch_size=2000,
        )
    history = {h.id: h for h in history_rows(Activity, objs, ctx)}
    # The teams and hazards each activity had when created, as simple_history records them.
    from django.apps import apps

    for field_name, other in (("teams", "team_id"), ("hazards", "hazard_id")):
        hist_model = apps.get_model("operations", f"HistoricalActivity_{field_name}")
        through = getattr(Activity, field_name).through
        created = list(
            through.objects.filter(activity_id__in=[o.id for o in objs]).values_list("id", "activity_id", other)
        )
        hist_model.objects.bulk_create(
            [hist_model(id=r[0], activity_id=r[1], history=history[r[1]], **{other: r[2]}) for r in created],
            batch_size=2000,
        )
    progress.update(plan.n)
    progress.close()
    return []
