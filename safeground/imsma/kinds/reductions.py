"""NG `hazreduc` (a hazard reduction: technical survey or clearance) → an operations activity and the
land it released (a landrelease product); NG `hazreducdeviceinfo` → the devices found in that product.

An NG hazard reduction is both the work and its result; SafeGround keeps them apart (decision 0004),
so one NG record becomes an activity (type and status from NG, organisation, dates) and, when it has a
polygon, its product (outcome: cleared for clearance, reduced for technical survey, unless the mapping
says otherwise). Without a polygon only the activity is kept; the report says so. Historical work
(completed, cancelled) is not held to today's accreditation register; planned and ongoing work is,
as everywhere (decision 0010), and is refused with the gap named.

NG records no position per device: a device is placed on a point inside its product, and its source
attributes say so.
"""

from __future__ import annotations

from safeground.imsma import schema
from safeground.imsma.kinds.base import Refuse, Run, day, required, same_shape, version_entries
from safeground.landrelease import services as landrelease
from safeground.landrelease.models import Device, Product
from safeground.operations import services as operations
from safeground.operations.models import Activity

ENUMS = {
    ("hazreduc", "hazreductypeenum_guid"): ("activity_type", Activity.TYPE_CHOICES),
    ("hazreduc", "status_guid"): ("status", Activity.STATUS_CHOICES),
    ("hazreducdeviceinfo", "devicestatusenum_guid"): ("disposal", Device.DISPOSAL_CHOICES),
}
USED = {
    "hazard_guid",
    "organisation_guid",
    "hazreductypeenum_guid",
    "status_guid",
    "startdate",
    "enddate",
    "clearancedepth",
}
DEVICE_USED = {"hazreduc_guid", "ordnance_guid", "quantity", "devicestatusenum_guid"}
#: What the released ground is called after each kind of work (the mapping file may say otherwise).
OUTCOME = {"clearance": "cleared", "bac": "cleared", "eod": "cleared", "ts": "reduced", "nts": "cancelled"}
#: The method an NG reduction is recorded under (NG keeps assets per record, not per method).
METHODS = {"nts": ["nts"], "eod": ["eod"]}


def migrate(run: Run, table: str) -> None:
    if table == "hazreduc":
        _reductions(run)
    else:
        _devices(run)


def _activity_fields(run: Run, row: dict, quiet: bool = False) -> dict:
    t = "hazreduc"
    kind = run.enum(t, "hazreductypeenum_guid", row.get("hazreductypeenum_guid"), Activity.TYPE_CHOICES, quiet=quiet)
    default_status = "completed" if row.get("enddate") else "ongoing"
    status = run.enum(t, "status_guid", row.get("status_guid"), Activity.STATUS_CHOICES, default_status, quiet=quiet)
    return {
        "activity_type": kind,
        "status": status,
        "start_date": day(row.get("startdate") or row.get("dataentrydate")),
        "end_date": day(row.get("enddate")),
    }


