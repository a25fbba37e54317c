"""NG `mre` (mine risk education) → eore.Session, through eore.services.

NG counts men and women (`no_of_males`, `no_of_females`) apart from boys and girls, as SafeGround
does; the method comes from NG's mine action type, the point from the record's geometry or its
location (mass media and digital sessions may have none).
"""

from __future__ import annotations

from safeground.eore import services
from safeground.eore.models import Session
from safeground.imsma.kinds.accidents import point_of
from safeground.imsma.kinds.base import Refuse, Run, day, required, version_entries

ENUMS = {
    ("mre", "mineactiontype_guid"): ("method", Session.METHOD_CHOICES),
}
#: NG head count column → the session's count.
COUNTS = {"no_of_males": "men", "no_of_females": "women", "no_of_boys": "boys", "no_of_girls": "girls"}
USED = {"startdate", "mineactiontype_guid", "organisation_guid", *COUNTS}
#: Fields a re-run compares and updates.
UPDATED = ("held_on", "method", *COUNTS.values())


def _fields(run: Run, row: dict, quiet: bool = False) -> dict:
    method = run.enum(
        "mre", "mineactiontype_guid", row.get("mineactiontype_guid"), Session.METHOD_CHOICES, "other", quiet
    )
    return {
        "held_on": day(row.get("startdate")),
        "method": method,
        **{field: row.get(column) or 0 for column, field in COUNTS.items()},
    }


def migrate(run: Run, table: str) -> None:
    def build(row: dict) -> dict:
        values = _fields(run, row)
        required(values["held_on"], table, "startdate", "date")
        organisation = run.target("organisation", row.get("organisation_guid"))
        if organisation is None:
            raise Refuse(
                "missing-link",
                f"organisation_guid {row.get('organisation_guid')}: its organisation did not come across",
            )
        values.update(
            organisation=organisation.acronym,
            point=point_of(run, table, row, required=values["method"] not in ("mass_media", "digital")),
            source_attributes=run.attributes(table, row, USED),
        )
        return values

    def create(values: dict, row: dict) -> Session:
        return services.create_session(
            **values,
            country=run.country,
            user=run.user,
            source_id=row["mre_guid"],
            reason=f"migrated from IMSMA NG ({row.get('mre_localid') or row['mre_guid']})"[:100],
        )

    def update(session: Session, values: dict, row: dict) -> Session:
        changes = {k: values[k] for k in UPDATED if getattr(session, k) != values[k]}
        if values["organisation"] != session.organisation.acronym:
            changes["organisation"] = values["organisation"]
        attributes = values["source_attributes"]
        return services.update_session(
            session,
            user=run.user,
            reason=f"changed in IMSMA NG ({row.get('mre_localid') or row['mre_guid']})"[:100],
            source_attributes=attributes if attributes != session.source_attributes else None,
            **changes,
        )

    def versions(session: Session, rows: list[dict]) -> list[dict]:
        def values(version: dict) -> dict:
            return {k: v for k, v in _fields(run, version, quiet=True).items() if v is not None}

        return version_entries(table, (session.source_attributes or {}).get("mre_localid", ""), rows, values)

    run.each(
        table,
        run.rows(table),
        build=build,
        create=create,
        update=update,
        versions=versions,
    )
