"""Writing many rows fast: PostgreSQL's COPY, or one prepared INSERT run many times on SpatiaLite.

Django's `bulk_create` builds a model instance and a GEOS geometry per row; for a million devices that
costs more than reading, validating and writing them together. Here values go in column by column,
already adapted for the database (geometries as WKB), through the connection Django holds, so the
write stays inside the import's transaction. Used for the tables of imported records and their
"created" history rows; it never bypasses a constraint (the database still checks them all).
"""

from __future__ import annotations

import datetime as dt
import json
import operator
import re
import uuid
from collections.abc import Sequence
from contextlib import contextmanager
from itertools import repeat

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import shapely
from django.contrib.gis.db.models import GeometryField
from django.db import IntegrityError, connection, models
from django.db.models.expressions import RawSQL
from psycopg.copy import QueuedLibpqWriter

from safeground.core import copy_binary, table_versions

BATCH = 20_000


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def _column(field: models.Field, values) -> list:
    """One column's values in the form the database driver takes."""
    if isinstance(values, np.ndarray) and values.dtype != object:
        values = values.tolist()
    if isinstance(field, GeometryField):
        # `values` is an array of WKB (bytes) or of Shapely geometries.
        arr = np.empty(len(values), dtype=object)
        arr[:] = list(values)
        if is_postgres():
            return _ewkb_hex(shapely.from_wkb(arr) if len(arr) and isinstance(arr[0], (bytes, bytearray)) else arr)
        if len(arr) and not isinstance(arr[0], (bytes, bytearray)):
            arr = shapely.to_wkb(arr)
        return arr.tolist()
    target = field.target_field if field.is_relation else field
    internal = target.get_internal_type()
    if is_postgres():
        if internal == "JSONField" or isinstance(field, models.JSONField):
            return [None if v is None else json.dumps(v) for v in values]
        return list(values)
    if internal == "UUIDField":
        return [None if v is None else (v.hex if isinstance(v, uuid.UUID) else uuid.UUID(str(v)).hex) for v in values]
    if internal == "DateField":
        return [None if v is None else v.isoformat() for v in values]
    if internal == "DateTimeField":
        # Bulk rows share a few timestamps: adapt each distinct one once.
        adapted = {v: connection.ops.adapt_datetimefield_value(v) for v in set(values) if v is not None}
        return [None if v is None else adapted[v] for v in values]
    if isinstance(field, models.JSONField):
        return [None if v is None else json.dumps(v) for v in values]
    return list(values)


_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _text(values: list, known: dict | None = None) -> list[str]:
    """A column in COPY's text format: \\N for NULL, booleans as t/f, text escaped.

    Without a Python step per row where it can: text is escaped only when the column holds one of the
    four special characters (one scan of the joined column says so); a column of one value is formatted
    once; integers, floats, dates and times are formatted by C functions mapped over the column; other
    values (the referenced rows' ids) repeat, often as the very same object, so each distinct object and
    each distinct value is formatted once, and the rest is dictionary look-ups in C.
    `known` ({id: (object, text)}, kept by the caller across a column's chunks) holds each object, so
    that its id can't be reused by another object while the text is remembered.
    """
    n = len(values)
    sample = next((v for v in values if v is not None), None)
    if sample is None:
        return ["\\N"] * n
    nulls = any(map(operator.is_, values, repeat(None)))
    if isinstance(sample, str):
        joined = "".join(v for v in values if v is not None) if nulls else "".join(values)
        if any(c in joined for c in "\\\t\n\r"):
            return ["\\N" if v is None else v.translate(_ESCAPES) for v in values]
        return ["\\N" if v is None else v for v in values] if nulls else list(values)
    if values[0] is values[-1] and values.count(values[0]) == n:  # one value throughout (the batch, a time)
        return [_format(values[0])] * n
    kinds = set(map(type, values))
    if not nulls and len(kinds) == 1 and sample.__class__ in _PLAIN:  # formatted in C, no Python per row
        return list(map(_PLAIN[sample.__class__], values))
    known = {} if known is None else known
    ids = list(map(id, values))
    distinct = dict(zip(ids, values, strict=True))
    new = distinct.keys() - known.keys()  # set operations in C; Python runs once per new object only
    if new:
        by_value = {v: _format(v) for v in {distinct[key] for key in new}}
        for key in new:
            known[key] = (distinct[key], by_value[distinct[key]])
    return list(map(_second, map(known.__getitem__, ids)))


