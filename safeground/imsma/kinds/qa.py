"""NG `qa` → qm.Visit, through qm.services.

The visit is to what the NG `hazreduc` became (reductions kind): a landrelease.Product (released land)
or an operations.Activity (work under way). A visit has no result field: NG's QA result is written in
the findings, as a sentence naming the result (and stays in `source_attributes` as read).
"""

from __future__ import annotations

from django.utils.translation import gettext_noop as N_

from safeground.imsma.kinds.base import Refuse, Run, day, required, version_entries
from safeground.landrelease.models import Product
from safeground.operations.models import Activity
from safeground.qm import services
from safeground.qm.models import Visit

#: NG QA results as the findings name them.
RESULT_CHOICES = [
    ("passed", N_("Passed")),
    ("failed", N_("Failed")),
    ("conditional", N_("Passed with conditions")),
    ("pending", N_("Pending")),
]
ENUMS = {
    ("qa", "activitytype_guid"): ("visit_type", Visit.TYPE_CHOICES),
    ("qa", "qaresultstatus_guid"): ("findings", RESULT_CHOICES),
}
USED = {"qadate", "activitytype_guid", "qaresultstatus_guid", "hazreduc_guid", "organisation_guid"}
FIXED = ("visit_type", "visited_on", "inspecting_organisation", "product", "activity")


def _findings(result: str | None) -> str:
    return f"QA result in IMSMA NG: {dict(RESULT_CHOICES)[result]}" if result else ""


def _fields(run: Run, row: dict, quiet: bool = False) -> dict:
    table = "qa"
    result = run.enum(table, "qaresultstatus_guid", row.get("qaresultstatus_guid"), RESULT_CHOICES, quiet=quiet)
    return {
        "visit_type": run.enum(
            table, "activitytype_guid", row.get("activitytype_guid"), Visit.TYPE_CHOICES, "monitoring", quiet
        ),
        "visited_on": day(row.get("qadate")),
        "findings": _findings(result),
        "inspector": (row.get("dataenterer") or "IMSMA NG")[:150],
    }


def migrate(run: Run, table: str) -> None:
    def build(row: dict) -> dict:
        values = _fields(run, row)
        required(values["visited_on"], table, "qadate", "date")
        work = run.target("hazreduc", row.get("hazreduc_guid"))
        if not isinstance(work, (Product, Activity)):
            raise Refuse("missing-link", f"hazreduc_guid {row.get('hazreduc_guid')}: its work did not come across")
        organisation = run.target("organisation", row.get("organisation_guid"))
        if organisation is None:
            raise Refuse(
                "missing-link",
                f"organisation_guid {row.get('organisation_guid')}: its organisation did not come across",
            )
        values.update(
            product=work if isinstance(work, Product) else None,
            activity=work if isinstance(work, Activity) else None,
            inspecting_organisation=organisation,
            source_attributes=run.attributes(table, row, USED),
        )
        return values

    def create(values: dict, row: dict) -> Visit:
        return services.record_visit(
            **values,
            user=run.user,
            source_id=row["qa_guid"],
            reason=f"migrated from IMSMA NG ({row.get('qa_localid') or row['qa_guid']})"[:100],
        )

    def update(visit: Visit, values: dict, row: dict) -> Visit:
        moved = [k for k in FIXED if getattr(visit, k) != values[k]]
        if moved:
            raise Refuse("no-update", f"{', '.join(moved)} changed in NG; a visit's findings only are updated")
        changes = {
            k: values[k] for k in ("findings", "inspector", "source_attributes") if getattr(visit, k) != values[k]
        }
        return services.update_visit(
            visit,
            user=run.user,
            reason=f"changed in IMSMA NG ({row.get('qa_localid') or row['qa_guid']})"[:100],
            **changes,
        )

    def versions(visit: Visit, rows: list[dict]) -> list[dict]:
        def values(version: dict) -> dict:
            fields = _fields(run, version, quiet=True)
            return {k: fields[k] for k in ("visit_type", "visited_on", "findings") if fields[k]}

        return version_entries(table, (visit.source_attributes or {}).get("qa_localid", ""), rows, values)

    run.each(
        table,
        run.rows(table),
        build=build,
        create=create,
        update=update,
        versions=versions,
    )
