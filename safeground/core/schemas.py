"""API schemas shared by every app."""

import datetime as dt
from typing import Any

from ninja import Schema


class BatchRef(Schema):
    """The bulk write that created a record (its "created" entry has no per-row history id)."""

    id: str
    kind: str
    source: str
    rows: int


class HistoryEntry(Schema):
    history_id: int | None
    history_date: dt.datetime
    history_type: str
    history_user: str | None
    changes: list[dict[str, Any]]
    batch: BatchRef | None = None


class ErrorOut(Schema):
    detail: str
    field: str | None = None
    reason: str = ""
    location: dict[str, float] | None = None
    current_version: int | None = None  # 412 and 428: the record's version now (send it as If-Match)
