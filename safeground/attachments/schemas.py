"""API schemas of attachments."""

from __future__ import annotations

import datetime as dt

from ninja import Schema


class AttachmentOut(Schema):
    id: str
    kind: str  # the record's model, "app_label.model" (hazards.hazard, landrelease.device...)
    record: str  # the record's code (its primary key when it has no code, as evidence)
    path: str
    name: str
    media_type: str
    size: int
    sha256: str
    taken_at: dt.datetime | None = None
    position: list[float] | None = None  # [lon, lat] from EXIF GPS
    distance_m: float | None = None
    far: bool
    caption: str
    source: str
    uploaded_by: str | None = None
    created_at: dt.datetime
    url: str
    thumbnail_url: str | None = None
