"""Importing organisations (authorities, operators, others) from a list: acronym, name, kind, country.

Each row is tried through `organisations.structure.create_organisation` (`rowwise`): the acronym's
uniqueness, the kind and the programme's country are its rules. No geometry.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from safeground.interop.importers.common import Context, Plan, Rows
from safeground.interop.importers.rowwise import plan_rows, write_rows
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
    rows.once_in_file(columns["acronym"], "acronym", _("duplicate code (also on row %(row)d)"))
    return plan_rows("organisations", rows, columns, structure.create_organisation, progress, key="acronym")


def write(plan: Plan, ctx: Context, progress) -> list[str]:
    made = write_rows(plan, structure.create_organisation, progress, _("writing organisations"))
    plan.codes = [org.acronym for org in made]
    return []
