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
import uuid
from collections.abc import Sequence

import numpy as np
import shapely
from django.contrib.gis.db.models import GeometryField
from django.db import connection, models

BATCH = 20_000


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def _column(field: models.Field, values) -> list:
    """One column's values in the form the database driver takes."""
    if isinstance(values, np.ndarray) and values.dtype != object:
        values = values.tolist()
    if isinstance(field, GeometryField):
        # `values` is an array of WKB (bytes) or of Shapely geometries.
        arr = np.asarray(values, dtype=object)
        if len(arr) and not isinstance(arr[0], (bytes, bytearray)):
            arr = shapely.to_wkb(arr)
        if is_postgres():
            return [
                None if w is None else w
                for w in shapely.to_wkb(
                    shapely.set_srid(shapely.from_wkb(arr), 4326), hex=True, include_srid=True
                ).tolist()
            ]
        return list(arr)
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
        return [None if v is None else connection.ops.adapt_datetimefield_value(v) for v in values]
    if isinstance(field, models.JSONField):
        return [None if v is None else json.dumps(v) for v in values]
    return list(values)


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _text(values: list) -> list[str]:
    """A column in COPY's text format: \\N for NULL, booleans as t/f, text escaped."""
    out = []
    for v in values:
        if v is None:
            out.append("\\N")
        elif v is True:
            out.append("t")
        elif v is False:
            out.append("f")
        elif isinstance(v, str):
            out.append(_escape(v))
        elif isinstance(v, (dt.datetime, dt.date)):
            out.append(v.isoformat())
        else:
            out.append(str(v))
    return out


def sequential_uuids(n: int) -> list[uuid.UUID]:
    """UUIDs that sort in creation order (a random 64-bit prefix, then a counter).

    Random UUIDs land all over a B-tree index; a million of them make the primary-key index the
    slowest part of a bulk load. These are still unique random identifiers to everyone else.
    """
    prefix = uuid.uuid4().int >> 64 << 64
    return [uuid.UUID(int=prefix | k) for k in range(n)]


def insert(model, data: dict[str, Sequence], progress=None) -> int:
    """Insert rows given as {field name: column of values} (all columns the same length)."""
    names = list(data)
    fields = [model._meta.get_field(name) for name in names]
    n = len(data[names[0]]) if names else 0
    if n == 0:
        return 0
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cursor:
        for start in range(0, n, BATCH):
            stop = min(n, start + BATCH)
            cols = [_column(f, data[name][start:stop]) for f, name in zip(fields, names, strict=True)]
            if is_postgres():
                with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    copy.write("".join("\t".join(row) + "\n" for row in zip(*[_text(c) for c in cols], strict=True)))
            else:
                marks = ", ".join("GeomFromWKB(%s, 4326)" if isinstance(f, GeometryField) else "%s" for f in fields)
                cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", list(zip(*cols, strict=True)))
            if progress is not None:
                progress.update(stop - start)
    return n


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