_second = operator.itemgetter(1)
_PLAIN = {int: str, float: repr, dt.date: dt.date.isoformat, dt.datetime: dt.datetime.isoformat}


def _format(v) -> str:
    """One value in COPY's text format."""
    if v is None:
        return "\\N"
    if isinstance(v, bool):
        return "t" if v else "f"
    if isinstance(v, (dt.datetime, dt.date)):
        return v.isoformat()
    return str(v)


#: Hex EWKB header of a 2D point with SRID 4326: little-endian, type 1 with the SRID flag, SRID 4326.
_POINT_4326 = "0101000020E6100000"


def _ewkb_hex(geoms: np.ndarray) -> list:
    """Geometries as PostGIS's hex EWKB with SRID 4326, vectorised (None stays None).

    GEOS's hex writer costs microseconds a geometry; a column of plain 2D points (devices) is written
    straight from its coordinates instead: one header, then x and y as little-endian doubles.
    """
    if (
        len(geoms)
        and (shapely.get_type_id(geoms) == 0).all()
        and not (shapely.has_z(geoms) | shapely.is_empty(geoms)).any()
    ):
        digits = shapely.get_coordinates(geoms).astype("<f8").tobytes().hex().upper()
        return [_POINT_4326 + digits[i : i + 32] for i in range(0, len(digits), 32)]
    return shapely.to_wkb(shapely.set_srid(geoms, 4326), hex=True, include_srid=True).tolist()


def sequential_uuids(n: int) -> list[uuid.UUID]:
    """UUIDs that sort in creation order (a random 64-bit prefix, then a counter).

    Random UUIDs land all over a B-tree index; a million of them make the primary-key index the
    slowest part of a bulk load. These are still unique random identifiers to everyone else.
    """
    prefix = uuid.uuid4().int >> 64 << 64
    return [uuid.UUID(int=prefix | k) for k in range(n)]


def sequential_ids(n: int) -> list:
    """`sequential_uuids` in the form the driver takes fastest: their text on PostgreSQL (COPY's own form).

    Building a million `uuid.UUID` objects and printing them again costs seconds; the text is made directly.
    """
    if not is_postgres():
        return sequential_uuids(n)
    head = str(uuid.UUID(int=uuid.uuid4().int >> 64 << 64))[:19]  # the random half: "xxxxxxxx-xxxx-xxxx-"
    return [f"{head}0000-{k:012x}" for k in range(n)]  # the counter half (n < 2**48)


def insert(model, data: dict[str, Sequence], progress=None) -> int:
    """Insert rows given as {field name: column of values} (all columns the same length)."""
    names = list(data)
    fields = [model._meta.get_field(name) for name in names]
    n = len(data[names[0]]) if names else 0
    if n == 0:
        return 0
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cursor, connection.wrap_database_errors:  # Django's errors, as the ORM raises
        if is_postgres():
            copy_rows(cursor, table, columns, fields, [data[name] for name in names], progress)
            return n
        marks = ", ".join("GeomFromWKB(%s, 4326)" if isinstance(f, GeometryField) else "%s" for f in fields)
        for start, stop, cols in _chunks(fields, names, data, n):
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", list(zip(*cols, strict=True)))
            if progress is not None:
                progress.update(stop - start)
    return n


