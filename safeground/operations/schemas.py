"""Input schemas for activity writes and progress reports."""

from decimal import Decimal

from ninja import Schema

from safeground.core.contracts import Choice, Finite, Note, PastDate, Ref


class StartIn(Schema):
    on: PastDate | None = None


class AssignTeamIn(Schema):
    team: Ref
    on: PastDate


class AssignAssetIn(Schema):
    asset: Ref
    on: PastDate


class ProgressIn(Schema):
    team: Ref
    date: PastDate
    period: Choice = "daily"
    method: Choice
    area_m2: Finite
    days_worked: Finite = 1
    searchers: int
    hours_per_day: Finite
    assets_deployed: int = 0
    devices_found: int = 0
    terrain: Choice
    vegetation: Choice
    soil_metal: Choice
    weather: Choice = ""
    stoppage_hours: Finite = 0
    stoppages: Note = ""
    cost_usd: Decimal | None = None
    hazard: Ref | None = None
