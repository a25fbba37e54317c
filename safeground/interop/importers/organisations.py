"""Importing organisations (authorities, operators, others) from a list: acronym, name, kind, country.

Each row is tried through `organisations.structure.create_organisation` (`rowwise`): the acronym's
uniqueness, the kind and the programme's country are its rules. No geometry.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from safeground.interop.importers.common import Context, Plan, Rows
from safeground.interop.importers.rowwise import trial
from safeground.organisations import structure
from safeground.organisations.models import Organisation


def validate(rows: Rows, ctx: Context, progress) -> Plan:
    progress.stage(_("checking organisations"), rows.n)
    columns = {
        "acronym": rows.text("acronym", required=True, max_length=20),
        "name": rows.text("name", required=True, max_length=200),
        "kind": rows.choice("kind", Organisation._meta.get_field("kind").choices),
        "country": rows.text("country", required=True, max_length=3),
    }
    seen: dict[str, int] = {}
    for i, acronym in enumerate(columns["acronym"]):
        if acronym in seen:
            rows.error(
                i,
                "acronym",
                acronym,
                _("duplicate code (also on row %(row)d)") % {"row": seen[acronym] + 1},
                "duplicate",
            )
        elif acronym:
            seen[acronym] = i
    planned = []
    for i in range(rows.n):
        if rows.bad[i]:
            continue
        row = {name: values[i] for name, values in columns.items()}
        if trial(rows, i, lambda row=row: structure.create_organisation(**row)):
            planned.append(row)
        progress.update(1)
    progress.close()
    plan = Plan("organisations", rows.n)
    plan.codes = [a for a in columns["acronym"] if a]
    if not rows.bad.any():
        plan.extra["rows"] = planned
    return plan


def write(plan: Plan, ctx: Context, progress) -> list[str]:
    progress.stage(_("writing organisations"), len(plan.extra["rows"]))
    plan.codes = [structure.create_organisation(**row).acronym for row in plan.extra["rows"]]
    progress.update(len(plan.codes))
    progress.close()
    return []
