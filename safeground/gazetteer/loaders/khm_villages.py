"""Cambodia's villages: the MoEYS 2013 school inventory (via Open Development Cambodia), placed in
their communes (or the nearest one within VILLAGE_SNAP_M).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapely

from safeground.gazetteer.loaders.common import (
    GazetteerLoadError,
    Report,
    containing,
    examples_of,
    nearest_within,
    read_csv_lines,
)
from safeground.gazetteer.loaders.plan import PlaceRow, Plan

SOURCE = "MoEYS school inventory 2013 via Open Development Cambodia"

#: A village a little outside every commune (boundary and survey vintages differ) is given the
#: nearest commune when it lies within this distance; further out it is loaded without a commune.
VILLAGE_SNAP_M = 500.0


@dataclass
class Villages:
    codes: list[str]
    names: list[str]
    points: np.ndarray


def read_villages(path: Path, report: Report) -> Villages:
    """villages-2013.csv: CR line endings, a few cp1252 lines; bad rows counted and reported, never hidden."""
    rows, cp1252_lines = read_csv_lines(path)
    header = [h.strip() for h in rows[0]] if rows else []
    required = ["longitude", "latitude", "vil_code", "village"]
    missing = [f for f in required if f not in header]
    if missing:
        raise GazetteerLoadError(f"{path}: no field(s) {', '.join(missing)} (fields: {', '.join(header)})")
    col = {name: header.index(name) for name in required}

    def cell(row: list[str], name: str) -> str:
        return row[col[name]].strip() if col[name] < len(row) else ""

    decoded = [f"line {n}: {cell(rows[n - 1], 'vil_code')} {cell(rows[n - 1], 'village')!r}" for n in cp1252_lines]
    report(
        f"KHM villages: {len(rows) - 1} rows in {path.name} (CR-only line endings handled); "
        f"{len(cp1252_lines)} line(s) not valid UTF-8, decoded as cp1252: {examples_of(decoded)}"
    )
    codes, names, xy, bad_coords, bad_codes = [], [], [], [], []
    for line_no, row in enumerate(rows[1:], 2):
        if not any(c.strip() for c in row):
            continue
        code = cell(row, "vil_code")
        if not re.fullmatch(r"\d{7,8}", code):
            bad_codes.append(f"line {line_no}: vil_code {code!r}")
            continue
        try:
            lon, lat = float(cell(row, "longitude")), float(cell(row, "latitude"))
        except ValueError:
            bad_coords.append(f"line {line_no} {code}: {cell(row, 'longitude')!r}, {cell(row, 'latitude')!r}")
            continue
        if not (math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90):
            bad_coords.append(f"line {line_no} {code}: {lon}, {lat}")
            continue
        codes.append(code.zfill(8))
        names.append(cell(row, "village") or code.zfill(8))
        xy.append((lon, lat))
    if bad_codes:
        report(f"KHM villages: {len(bad_codes)} row(s) with a malformed vil_code skipped: {examples_of(bad_codes)}")
    if bad_coords:
        report(f"KHM villages: {len(bad_coords)} row(s) with unreadable coordinates skipped: {examples_of(bad_coords)}")
    else:
        report("KHM villages: all coordinates parse as longitude/latitude")
    points = shapely.points(np.array(xy, dtype=float).reshape(-1, 2))
    # Duplicate codes: the first row wins, the others are reported and skipped.
    seen: dict[str, int] = {}
    dup_rows, keep = [], []
    for i, code in enumerate(codes):
        if code in seen:
            dup_rows.append(f"{code} {names[i]} (also {names[seen[code]]})")
        else:
            seen[code] = i
            keep.append(i)
    if dup_rows:
        report(f"KHM villages: {len(dup_rows)} duplicate vil_code row(s) skipped (first kept): {examples_of(dup_rows)}")
    else:
        report("KHM villages: no duplicate vil_code")
    same_place = Counter(shapely.to_wkb(points).tolist())
    shared = sum(n for n in same_place.values() if n > 1)
    if shared:
        report(f"KHM villages: {shared} villages share their coordinates with another village (all loaded)")
    return Villages([codes[i] for i in keep], [names[i] for i in keep], points[keep])


def plan_villages(plan: Plan, outline, communes: dict, villages: Villages, report: Report) -> None:
    """Each village's commune is the one containing its point; a village just outside gets the nearest one.

    Further than VILLAGE_SNAP_M from every commune: loaded without a commune when inside the national
    outline, skipped (wrong coordinates) when outside it.
    """
    where = containing(villages.points, communes["geoms"])
    keep = np.ones(len(where), dtype=bool)
    outside = np.flatnonzero(where < 0)
    if len(outside):
        near, dist = nearest_within(villages.points[outside], communes["geoms"], VILLAGE_SNAP_M)
        where[outside] = near
        snapped = [
            f"{villages.codes[v]} {villages.names[v]} {dist[k]:.0f} m from {communes['codes'][near[k]]}"
            for k, v in enumerate(outside)
            if near[k] >= 0
        ]
        report(
            f"KHM villages: {len(outside)} outside every commune, {len(snapped)} of them within "
            f"{VILLAGE_SNAP_M:.0f} m given the nearest commune: {examples_of(snapped)}"
        )
        far = outside[near < 0]
        if len(far):
            shapely.prepare(outline)
            in_country = shapely.contains(outline, villages.points[far])
            swapped = shapely.contains(outline, shapely.transform(villages.points[far], lambda xy: xy[:, ::-1]))
            no_commune = [
                f"{villages.codes[v]} {villages.names[v]} ({villages.points[v].x}, {villages.points[v].y})"
                for v, inside in zip(far, in_country, strict=True)
                if inside
            ]
            skipped = [
                f"{villages.codes[v]} {villages.names[v]} ({villages.points[v].x}, {villages.points[v].y})"
                + (" (latitude/longitude swapped?)" if sw else "")
                for v, inside, sw in zip(far, in_country, swapped, strict=True)
                if not inside
            ]
            keep[far[~in_country]] = False
            if no_commune:
                report(
                    f"KHM villages: {len(no_commune)} further out, loaded without a commune: {examples_of(no_commune)}"
                )
            if skipped:
                report(f"KHM villages: {len(skipped)} outside Cambodia, skipped: {examples_of(skipped)}")
    codes = communes["codes"]
    disagree = [
        f"{villages.codes[v]} {villages.names[v]} in {codes[c]}"
        for v, c in enumerate(where.tolist())
        if keep[v] and c >= 0 and re.fullmatch(r"KH\d{6}", codes[c]) and codes[c][2:] != villages.codes[v][:6]
    ]
    report(
        f"KHM villages: {int(keep.sum())} loaded; {len(disagree)} lie in a coded commune other than the one their "
        f"own code names (location wins): {examples_of(disagree)}"
    )
    source = SOURCE
    plan.places[("KHM", "village")] = [
        PlaceRow(villages.codes[v], villages.names[v], villages.points[v], (3, codes[c]) if c >= 0 else None, source)
        for v, c in enumerate(where.tolist())
        if keep[v]
    ]
