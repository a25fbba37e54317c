"""`load_file`: one boundary or place file of any format and CRS that GDAL reads, for any national
programme (codes and names from its fields, parents by largest overlap).
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import numpy as np
import shapely

from safeground.gazetteer import queries
from safeground.gazetteer.loaders.common import (
    LEVEL_LETTERS,
    GazetteerLoadError,
    Layer,
    Report,
    as_multipolygons,
    as_text,
    containing,
    examples_of,
    largest_share,
    noop,
    polygonal,
    read_layer,
)
from safeground.gazetteer.loaders.names import name_key
from safeground.gazetteer.loaders.plan import AreaRow, PlaceRow, Plan, report_repairs, write_plan
from safeground.gazetteer.models import AdminArea, Place

_NAME_CANDIDATES = ("name", "shapename", "name_en", "adm{level}_en", "name_{level}", "hrname", "nom")


def load_file(
    path: Path | str,
    country: str,
    level: int | None = None,
    code_field: str | None = None,
    name_field: str | None = None,
    layer: str | int | None = None,
    report: Report = noop,
    *,
    places: bool = False,
    kind: str = "village",
    crs: str | None = None,
    source: str | None = None,
) -> dict:
    """Load one file of admin areas (level 0-3) or, with `places=True`, of places (points).

    Geometries are reprojected to EPSG:4326 from the file's CRS (or `crs`). Parents are the units of
    the level above in the same country holding the largest share of each area; loading level 1 of a
    country without a level 0 creates level 0 as the union. Codes come from `code_field` (unique,
    required non-empty) or are generated (parent code + level letter + sequence by name) and
    reported. Nothing is written unless the whole file is good.
    """
    path = Path(path)
    country = (country or "").strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", country):
        raise GazetteerLoadError(f"country must be an ISO 3166-1 alpha-3 code such as KHM, got {country!r}")
    if places:
        return _load_places_file(path, country, kind, code_field, name_field, layer, report, crs, source)
    if level is None or level not in (0, 1, 2, 3):
        raise GazetteerLoadError(f"level must be 0, 1, 2 or 3, got {level!r}")
    data = read_layer(path, layer=layer, crs=crs)
    if not len(data):
        raise GazetteerLoadError(f"{path}: layer has no features")
    if code_field is not None:
        codes = as_text(data.field(code_field))  # raises naming the file and the field
    name_field = _pick_name_field(data, name_field, level)
    names = as_text(data.field(name_field))
    labels = [f"feature {i + 1} ({names[i] or 'no name'})" for i in range(len(data))]
    empty = [labels[i] for i, n in enumerate(names) if not n]
    if empty and level > 0:
        raise GazetteerLoadError(f"{path}: field {name_field!r} is empty for {examples_of(empty)}")
    geoms, repaired = polygonal(data.geoms, str(path), labels)
    plan = Plan()
    report_repairs(plan, report, f"{path.name}", len(geoms), repaired)
    source = source or f"{path.name} (loaded with safeground gazetteer load)"

    if level == 0:
        outline = as_multipolygons(np.array([shapely.union_all(geoms)], dtype=object))[0]
        name = names[0] if len(set(names)) == 1 and names[0] else queries.country_name(country)
        plan.areas[(country, 0)] = [AreaRow(country, name, outline, None, source)]
        report(f"{country} level 0: outline from {len(geoms)} feature(s) of {path.name}")
        return write_plan(plan, report)

    if code_field is not None:
        blank = [labels[i] for i, c in enumerate(codes) if not c]
        if blank:
            raise GazetteerLoadError(f"{path}: field {code_field!r} is empty for {examples_of(blank)}")
        dupes = [c for c, n in Counter(codes).items() if n > 1]
        if dupes:
            raise GazetteerLoadError(f"{path}: field {code_field!r} has duplicate codes: {examples_of(dupes)}")
        too_long = [c for c in codes if len(c) > AdminArea._meta.get_field("code").max_length]
        if too_long:
            raise GazetteerLoadError(
                f"{path}: field {code_field!r} has codes longer than 20 characters: {too_long[0]!r}"
            )

    above = list(AdminArea.objects.filter(country=country, level=level - 1).values_list("code", "geom"))
    if not above:
        if level > 1:
            raise GazetteerLoadError(
                f"{path}: no level {level - 1} areas for {country} to attach level {level} to; "
                f"load level {level - 1} first"
            )
        outline = as_multipolygons(np.array([shapely.union_all(geoms)], dtype=object))[0]
        plan.areas[(country, 0)] = [AreaRow(country, queries.country_name(country), outline, None, source)]
        report(f"{country} level 0: none in the gazetteer; created as the union of the {len(geoms)} level-1 units")
        parent_codes = [country] * len(geoms)
    else:
        parent_geoms = shapely.from_wkb([bytes(g.wkb) for _, g in above])
        idx, share = largest_share(geoms, parent_geoms)
        outside = [labels[i] for i in np.flatnonzero(idx < 0)]
        if outside and level > 1:
            raise GazetteerLoadError(
                f"{path}: {len(outside)} feature(s) overlap no {country} level-{level - 1} area: {examples_of(outside)}"
            )
        low = [f"{labels[i]} ({share[i]:.0%})" for i in np.flatnonzero((idx >= 0) & (share < 0.5))]
        if low or outside:
            report(
                f"{path.name}: {len(low) + len(outside)} feature(s) lie mostly outside the {country} level-{level - 1} "
                f"areas (check the CRS and the country): {examples_of(outside + low)}"
            )
        parent_codes = [above[i][0] if i >= 0 else above[0][0] for i in idx.tolist()]

    if code_field is None:
        codes = [""] * len(names)
        letter = LEVEL_LETTERS[level]
        for parent in sorted(set(parent_codes)):
            members = sorted(
                (i for i, p in enumerate(parent_codes) if p == parent), key=lambda i: (name_key(names[i]), i)
            )
            for seq, i in enumerate(members, 1):
                codes[i] = f"{parent}-{letter}{seq:02d}"
        report(
            f"{path.name}: no code field given; generated codes (parent code + '-{letter}' + sequence by name): "
            + examples_of([f"{codes[i]} {names[i]}" for i in range(len(names))])
        )
    plan.areas[(country, level)] = [
        AreaRow(codes[i], names[i], geoms[i], parent_codes[i], source) for i in range(len(names))
    ]
    report(f"{country} level {level}: {len(names)} area(s) from {path.name} ({data.crs} → EPSG:4326)")
    return write_plan(plan, report)


def _pick_name_field(data: Layer, name_field: str | None, level: int) -> str:
    if name_field is not None:
        data.field(name_field)  # raises naming the file and the field
        return name_field
    lower = {name.lower(): name for name in data.fields}
    for candidate in _NAME_CANDIDATES:
        found = lower.get(candidate.format(level=level))
        if found:
            return found
    raise GazetteerLoadError(
        f"{data.path}: no name field found; give one with --name-field (fields: {', '.join(data.fields) or 'none'})"
    )


def _load_places_file(path, country, kind, code_field, name_field, layer, report, crs, source) -> dict:
    kinds = dict(Place.KIND_CHOICES)
    if kind not in kinds:
        raise GazetteerLoadError(f"kind must be one of {', '.join(kinds)}, got {kind!r}")
    if code_field is None:
        raise GazetteerLoadError(f"{path}: places need a code field (--code-field)")
    data = read_layer(path, layer=layer, crs=crs)
    codes = as_text(data.field(code_field))
    name_field = _pick_name_field(data, name_field, 0)
    names = as_text(data.field(name_field))
    types = shapely.get_type_id(data.geoms)
    if (types != 0).any():
        i = int(np.flatnonzero(types != 0)[0])
        raise GazetteerLoadError(f"{path}: places must be points; feature {i + 1} ({codes[i]}) is not")
    blank = [str(i + 1) for i, c in enumerate(codes) if not c]
    if blank:
        raise GazetteerLoadError(f"{path}: field {code_field!r} is empty for feature(s) {examples_of(blank)}")
    dupes = [c for c, n in Counter(codes).items() if n > 1]
    if dupes:
        raise GazetteerLoadError(f"{path}: field {code_field!r} has duplicate codes: {examples_of(dupes)}")
    points = shapely.force_2d(data.geoms)
    keep = np.ones(len(points), dtype=bool)
    outline = queries.country_outline(country)
    if outline is not None:
        keep = shapely.contains(outline, points)
        if (~keep).any():
            report(
                f"{path.name}: {int((~keep).sum())} place(s) outside {country} skipped: "
                + examples_of([f"{codes[i]} {names[i]}" for i in np.flatnonzero(~keep)])
            )
    area: list[tuple[int, str] | None] = [None] * len(points)
    for level in (1, 2, 3):
        rows = list(AdminArea.objects.filter(country=country, level=level).values_list("code", "geom"))
        if not rows:
            continue
        found = containing(points, shapely.from_wkb([bytes(g.wkb) for _, g in rows]))
        for i, j in enumerate(found.tolist()):
            if j >= 0:
                area[i] = (level, rows[j][0])
    source = source or f"{path.name} (loaded with safeground gazetteer load)"
    plan = Plan()
    plan.places[(country, kind)] = [
        PlaceRow(codes[i], names[i] or codes[i], points[i], area[i], source) for i in np.flatnonzero(keep)
    ]
    report(
        f"{country} {kind}s: {int(keep.sum())} from {path.name}; "
        f"{sum(1 for i in np.flatnonzero(keep) if area[i] is None)} in no admin area"
    )
    return write_plan(plan, report)
