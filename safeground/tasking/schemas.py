from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import Field

from safeground.core.contracts import (
    AnyDate,
    Choice,
    Code,
    Country,
    Finite,
    Name,
    Note,
    PastDate,
    PatchIn,
    Ref,
    StrictIn,
)

Budget = Field(None, ge=0, le=1_000_000_000_000, allow_inf_nan=False)


class TaskIn(StrictIn):
    """A task order. `hazards`: hazard codes; `methods`: accreditation methods (manual, mdd, mechanical,
    nts, ts, eod, bac...); `planned_area_m2` defaults to the hazards' remaining area in the ledger."""

    organisation: Ref = Field(description="The operator's acronym")
    hazards: list[Ref] = Field(min_length=1, max_length=500)
    methods: list[Choice] = Field(min_length=1, max_length=10, examples=[["manual", "mdd"]])
    planned_start: AnyDate
    planned_end: AnyDate
    priority: Choice = "medium"
    planned_area_m2: Finite | None = Field(None, ge=0)
    funding_source: Name = ""
    budget_amount: float | None = Budget
    budget_currency: str = Field("", max_length=3)
    notes: Note = ""
    code: Code | None = None


class TaskChange(PatchIn):
    """Change a task's plan (needs If-Match)."""

    priority: Choice | None = None
    methods: list[Choice] | None = Field(None, min_length=1, max_length=10)
    planned_start: AnyDate | None = None
    planned_end: AnyDate | None = None
    planned_area_m2: Finite | None = Field(None, ge=0)
    funding_source: Name | None = None
    budget_amount: float | None = Budget
    budget_currency: str | None = Field(None, max_length=3)
    notes: Note | None = None


class StatusIn(StrictIn):
    """accepted, declined (with a reason), in_progress, completed; cancelled (national authority, with a reason)."""

    status: Choice = Field(examples=["accepted"])
    reason: Note = ""


class ActivitiesIn(StrictIn):
    activities: list[Ref] = Field(min_length=1, max_length=500)
    unlink: bool = False


class TaskOut(Schema):
    code: str
    country: str
    organisation: str
    province_code: str | None
    province_name: str | None
    hazards: list[str]
    activities: list[str]
    methods: list[str]
    priority: str
    status: str
    status_reason: str
    status_changed_at: dt.datetime | None
    funding_source: str
    notes: str
    version: int
    is_synthetic: bool
    planned_area_m2: float
    released_m2: float
    cleared_m2: float
    reduced_m2: float
    cancelled_m2: float
    area_percent: float | None
    planned_start: dt.date
    planned_end: dt.date
    actual_start: dt.date | None
    actual_end: dt.date | None
    days_late: int | None
    activities_count: int
    activities_finished: int
    budget_amount: float | None
    budget_currency: str
    cost_usd: float | None


class TaskPage(Schema):
    count: int
    results: list[TaskOut]


class PlanGroup(Schema):
    group: str | None
    label: str | None
    tasks: int
    open: int
    completed: int
    declined: int
    planned_area_m2: float
    released_m2: float
    area_percent: float | None


class PlanOut(Schema):
    by: str
    rows: list[PlanGroup]


class WeightsOut(Schema):
    country: str
    code: str | None
    version: int
    weights: dict[str, float]
    casualty_distance_m: float
    casualty_years: int
    village_distance_m: float
    notes: str


class WeightsChange(PatchIn):
    """Any criterion's weight (0..100) and the parameters; unset ones keep their value."""

    weights: dict[Choice, Finite] | None = Field(None, max_length=20)
    casualty_distance_m: Finite | None = None
    casualty_years: int | None = None
    village_distance_m: Finite | None = None
    notes: Note | None = None


class RankedHazard(Schema):
    rank: int
    code: str
    name: str
    hazard_class: str
    contamination_type: str
    province_code: str | None
    province_name: str | None
    area_m2: float
    score: float
    raw: dict[str, float]
    normalised: dict[str, float]
    contributions: dict[str, float]


class RankingOut(Schema):
    country: str
    weights_version: int | None = None
    weights: dict[str, float]
    parameters: dict[str, float]
    maxima: dict[str, float]
    count: int
    rows: list[RankedHazard]


class SnapshotIn(StrictIn):
    note: Note = ""


class SnapshotSummary(Schema):
    code: str
    country: str
    created_at: dt.datetime
    taken_by: str | None
    weights_version: int
    weights: dict[str, float]
    note: str


class SnapshotOut(SnapshotSummary):
    parameters: dict[str, float]
    maxima: dict[str, float]
    rows: list[RankedHazard]


class DevelopmentRequestIn(StrictIn):
    """A development project's request for land: `hazards` (codes), `area` (GeoJSON polygon), or both."""

    requester: Name
    project: Name
    purpose: Choice = Field(examples=["road"])
    requested_on: PastDate
    country: Country | None = None
    hazards: list[Ref] = Field([], max_length=500)
    area: dict[str, Any] | None = None
    status: Choice = "received"
    notes: Note = ""
    code: Code | None = None


class DevelopmentRequestChange(PatchIn):
    status: Choice


class DevelopmentRequestOut(Schema):
    code: str
    country: str
    requester: str
    project: str
    purpose: str
    requested_on: dt.date
    status: str
    hazards: list[str]
    has_area: bool
    notes: str
    version: int
    is_synthetic: bool


class DevelopmentRequestPage(Schema):
    count: int
    results: list[DevelopmentRequestOut]