def copy_rows(cursor, table: str, columns: str, fields: list, values: list[Sequence], progress=None) -> None:
    """COPY rows (one sequence per field) into `table (columns)`, BATCH rows a chunk.

    In COPY's binary form where `core.copy_binary` encodes every field (the server copies bytes
    instead of parsing text), else in its text form; a writer thread sends each chunk while the next
    one is encoded, so Python and the server work at the same time.
    """
    n = len(values[0])
    binary = copy_binary.encoder_for(fields)
    if binary is not None:
        statement = f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT binary)"

        def chunk(start: int, stop: int) -> bytes | str:
            return binary([column[start:stop] for column in values])
    else:
        statement = f"COPY {table} ({columns}) FROM STDIN"
        known: list[dict] = [{} for _field in fields]  # per column, across chunks (see `_text`)

        def chunk(start: int, stop: int) -> bytes | str:
            texts = [_text(_column(f, c[start:stop]), memo) for f, c, memo in zip(fields, values, known, strict=True)]
            return "\n".join(map("\t".join, zip(*texts, strict=True))) + "\n"

    with cursor.cursor.copy(statement, writer=QueuedLibpqWriter(cursor.cursor)) as copy:
        if binary is not None:
            copy.write(copy_binary.HEADER)
        for start in range(0, n, BATCH):
            stop = min(n, start + BATCH)
            copy.write(chunk(start, stop))
            if progress is not None:
                progress.update(stop - start)
        if binary is not None:
            copy.write(copy_binary.TRAILER)
    # COPY goes to psycopg's own cursor, past Django's execute wrappers: say which table changed.
    table_versions.changed([table.strip('"')], using=cursor.db.alias)


def _chunks(fields, names, data, n):
    """(start, stop, columns adapted for the driver) per BATCH rows."""
    for start in range(0, n, BATCH):
        stop = min(n, start + BATCH)
        yield start, stop, [_column(f, data[name][start:stop]) for f, name in zip(fields, names, strict=True)]


def insert_with_history(model, data: dict[str, Sequence], *, when, user_id, reason: str, progress=None) -> int:
    """Insert rows and their "created" history rows (django-simple-history's table), both set-based."""
    n = insert(model, data, progress=progress)
    history = model.history.model
    hist = {name: values for name, values in data.items()}
    hist["history_date"] = [when] * n
    hist["history_change_reason"] = [reason[:100]] * n
    hist["history_type"] = ["+"] * n
    hist["history_user"] = [user_id] * n
    insert(history, hist)
    return n


#: Text values: when this many or fewer stored values lie between the smallest and the largest given,
#: they are compared here instead of sending every given value to the database.
IN_RANGE_AT_MOST = 10_000


def existing_values(model, field_name: str, values: Sequence) -> set:
    """Which of `values` already exist in `model.field_name` (set-based, see `lookup_rows`).

    Text (codes) is first looked for by range: a new batch's codes usually sit apart from what is
    stored ("BENCH-0000001" … "BENCH-1000000"), so one index range scan that finds few stored values
    between the smallest and the largest given answers for a million values. Both sides compare
    code points (Python's order; PostgreSQL's pattern operators `~>=~`, SQLite's binary collation),
    so no stored value in the range is missed whatever the database's collation.
    """
    field = model._meta.get_field(field_name)
    if len(values) > IN_RANGE_AT_MOST:
        try:
            texts = pa.array(values, type=pa.string())
        except (pa.ArrowTypeError, pa.ArrowInvalid):  # not all text
            texts = None
        if texts is not None and pc.count(texts).as_py() > IN_RANGE_AT_MOST:
            bounds = pc.min_max(texts).as_py()  # Arrow compares UTF-8 bytes: code-point order
            stored = _stored_between(model, field.column, bounds["min"], bounds["max"])
            if stored is not None:
                return set(stored).intersection(values)
    return {row[0] for row in lookup_rows(model._default_manager.all(), field_name, values)}


def _stored_between(model, column: str, low: str, high: str) -> list | None:
    """Stored values from `low` to `high` in code-point order; None when there are more than IN_RANGE_AT_MOST."""
    table, column = connection.ops.quote_name(model._meta.db_table), connection.ops.quote_name(column)
    between = f"{column} ~>=~ %s AND {column} ~<=~ %s" if is_postgres() else f"{column} >= %s AND {column} <= %s"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE {between} LIMIT %s", [low, high, IN_RANGE_AT_MOST + 1])
        stored = [row[0] for row in cursor.fetchall()]
    return stored if len(stored) <= IN_RANGE_AT_MOST else None


#: Rebuild secondary indexes after the load when it adds at least this many rows per row already there.
REBUILD_RATIO = 0.5


