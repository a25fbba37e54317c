import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import Field


class HazardIn(Schema):
    """A new hazard. `geometry` is GeoJSON (Polygon or MultiPolygon, WGS 84 lon/lat)."""

    geometry: dict[str, Any] = Field(
        examples=[{"type": "Polygon", "coordinates": [[[102.9, 13.0], [102.91, 13.0], [102.91, 13.01], [102.9, 13.0]]]}]
    )
    hazard_class: str = Field(examples=["SHA"])
    contamination_type: str = Field(examples=["ap_mines"])
    recorded_on: dt.date
    code: str | None = None
    name: str = ""
    status: str = "open"
    country: str | None = Field(None, description="ISO alpha-3; derived from the geometry when omitted")
    benchmark: dict[str, Any] | None = None
    reporting_organisation: str | None = Field(None, description="Organisation acronym")
    suspected_models: list[str] = []


class HazardPatch(Schema):
    geometry: dict[str, Any] | None = None
    hazard_class: str | None = None
    contamination_type: str | None = None
    recorded_on: dt.date | None = None
    name: str | None = None
    status: str | None = None
    status_changed_on: dt.date | None = None
    benchmark: dict[str, Any] | None = None
    reporting_organisation: str | None = None
    suspected_models: list[str] | None = None
