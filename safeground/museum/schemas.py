"""Museum API schemas: staff exhibits (with provenance), movements, loans, visits, and the public card."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import Field

from safeground.core.contracts import Choice, Ref


class MuseumExhibitIn(Schema):
    """A new exhibit. With `device` the find's date, position, province and operator come from the device
    record; without, give `found_on`/`found_point` ([lon, lat], staff only)/`operator`."""

    museum: Ref = Field(description="The museum's code")
    inventory_number: str = Field(max_length=40, examples=["PM-2024-017"])
    model: Ref = Field(description="The ordnance model's slug", examples=["pmn-2"])
    demil_certificate: str = Field(max_length=60)
    demil_certified_on: dt.date
    demil_certified_by: str = Field(max_length=200)
    device: Ref | None = None
    found_on: dt.date | None = None
    found_point: list[float] | None = Field(None, min_length=2, max_length=2)
    found_place: str = ""
    operator: Ref | None = None
    title: str = ""
    description: str = ""
    acquired_on: dt.date | None = None
    condition: Choice = "good"
    status: Choice = "store"
    location: str = ""
    public: bool = False
    safety_message: str = ""


class MuseumExhibitPatch(Schema):
    inventory_number: str | None = None
    model: Ref | None = None
    title: str | None = None
    description: str | None = None
    found_place: str | None = None
    acquired_on: dt.date | None = None
    demil_certificate: str | None = None
    demil_certified_on: dt.date | None = None
    demil_certified_by: str | None = None
    condition: Choice | None = None
    status: Choice | None = None
    location: str | None = None
    public: bool | None = None
    safety_message: str | None = None
    reason: str | None = Field(None, max_length=100, description="Kept in the history")


class MuseumExhibitOut(Schema):
    code: str
    museum: str
    inventory_number: str
    model: str
    model_name: str
    category: str
    title: str
    description: str
    device: str | None
    found_on: dt.date | None
    found_point: list[float] | None
    found_province: str | None
    found_place: str
    operator: str | None
    acquired_on: dt.date | None
    demil_certificate: str
    demil_certified_on: dt.date
    demil_certified_by: str
    condition: str
    status: str
    location: str
    public: bool
    safety_message: str
    version: int
    is_synthetic: bool


class MuseumExhibitPage(Schema):
    count: int
    items: list[MuseumExhibitOut]


class MuseumMovementIn(Schema):
    moved_on: dt.date
    to_location: str = ""
    condition: str = ""
    note: str = ""


class MuseumMovementOut(Schema):
    moved_on: dt.date
    from_location: str
    to_location: str
    condition: str
    note: str


class MuseumLoanIn(Schema):
    exhibit: Ref = Field(description="The exhibit's code")
    borrower: str = Field(max_length=200)
    borrower_kind: Choice = Field(examples=["training_centre"])
    borrower_organisation: Ref | None = None
    purpose: str = ""
    lent_on: dt.date
    due_on: dt.date


class MuseumLoanReturnIn(Schema):
    returned_on: dt.date
    condition_back: Choice
    status: Choice = Field("store", description="store or display")


class MuseumLoanOut(Schema):
    code: str
    exhibit: str
    borrower: str
    borrower_kind: str
    borrower_organisation: str | None
    purpose: str
    lent_on: dt.date
    due_on: dt.date
    returned_on: dt.date | None
    condition_out: str
    condition_back: str
    overdue: bool


class MuseumVisitIn(Schema):
    museum: Ref = Field(description="The museum's code")
    visited_on: dt.date
    girls: int = 0
    boys: int = 0
    women: int = 0
    men: int = 0
    group: str = ""
    guided: bool = False
    is_eore: bool = Field(False, description="Guided and taught risk education: also an EORE session")
    guide: str = ""
    audience: Choice = "general"
    notes: str = ""


class MuseumVisitOut(Schema):
    code: str
    museum: str
    visited_on: dt.date
    group: str
    guided: bool
    is_eore: bool
    guide: str
    girls: int
    boys: int
    women: int
    men: int
    audience: str
    eore_session: str | None
    version: int


class MuseumVisitPage(Schema):
    count: int
    items: list[MuseumVisitOut]
    totals: dict[str, Any]


class MuseumPublicText(Schema):
    text: str
    language: str
    fallback: bool


class MuseumPublicAlias(Schema):
    name: str
    language: str


class MuseumPublicExhibitOut(Schema):
    """What the public catalogue says: never the find's position, the device record or the operator."""

    code: str
    title: str
    museum: str
    model: str
    aliases: list[MuseumPublicAlias]
    category: str
    category_label: str
    type: str
    features: MuseumPublicText
    colour_markings: MuseumPublicText
    length_mm: int | None
    width_mm: int | None
    height_mm: int | None
    diameter_mm: int | None
    weight_g: int | None
    description: str
    safety_message: str
    safety_messages: list[str]
    found_province: str | None
    found_year: int | None
    images: list[str]


class MuseumPublicExhibitPage(Schema):
    count: int
    items: list[MuseumPublicExhibitOut]
