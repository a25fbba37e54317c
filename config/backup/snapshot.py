"""One consistent read of the live database, shared by the copy and its fingerprint, holding no writer.

PostgreSQL: a REPEATABLE READ, READ ONLY transaction whose snapshot `pg_dump --snapshot` adopts, so
the dump and the counts describe the same instant. SQLite: a deferred transaction; in WAL mode its
first read fixes what this connection sees, and the online backup API copies through the same
connection, so it copies that instant while writers go on (in a rollback-journal database writers
wait, up to the busy timeout, until it ends).
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction


@contextmanager
def read_snapshot() -> Iterator[str | None]:
    """Yield PostgreSQL's exported snapshot id (None on SQLite) inside one read-only transaction."""
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                cursor.execute("SELECT pg_export_snapshot()")
                yield cursor.fetchone()[0]
        return
    # A write mode (the settings may ask BEGIN IMMEDIATE) would hold every writer for the whole copy.
    mode = getattr(connection, "transaction_mode", None)
    connection.transaction_mode = "DEFERRED"  # type: ignore[attr-defined]
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM sqlite_master")  # the first read fixes the snapshot
            yield None
    finally:
        connection.transaction_mode = mode  # type: ignore[attr-defined]
