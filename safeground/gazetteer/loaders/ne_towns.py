"""Towns of both programmes: Natural Earth 1:10m populated places, placed in their province or rayon."""

from __future__ import annotations

import math
import re
from collections import Counter
from pathlib import Path

import numpy as np
import shapely

from safeground.gazetteer.loaders.common import (
    GazetteerLoadError,
    Report,
    as_text,
    containing,
    examples_of,
    geodesic_m,
    nearest_within,
    read_layer,
)
from safeground.gazetteer.loaders.names import name_key
from safeground.gazetteer.loaders.plan import PlaceRow, Plan

SOURCE = "Natural Earth 1:10m populated places (public domain)"


#: A level-1 unit that is a city of its own ("Ganja City" in geoBoundaries).
CITY_UNIT = re.compile(r"^(?P<name>.+?)\s+City$")
#: How far a Natural Earth town (1:10m, placed to about a kilometre) may lie from its city's boundary.
CITY_SNAP_M = 2000.0


def city_name(town: str, unit: str | None) -> str:
    """The town's name as the national boundaries write it, where the town is a city that is its own
    level-1 unit: Natural Earth keeps older names and other spellings (a renamed city, "Ganca" for
    "Ganja"), and the demo and the pages must name a place as the gazetteer's boundaries do."""
    match = CITY_UNIT.match(unit or "")
    return match.group("name") if match else town


def plan_towns(path: Path, plan: Plan, outlines: dict, level1: dict, report: Report) -> None:
    """Natural Earth towns of the loaded countries; a town outside its country's outline is skipped;
    a town in a city unit takes the unit's name (`city_name`)."""
    countries = sorted(outlines)
    where = "adm0_a3 IN ({})".format(", ".join(f"'{c}'" for c in countries))
    layer = read_layer(path, where=where)
    adm0 = as_text(layer.field("adm0_a3"))
    names = as_text(layer.field("name"))
    geonameid = layer.field("geonameid")
    for country in countries:
        idx = [i for i, c in enumerate(adm0) if c == country]
        points = layer.geoms[idx]
        bad_type = [names[i] for i, g in zip(idx, points, strict=True) if g is None or g.geom_type != "Point"]
        if bad_type:
            raise GazetteerLoadError(f"{path}: towns must be points; not: {examples_of(bad_type)}")
        outline = outlines[country]
        shapely.prepare(outline)
        inside = shapely.contains(outline, points)
        skipped = []
        for k in np.flatnonzero(~inside):
            i = idx[k]
            metres = geodesic_m(points[k], outline)
            skipped.append(f"{names[i]} ({points[k].x:.4f}, {points[k].y:.4f}) lies {metres:,.0f} m outside {country}")
        if skipped:
            report(
                f"{country} towns: {len(skipped)} Natural Earth town(s) assigned to {country} but outside its "
                f"outline skipped: " + "; ".join(skipped)
            )
        codes_1, geoms_1 = level1[country]
        keep = [k for k in range(len(idx)) if inside[k]]
        kept_points = points[keep]
        area = containing(kept_points, geoms_1)
        loose = np.flatnonzero(area < 0)
        if len(loose):
            near, dist = nearest_within(kept_points[loose], geoms_1, math.inf)
            area[loose] = near
            report(
                f"{country} towns: {len(loose)} inside the national outline but outside every level-1 unit given "
                "the nearest: " + examples_of([f"{names[idx[keep[k]]]} {dist[n]:,.0f} m" for n, k in enumerate(loose)])
            )
        # A town at a city that is its own level-1 unit belongs to it, and is named as it is.
        unit_names = [dict((row.code, row.name) for row in plan.areas.get((country, 1), [])).get(c) for c in codes_1]
        cities = np.array([k for k, unit in enumerate(unit_names) if unit and CITY_UNIT.match(unit)], dtype=np.int64)
        near_city, _metres = nearest_within(kept_points, geoms_1[cities], CITY_SNAP_M)
        rows, generated, renamed = [], [], []
        for n, k in enumerate(keep):
            i = idx[k]
            if near_city[n] >= 0:
                area[n] = cities[near_city[n]]
            name = city_name(names[i], unit_names[area[n]])
            if name != names[i]:
                renamed.append(f"{names[i]} → {name}")
            gid = geonameid[i]
            if gid is not None and not (isinstance(gid, float) and math.isnan(gid)) and float(gid) > 0:
                code = f"GN{int(gid)}"
            else:
                code = "NE-" + re.sub(r"[^A-Z0-9]", "", name_key(names[i]).upper())[:17]
                generated.append(f"{code} {names[i]}")
            rows.append(PlaceRow(code, name, points[k], (1, codes_1[area[n]]), SOURCE))
        dupes = [c for c, m in Counter(r.code for r in rows).items() if m > 1]
        if dupes:
            raise GazetteerLoadError(f"{path}: duplicate town codes for {country}: {', '.join(dupes)}")
        if renamed:
            report(f"{country} towns named as the city they lie in (the national boundaries): {'; '.join(renamed)}")
        report(
            f"{country} towns: {len(rows)} of {len(idx)} loaded (code 'GN' + GeoNames id"
            + (f"; no GeoNames id, code from the name: {'; '.join(generated)})" if generated else ")")
        )
        plan.places[(country, "town")] = rows
