"""API schemas of the ordnance reference library: a model as read, created and changed.

Codes and texts are checked by the services (ordnance.services), which name the field and why; these schemas only
give the shapes, and refuse fields a model does not have."""

from __future__ import annotations

from ninja import Schema
from pydantic import ConfigDict, Field

from safeground.core.contracts import Choice, Note


class AliasIO(Schema):
    name: str = Field(max_length=200)
    language: str = Field("", max_length=10, description="Language code (km, az...); empty: any language")


class _Fields(Schema):
    """Every editable field (English texts in the fields; translations in `texts`)."""

    model_config = ConfigDict(extra="forbid")

    type: str | None = None
    origin: str | None = None
    length_mm: int | None = Field(None, description="Millimetres")
    width_mm: int | None = None
    height_mm: int | None = None
    diameter_mm: int | None = None
    weight_g: int | None = Field(None, description="Total weight, grams")
    main_charge: str | None = None
    fill: str | None = None
    fill_mass_g: int | None = Field(None, description="Explosive mass, grams")
    metal_content: Choice | None = Field(None, description="high, low, minimum, none, unknown")
    detectable_by: list[Choice] | None = Field(None, description="detector, large_loop, dual_sensor, mdd, mdr, visual")
    fuze: str | None = None
    actuation: list[Choice] | None = Field(None, description="ACTUATION codes: pressure, tripwire, ...")
    actuation_force: str | None = None
    colour_markings: Note | None = None
    features: Note | None = None
    deminer_hazards: Note | None = None
    texts: dict[str, dict[str, Note]] | None = Field(
        None, description="Translations {language: {features|colour_markings|deminer_hazards: text}}"
    )
    notes: Note | None = None
    sources: Note | None = Field(None, description="One URL per line")
    aliases: list[AliasIO] | None = Field(None, description="The full list: replaces the model's aliases")
    similar: list[str] | None = Field(None, description="Slugs of similar models: replaces the current ones")


class OrdnanceModelIn(_Fields):
    name: str = Field(max_length=200)
    category: Choice


class OrdnanceModelPatch(_Fields):
    category: Choice | None = None


class OrdnanceModelOut(Schema):
    name: str
    slug: str
    version: int
    category: str
    type: str
    origin: str
    length_mm: int | None
    width_mm: int | None
    height_mm: int | None
    diameter_mm: int | None
    weight_g: int | None
    main_charge: str
    fill: str
    fill_mass_g: int | None
    metal_content: str
    detectable_by: list[str]
    fuze: str
    actuation: list[str]
    actuation_force: str
    colour_markings: str
    features: str
    deminer_hazards: str
    texts: dict[str, dict[str, str]]
    aliases: list[AliasIO]
    similar: list[str] = Field(description="Slugs of similar models")
    notes: str
    sources: str


class OrdnancePage(Schema):
    count: int
    items: list[OrdnanceModelOut]
