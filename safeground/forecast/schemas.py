"""Schemas of `GET /api/v1/forecast` (the keys are explained in docs/forecast.md)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from ninja import Schema
from pydantic import Field

from safeground.core.contracts import AnyDate, Country, Finite
from safeground.forecast.queries import DEFAULT_RUNS, DEFAULT_SEED, DEFAULT_WORKING_DAYS, MOST_RUNS


class ForecastIn(Schema):
    country: Country | None = None
    runs: Annotated[int, Field(ge=1, le=MOST_RUNS)] = DEFAULT_RUNS
    seed: Annotated[int, Field(ge=0, le=2**32 - 1)] = DEFAULT_SEED
    target: AnyDate | None = None
    as_of: AnyDate | None = None
    since: AnyDate | None = None
    working_days: Annotated[Finite, Field(ge=1, le=366)] = DEFAULT_WORKING_DAYS


class Dates(Schema):
    p10: dt.date | None
    p50: dt.date | None
    p90: dt.date | None
    p10_years: float
    p50_years: float
    p90_years: float


class ProvinceOut(Dates):
    code: str
    name: str
    remaining_m2: float
    sha_m2: float
    cha_m2: float
    recent_effort_share: float


class Needed(Schema):
    years_to_target: float
    probability_current: float
    team_days_per_year_p50: float
    team_days_per_year_p90: float
    teams_p50: int
    teams_p90: int
    factor_p50: float
    factor_p90: float


class Outcomes(Schema):
    hazards: int
    released_m2: float
    cancelled: float | None
    reduced: float | None
    cleared: float | None
    cleared_se: float
    cleared_p10: float
    cleared_p90: float


class MethodCapacity(Schema):
    method: str
    teams: int
    assets: int
    measured: bool


class Capacity(Schema):
    methods: list[MethodCapacity]
    teams: int
    team_days_per_year: float
    m2_per_year_p50: float


class Productivity(Schema):
    method: str
    terrain: str
    months: int
    m2_per_team_day_measured: float
    p10: float
    p50: float
    p90: float


class FanPoint(Schema):
    date: dt.date | None
    years: float
    p10_m2: float
    p50_m2: float
    p90_m2: float


class Period(Schema):
    from_: dt.date = Field(alias="from")
    to: dt.date


class Target(Schema):
    date: dt.date | None
    source: str | None


class CountryForecast(Schema):
    country: str
    name: str | None = None
    skipped: str | None = None
    as_of: dt.date | None = None
    runs: int | None = None
    seed: int | None = None
    period: Period | None = None
    working_days_per_year: float | None = None
    target: Target | None = None
    remaining_m2: float | None = None
    to_clear_m2_p50: float | None = None
    completion: Dates | None = None
    needed: Needed | None = None
    survey_outcomes: Outcomes | None = None
    capacity: Capacity | None = None
    productivity: list[Productivity] = []
    provinces: list[ProvinceOut] = []
    fan: list[FanPoint] = []
    assumptions: list[str] = []


class ForecastOut(Schema):
    forecasts: list[CountryForecast]
