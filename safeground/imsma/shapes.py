"""PLACEHOLDER until the geometry reconstruction lands (helper ngshapes): same interface, no repairs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import shapely


@dataclass
class Note:
    cause: str
    detail: str
    repaired: bool


@dataclass
class Shape:
    geometry: shapely.Geometry | None
    notes: list[Note] = field(default_factory=list)
    refused: Note | None = None

    @property
    def repairs(self) -> list[Note]:
        return [n for n in self.notes if n.repaired]


def rebuild(
    parts: list[tuple[dict, list[dict]]], enum_value: Callable[[str | None], str | None], *, far_m: float = 5000.0
) -> Shape:
    geoms = []
    for info, points in parts:
        xy = [(p["longitude"], p["latitude"]) for p in sorted(points, key=lambda p: p["pointno"])]
        if enum_value(info.get("shapeenum_guid")) == "Point" and xy:
            geoms.append(shapely.Point(xy[0]))
        elif len(xy) >= 3:
            geoms.append(shapely.Polygon(xy))
    if not geoms:
        note = Note("no-geometry", "no geometry", False)
        return Shape(None, [note], note)
    return Shape(geoms[0] if len(geoms) == 1 else shapely.MultiPolygon(geoms))
