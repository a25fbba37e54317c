"""NG `accident`, `victim` and `victim_assistance` → victims.Accident, Victim and Referral/Assessment.

Through victims.services only, as the system actor of a data migration (no person, so no access-log
entry; decision 0009). A victim's first and last name and date of birth go only into the sealed
personal fields: they are never put on the report, the trace or `source_attributes`, and custom
defined fields of victims (which may name people or villages) are withheld, their names kept.
"""

from __future__ import annotations

import datetime as dt

import shapely

from safeground.imsma import schema
from safeground.imsma.kinds.base import Refuse, Run, day, required, same_shape, version_entries
from safeground.victims import services
from safeground.victims.access import Actor
from safeground.victims.models import NEED_CHOICES, Accident, Assessment, Referral, Victim

ENUMS = {
    ("accident", "accidenttypeenum_guid"): ("accident_type", Accident.TYPE_CHOICES),
    ("victim", "killedorinjuredenum_guid"): ("outcome", Victim.OUTCOME_CHOICES),
    ("victim", "genderenum_guid"): ("sex", Victim.SEX_CHOICES),
    ("victim", "activityataccenum_guid"): ("activity", Victim.ACTIVITY_CHOICES),
    ("victim_assistance", "assistancetypeenum_guid"): ("need", NEED_CHOICES),
    ("victim_assistance", "status_guid"): ("status", Referral.STATUS_CHOICES),
}
USED = {
    "accident": {"accidentdate", "accidenttypeenum_guid"},
    "victim": {
        "firstname",
        "lastname",
        "birthdate",
        "age",
        "genderenum_guid",
        "killedorinjuredenum_guid",
        "activityataccenum_guid",
    },
    # description: free text about a person's needs; sealed as the notes, never kept in clear
    "victim_assistance": {"assistancetypeenum_guid", "status_guid", "startdate", "description"},
}
#: Plain (non-personal) victim fields a re-run compares and rectifies.
VICTIM_PLAIN = ("outcome", "sex", "activity", "age_years")
ACTOR_PURPOSE = "migration from IMSMA NG"


def _actor() -> Actor:
    return Actor.for_system(ACTOR_PURPOSE)


def _why(table: str, row: dict, what: str = "migrated from") -> str:
    return f"{what} IMSMA NG ({row.get(schema.localid(table)) or row[schema.key(table)]})"[:100]


# ---------------------------------------------------------------------------------------- accident


def _accident_fields(run: Run, row: dict, quiet: bool = False) -> dict:
    return {
        "occurred_on": day(row.get("accidentdate")),
        "accident_type": run.enum(
            "accident", "accidenttypeenum_guid", row.get("accidenttypeenum_guid"), Accident.TYPE_CHOICES, quiet=quiet
        ),
    }


def point_of(run: Run, table: str, row: dict, required: bool = True) -> shapely.Point | None:
    """The record's point: its own geometry (a polygon's representative point, reported), else its
    NG location's, else Refuse (None when not `required`)."""
    geometry = run.geometry(table, row, points=True, required=False)
    if geometry is None:
        location = run.target("location", row.get("location_guid"))
        found = getattr(location, "point", None) or getattr(location, "geom", None)
        if found is None:
            if not required:
                return None
            raise Refuse("no-geometry", "no point of its own and no migrated location_guid to take one from")
        geometry = shapely.from_wkb(bytes(found.wkb))
    if geometry.geom_type != "Point":
        run.report.problem(
            table,
            row[schema.key(table)],
            str(row.get(schema.localid(table)) or ""),
            "area-as-point",
            f"recorded as a {geometry.geom_type}; its representative point is used",
            "repaired",
        )
        geometry = geometry.representative_point()
    return geometry


