"""Cambodia's 25 provinces: Open Development Cambodia admin boundaries 2014 (MoP/NCDD)."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from safeground.gazetteer.loaders.common import (
    GazetteerLoadError,
    Report,
    as_text,
    examples_of,
    largest_share,
    polygonal,
    read_layer,
)
from safeground.gazetteer.loaders.names import name_key
from safeground.gazetteer.loaders.plan import AreaRow, Plan, report_repairs

SOURCE = "Open Development Cambodia admin boundaries 2014 (MoP/NCDD), CC BY 4.0"


def plan_provinces(base: Path, plan: Plan, report: Report) -> dict:
    """25 provinces: ODC 2014 geometry and official codes (UTM 48N → 4326), names cross-checked."""
    odc = read_layer(base / "provinces-official-codes-utm48n.geojson")
    codes = as_text(odc.field("HRPCode"))
    names = as_text(odc.field("HRName"))
    bad = [c for c in codes if not re.fullmatch(r"KH\d\d", c)]
    if bad or len(set(codes)) != len(codes):
        raise GazetteerLoadError(f"{odc.path}: HRPCode must be unique KHnn codes; got {examples_of(bad or codes)}")
    geoms, repaired = polygonal(odc.geoms, str(odc.path), codes)
    report_repairs(plan, report, "KHM provinces (ODC)", len(geoms), repaired)

    # Cross-check against geoBoundaries ADM1 (OSM): join by largest overlap, compare names and numbers.
    gb = read_layer(base / "provinces.geojson")
    gb_geoms, _ = polygonal(gb.geoms, str(gb.path))
    gb_names = as_text(gb.field("shapeName"))
    gb_iso = as_text(gb.field("shapeISO"))
    best, share = largest_share(geoms, gb_geoms)
    differences = []
    for i, code in enumerate(codes):
        if best[i] < 0:
            differences.append(f"{code} {names[i]}: no overlapping geoBoundaries province")
            continue
        j = int(best[i])
        iso_number = gb_iso[j].rsplit("-", 1)[-1]
        if iso_number.isdigit() and int(iso_number) != int(code[2:]):
            differences.append(f"{code} {names[i]} overlaps geoBoundaries {gb_iso[j]} {gb_names[j]} (code differs)")
        elif name_key(gb_names[j]) != name_key(names[i]):
            differences.append(f"{code} '{names[i]}' = geoBoundaries {gb_iso[j]} '{gb_names[j]}' ({share[i]:.0%})")
    order = np.argsort(codes)
    report(
        f"KHM provinces: {len(codes)} from {odc.path.name} ({odc.crs} reprojected to EPSG:4326), official "
        f"codes {codes[order[0]]}..{codes[order[-1]]}; joined to {gb.path.name} by overlap "
        f"(smallest overlap {share.min():.1%}); ODC names kept, {len(differences)} differ in spelling: "
        + "; ".join(differences)
    )
    plan.areas[("KHM", 1)] = [AreaRow(codes[i], names[i], geoms[i], "KHM", SOURCE) for i in order.tolist()]
    return {"codes": [codes[i] for i in order], "names": [names[i] for i in order], "geoms": geoms[order]}
