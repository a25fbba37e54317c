"""API schemas shared by every app."""

import datetime as dt
from typing import Any

from ninja import Schema


class HistoryEntry(Schema):
    history_id: int
    history_date: dt.datetime
    history_type: str
    history_user: str | None
    changes: list[dict[str, Any]]


class ErrorOut(Schema):
    detail: str
    field: str | None = None
    reason: str = ""
    location: dict[str, float] | None = None
