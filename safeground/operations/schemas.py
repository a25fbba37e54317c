"""Input schemas for activity writes and progress reports."""

import datetime as dt
from decimal import Decimal

from ninja import Schema


class StartIn(Schema):
    on: dt.date | None = None


class AssignTeamIn(Schema):
    team: str
    on: dt.date


class AssignAssetIn(Schema):
    asset: str
    on: dt.date


class ProgressIn(Schema):
    team: str
    date: dt.date
    period: str = "daily"
    method: str
    area_m2: float
    days_worked: float = 1
    searchers: int
    hours_per_day: float
    assets_deployed: int = 0
    devices_found: int = 0
    terrain: str
    vegetation: str
    soil_metal: str
    weather: str = ""
    stoppage_hours: float = 0
    stoppages: str = ""
    cost_usd: Decimal | None = None
    hazard: str | None = None