@contextmanager
def loading(model, rows: int):
    """Around a bulk insert of `rows` rows into `model`'s table, inside the caller's transaction (decision 0017).

    What PostgreSQL's "Populating a Database" advises, done so that every rule still holds:

    - a large load (at least REBUILD_RATIO rows per row already in the table) drops the table's
      non-unique indexes and its foreign keys, and re-creates them after: one sorted index build
      instead of a million insertions, and each foreign key checked by one join (PostgreSQL
      re-validates the whole table when the constraint is added back) instead of a trigger per row.
      The primary key, unique and CHECK constraints stay and check every row as it goes in;
    - on SpatiaLite, the per-row geometry triggers (type/SRID check, last-insert time, spatial index)
      are replaced by the same work done once over the new rows.

    Everything happens inside the transaction: on any error it all rolls back, indexes included.
    """
    if is_postgres():
        with _postgres_loading(model, rows):
            yield
    else:
        with _spatialite_loading(model, rows):
            yield


def _large(cursor, table: str, rows: int) -> bool:
    """Whether `rows` is large against the table (an exact count: planner estimates lag after big loads)."""
    cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")
    existing = cursor.fetchone()[0]
    return rows >= REBUILD_RATIO * existing


@contextmanager
def _postgres_loading(model, rows: int):
    """Drop what a large load would maintain row by row; re-create it after, as pg_restore orders it.

    The primary key and unique constraints go too: maintaining them costs the COPY of a million devices
    about 6 s, building them after about 2 s. They still check every row (adding one back fails on any
    duplicate, naming it), and the bulk services have already refused duplicates before the load.
    """
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if not _large(cursor, table, rows):
            yield
            return
        cursor.execute(
            """SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
               WHERE x.indrelid = %s::regclass
               AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid AND c.conrelid = x.indrelid)""",
            [table],
        )
        indexes = cursor.fetchall()
        cursor.execute(
            """SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid), contype FROM pg_constraint
               WHERE (conrelid = %s::regclass AND contype IN ('p', 'u', 'f'))
               OR (confrelid = %s::regclass AND contype = 'f' AND conrelid <> confrelid)
               ORDER BY CASE contype WHEN 'p' THEN 0 WHEN 'u' THEN 1 ELSE 2 END, conrelid::regclass::text, conname""",
            [table, table],
        )
        constraints = cursor.fetchall()  # keys first: the order to add them back in
        # ALTER TABLE refuses while deferred foreign-key checks of this transaction are pending: run them now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        for owner, name, _definition, _kind in reversed(constraints):
            cursor.execute(f"ALTER TABLE {owner} DROP CONSTRAINT {connection.ops.quote_name(name)}")
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        keys = [c for c in constraints if c[3] != "f"]
        foreign = [c for c in constraints if c[3] == "f"]
        for owner, name, definition, _kind in keys:
            cursor.execute(f"ALTER TABLE {owner} ADD CONSTRAINT {connection.ops.quote_name(name)} {definition}")
        for _name, definition in indexes:
            cursor.execute(definition)
        for owner, name, definition, _kind in foreign:
            cursor.execute(f"ALTER TABLE {owner} ADD CONSTRAINT {connection.ops.quote_name(name)} {definition}")
        cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")


@contextmanager
def _spatialite_loading(model, rows: int):
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT coalesce(max(rowid), 0) FROM "{table}"')
        last_rowid = cursor.fetchone()[0]
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [table])
        triggers = [(name, sql) for name, sql in cursor.fetchall() if name.split("_", 1)[0] in ("ggi", "tmi", "gii")]
        indexes = []
        if _large(cursor, table, rows):
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL "
                "AND sql NOT LIKE 'CREATE UNIQUE%%'",
                [table],
            )
            indexes = cursor.fetchall()
        for name, _sql in triggers:
            cursor.execute(f'DROP TRIGGER "{name}"')
        for name, _sql in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
    yield
    with connection.cursor() as cursor:
        for _name, sql in indexes:
            cursor.execute(sql)
        cursor.execute(
            "SELECT f_geometry_column, spatial_index_enabled FROM geometry_columns "
            "WHERE lower(f_table_name) = lower(%s)",
            [table],
        )
        timed = any(name.startswith("tmi_") for name, _sql in triggers)
        for column, indexed in cursor.fetchall():
            indexed = indexed == 1 and any(name.lower() == f"gii_{table}_{column}".lower() for name, _sql in triggers)
            _spatialite_geometry_rules(cursor, table, column, indexed, timed, last_rowid)
        for _name, sql in triggers:
            cursor.execute(sql)