def _reductions(run: Run) -> None:
    table = "hazreduc"

    def build(row: dict) -> dict:
        values = _activity_fields(run, row)
        required(values["activity_type"], table, "hazreductypeenum_guid", "activity type")
        required(values["start_date"], table, "startdate", "start date")
        organisation = run.target("organisation", row.get("organisation_guid"))
        if organisation is None:
            raise Refuse("missing-link", f"organisation_guid {row.get('organisation_guid')}: organisation not migrated")
        hazard = run.target("hazard", row.get("hazard_guid"))
        geometry = run.geometry(table, row, points=False, required=False)
        return {
            **values,
            "organisation": organisation,
            "hazard": hazard,
            "geometry": geometry,
            "outcome": OUTCOME.get(values["activity_type"], "reduced"),
            "released_on": values["end_date"] or values["start_date"],
            # Optional in NG's schema (schema.OPTIONAL): cleared land without it is refused by the service.
            "clearance_depth_cm": row.get("clearancedepth"),
            # NG's status stays readable here too: a later change of it updates the product's history.
            "source_attributes": run.attributes(table, row, USED - {"status_guid"}),
        }

    def create(values: dict, row: dict):
        guid, localid = row["hazreduc_guid"], row.get("hazreduc_localid") or row["hazreduc_guid"]
        reason = f"migrated from IMSMA NG ({localid})"
        hazard = values["hazard"]
        activity = operations.create_activity(
            organisation=values["organisation"],
            activity_type=values["activity_type"],
            methods=METHODS.get(values["activity_type"], ["manual"]),
            hazards=[hazard] if hazard else [],
            start_date=values["start_date"],
            end_date=values["end_date"],
            status=values["status"],
            reference_point=values["geometry"].representative_point() if values["geometry"] is not None else None,
            user=run.user,
            source_id=guid,
            source_attributes=values["source_attributes"],
            reason=reason,
            historical=True,
        )
        if values["geometry"] is None:
            run.report.problem(
                table,
                guid,
                str(localid),
                "activity-only",
                "no polygon in NG: the activity is kept, no released land",
                "reported",
                activity.code,
            )
            return activity
        return landrelease.create_product(
            activity=activity.code,
            hazard=hazard.code if hazard else None,
            outcome=values["outcome"],
            geometry=values["geometry"],
            released_on=values["released_on"],
            clearance_depth_cm=values["clearance_depth_cm"],
            user=run.user,
            source_id=guid,
            source_attributes=values["source_attributes"],
            reason=reason,
        )

    def update(record, values: dict, row: dict):
        if not isinstance(record, Product):
            raise Refuse("no-update", "changed in NG; an activity without released land is not updated")
        changes = {}
        if record.outcome != values["outcome"]:
            changes["outcome"] = values["outcome"]
        if record.clearance_depth_cm != values["clearance_depth_cm"] and values["clearance_depth_cm"] is not None:
            changes["clearance_depth_cm"] = values["clearance_depth_cm"]
        if record.released_on != values["released_on"]:
            changes["released_on"] = values["released_on"]
        if values["geometry"] is not None and not same_shape(record.geom, values["geometry"]):
            changes["geometry"] = values["geometry"]
        if record.source_attributes != values["source_attributes"]:
            changes["source_attributes"] = values["source_attributes"]
        reason = f"changed in IMSMA NG ({row.get('hazreduc_localid')})"
        return landrelease.update_product(record, user=run.user, reason=reason, **changes)

    def versions(record, rows: list[dict]) -> list[dict]:
        def values(version: dict) -> dict:
            fields = _activity_fields(run, version, quiet=True)
            if isinstance(record, Product):
                released = fields["end_date"] or fields["start_date"]
                return {"released_on": released} if released else {}
            return {k: v for k, v in fields.items() if v is not None}

        return version_entries(table, (record.source_attributes or {}).get("hazreduc_localid", ""), rows, values)

    run.each(
        table,
        run.rows(table),
        build=build,
        create=create,
        update=update,
        versions=versions,
    )


def _devices(run: Run) -> None:
    table = "hazreducdeviceinfo"

    def build(row: dict) -> dict:
        product = run.target("hazreduc", row.get("hazreduc_guid"))
        if not isinstance(product, Product):
            raise Refuse("missing-link", f"hazreduc_guid {row.get('hazreduc_guid')}: no released land migrated for it")
        model = run.target("ordnance", row.get("ordnance_guid"))
        quantity = int(row.get("quantity") or 1)
        if quantity < 1:
            raise Refuse("bad-value", f"quantity {row.get('quantity')}: a device count is 1 or more")
        attributes = run.attributes(table, row, DEVICE_USED)
        attributes["position"] = "a point inside its product: NG records no position per device"
        return {
            "product": product,
            "point": _inside(product),
            "category": getattr(model, "category", None) or "other",
            "model": getattr(model, "name", None),
            "disposal": run.enum(
                table,
                "devicestatusenum_guid",
                row.get("devicestatusenum_guid"),
                Device.DISPOSAL_CHOICES,
                default="other",
            ),
            "count": quantity,
            "source_id": row[schema.key(table)],
            "source_attributes": attributes,
        }

    def create(values: dict, row: dict):
        product = values.pop("product")
        return landrelease.record_devices(product, [values], user=run.user)[0]

    run.each(
        table,
        run.rows(table),
        build=build,
        create=create,
    )


def _inside(product: Product):
    import shapely

    return shapely.from_wkb(bytes(product.geom.wkb)).representative_point()
