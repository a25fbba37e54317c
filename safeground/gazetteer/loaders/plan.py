"""The plan of a load (areas and places per country and level) and its writing: one transaction,
upserts keyed by (country, level, code) or (country, kind, code), rows that vanished from the source kept
and reported.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely
from django.db import transaction

from safeground.gazetteer import queries
from safeground.gazetteer.loaders.common import EXAMPLES, GazetteerLoadError, Report, examples_of, geos_of
from safeground.gazetteer.models import AdminArea, Place


@dataclass
class AreaRow:
    code: str
    name: str
    geom: Any  # shapely MultiPolygon, EPSG:4326
    parent_code: str | None
    source: str


@dataclass
class PlaceRow:
    code: str
    name: str
    point: Any  # shapely Point
    area: tuple[int, str] | None  # (level, code) of its admin area
    source: str


@dataclass
class Plan:
    """Everything one load writes, in order: areas by (country, level), then places by (country, kind)."""

    areas: dict[tuple[str, int], list[AreaRow]] = field(default_factory=dict)
    places: dict[tuple[str, str], list[PlaceRow]] = field(default_factory=dict)
    repairs: dict[str, tuple[int, int]] = field(default_factory=dict)  # what -> (polygons read, repaired)


@dataclass
class WriteStats:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    kept: int = 0  # rows in the database that the source no longer has (kept: they may be referenced)


def write_plan(plan: Plan, report: Report) -> dict:
    """Upsert the plan in one transaction; return the summary."""
    stats = WriteStats()
    summary: dict[str, Any] = {"areas": {}, "places": {}}
    with transaction.atomic():
        ids: dict[tuple[str, int, str], Any] = {}
        for (country, level), rows in sorted(plan.areas.items(), key=lambda kv: (kv[0][1], kv[0][0])):
            if level > 0:
                for obj_id, code in AdminArea.objects.filter(country=country, level=level - 1).values_list(
                    "id", "code"
                ):
                    ids.setdefault((country, level - 1, code), obj_id)
            written = _upsert_areas(country, level, rows, ids, stats, report)
            ids.update({(country, level, code): obj_id for code, obj_id in written.items()})
            summary["areas"].setdefault(country, {})[level] = len(rows)
        for (country, kind), rows in sorted(plan.places.items()):
            needed_levels = {row.area[0] for row in rows if row.area}
            for level in needed_levels:
                for obj_id, code in AdminArea.objects.filter(country=country, level=level).values_list("id", "code"):
                    ids.setdefault((country, level, code), obj_id)
            _upsert_places(country, kind, rows, ids, stats, report)
            summary["places"].setdefault(country, {})[kind] = len(rows)
    queries.clear_caches()
    summary.update(created=stats.created, updated=stats.updated, unchanged=stats.unchanged, kept=stats.kept)
    return summary


def report_repairs(plan: Plan, report: Report, what: str, read: int, repaired: int) -> None:
    plan.repairs[what] = (read, repaired)
    if repaired:
        report(f"{what}: {repaired} of {read} source polygon(s) were invalid, repaired with make_valid")


def _same_geoms(old: list, new: list) -> np.ndarray:
    if not old:
        return np.zeros(0, dtype=bool)
    a = shapely.from_wkb([bytes(g.wkb) for g in old])
    b = np.array(new, dtype=object)
    return shapely.equals_exact(a, b, tolerance=1e-10)


def _upsert_areas(country, level, rows, ids, stats: WriteStats, report: Report) -> dict[str, Any]:
    codes = [r.code for r in rows]
    dupes = [c for c, n in Counter(codes).items() if n > 1]
    if dupes:
        raise GazetteerLoadError(f"{country} level {level}: duplicate codes {', '.join(dupes[:EXAMPLES])}")
    max_length = AdminArea._meta.get_field("code").max_length
    too_long = [c for c in codes if len(c) > max_length]
    if too_long:
        raise GazetteerLoadError(
            f"{country} level {level}: codes longer than {max_length} characters: {examples_of(too_long)}"
        )
    existing = {a.code: a for a in AdminArea.objects.filter(country=country, level=level)}
    matched = [r for r in rows if r.code in existing]
    same_geom = _same_geoms([existing[r.code].geom for r in matched], [r.geom for r in matched])
    create, update = [], []
    for row in rows:
        parent_id = None
        if row.parent_code is not None:
            parent_id = ids.get((country, level - 1, row.parent_code))
            if parent_id is None:  # pragma: no cover - the plan always writes parents first
                raise GazetteerLoadError(f"{country} level {level} {row.code}: parent {row.parent_code} not found")
        if row.code not in existing:
            create.append(
                AdminArea(
                    country=country,
                    level=level,
                    code=row.code,
                    name=row.name,
                    parent_id=parent_id,
                    geom=geos_of(row.geom),
                    source=row.source,
                )
            )
    for row, geom_same in zip(matched, same_geom, strict=True):
        obj = existing[row.code]
        parent_id = ids.get((country, level - 1, row.parent_code)) if row.parent_code else None
        if obj.name == row.name and obj.parent_id == parent_id and obj.source == row.source and geom_same:
            stats.unchanged += 1
            continue
        obj.name, obj.parent_id, obj.source = row.name, parent_id, row.source
        if not geom_same:
            obj.geom = geos_of(row.geom)
        update.append(obj)
    AdminArea.objects.bulk_create(create, batch_size=200)
    if update:
        AdminArea.objects.bulk_update(update, ["name", "parent", "geom", "source"], batch_size=100)
    stats.created += len(create)
    stats.updated += len(update)
    stale = sorted(set(existing) - set(codes))
    if stale:
        stats.kept += len(stale)
        report(
            f"{country} level {level}: {len(stale)} existing area(s) not in this source were kept "
            f"(they may be referenced): {examples_of(stale)}"
        )
    out = {code: obj.id for code, obj in existing.items()}
    out.update({obj.code: obj.id for obj in create})
    return out


def _upsert_places(country, kind, rows, ids, stats: WriteStats, report: Report) -> None:
    existing = {p.code: p for p in Place.objects.filter(country=country, kind=kind)}
    create, update = [], []
    for row in rows:
        area_id = ids[(country, *row.area)] if row.area else None
        obj = existing.get(row.code)
        if obj is None:
            create.append(
                Place(
                    country=country,
                    kind=kind,
                    code=row.code,
                    name=row.name,
                    point=geos_of(row.point),
                    admin_area_id=area_id,
                    source=row.source,
                )
            )
            continue
        same_point = obj.point is not None and (obj.point.x, obj.point.y) == (row.point.x, row.point.y)
        if obj.name == row.name and obj.admin_area_id == area_id and obj.source == row.source and same_point:
            stats.unchanged += 1
            continue
        obj.name, obj.admin_area_id, obj.source = row.name, area_id, row.source
        if not same_point:
            obj.point = geos_of(row.point)
        update.append(obj)
    Place.objects.bulk_create(create, batch_size=1000)
    if update:
        Place.objects.bulk_update(update, ["name", "admin_area", "point", "source"], batch_size=500)
    stats.created += len(create)
    stats.updated += len(update)
    stale = sorted(set(existing) - {r.code for r in rows})
    if stale:
        stats.kept += len(stale)
        report(f"{country} {kind}s: {len(stale)} existing place(s) not in this source were kept: {examples_of(stale)}")
