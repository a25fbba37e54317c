"""Input schemas of land release products (the API and the workbench's product submissions)."""

from __future__ import annotations

from typing import Any

from ninja import Schema

from safeground.core.contracts import Choice, Code, Finite, PastDate, PatchIn, Ref


class ProductIn(Schema):
    activity: Ref
    hazard: Ref | None = None  # None: ground released outside every hazard (refused if it overlaps one)
    outcome: Choice
    geometry: dict[str, Any]
    released_on: PastDate
    clearance_depth_cm: int | None = None
    reported_area_m2: Finite | None = None
    code: Code | None = None


class ProductPatch(PatchIn):
    outcome: Choice | None = None
    geometry: dict[str, Any] | None = None
    released_on: PastDate | None = None
    clearance_depth_cm: int | None = None
    reported_area_m2: Finite | None = None
