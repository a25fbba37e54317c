"""Reading an IMSMA NG v6 database: read-only, checked against the schema we know before anything else.

The connection is opened read-only (`default_transaction_read_only`), so the migrator cannot change the
national database it reads, whatever a query says. Rows come back as dicts keyed by column name.
"""

from __future__ import annotations

from collections import defaultdict
from functools import cached_property
from urllib.parse import urlsplit, urlunsplit

import psycopg
from django.utils.translation import gettext as _
from psycopg.conninfo import conninfo_to_dict, make_conninfo
from psycopg.rows import dict_row

from safeground.imsma import schema


class SourceError(ValueError):
    """The NG database can't be read (connection refused, no such database); nothing was written."""


class UnknownSchema(SourceError):
    """The database is not an IMSMA NG v6 database as we know it: the message names what is missing."""


def redact(url: str) -> str:
    """The URL (or key=value connection string) without its password, for reports and logs."""
    if "://" not in url:
        try:
            params = conninfo_to_dict(url)
        except psycopg.Error:
            return "(connection string)"
        if "password" in params:
            params["password"] = "***"
        return make_conninfo(**params)
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
    return urlunsplit(parts._replace(netloc=netloc))


class NgSource:
    """One NG database, opened read-only."""

    def __init__(self, url: str):
        self.url = url
        try:
            self.conn = psycopg.connect(url, row_factory=dict_row, options="-c default_transaction_read_only=on")
            self.conn.read_only = True  # also per transaction: a pooler may drop the session default
        except psycopg.Error as exc:
            raise SourceError(
                _("cannot open the IMSMA NG database %(url)s: %(error)s") % {"url": redact(url), "error": exc}
            ) from exc

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> NgSource:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @cached_property
    def columns(self) -> dict[str, set[str]]:
        """Every table of the public schema with its columns."""
        found: dict[str, set[str]] = defaultdict(set)
        for row in self.conn.execute(
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public'"
        ):
            found[row["table_name"]].add(row["column_name"])
        return dict(found)

    def check(self) -> None:
        """Refuse a database that lacks a table or column the migrator reads (UnknownSchema)."""
        missing_tables, missing_columns = [], []
        for table, columns in schema.expected().items():
            have = self.columns.get(table)
            if have is None:
                missing_tables.append(table)
                continue
            lacking = sorted(set(columns) - have)
            if lacking:
                missing_columns.append(f"{table} ({', '.join(lacking)})")
        if not missing_tables and not missing_columns:
            return
        parts = []
        if missing_tables:
            parts.append(_("missing tables: %(tables)s") % {"tables": ", ".join(missing_tables)})
        if missing_columns:
            parts.append(_("missing columns: %(columns)s") % {"columns": "; ".join(missing_columns)})
        raise UnknownSchema(
            _(
                "%(url)s is not an IMSMA NG v6 database as SafeGround knows it (docs/imsma-ng-schema.md): "
                "%(what)s. Nothing was read or written."
            )
            % {"url": redact(self.url), "what": "; ".join(parts)}
        )

    def rows(self, table: str, order_by: str | None = None) -> list[dict]:
        """Every row of a table the schema names, all its columns (extra ones too: they are kept)."""
        if table not in schema.expected():
            raise ValueError(f"not a table of the NG schema: {table}")
        order = f" ORDER BY {order_by}" if order_by else ""
        return list(self.conn.execute(f'SELECT * FROM "{table}"{order}'))  # names come from schema.py

    def count(self, table: str) -> int:
        if table not in schema.expected():
            raise ValueError(f"not a table of the NG schema: {table}")
        return self.conn.execute(f'SELECT count(*) AS n FROM "{table}"').fetchone()["n"]

    @cached_property
    def enums(self) -> dict[str, dict]:
        """imsmaenum rows by guid."""
        return {row["imsmaenum_guid"]: row for row in self.rows("imsmaenum")}

    def enum_value(self, guid: str | None) -> str | None:
        row = self.enums.get(guid) if guid else None
        return row["enumvalue"] if row else None

    def geometry_parts(self, table: str) -> dict[str, list[tuple[dict, list[dict]]]]:
        """Per record guid of `table`: its (geospatialinfo, [geopoints by pointno]) parts."""
        key = schema.key(table)
        link = schema.geometry_link(table)
        infos = {
            row["geospatialinfo_guid"]: (row[key], row)
            for row in self.conn.execute(
                f'SELECT l."{key}", g.* FROM "{link}" l JOIN geospatialinfo g USING (geospatialinfo_guid)'
            )
        }
        points: dict[str, list[dict]] = defaultdict(list)
        for row in self.conn.execute(
            f'SELECT p.* FROM geopoint p JOIN "{link}" l USING (geospatialinfo_guid) '
            "ORDER BY p.geospatialinfo_guid, p.pointno"
        ):
            points[row["geospatialinfo_guid"]].append(row)
        parts: dict[str, list[tuple[dict, list[dict]]]] = defaultdict(list)
        for info_guid, (record, info) in sorted(infos.items(), key=lambda kv: (kv[1][1].get("shape_id") or 0, kv[0])):
            parts[record].append((info, points.get(info_guid, [])))
        return dict(parts)

    def versions(self, table: str) -> dict[str, list[dict]]:
        """Per record guid: its infoversions, oldest first."""
        if table not in schema.VERSIONED:
            return {}
        found: dict[str, list[dict]] = defaultdict(list)
        for row in self.rows(schema.version_table(table), order_by="dataentrydate NULLS FIRST"):
            found[row[schema.key(table)]].append(row)
        return dict(found)

    def custom_fields(self, table: str) -> dict[str, dict[str, object]]:
        """Per record guid: its custom defined fields, name → value (several values joined by ' | ')."""
        if table not in schema.CUSTOM_TABLES:
            return {}
        key = schema.key(table)
        found: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
        for row in self.conn.execute(
            f"""SELECT l."{key}" AS record, f.name,
                       coalesce(v.stringvalue, to_char(v.datevalue, 'YYYY-MM-DD'), v.numbervalue::text,
                                v.organisation_value, v.place_value, v.gazetteer_value) AS value
                FROM "{schema.custom_link(table)}" l
                JOIN cdfvalue v USING (cdfvalue_guid)
                JOIN customdefinedfield f USING (cdf_id)
                ORDER BY f.name, value"""
        ):
            found[row["record"]][row["name"]].append(row["value"])
        return {
            record: {
                name: values[0] if len(values) == 1 else " | ".join(str(v) for v in values)
                for name, values in fields.items()
            }
            for record, fields in found.items()
        }
