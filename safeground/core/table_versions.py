"""A change token per table, replaced after every committed write to it: what map tiles' ETags are made of.

Caches that must never go stale (the vector tiles, docs/decisions/0026) key their answers by the
tokens of the tables they read. A token is a random string replaced, after the transaction that
wrote the table commits, by every write that reaches the table through Django's connection (the
ORM's saves, `update()`, `delete()`, `bulk_create()`, `bulk_update()`, raw SQL through a Django
cursor), watched by one execute wrapper, and by `core.bulk`'s COPY (which bypasses Django's cursor).
Nothing has to remember to bump a version: a write path added later is covered too.

Only the tables an upper app asked for (`track`) are watched; `core` knows no app. The token is
replaced after the commit (`transaction.on_commit`), so no writer holds a lock on the token row
while its transaction runs (writers of the same table never wait for each other because of it),
and a reader never pairs a new token with data it cannot see yet. A random token rather than a
counter: a database restored from a backup brings back the tokens that described its data.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable

from django.db import DEFAULT_DB_ALIAS, OperationalError, ProgrammingError, connections, transaction
from django.db.backends.signals import connection_created

#: The tables watched (db_table names, as they appear in SQL).
_TRACKED: set[str] = set()
_WRITE = re.compile(r'^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+["`]?(\w+)', re.IGNORECASE)
TABLE = "core_tableversion"


def track(*tables: str) -> None:
    """Watch writes to these tables (their `_meta.db_table`)."""
    _TRACKED.update(tables)


def track_models(*models) -> None:
    """Watch writes to these models' tables (the API lists' ETags read their tokens)."""
    track(*(m._meta.db_table for m in models))


def tracked() -> frozenset[str]:
    return frozenset(_TRACKED)


class _Pending:
    """The tables written in the current transaction; replaces their tokens once it commits."""

    def __init__(self, alias: str):
        self.alias = alias
        self.tables: set[str] = set()
        self.done = False

    def __call__(self) -> None:
        self.done = True
        bump(self.tables, using=self.alias)


def changed(tables: Iterable[str], using: str = DEFAULT_DB_ALIAS) -> None:
    """Note writes to `tables` (untracked ones are ignored): their tokens change when the write commits."""
    tables = {t for t in tables if t in _TRACKED}
    if not tables:
        return
    conn = connections[using]
    if not conn.in_atomic_block:
        bump(tables, using=using)
        return
    here = set(conn.savepoint_ids)
    for sids, callback, *_robust in conn.run_on_commit:
        # Joined only within the same savepoint: rolling one back drops exactly its own notes.
        if isinstance(callback, _Pending) and sids == here and not callback.done:
            callback.tables.update(tables)
            return
    pending = _Pending(using)
    pending.tables.update(tables)
    transaction.on_commit(pending, using=using)


def bump(tables: Iterable[str], using: str = DEFAULT_DB_ALIAS) -> None:
    """Give each table a new token now (an upsert; PostgreSQL and SQLite ≥ 3.24 share the syntax)."""
    rows = [(t, uuid.uuid4().hex) for t in sorted(tables)]
    if not rows:
        return
    try:
        with connections[using].cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {TABLE} (name, token) VALUES (%s, %s) "
                "ON CONFLICT (name) DO UPDATE SET token = excluded.token",
                rows,
            )
    except (OperationalError, ProgrammingError) as exc:
        # During `migrate`, before core's migration 0006 made the table: nothing can be cached yet.
        if TABLE not in str(exc):
            raise


def tokens(tables: Iterable[str], using: str = DEFAULT_DB_ALIAS) -> dict[str, str]:
    """{table: its token} ("0" for a table never written since tracking began); one query."""
    names = sorted(set(tables))
    found = {name: "0" for name in names}
    if names:
        with connections[using].cursor() as cursor:
            marks = ", ".join(["%s"] * len(names))
            cursor.execute(f"SELECT name, token FROM {TABLE} WHERE name IN ({marks})", names)
            found.update(dict(cursor.fetchall()))
    return found


def _watch(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    if _TRACKED and isinstance(sql, str):
        match = _WRITE.match(sql)
        if match and match.group(1) in _TRACKED:
            changed([match.group(1)], using=context["connection"].alias)
    return result


def _install(sender, connection, **kwargs) -> None:
    if _watch not in connection.execute_wrappers:
        connection.execute_wrappers.append(_watch)


def install() -> None:
    """Watch every connection Django opens (CoreConfig.ready)."""
    connection_created.connect(_install, dispatch_uid="safeground.core.table_versions")
    for conn in connections.all(initialized_only=True):
        _install(None, conn)
