"""The IMSMA NG v6 schema as SafeGround knows it: the tables and columns the migrator reads.

NG's schema is not published. This reconstruction follows what GICHD's public `geocheck` scripts read
(repository GICHD/geocheck: `geocheck.sql`, `ToolBox/*.sql`); docs/imsma-ng-schema.md names, for each
table, the script it comes from, and what was inferred. A real NG database has many more columns: the
migrator reads the ones named here, keeps every other column of a record table in `source_attributes`,
and refuses a database that lacks any of these (UnknownSchema names what is missing).

Types are PostgreSQL's, as NG uses them; the synthetic database (synthetic.py) is built from this.
"""

from __future__ import annotations

G = "varchar(36)"  # NG's GUIDs are text
T = "text"
D = "timestamp"
N = "double precision"
I = "integer"  # noqa: E741
B = "boolean"

_AUDIT = {"dataentrydate": D, "dataenterer": T}

#: The value lists: every *_guid column that is not a record's key points here (Enum Value Review.sql).
ENUMS = {"imsmaenum": {"imsmaenum_guid": G, "enumcategory": T, "enumvalue": T, "isactive": B}}

#: Record tables: key (key(table)), local ID (localid(table)), the columns the migrator maps.
#: Columns ending in `_guid` other than the key and the links below are value-list references.
# fmt: off
RECORDS: dict[str, dict[str, str]] = {
    "organisation": {
        "org_guid": G, "org_localid": T, "name": T, "acronym": T,
        "orgtypeenum_guid": G, "isactive": B, **_AUDIT,
    },
    "gazetteer": {
        "gazetteer_guid": G, "gazetteer_localid": T, "name": T, "parent_guid": G,
        "gazetteerlevelenum_guid": G, **_AUDIT,
    },
    "place": {
        "place_guid": G, "place_localid": T, "name": T, "gazetteer_guid": G, "placetypeenum_guid": G, **_AUDIT,
    },
    "location": {
        "location_guid": G, "location_localid": T, "locationname": T, "gazetteer_guid": G, "place_guid": G,
        **_AUDIT,
    },
    "ordnance": {
        "ordnance_guid": G, "ordnance_localid": T, "model": T, "ordcategoryenum_guid": G, "description": T,
        **_AUDIT,
    },
    "hazard": {
        "hazard_guid": G, "hazard_localid": T, "hazard_name": T, "location_guid": G, "organisation_guid": G,
        "hazardtypeenum_guid": G, "status_guid": G, "dangerousareatype_guid": G, "confirmed_guid": G,
        "priorityenum_guid": G, "date_of_report": D, **_AUDIT,
    },
    "hazreduc": {
        "hazreduc_guid": G, "hazreduc_localid": T, "hazard_guid": G, "organisation_guid": G,
        "location_guid": G, "hazreductypeenum_guid": G, "status_guid": G, "startdate": D, "enddate": D,
        **_AUDIT,
    },
    "hazreducdeviceinfo": {
        "hazreducdeviceinfo_guid": G, "hazreducdeviceinfo_localid": T, "hazreduc_guid": G, "ordnance_guid": G,
        "quantity": I, "devicestatusenum_guid": G, **_AUDIT,
    },
    "accident": {
        "accident_guid": G, "accident_localid": T, "accidentdate": D, "accidenttypeenum_guid": G,
        "location_guid": G, "hazard_guid": G, "ordnance_guid": G, **_AUDIT,
    },
    "victim": {
        "victim_guid": G, "victim_localid": T, "accident_guid": G, "firstname": T, "lastname": T,
        "birthdate": D, "age": I, "genderenum_guid": G, "killedorinjuredenum_guid": G,
        "activityataccenum_guid": G, **_AUDIT,
    },
    "victim_assistance": {
        "guid": G, "localid": T, "victim_guid": G, "organisation_guid": G,
        "assistancetypeenum_guid": G, "status_guid": G, "startdate": D, "description": T, **_AUDIT,
    },
    "mre": {
        "mre_guid": G, "mre_localid": T, "organisation_guid": G, "location_guid": G, "startdate": D,
        "enddate": D, "status_guid": G, "mineactiontype_guid": G, "no_of_males": I, "no_of_females": I,
        "no_of_boys": I, "no_of_girls": I, **_AUDIT,
    },
    "qa": {
        "qa_guid": G, "qa_localid": T, "hazreduc_guid": G, "organisation_guid": G, "qadate": D,
        "status_guid": G, "qaresultstatus_guid": G, "activitytype_guid": G, **_AUDIT,
    },
    "task": {
        "guid": G, "localid": T, "taskname": T, "organisation_guid": G, "hazard_guid": G,
        "tasktypeenum_guid": G, "status_guid": G, "startdate": D, "enddate": D, **_AUDIT,
    },
}

# fmt: on

