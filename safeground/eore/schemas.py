from typing import Any

from ninja import Schema
from pydantic import Field

from safeground.core.contracts import Choice, Code, Country, PastDate, Ref


class SessionIn(Schema):
    """A risk education session. `point` is GeoJSON (Point, lon/lat); mass media and digital may omit it."""

    held_on: PastDate
    organisation: Ref = Field(description="Organisation acronym")
    method: Choice = Field(examples=["community"])
    point: dict[str, Any] | None = Field(None, examples=[{"type": "Point", "coordinates": [103.05, 13.05]}])
    audience: Choice = "general"
    girls: int = 0
    boys: int = 0
    women: int = 0
    men: int = 0
    materials: list[str] = Field([], examples=[["leaflet", "poster"]])
    team: Ref | None = None
    country: Country | None = None
    code: Code | None = None


class BeneficiaryRow(Schema):
    group: Any
    sessions: int
    girls: int
    boys: int
    women: int
    men: int
    total: int


class BeneficiariesOut(Schema):
    by: str
    rows: list[BeneficiaryRow]
    total: dict[str, int]
