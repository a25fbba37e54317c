"""ODK's geometry answers to GeoJSON: geopoint "lat lon alt acc", geotrace and geoshape as
"lat lon alt acc; lat lon alt acc; …" (latitude first, unlike GeoJSON). Every error names the question."""

from __future__ import annotations

import json
import math

import shapely

from safeground.core.geometry import GeometryError, validate_point, validate_polygonal
from safeground.openrosa.errors import Refused


def _vertex(text: str, question: str, n: int | None) -> tuple[float, float]:
    where = f"point {n}" if n else "the point"
    parts = text.split()
    if not 2 <= len(parts) <= 4:
        raise Refused(f"{question}: {where} {text!r} is not 'latitude longitude [altitude accuracy]'", 400, question)
    try:
        lat, lon = float(parts[0]), float(parts[1])
    except ValueError as exc:
        raise Refused(f"{question}: {where} {text!r} has a coordinate that is not a number", 400, question) from exc
    if not (math.isfinite(lat) and math.isfinite(lon)) or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise Refused(
            f"{question}: {where} has latitude {parts[0]}, longitude {parts[1]}: outside -90..90 / -180..180",
            400,
            question,
        )
    return lon, lat


def _vertices(text: str, question: str) -> list[tuple[float, float]]:
    return [_vertex(p.strip(), question, i) for i, p in enumerate((p for p in text.split(";") if p.strip()), 1)]


def point(text: str, question: str) -> dict | None:
    """A geopoint answer as a GeoJSON Point; empty: None."""
    if not text or not text.strip():
        return None
    geom = shapely.Point(_vertex(text.strip(), question, None))
    try:
        validate_point(geom, question)
    except GeometryError as exc:
        raise Refused(str(exc), 400, question) from exc
    return json.loads(shapely.to_geojson(geom))


def line(text: str, question: str) -> dict | None:
    """A geotrace answer as a GeoJSON LineString (at least two distinct points)."""
    if not text or not text.strip():
        return None
    vertices = _vertices(text, question)
    if len(set(vertices)) < 2:
        n = len(set(vertices))
        raise Refused(f"{question}: a line needs at least 2 distinct points, it has {n}", 400, question)
    return json.loads(shapely.to_geojson(shapely.LineString(vertices)))


def polygon(text: str, question: str) -> dict | None:
    """A geoshape answer as a GeoJSON Polygon, closed if the device left it open, checked with GEOS:
    a self-intersection is refused naming the question and where it crosses."""
    if not text or not text.strip():
        return None
    vertices = _vertices(text, question)
    if vertices and vertices[0] != vertices[-1]:
        vertices.append(vertices[0])
    if len(set(vertices)) < 3:
        raise Refused(
            f"{question}: a shape needs at least 3 distinct points, it has {len(set(vertices))}", 400, question
        )
    geom = shapely.Polygon(vertices)
    try:
        validate_polygonal(geom, question)
    except GeometryError as exc:
        raise Refused(str(exc), 400, question) from exc
    return json.loads(shapely.to_geojson(geom))
