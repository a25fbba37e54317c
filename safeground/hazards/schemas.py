import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import Field

from safeground.core.contracts import Choice, Code, Country, Finite, Name, PastDate, PatchIn, Ref
from safeground.gazetteer.traverse import Chain

RADIUS = "a point hazard's declared radius in metres (0 < r ≤ 10,000); not for a polygon"


class HazardIn(Schema):
    """A new hazard. Its perimeter is either `geometry`, GeoJSON (Polygon or MultiPolygon, WGS 84 lon/lat),
    or `traverse`, a bearing/distance chain computed on the server (see POST /traverses/compute). A hazard
    known only as a spot (an indication, an EOD spot task) is a GeoJSON Point, with an optional
    `radius_m`; it has no estimated area unless its programme counts the radius (π r²)."""

    geometry: dict[str, Any] | None = Field(
        None,
        examples=[
            {"type": "Polygon", "coordinates": [[[102.9, 13.0], [102.91, 13.0], [102.91, 13.01], [102.9, 13.0]]]}
        ],
    )
    traverse: Chain | None = Field(None, description="instead of geometry: the chain is kept with the hazard")
    hazard_class: Choice = Field(examples=["SHA"])
    contamination_type: Choice = Field(examples=["ap_mines"])
    recorded_on: PastDate
    code: Code | None = None
    name: Name = ""
    status: Choice = "open"
    country: Country | None = Field(None, description="ISO alpha-3; derived from the geometry when omitted")
    radius_m: Finite | None = Field(None, description=RADIUS)
    benchmark: dict[str, Any] | None = None
    reporting_organisation: Ref | None = Field(None, description="Organisation acronym")
    suspected_models: list[str] = []


class HazardPatch(PatchIn):
    geometry: dict[str, Any] | None = None
    radius_m: Finite | None = Field(None, description=RADIUS + "; null clears it")
    hazard_class: Choice | None = None
    contamination_type: Choice | None = None
    recorded_on: PastDate | None = None
    name: Name | None = None
    status: Choice | None = None
    status_changed_on: PastDate | None = None
    benchmark: dict[str, Any] | None = None
    reporting_organisation: Ref | None = None
    suspected_models: list[str] | None = None


class TraverseSummary(Schema):
    """A traverse kept with a hazard: the chain as entered and what it gave."""

    id: str
    created_at: dt.datetime
    created_by: str | None
    chain: dict[str, Any]
    polygon: dict[str, Any]
    start_point: dict[str, Any]
    benchmark: dict[str, Any] | None
    reference_point: dict[str, Any] | None
    closure_error_m: float | None
    perimeter_m: float
    area_m2: float
    utm_epsg: int
    datum: str
    declination: float | None
    bearing_unit: str
    adjustment: str
