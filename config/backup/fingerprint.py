"""Counts and a checksum of every table, and the ledger check: what a backup promises, a restore proves.

Rows are read with plain SQL, not the ORM, so that what is hashed is what is stored: no field
converter runs (encrypted fields are hashed as ciphertext, so no key is needed) and no Python object
is built per row. Geometry is read as OGC WKB (`AsBinary`/`ST_AsBinary`), the same bytes from
SpatiaLite and PostGIS, instead of each engine's own blob format.
"""

import datetime as dt
import decimal
import hashlib
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.gis.db.models import GeometryField
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Model

CHUNK = 5000


@dataclass
class Fingerprint:
    """Rows and SHA-256 per table, one checksum over them all, and the ledger's problems."""

    tables: dict[str, dict] = field(default_factory=dict)  # table -> {"rows": n, "sha256": hex}
    ledger_problems: list[str] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return sum(t["rows"] for t in self.tables.values())

    @property
    def checksum(self) -> str:
        h = hashlib.sha256()
        for name in sorted(self.tables):
            h.update(f"{name}\t{self.tables[name]['rows']}\t{self.tables[name]['sha256']}\n".encode())
        return h.hexdigest()

    def as_dict(self) -> dict:
        return {
            "checksum": self.checksum,
            "rows": self.rows,
            "tables": self.tables,
            "ledger_problems": self.ledger_problems,
        }

    @classmethod
    def from_dict(cls, data: dict) -> "Fingerprint":
        return cls(tables=dict(data["tables"]), ledger_problems=list(data.get("ledger_problems", [])))


def models() -> list[type[Model]]:
    """Every model with a table of its own that exists here (many-to-many tables and migrations too)."""
    existing = set(connection.introspection.table_names())
    found: dict[str, type[Model]] = {}
    candidates: list[type[Model]] = [*apps.get_models(include_auto_created=True), MigrationRecorder.Migration]
    for model in candidates:
        meta = model._meta
        if meta.proxy or not meta.managed or meta.db_table not in existing:
            continue
        found.setdefault(meta.db_table, model)
    return [found[name] for name in sorted(found)]


def _select(model: type[Model]) -> str:
    qn = connection.ops.quote_name
    wkb = "ST_AsBinary({})" if connection.vendor == "postgresql" else "AsBinary({})"
    columns = [
        wkb.format(qn(str(f.column))) if isinstance(f, GeometryField) else qn(str(f.column))
        for f in model._meta.concrete_fields
    ]
    order = qn(str(model._meta.pk.column)) if model._meta.pk else "1"
    return f"SELECT {', '.join(columns)} FROM {qn(model._meta.db_table)} ORDER BY {order}"


def _canonical(value):
    """A JSON-able form of a column value that does not depend on how the driver returned it."""
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).hex()
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat() if value.tzinfo else value.isoformat()
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value.normalize())
    if isinstance(value, uuid.UUID):
        return value.hex
    return str(value)


def _rows(sql: str) -> Iterator[tuple]:
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql)
        while chunk := cursor.fetchmany(CHUNK):
            yield from chunk


def table_fingerprint(model: type[Model]) -> dict:
    """Rows and SHA-256 of one table: its rows in primary-key order, one canonical JSON line each."""
    h = hashlib.sha256()
    count = 0
    dumps = json.JSONEncoder(default=_canonical, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode
    for row in _rows(_select(model)):
        h.update(dumps(row).encode())
        h.update(b"\n")
        count += 1
    return {"rows": count, "sha256": h.hexdigest()}


def take() -> Fingerprint:
    """The fingerprint of the database as this connection sees it (call it inside one snapshot)."""
    from safeground.landrelease.ledger import store

    return Fingerprint(
        tables={model._meta.db_table: table_fingerprint(model) for model in models()},
        ledger_problems=store.verify(),
    )


def differences(expected: Fingerprint, found: Fingerprint) -> list[str]:
    """Each way `found` differs from `expected`, one line per table (empty = identical)."""
    lines = []
    for name in sorted(set(expected.tables) | set(found.tables)):
        was, now = expected.tables.get(name), found.tables.get(name)
        if was is None:
            lines.append(f"{name}: not in the backup ({now['rows'] if now else 0} rows here)")
        elif now is None:
            lines.append(f"{name}: missing ({was['rows']} rows in the backup)")
        elif was["rows"] != now["rows"]:
            lines.append(f"{name}: {now['rows']} rows, the backup has {was['rows']}")
        elif was["sha256"] != now["sha256"]:
            lines.append(f"{name}: same {now['rows']} rows, different contents (checksum)")
    for problem in found.ledger_problems:
        if problem not in expected.ledger_problems:
            lines.append(f"ledger: {problem}")
    return lines
