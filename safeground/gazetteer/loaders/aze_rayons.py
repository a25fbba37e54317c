"""Azerbaijan's rayons and cities: geoBoundaries AZE ADM2 (coarse), and the national outline as their union."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import shapely

from safeground.core.geometry import area_m2
from safeground.gazetteer.loaders.common import Report, as_multipolygons, as_text, polygonal, read_layer
from safeground.gazetteer.loaders.plan import AreaRow, Plan, report_repairs

SOURCE_OUTLINE = "union of geoBoundaries AZE ADM2 (coarse), CC BY-SA 3.0"
SOURCE = "geoBoundaries AZE ADM2 (coarse), CC BY-SA 3.0"


def _name_codes(prefix: str, names: Sequence[str], geoms: np.ndarray) -> list[str]:
    """Readable stable codes from names: 'Fuzuli District' → AZ-FUZULI, 'Shaki City' → AZ-SHAKI-C.

    Not official ISO 3166-2 codes (the source carries none); a repeated name gets -2, -3 … from west to east.
    """
    stems = []
    for name in names:
        words = name.split()
        city = words[-1].lower() == "city"
        if words and words[-1].lower() in {"district", "city", "rayon"}:
            words = words[:-1]
        ascii_name = unicodedata.normalize("NFKD", "".join(words)).encode("ascii", "ignore").decode().upper()
        stems.append(f"{prefix}-{re.sub('[^A-Z0-9]', '', ascii_name)[:12]}" + ("-C" if city else ""))
    codes = list(stems)
    order = sorted(range(len(names)), key=lambda i: (stems[i], geoms[i].centroid.x))
    seen: Counter = Counter()
    for i in order:
        seen[stems[i]] += 1
        if seen[stems[i]] > 1:
            codes[i] = f"{stems[i]}-{seen[stems[i]]}"
    return codes


def plan_azerbaijan(data_dir: Path, plan: Plan, report: Report):
    layer = read_layer(data_dir / "azerbaijan" / "rayons.geojson")
    names = as_text(layer.field("shapeName"))
    geoms, repaired = polygonal(layer.geoms, str(layer.path), names)
    report_repairs(plan, report, "AZE rayons", len(geoms), repaired)
    iso = as_text(layer.fields.get("shapeISO", [""] * len(names)))
    if all(iso) and len(set(iso)) == len(iso) and "AZE" not in iso:
        codes = iso
        how = "shapeISO"
    else:
        codes = _name_codes("AZ", names, geoms)
        values = Counter(iso).most_common(2)
        how = (
            "'AZ-' + the name, '-C' for cities, '-2' for a repeated name (west to east); shapeISO is not a unit "
            f"code: {', '.join(f'{v!r} x{n}' for v, n in values)}"
        )
    report(f"AZE rayons: {len(names)} first-level units (rayons and cities) from {layer.path.name}; codes {how}")
    dupes = {n: [codes[i] for i in range(len(names)) if names[i] == n] for n, k in Counter(names).items() if k > 1}
    for name, dup_codes in dupes.items():
        report(f"AZE rayons: name {name!r} is used by {len(dup_codes)} features ({', '.join(dup_codes)}); both kept")
    outline = as_multipolygons(np.array([shapely.union_all(geoms)], dtype=object))[0]
    holes = [
        shapely.Polygon(ring) for part in outline.geoms for ring in part.interiors if shapely.Polygon(ring).area > 0
    ]
    hole_text = "; ".join(
        f"{area_m2(h) / 1e6:,.0f} km² at {h.centroid.x:.2f}, {h.centroid.y:.2f}"
        for h in sorted(holes, key=lambda h: -h.area)
    )
    report(
        f"AZE country outline: union of the {len(names)} rayons, {len(outline.geoms)} part(s) (Nakhchivan and "
        f"exclaves included); the boundaries are coarse (traced from a small-scale map); "
        f"{len(holes)} hole(s) covered by no rayon (water bodies or enclaves): {hole_text or 'none'}"
    )
    plan.areas[("AZE", 0)] = [AreaRow("AZE", "Azerbaijan", outline, None, SOURCE_OUTLINE)]
    order = sorted(range(len(names)), key=lambda i: codes[i])
    plan.areas[("AZE", 1)] = [AreaRow(codes[i], names[i], geoms[i], "AZE", SOURCE) for i in order]
    return outline, ([codes[i] for i in order], geoms[order])
