"""Pydantic schemas of the data quality API."""

from __future__ import annotations

from typing import Literal

from ninja import Schema
from pydantic import Field

from safeground.core.contracts import Choice, Code, Country, Note
from safeground.core.geojson import Link


class CheckOut(Schema):
    id: str = Field(examples=["invalid-geometry"])
    severity: str = Field(examples=["must_fix"], description="must_fix or advisory")
    title: str
    description: str


class PointGeometry(Schema):
    type: Literal["Point"] = "Point"
    coordinates: list[float]


class FindingProperties(Schema):
    check: str = Field(examples=["hazard-overlap"])
    severity: str = Field(examples=["must_fix"])
    record_type: str = Field(examples=["hazard"], description="hazard, product, device or activity")
    code: str = Field(examples=["KH02-HAZ-000123"])
    message: str
    fix: str = Field(description="Suggested fix")
    country: str | None
    hazard_code: str | None = Field(description="The hazard whose page shows the record, where there is one")
    hazard_url: str | None
    related: list[str] = Field(description="Codes of the other records involved")


class FindingFeature(Schema):
    type: Literal["Feature"] = "Feature"
    id: str
    geometry: PointGeometry | None
    properties: FindingProperties


class CountOut(Schema):
    must_fix: int
    advisory: int


class FindingCollection(Schema):
    type: Literal["FeatureCollection"] = "FeatureCollection"
    numberMatched: int
    numberReturned: int
    links: list[Link]
    counts: dict[str, CountOut] = Field(description="Findings per check (of the whole run, before filters)")
    features: list[FindingFeature]


class FindingFilters(Schema):
    severity: Choice | None = Field(None, description="must_fix or advisory")
    check: Choice | None = Field(None, description="a check id, see /quality/checks")
    country: Country | None = Field(None, description="ISO 3166-1 alpha-3 of a programme")
    record_type: Note | None = Field(None, description="hazard, product, device or activity")
    code: Code | None = Field(None, description="a record code; a hazard code also gives its products' findings")
    limit: int = 1000
    offset: int = 0
