"""Cambodia's districts: geoBoundaries ADM2 (from ODC 2014), given ODC's 2011 district codes by name."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

from safeground.gazetteer.loaders.common import (
    GazetteerLoadError,
    Report,
    as_text,
    assign_parents,
    polygonal,
    read_csv,
    read_layer,
)
from safeground.gazetteer.loaders.names import match_names, name_key
from safeground.gazetteer.loaders.plan import AreaRow, Plan, report_repairs

SOURCE = "geoBoundaries KHM ADM2 (ODC 2014), CC BY 4.0; codes: ODC district codes 2011"


def plan_districts(base: Path, plan: Plan, provinces: dict, report: Report) -> dict:
    """197 districts (2014): parents by overlap, codes joined by name from the 2011 list within the province."""
    layer = read_layer(base / "districts.geojson")
    names = as_text(layer.field("shapeName"))
    geoms, repaired = polygonal(layer.geoms, str(layer.path), names)
    report_repairs(plan, report, "KHM districts", len(geoms), repaired)
    parent_idx, share = assign_parents(geoms, provinces["geoms"], names, "KHM district", report)
    parents = [provinces["codes"][p] for p in parent_idx]

    code_rows = read_csv(base / "district-codes-2011.csv", ["DIST_CODE", "DIST_NAME"])
    by_province: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for row in code_rows:
        code = row["DIST_CODE"].strip().zfill(4)
        if not re.fullmatch(r"\d{4}", code):
            raise GazetteerLoadError(
                f"{base / 'district-codes-2011.csv'}: DIST_CODE {row['DIST_CODE']!r} isn't 4 digits"
            )
        by_province["KH" + code[:2]].append((code, row["DIST_NAME"].strip()))

    codes: list[str | None] = [None] * len(names)
    fuzzy, used = [], set()
    for province in provinces["codes"]:
        members = [i for i, p in enumerate(parents) if p == province]
        candidates = by_province.get(province, [])
        matches = match_names([names[i] for i in members], [name for _, name in candidates])
        for k, (j, score) in matches.items():
            i = members[k]
            codes[i] = "KH" + candidates[j][0]
            used.add(candidates[j][0])
            if score < 1.0:
                fuzzy.append(f"{names[i]} ~ {candidates[j][1]} ({candidates[j][0]}, {score:.2f})")
    report(
        f"KHM districts: {len(names)} from {layer.path.name}; {sum(c is not None for c in codes)} coded by name "
        f"from district-codes-2011.csv ({len(code_rows)} rows) within the parent province, "
        f"{len(fuzzy)} of them by spelling variant: " + "; ".join(fuzzy)
    )
    # Districts without a code: stable generated codes, province code + "-D" + sequence by name.
    unmatched = [i for i, c in enumerate(codes) if c is None]
    all_rows = [(code, name) for rows in by_province.values() for code, name in rows]
    notes = []
    for province in sorted({parents[i] for i in unmatched}):
        members = sorted((i for i in unmatched if parents[i] == province), key=lambda i: (name_key(names[i]), i))
        for seq, i in enumerate(members, 1):
            codes[i] = f"{province}-D{seq:02d}"
            elsewhere = [
                f"{code} {name} in KH{code[:2]}" for code, name in all_rows if name_key(name) == name_key(names[i])
            ]
            hint = f"; the 2011 list has {', '.join(elsewhere)}" if elsewhere else "; not in the 2011 list"
            notes.append(f"{codes[i]} {names[i]} ({province}{hint})")
    if unmatched:
        report(
            f"KHM districts: {len(unmatched)} without a 2011 code in their province (created or moved after 2011) "
            f"got generated codes: " + "; ".join(notes)
        )
    unused = sorted(set(code for code, _ in all_rows) - used)
    if unused:
        unused_named = [f"{code} {name}" for code, name in all_rows if code in unused]
        report(f"KHM districts: {len(unused)} 2011 code(s) matched no 2014 district: " + "; ".join(unused_named))
    order = sorted(range(len(names)), key=lambda i: codes[i])
    plan.areas[("KHM", 2)] = [AreaRow(codes[i], names[i], geoms[i], parents[i], SOURCE) for i in order]
    return {
        "codes": [codes[i] for i in order],
        "names": [names[i] for i in order],
        "geoms": geoms[order],
        "parents": [parents[i] for i in order],
    }
