"""API schemas of the library's exchange and merge (/api/v1/library/export, /imports)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema


class LibraryMatchOut(Schema):
    id: str
    position: int
    name: str
    matched_by: str = Field(description="name, alias or none")
    candidate: str | None = Field(None, description="The model here found by name or alias")
    decision: str = Field(description="pending, merge, create or skip")
    target: str | None = Field(None, description="The model to merge into")
    result: str | None = Field(None, description="The model it became, once applied")
    incoming: dict = Field(description="The incoming model as read (fields, aliases, similar, images)")


class LibraryImportOut(Schema):
    id: str
    source: str
    programme: str
    partner: str
    status: str = Field(description="open, applied or dropped")
    created_at: dt.datetime
    applied_at: dt.datetime | None = None
    summary: dict
    counts: dict[str, int] = Field(description="Matches per decision")
    matches: list[LibraryMatchOut] | None = None


class LibraryDecisionIn(Schema):
    decision: Literal["merge", "create", "skip"]
    target: str | None = Field(
        None, max_length=120, description="merge: the model's id, name or slug (default: the candidate)"
    )
