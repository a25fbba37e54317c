"""NG `hazard` → SafeGround hazards (polygons or points), through hazards.services."""

from __future__ import annotations

from safeground.hazards import services
from safeground.hazards.models import CONTAMINATION_CHOICES, Hazard
from safeground.imsma.kinds.base import Run, day, required, same_shape, version_entries

ENUMS = {
    ("hazard", "hazardtypeenum_guid"): ("hazard_class", Hazard.CLASS_CHOICES),
    ("hazard", "status_guid"): ("status", Hazard.STATUS_CHOICES),
    ("hazard", "dangerousareatype_guid"): ("contamination_type", CONTAMINATION_CHOICES),
}
#: NG columns that become fields (the rest go to source_attributes).
USED = {
    "hazard_name",
    "hazardtypeenum_guid",
    "status_guid",
    "dangerousareatype_guid",
    "date_of_report",
    "organisation_guid",
}
#: Fields a re-run compares and updates.
UPDATED = ("name", "hazard_class", "status", "contamination_type", "recorded_on", "source_attributes")


def _fields(run: Run, row: dict, quiet: bool = False) -> dict:
    table = "hazard"
    return {
        "name": (row.get("hazard_name") or "")[:200],
        "hazard_class": run.enum(
            table, "hazardtypeenum_guid", row.get("hazardtypeenum_guid"), Hazard.CLASS_CHOICES, quiet=quiet
        ),
        "status": run.enum(
            table, "status_guid", row.get("status_guid"), Hazard.STATUS_CHOICES, default="open", quiet=quiet
        ),
        "contamination_type": run.enum(
            table, "dangerousareatype_guid", row.get("dangerousareatype_guid"), CONTAMINATION_CHOICES, quiet=quiet
        ),
        "recorded_on": day(row.get("date_of_report") or row.get("dataentrydate")),
    }


def migrate(run: Run, table: str) -> None:
    def build(row: dict) -> dict:
        values = _fields(run, row)
        required(values["hazard_class"], table, "hazardtypeenum_guid", "hazard class")
        required(values["contamination_type"], table, "dangerousareatype_guid", "contamination type")
        required(values["recorded_on"], table, "date_of_report", "date")
        organisation = run.target("organisation", row.get("organisation_guid"))
        values.update(
            geometry=run.geometry(table, row),
            reporting_organisation=organisation.acronym if organisation is not None else None,
            source_attributes=run.attributes(table, row, USED),
        )
        return values

    def create(values: dict, row: dict) -> Hazard:
        return services.create_hazard(
            **values,
            country=run.country,
            user=run.user,
            source_id=row["hazard_guid"],
            reason=f"migrated from IMSMA NG ({row.get('hazard_localid') or row['hazard_guid']})",
        )

    def update(hazard: Hazard, values: dict, row: dict) -> Hazard:
        changes = {k: values[k] for k in UPDATED if getattr(hazard, k) != values[k]}
        if values["geometry"] is not None:
            current = hazard.geom if hazard.geom is not None else hazard.point
            if not same_shape(current, values["geometry"]):
                changes["geometry"] = values["geometry"]
        organisation = values["reporting_organisation"]
        if organisation != (hazard.reporting_organisation.acronym if hazard.reporting_organisation_id else None):
            changes["reporting_organisation"] = organisation
        return services.update_hazard(
            hazard, user=run.user, reason=f"changed in IMSMA NG ({row.get('hazard_localid')})"[:100], **changes
        )

    def versions(hazard: Hazard, rows: list[dict]) -> list[dict]:
        def values(version: dict) -> dict:
            fields = _fields(run, version, quiet=True)
            return {k: v for k, v in fields.items() if v is not None}

        return version_entries(table, hazard.source_attributes.get("hazard_localid", ""), rows, values)

    run.each(
        table,
        run.rows(table),
        build=build,
        create=create,
        update=update,
        versions=versions,
    )