def _spatialite_geometry_rules(cursor, table: str, column: str, indexed: bool, timed: bool, last_rowid: int) -> None:
    """What SpatiaLite's per-row insert triggers do, once over the rows added after `last_rowid`."""
    cursor.execute(
        f"""SELECT count(*) FROM "{table}" t JOIN geometry_columns g
            ON lower(g.f_table_name) = lower(%s) AND lower(g.f_geometry_column) = lower(%s)
            WHERE t.rowid > %s AND t."{column}" IS NOT NULL
            AND GeometryConstraints(t."{column}", g.geometry_type, g.srid) IS NOT 1""",
        [table, column, last_rowid],
    )
    bad = cursor.fetchone()[0]
    if bad:
        raise IntegrityError(f"{table}.{column}: {bad} geometries violate the geometry constraint (type or SRID)")
    if indexed:
        cursor.execute(
            f"""INSERT INTO "idx_{table}_{column}" (pkid, xmin, xmax, ymin, ymax)
                SELECT rowid, MbrMinX("{column}"), MbrMaxX("{column}"), MbrMinY("{column}"), MbrMaxY("{column}")
                FROM "{table}" WHERE rowid > %s AND "{column}" IS NOT NULL""",
            [last_rowid],
        )
    if timed:
        cursor.execute(
            "UPDATE geometry_columns_time SET last_insert = strftime('%%Y-%%m-%%dT%%H:%%M:%%fZ', 'now') "
            "WHERE lower(f_table_name) = lower(%s) AND lower(f_geometry_column) = lower(%s)",
            [table, column],
        )


def lookup_rows(queryset, field_name: str, values: Sequence, *fields: str) -> list[tuple]:
    """`queryset.filter(<field_name> IN values).values_list(field_name, *fields)` for any number of values.

    One query: PostgreSQL takes the values as one array parameter; SQLite reads them from a temporary
    table filled by one prepared INSERT. (A plain `__in` would cost a placeholder per value and, on
    SQLite, one query per 900 values.)
    """
    field = queryset.model._meta.get_field(field_name)
    distinct = set(values)
    distinct.discard(None)
    if field.get_internal_type() in ("CharField", "TextField") and set(map(type, distinct)) <= {str}:
        wanted = list(distinct)  # text needs no preparing (a million calls saved for a million codes)
    else:
        wanted = [field.get_db_prep_value(v, connection) for v in distinct]
    if not wanted:
        return []
    if is_postgres():
        # Text goes in as `text`: a value longer than the column can hold is simply not found (the
        # field checks name it), where a varchar(n) look-up table would refuse the whole COPY.
        text = field.get_internal_type() in ("CharField", "TextField")
        kind = "text" if text else field.db_type(connection)
        temp = "sg_lookup_" + re.sub(r"\W", "_", kind)
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE TEMP TABLE IF NOT EXISTS {temp} (value {kind})")
            cursor.execute(f"TRUNCATE {temp}")
            copy_rows(cursor, temp, "value", [field], [wanted])
            cursor.execute(f"ANALYZE {temp}")
            subquery = RawSQL(f"SELECT value FROM {temp}", [])
            rows = list(queryset.filter(**{f"{field_name}__in": subquery}).values_list(field_name, *fields))
            cursor.execute(f"TRUNCATE {temp}")
        return rows
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE IF NOT EXISTS sg_lookup (value PRIMARY KEY) WITHOUT ROWID")
        cursor.execute("DELETE FROM sg_lookup")
        cursor.executemany("INSERT INTO sg_lookup (value) VALUES (%s)", [(v,) for v in wanted])
        subquery = RawSQL("SELECT value FROM sg_lookup", [])
        rows = list(queryset.filter(**{f"{field_name}__in": subquery}).values_list(field_name, *fields))
        cursor.execute("DELETE FROM sg_lookup")
    return rows
