"""NG `organisation` → organisations.Organisation, through organisations.structure.

One SafeGround already has (same name or same acronym, case, accents, spaces and dots aside, working in
the run's country, e.g. the programme's national authority) is merged: linked, never written. Any other is
created: its NG acronym (made from the name's initials when NG has none; `-<ISO3>` added when another
programme's organisation holds it), its kind from `orgtypeenum_guid` ('other' when unmapped), inactive when
NG says so. Organisation has no source_id/source_attributes: the NG GUID stays in the migration trace.

A re-run updates name, kind and activity of the ones it created (`edit_organisation`, one history row);
one merged onto SafeGround's own organisation is never changed by NG: a changed row is merged again.
"""

from __future__ import annotations

import re

from safeground.imsma import schema
from safeground.imsma.kinds import matching
from safeground.imsma.kinds.base import Merge, Run, required
from safeground.organisations import structure
from safeground.organisations.models import Organisation

TABLE = "organisation"
#: The kinds with the words NG's organisation types use, for the starting guess (the keys are the choices).
WORDS = {"authority": "government", "operator": "NGO, commercial, military"}
KINDS = [(k, f"{label}, {WORDS[k]}" if k in WORDS else label) for k, label in Organisation.KIND_CHOICES]
ENUMS = {("organisation", "orgtypeenum_guid"): ("kind", KINDS)}
ACRONYM_MAX = 20


def _acronym(row: dict, name: str) -> str:
    """NG's acronym, or the initials of the name; no spaces, at most 20 characters."""
    given = re.sub(r"\s+", "", row.get("acronym") or "")
    if not given:
        given = "".join(word[0] for word in re.findall(r"[A-Za-z0-9]+", name)).upper() or "ORG"
    return given[:ACRONYM_MAX]


def _free(acronym: str, country: str) -> str:
    """`acronym`, or the first of `<acronym>-<ISO3>`, `<acronym>-<ISO3>-2`… that no organisation holds."""
    candidates = [acronym, f"{acronym[: ACRONYM_MAX - 4]}-{country}"]
    candidates += [f"{acronym[: ACRONYM_MAX - 7]}-{country}-{n}" for n in range(2, 100)]
    for candidate in candidates:
        if not Organisation.objects.filter(acronym=candidate).exists():
            return candidate
    return candidates[-1]  # refused as taken by the service, naming the field


def migrate(run: Run, table: str) -> None:
    earlier = matching.earlier(table)
    key, local = schema.key(table), schema.localid(table)

    def build(row: dict) -> dict:
        guid = row[key]
        name = (row.get("name") or row.get("acronym") or "").strip()[:200]
        required(name or None, table, "name", "name")
        mine = matching.created_by(earlier.get(guid))
        given = matching.norm(row.get("acronym"))
        for org in Organisation.objects.filter(country=run.country).order_by("acronym"):
            if str(org.pk) == mine:
                continue
            if matching.norm(org.name) == matching.norm(name):
                raise Merge(org, f"same name as SafeGround's organisation {org.acronym} ({org.name})")
            if given and matching.norm(org.acronym) == given:
                raise Merge(org, f"same acronym as SafeGround's organisation {org.acronym} ({org.name})")
        kind = run.enum(table, "orgtypeenum_guid", row.get("orgtypeenum_guid"), KINDS, default="other")
        return {
            "name": name,
            "kind": kind,
            "is_active": row.get("isactive") is not False,
            "acronym": _acronym(row, name),
        }

    def create(values: dict, row: dict) -> Organisation:
        acronym = _free(values["acronym"], run.country)
        org = structure.create_organisation(
            acronym,
            values["name"],
            values["kind"],
            run.country,
            is_active=values["is_active"],
            user=run.user,
            reason=f"migrated from IMSMA NG ({row.get(local) or row[key]})"[:100],
        )
        if acronym != values["acronym"]:
            run.report.problem(
                table,
                row[key],
                str(row.get(local) or ""),
                "acronym-taken",
                f"acronym {values['acronym']} is another programme's organisation's: created as {acronym}",
                "reported",
                acronym,
            )
        return org

    def update(org: Organisation, values: dict, row: dict) -> Organisation:
        trace = earlier.get(row[key])
        if trace is not None and trace.status == "merged":
            raise Merge(org, f"merged onto SafeGround's organisation {org.acronym} earlier; NG's change not applied")
        changes = {k: values[k] for k in ("name", "kind", "is_active") if getattr(org, k) != values[k]}
        if not changes:
            return org
        return structure.edit_organisation(
            org.acronym,
            user=run.user,
            reason=f"changed in IMSMA NG ({row.get(local) or row[key]})"[:100],
            **changes,
        )

    run.each(
        table,
        run.rows(table),
        build=build,
        create=create,
        update=update,
    )
