"""The kinds of record the workbench accepts, each registered once with what it takes and how it applies.

A kind is a name, a label, a Pydantic schema per action, the function that writes the record through
its owning app's services (returning the record's code), the payload field naming the organisation it
belongs to, and where it lies (for the review map and the location rows). The workbench registers the
kinds whose apps sit below it (appliers, field_kinds) from its AppConfig.ready(); an app above it
registers its own from its own ready() (qm: "qa_visit"), so the workbench never imports it (decision 0039).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ninja import Schema


@dataclass(frozen=True)
class Kind:
    name: str
    label: str  # gettext_noop'd; translated where shown
    schemas: dict[str, type[Schema]]  # action ("create", "update") -> payload schema
    apply: Callable[..., Any]  # (parsed payload, user) -> an appliers.Applied: the record and its parts (decision 0037)
    organisation_field: str | None = None  # payload field naming the owning organisation (acronym)
    where: Callable[[dict], dict | None] = lambda payload: None  # GeoJSON of where it lies, for review
    model: Any = None  # the record's model: field labels and choice labels on the review page
    abbreviation: str = ""  # in submission codes (WB-ORG-EOD-00001); default: the name's first 3 letters
    extra: dict = field(default_factory=dict)

    @property
    def code_part(self) -> str:
        return (self.abbreviation or self.name[:3]).upper()


_REGISTRY: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    """Add a kind; registering the same name again replaces it (an app reloaded in tests)."""
    _REGISTRY[kind.name] = kind
    return kind


def get(name: str) -> Kind | None:
    return _REGISTRY.get(name)


def names() -> list[str]:
    return list(_REGISTRY)