def _accident(run: Run, table: str) -> None:
    def build(row: dict) -> dict:
        values = _accident_fields(run, row)
        required(values["occurred_on"], table, "accidentdate", "date")
        required(values["accident_type"], table, "accidenttypeenum_guid", "accident type")
        hazard = run.target("hazard", row.get("hazard_guid"))
        ordnance = run.target("ordnance", row.get("ordnance_guid"))
        values.update(
            point=point_of(run, table, row),
            hazard=getattr(hazard, "code", None),
            device_model=getattr(ordnance, "name", None) if ordnance is not None else None,
            source_attributes=run.attributes(table, row, USED[table]),
        )
        return values

    def create(values: dict, row: dict) -> Accident:
        return services.create_accident(
            **values,
            country=run.country,
            user=run.user,
            source_id=row["accident_guid"],
            reason=_why(table, row),
        )

    def update(accident: Accident, values: dict, row: dict) -> Accident:
        current = {
            "occurred_on": accident.occurred_on,
            "accident_type": accident.accident_type,
            "hazard": accident.hazard.code if accident.hazard is not None else None,
            "device_model": accident.device_model.name if accident.device_model is not None else None,
        }
        # A hazard NG no longer names (or never named) leaves the link the point made as it is.
        changes = {k: values[k] for k, v in current.items() if values[k] != v and not (k == "hazard" and not values[k])}
        point = values["point"]
        if not same_shape(accident.point, point):
            raise Refuse("no-update", "its point changed in NG; an accident's point is not moved by a re-run")
        attributes = values["source_attributes"]
        return services.update_accident(
            accident,
            user=run.user,
            reason=_why(table, row, "changed in"),
            source_attributes=attributes if attributes != accident.source_attributes else None,
            **changes,
        )

    def versions(accident: Accident, rows: list[dict]) -> list[dict]:
        def values(version: dict) -> dict:
            return {k: v for k, v in _accident_fields(run, version, quiet=True).items() if v is not None}

        return version_entries(table, (accident.source_attributes or {}).get("accident_localid", ""), rows, values)

    run.each(
        table,
        run.rows(table),
        build=build,
        create=create,
        update=update,
        versions=versions,
    )


# ------------------------------------------------------------------------------------------ victim


def _victim_plain(run: Run, row: dict, quiet: bool = False) -> dict:
    table = "victim"
    return {
        "outcome": run.enum(
            table, "killedorinjuredenum_guid", row.get("killedorinjuredenum_guid"), Victim.OUTCOME_CHOICES, quiet=quiet
        ),
        "sex": run.enum(
            table, "genderenum_guid", row.get("genderenum_guid"), Victim.SEX_CHOICES, default="unknown", quiet=quiet
        ),
        "activity": run.enum(
            table,
            "activityataccenum_guid",
            row.get("activityataccenum_guid"),
            Victim.ACTIVITY_CHOICES,
            default="unknown",
            quiet=quiet,
        ),
    }


def _age(run: Run, row: dict, born: dt.date | None, on: dt.date) -> int | None:
    """The age at the accident: from the date of birth when NG has one (a stated age that differs by
    more than a year is reported, without either date), else as stated. Refuse what can't be an age."""
    stated = row.get("age")
    if born is not None:
        if born > on:
            raise Refuse("birthdate-after-accident", "birthdate is after the accident date")
        years = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
        if stated is not None and abs(stated - years) > 1:
            run.report.problem(
                "victim",
                row["victim_guid"],
                str(row.get("victim_localid") or ""),
                "age-differs",
                f"stated age {stated} differs from the age the birthdate gives; the birthdate's is kept",
                "repaired",
            )
        stated = years
    if stated is not None and not 0 <= stated <= 120:
        raise Refuse("age-out-of-range", f"age {stated} is not 0 to 120 (from the age or the birthdate column)")
    return stated


def _victim_attributes(run: Run, row: dict) -> dict:
    """`source_attributes` of a victim: no personal or unknown column, custom fields by name only (base)."""
    return run.attributes("victim", row, USED["victim"])


