"""Input schemas of land release products (the API and the workbench's product submissions)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema


class ProductIn(Schema):
    activity: str
    hazard: str | None = None  # None: ground released outside every hazard (refused if it overlaps one)
    outcome: str
    geometry: dict[str, Any]
    released_on: dt.date
    clearance_depth_cm: int | None = None
    reported_area_m2: float | None = None
    code: str | None = None


class ProductPatch(Schema):
    outcome: str | None = None
    geometry: dict[str, Any] | None = None
    released_on: dt.date | None = None
    clearance_depth_cm: int | None = None
    reported_area_m2: float | None = None
