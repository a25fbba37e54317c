"""Writers that must go one after the other on PostgreSQL: transaction-scoped advisory locks.

Two transactions that each read, then write from what they read (the highest code number, a
hazard's ledger row) would otherwise both act on the same reading. The locks are held until commit,
so the second waits and then reads what the first committed. SQLite needs none: its write
transactions begin IMMEDIATE, one writer at a time (decision 0022).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction


def serialise(scope: str, items: Iterable | None = None, each_up_to: int = 50) -> None:
    """Lock `items` of `scope` for the rest of the transaction (no-op outside PostgreSQL or a transaction).

    Each item is locked exclusively, in sorted order so that two writers never wait on each other in
    a cycle, under a shared lock on the scope. `items` None, or more than `each_up_to` of them (a bulk
    load), locks the whole scope exclusively instead: it waits for, and holds off, every item writer.
    """
    connection = transaction.get_connection()
    if connection.vendor != "postgresql" or not connection.in_atomic_block:
        return
    keys = None if items is None else sorted({str(i) for i in items})
    with connection.cursor() as cursor:
        if keys is None or len(keys) > each_up_to:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [scope])
            return
        cursor.execute("SELECT pg_advisory_xact_lock_shared(hashtext(%s))", [scope])
        for key in keys:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"{scope}:{key}"])