#: Columns of a record table that link to another record (not value lists), per table.
LINKS: dict[str, dict[str, str]] = {
    "gazetteer": {"parent_guid": "gazetteer"},
    "place": {"gazetteer_guid": "gazetteer"},
    "location": {"gazetteer_guid": "gazetteer", "place_guid": "place"},
    "hazard": {"location_guid": "location", "organisation_guid": "organisation"},
    "hazreduc": {"hazard_guid": "hazard", "organisation_guid": "organisation", "location_guid": "location"},
    "hazreducdeviceinfo": {"hazreduc_guid": "hazreduc", "ordnance_guid": "ordnance"},
    "accident": {"location_guid": "location", "hazard_guid": "hazard", "ordnance_guid": "ordnance"},
    "victim": {"accident_guid": "accident"},
    "victim_assistance": {"victim_guid": "victim", "organisation_guid": "organisation"},
    "mre": {"organisation_guid": "organisation", "location_guid": "location"},
    "qa": {"hazreduc_guid": "hazreduc", "organisation_guid": "organisation"},
    "task": {"organisation_guid": "organisation", "hazard_guid": "hazard"},
}

#: Geometry (geocheck.sql): <table>_has_geospatialinfo → geospatialinfo → geopoint, by pointno.
# fmt: off
GEOMETRY = {
    "geospatialinfo": {
        "geospatialinfo_guid": G, "shapeenum_guid": G, "shape_id": I, "isactive": B, "poly_prop_enum_guid": G,
        **_AUDIT,
    },
    "geopoint": {
        "geopoint_guid": G, "geospatialinfo_guid": G, "pointlocal_id": T, "pointno": I, "pointtypeenum_guid": G,
        "pointdescription": T, "latitude": N, "longitude": N, "coordrefsys": T, "fixedby_guid": G,
        "bearing": N, "distance": N, "frompoint_guid": G, "frompointinput": T, "userinputformat": T,
        "coordformat": T, "elevation": N, "user_entered_x": T, "user_entered_y": T, "user_entered_mgrs": T,
        **_AUDIT,
    },
}
# fmt: on
#: Record tables whose records have geometry.
GEOMETRY_TABLES = ("place", "location", "hazard", "hazreduc", "accident", "mre", "qa")


def geometry_link(table: str) -> str:
    return f"{table}_has_geospatialinfo"


#: Versions ("infoversions", ToolBox/Global Duplicate CDF (Infoversions).sql): one row per data-entry
#: form approved for a record, with the record's mapped columns as they were then.
VERSIONED = ("hazard", "hazreduc", "accident", "victim", "mre", "qa")


def version_table(table: str) -> str:
    return f"{table}infoversion"


#: Custom defined fields (ToolBox/Global Duplicate CDF (Records).sql): <table>_has_cdfvalue → cdfvalue.
# fmt: off
CUSTOM = {
    "customdefinedfield": {"cdf_id": I, "name": T, "cdf_datatype": T},
    "cdfvalue": {
        "cdfvalue_guid": G, "cdf_id": I, "stringvalue": T, "datevalue": D, "numbervalue": N,
        "organisation_value": T, "place_value": T, "gazetteer_value": T,
    },
}
# fmt: on
CUSTOM_TABLES = ("hazard", "hazreduc", "accident", "mre", "victim")


def custom_link(table: str) -> str:
    return f"{table}_has_cdfvalue"


#: Record tables whose key and local ID are not `<table>_guid` / `<table>_localid`, as geocheck's
#: `ToolBox/Global Rename Dup Localids.sql` shows them. Columns in other tables that link to these keep
#: their `<table>_guid` names (e.g. hazard.organisation_guid): geocheck does not show otherwise.
KEYS: dict[str, tuple[str, str]] = {
    "organisation": ("org_guid", "org_localid"),
    "victim_assistance": ("guid", "localid"),
    "task": ("guid", "localid"),
}


def key(table: str) -> str:
    """The record table's key column (its GUID)."""
    return KEYS[table][0] if table in KEYS else f"{table}_guid"


def localid(table: str) -> str:
    """The record table's local ID column (the ID users see)."""
    return KEYS[table][1] if table in KEYS else f"{table}_localid"


#: Columns read when a database has them, not required: geocheck does not show them, and a database
#: without them is not refused. A record that needs one says so on the report (a cleared product needs
#: its clearance depth, in cm, which NG's hazard reduction form records).
OPTIONAL: dict[str, dict[str, str]] = {"hazreduc": {"clearancedepth": I}}


def with_optional() -> dict[str, dict[str, str]]:
    """`expected()` plus the optional columns (what the synthetic database holds)."""
    tables = expected()
    for table, columns in OPTIONAL.items():
        tables[table] = {**tables[table], **columns}
    return tables


def expected() -> dict[str, dict[str, str]]:
    """Every table the migrator reads, with its columns and types."""
    tables: dict[str, dict[str, str]] = {**ENUMS, **RECORDS, **GEOMETRY, **CUSTOM}
    for table in GEOMETRY_TABLES:
        tables[geometry_link(table)] = {key(table): G, "geospatialinfo_guid": G}
    for table in VERSIONED:
        columns = RECORDS[table]
        tables[version_table(table)] = {f"{table}infoversion_guid": G, **columns}
    for table in CUSTOM_TABLES:
        tables[custom_link(table)] = {key(table): G, "cdfvalue_guid": G}
    return tables


#: Migration order: a table after the tables it links to.
# fmt: off
ORDER = (
    "organisation", "gazetteer", "place", "location", "ordnance", "hazard", "hazreduc", "hazreducdeviceinfo",
    "accident", "victim", "victim_assistance", "mre", "qa", "task",
)
# fmt: on