def _victim(run: Run, table: str) -> None:
    def build(row: dict) -> dict:
        accident = run.target("accident", row.get("accident_guid"))
        if accident is None:
            raise Refuse("missing-link", f"accident_guid {row.get('accident_guid')}: its accident did not come across")
        values = _victim_plain(run, row)
        required(values["outcome"], table, "killedorinjuredenum_guid", "killed or injured")
        born = day(row.get("birthdate"))
        values["age_years"] = _age(run, row, born, accident.occurred_on)
        name = " ".join(p.strip() for p in (row.get("firstname"), row.get("lastname")) if p and p.strip())
        return {
            "accident": accident,
            "plain": values,
            "personal": {"name": name, "date_of_birth": born.isoformat() if born else ""},
            "source_attributes": _victim_attributes(run, row),
        }

    def create(values: dict, row: dict) -> Victim:
        return services.record_victim(
            accident=values["accident"].code,
            actor=_actor(),
            source_id=row["victim_guid"],
            source_attributes=values["source_attributes"],
            reason=_why(table, row),
            **values["personal"],
            **values["plain"],
        )

    def update(victim: Victim, values: dict, row: dict) -> Victim:
        if values["accident"].pk != victim.accident_id:
            raise Refuse("no-update", "moved to another accident in NG; a victim is not moved by a re-run")
        changes = {k: v for k, v in values["plain"].items() if getattr(victim, k) != v}
        if victim.erased_at is None:
            stored = services.reveal(victim, _actor())
            changes.update({k: v for k, v in values["personal"].items() if (stored[k] or "") != v})
        else:  # erased on request: NG's copy of the name, birthdate and exact age is not brought back
            changes.pop("age_years", None)
        if "date_of_birth" in changes and "age_years" not in changes:
            changes["age_years"] = values["plain"]["age_years"]
        attributes = values["source_attributes"]
        if not changes and attributes == victim.source_attributes:
            return victim
        return services.rectify(
            victim,
            _actor(),
            reason=_why(table, row, "changed in"),
            source_attributes=attributes if attributes != victim.source_attributes else None,
            **changes,
        )

    def versions(victim: Victim, rows: list[dict]) -> list[dict]:
        def values(version: dict) -> dict:
            # Only the pseudonymous fields: a past name or birthdate never reaches the history.
            fields = {k: v for k, v in _victim_plain(run, version, quiet=True).items() if v is not None}
            if version.get("age") is not None and 0 <= version["age"] <= 120 and not version.get("birthdate"):
                fields["age_years"] = version["age"]
            return fields

        return version_entries(table, (victim.source_attributes or {}).get("victim_localid", ""), rows, values)

    run.each(
        table,
        run.rows(table),
        build=build,
        create=create,
        update=update,
        versions=versions,
    )


# ------------------------------------------------------------------------------- victim assistance


def _assistance(run: Run, table: str) -> None:
    """A referral to the provider NG names (its organisation); without a migrated provider, the need as
    assessed that day (an assessment)."""

    def build(row: dict) -> dict:
        victim = run.target("victim", row.get("victim_guid"))
        if victim is None:
            raise Refuse("missing-link", f"victim_guid {row.get('victim_guid')}: its victim did not come across")
        if victim.outcome == "killed":
            raise Refuse("victim-killed", f"{victim.code} was killed; assistance is recorded for survivors")
        need = required(
            run.enum(table, "assistancetypeenum_guid", row.get("assistancetypeenum_guid"), NEED_CHOICES),
            table,
            "assistancetypeenum_guid",
            "need",
        )
        on = required(day(row.get("startdate")), table, "startdate", "start date")
        if on < victim.accident.occurred_on:
            raise Refuse("date-before-accident", f"startdate {on} is before the accident ({victim.accident.code})")
        provider = run.target("organisation", row.get("organisation_guid"))
        status = run.enum(table, "status_guid", row.get("status_guid"), Referral.STATUS_CHOICES, default="referred")
        return {
            "victim": victim,
            "need": need,
            "on": on,
            "provider": getattr(provider, "name", None),
            "status": status,
            "notes": row.get("description") or "",
        }

    def create(values: dict, row: dict) -> Referral | Assessment:
        if values["provider"]:
            return services.add_referral(
                values["victim"],
                _actor(),
                need=values["need"],
                provider=values["provider"],
                referred_on=values["on"],
                status=values["status"],
                notes=values["notes"],
                reason=_why(table, row),
            )
        return services.add_assessment(
            values["victim"],
            _actor(),
            assessed_on=values["on"],
            needs=[values["need"]],
            notes=values["notes"],
            reason=_why(table, row),
        )

    def update(record, values: dict, row: dict):
        if not isinstance(record, Referral):
            raise Refuse("no-update", "changed in NG; an assessment is not updated (no service for it)")
        fixed = {
            "victim_guid": record.victim_id == values["victim"].pk,
            "assistancetypeenum_guid": record.need == values["need"],
            "startdate": record.referred_on == values["on"],
            "organisation_guid": record.provider == values["provider"],
        }
        moved = sorted(k for k, same in fixed.items() if not same)
        if moved:
            raise Refuse("no-update", f"{', '.join(moved)} changed in NG; a referral's outcome only is updated")
        return services.update_referral(
            record,
            _actor(),
            status=values["status"] if values["status"] != record.status else None,
            notes=values["notes"],
            reason=_why(table, row, "changed in"),
        )

    run.each(
        table,
        run.rows(table),
        build=build,
        create=create,
        update=update,
    )


def migrate(run: Run, table: str) -> None:
    {"accident": _accident, "victim": _victim, "victim_assistance": _assistance}[table](run, table)
