"""Synthetic hazards on the real geography: where, what shape, which class and contamination."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import shapely

from safeground.core.codes import allocate_codes
from safeground.core.geometry import areas_m2, utm_epsg
from safeground.demo import shapes
from safeground.demo.geography import Geography, GroupArea, sample_centres
from safeground.demo.profiles import (
    COUNTRY_SHARE,
    GROUPS,
    MIN_LEGACY,
    MODELS,
    OPERATOR_PROVINCES,
    SIZE_HA,
    SUSPECTED_CATEGORIES,
    Group,
)
from safeground.gazetteer.queries import code_stems, locate_all
from safeground.hazards.models import Hazard

#: A clipped candidate must keep this share of its intended area, or it is drawn again.
MIN_KEPT_SHARE = 0.6
#: Parts of a clipped hazard smaller than this share of its largest part are slivers and dropped.
SLIVER_SHARE = 0.15

LABELS = {
    "ap_mines": "minefield",
    "at_mines": "AT minefield",
    "mixed": "mined area",
    "cmr": "cluster munition area",
    "uxo": "UXO area",
    "axo": "abandoned ordnance site",
    "ied": "IED area",
}


@dataclass
class Hazards:
    """Column arrays, one entry per hazard, in final (code) order."""

    country: np.ndarray
    group: np.ndarray
    geom: np.ndarray  # MultiPolygon, lon/lat
    hazard_class: np.ndarray
    contamination: np.ndarray
    recorded_on: list[dt.date]
    area_m2: np.ndarray
    utm_epsg: np.ndarray
    province_id: list
    district_id: list
    commune_id: list
    province_code: list[str]
    code: list[str]
    name: list[str]
    angle: np.ndarray  # direction of the hazard's long axis (radians), used to cut products
    benchmark: np.ndarray  # Point
    operator: list[str]
    suspected: list[list[str]]
    status: list[str] = field(default_factory=list)
    status_changed_on: list[dt.date] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.geom)


def _choice(rng: np.random.Generator, weights: dict, n: int) -> np.ndarray:
    keys = list(weights)
    p = np.array([weights[k] for k in keys], float)
    return np.array(keys, dtype=object)[rng.choice(len(keys), size=n, p=p / p.sum())]


def _days(rng: np.random.Generator, start: dt.date, end: dt.date, n: int, skew: float = 1.0) -> list[dt.date]:
    span = (end - start).days
    frac = rng.beta(1.0, skew, n) if skew != 1.0 else rng.uniform(0, 1, n)
    return [start + dt.timedelta(days=int(f * span)) for f in frac]


def group_counts(rng: np.random.Generator, country: str, n: int) -> dict[str, int]:
    groups = [g for g in GROUPS if g.country == country]
    counts: dict[str, int] = {}
    fixed = 0
    for g in groups:
        if g.key == "legacy":
            counts[g.key] = max(MIN_LEGACY, int(round(g.share * n)))
            fixed += counts[g.key]
    rest = [g for g in groups if g.key not in counts]
    shares = np.array([g.share for g in rest])
    alloc = rng.multinomial(max(n - fixed, 0), shares / shares.sum())
    counts.update({g.key: int(k) for g, k in zip(rest, alloc, strict=True)})
    return counts


def _candidates(rng, geo: Geography, group: Group, area: GroupArea, m: int) -> dict:
    lon, lat, along = sample_centres(rng, geo, group, area, m)
    m = len(lon)
    cha = rng.uniform(0, 1, m) < group.cha_share
    hazard_class = np.where(cha, "CHA", "SHA").astype(object)
    contamination = _choice(rng, group.contamination, m)
    size_ha = np.empty(m)
    for cls in ("CHA", "SHA"):
        idx = hazard_class == cls
        median, sigma, lo, cap = SIZE_HA[(cls, group.country)]
        size_ha[idx] = np.clip(rng.lognormal(np.log(median), sigma, idx.sum()), lo, cap)
    # K5 minefields run along the border: elongated and parallel to it; elsewhere mildly irregular.
    aspect = rng.uniform(1.0, 2.2, m)
    angle = rng.uniform(0, np.pi, m)
    if group.elongate_along_border:
        near = ~np.isnan(along) & np.isin(contamination, ["ap_mines", "mixed", "at_mines"])
        aspect[near] = rng.uniform(1.5, 4.0, near.sum())
        angle[near] = along[near] + rng.normal(0, 0.25, near.sum())
    hull = rng.uniform(0, 1, m) < 0.25
    recorded = _days(rng, group.recorded_from, group.recorded_to, m, skew=1.6 if group.country == "AZE" else 1.0)
    return {
        "lon": lon,
        "lat": lat,
        "hazard_class": hazard_class,
        "contamination": contamination,
        "area_m2": size_ha * 10_000,
        "aspect": aspect,
        "angle": angle,
        "hull": hull,
        "recorded_on": np.array(recorded, dtype=object),
    }


def _build_shapes(rng, cand: dict) -> np.ndarray:
    local = shapes.star_shapes(rng, cand["area_m2"], cand["aspect"], cand["angle"], cand["hull"])
    epsg = shapes.utm_zone_epsg(cand["lon"], cand["lat"])
    cx = np.empty(len(local))
    cy = np.empty(len(local))
    for code in np.unique(epsg):
        idx = epsg == code
        cx[idx], cy[idx] = shapes.project_xy(cand["lon"][idx], cand["lat"][idx], 4326, int(code))
    placed = shapes.translate(local, cx, cy)
    return shapes.project_geoms(placed, epsg, 4326)


def _fit(geoms: np.ndarray, regions: np.ndarray) -> np.ndarray:
    """Clip candidates to their region; None where too little is left or it can't be made valid."""
    out = np.full(len(geoms), None, dtype=object)
    inside = shapely.contains(regions, geoms)
    out[inside] = shapes.polygonal(geoms[inside])
    todo = np.flatnonzero(~inside)
    if len(todo):
        clipped = shapely.intersection(geoms[todo], regions[todo])
        clipped = shapes.polygonal(clipped, min_part_share=SLIVER_SHARE)
        ok = np.array([g is not None for g in clipped], bool)
        kept = np.zeros(len(todo))
        kept[ok] = shapely.area(clipped[ok]) / shapely.area(geoms[todo][ok])
        good = ok & (kept >= MIN_KEPT_SHARE)
        out[todo[good]] = clipped[good]
    bad = np.array([g is not None and not g.is_valid for g in out], bool)
    if bad.any():
        out[bad] = shapes.polygonal(shapely.make_valid(out[bad]), min_part_share=SLIVER_SHARE)
    return out


def place(rng: np.random.Generator, geo: Geography, country: str, n: int) -> dict:
    """Accepted hazard candidates of one country (unordered), non-overlapping and inside the border."""
    counts = group_counts(rng, country, n)
    need: dict[tuple[str, int], int] = {}
    groups = {g.key: g for g in GROUPS if g.country == country}
    for key, k in counts.items():
        areas = geo.group_areas[key]
        if not areas or k == 0:
            continue
        w = np.array([a.weight for a in areas])
        for j, kk in enumerate(rng.multinomial(k, w / w.sum())):
            if kk:
                need[(key, j)] = int(kk)
    accepted: list[dict] = []
    accepted_geoms: list = []
    for _round in range(40):
        todo = [(slot, r) for slot, r in sorted(need.items()) if r > 0]
        if not todo:
            break
        batch = []
        for (key, j), r in todo:
            area = geo.group_areas[key][j]
            cand = _candidates(rng, geo, groups[key], area, int(np.ceil(r * 1.5)) + 2)
            cand["slot"] = [(key, j)] * len(cand["lon"])
            cand["region"] = np.array([area.region] * len(cand["lon"]), dtype=object)
            batch.append(cand)
        cand = {
            k: [s for b in batch for s in b[k]] if k == "slot" else np.concatenate([b[k] for b in batch])
            for k in batch[0]
        }
        geoms = _fit(_build_shapes(rng, cand), cand["region"])
        ok = np.array([g is not None for g in geoms], bool)
        if accepted_geoms and ok.any():
            tree = shapely.STRtree(np.array(accepted_geoms, dtype=object))
            hits = tree.query(geoms[ok], predicate="intersects")
            clash = np.zeros(ok.sum(), bool)
            clash[hits[0]] = True
            ok[np.flatnonzero(ok)[clash]] = False
        idx = np.flatnonzero(ok)
        conflicts: dict[int, list[int]] = {}
        if len(idx):
            pairs = shapely.STRtree(geoms[idx]).query(geoms[idx], predicate="intersects")
            for a, b in zip(idx[pairs[0]], idx[pairs[1]], strict=True):
                if b < a:
                    conflicts.setdefault(int(a), []).append(int(b))
        taken: set[int] = set()
        for i in idx:
            slot = cand["slot"][i]
            if need[slot] <= 0 or any(b in taken for b in conflicts.get(int(i), [])):
                continue
            taken.add(int(i))
            need[slot] -= 1
            accepted_geoms.append(geoms[i])
            accepted.append(
                {
                    "group": slot[0],
                    "geom": geoms[i],
                    "hazard_class": cand["hazard_class"][i],
                    "contamination": cand["contamination"][i],
                    "recorded_on": cand["recorded_on"][i],
                    "angle": float(cand["angle"][i]),
                }
            )
    return {"country": country, "items": accepted, "short": sum(v for v in need.values() if v > 0)}


def finish(rng: np.random.Generator, geo: Geography, placed: list[dict]) -> Hazards:
    """Location, area, codes, names, benchmarks, operators and suspected models, in code order."""
    countries, items = [], []
    for block in placed:
        countries += [block["country"]] * len(block["items"])
        items += block["items"]
    geoms = np.empty(len(items), dtype=object)
    geoms[:] = [it["geom"] for it in items]
    country = np.array(countries, dtype=object)
    # Where each hazard lies and its code's stem: the one country rule (bulk_create_hazards derives the same).
    where = locate_all(list(geoms), list(country))
    province_id = [w.province_id for w in where]
    district_id = [w.district_id for w in where]
    commune_id = [w.commune_id for w in where]
    province_code = code_stems(where, list(country))
    # Code order: province, then recorded date, then draw order; numbers from the one code rule.
    order = sorted(range(len(items)), key=lambda i: (province_code[i], items[i]["recorded_on"], i))
    codes = [""] * len(items)
    for i, code in zip(order, allocate_codes(Hazard, "HAZ", [province_code[i] for i in order]), strict=True):
        codes[i] = code
    o = np.array(order, dtype=int)
    geoms = geoms[o]
    hz = Hazards(
        country=country[o],
        group=np.array([items[i]["group"] for i in o], dtype=object),
        geom=geoms,
        hazard_class=np.array([items[i]["hazard_class"] for i in o], dtype=object),
        contamination=np.array([items[i]["contamination"] for i in o], dtype=object),
        recorded_on=[items[i]["recorded_on"] for i in o],
        area_m2=np.asarray(areas_m2(geoms)),
        utm_epsg=np.array([utm_epsg(c.x, c.y) for c in shapely.centroid(geoms)]),
        province_id=[province_id[i] for i in o],
        district_id=[district_id[i] for i in o],
        commune_id=[commune_id[i] for i in o],
        province_code=[province_code[i] for i in o],
        code=[codes[i] for i in o],
        angle=np.array([items[i]["angle"] for i in o]),
        name=[],
        benchmark=np.empty(0, dtype=object),
        operator=[],
        suspected=[],
    )
    hz.benchmark = benchmarks(rng, geoms)
    hz.name = names(geo, hz)
    hz.operator = operators(rng, hz)
    hz.suspected = suspected_models(rng, hz)
    return hz


def benchmarks(rng: np.random.Generator, geoms: np.ndarray) -> np.ndarray:
    """A benchmark point 15-40 m outside each hazard, off a random vertex of its perimeter."""
    coords, index = shapely.get_coordinates(
        shapely.get_exterior_ring(shapely.get_geometry(geoms, 0)), return_index=True
    )
    n = len(geoms)
    counts = np.bincount(index, minlength=n)
    starts = np.r_[0, np.cumsum(counts)[:-1]]
    pick = starts + (rng.uniform(0, 1, n) * (counts - 1)).astype(int)
    vx, vy = coords[pick, 0], coords[pick, 1]
    c = shapely.centroid(geoms)
    kx, ky = shapes.local_frame(vy)
    bearing = np.arctan2((vy - shapely.get_y(c)) * ky, (vx - shapely.get_x(c)) * kx)
    dist = rng.uniform(15, 40, n)
    x, y = shapes.offset_points(vx, vy, bearing, dist)
    pts = shapely.points(x, y)
    for factor in (3, 8):
        inside = shapely.intersects(geoms, pts)
        if not inside.any():
            return pts
        x2, y2 = shapes.offset_points(vx, vy, bearing, dist * factor)
        pts[inside] = shapely.points(x2[inside], y2[inside])
    # Deeply concave outlines: off the south-west corner of the bounding box, always outside.
    inside = shapely.intersects(geoms, pts)
    if inside.any():
        b = shapely.bounds(geoms[inside])
        x2, y2 = shapes.offset_points(b[:, 0], b[:, 1], np.full(len(b), -0.75 * np.pi), dist[inside])
        pts[inside] = shapely.points(x2, y2)
    return pts


def names(geo: Geography, hz: Hazards) -> list[str]:
    out = [""] * len(hz)
    centroids = shapely.centroid(hz.geom)
    khm = np.flatnonzero(hz.country == "KHM")
    points, village_names = geo.villages.get("KHM", (np.empty(0, dtype=object), []))
    nearest = {}
    if len(khm) and len(points):
        pairs = shapely.STRtree(points).query_nearest(centroids[khm], all_matches=False)
        nearest = {int(khm[a]): village_names[b] for a, b in zip(pairs[0], pairs[1], strict=True)}
    for i in range(len(hz)):
        label = LABELS.get(hz.contamination[i], "hazardous area")
        if i in nearest:
            out[i] = f"{nearest[i].strip().title()} {label}"
        else:
            province = geo.provinces.get(hz.province_code[i])
            place = province.name.replace(" District", "") if province else hz.country[i]
            out[i] = f"{place} {label}"
    return out


def operators(rng: np.random.Generator, hz: Hazards) -> list[str]:
    groups = {g.key: g for g in GROUPS}
    out = []
    for i in range(len(hz)):
        weights = dict(groups[hz.group[i]].operators)
        for acronym, allowed in OPERATOR_PROVINCES.items():
            if acronym in weights and hz.province_code[i] not in allowed:
                weights.pop(acronym)
        out.append(str(_choice(rng, weights, 1)[0]))
    return out


def suspected_models(rng: np.random.Generator, hz: Hazards) -> list[list[str]]:
    out = []
    for i in range(len(hz)):
        weights: dict[str, float] = {}
        for category in SUSPECTED_CATEGORIES[hz.contamination[i]]:
            for name, w in MODELS.get((hz.country[i], category), {}).items():
                weights[name] = weights.get(name, 0) + w
        if not weights:
            out.append([])
            continue
        keys = sorted(weights)
        p = np.array([weights[k] for k in keys], float)
        k = min(len(keys), int(rng.integers(1, 4)))
        picked = rng.choice(len(keys), size=k, replace=False, p=p / p.sum())
        out.append([keys[j] for j in sorted(picked)])
    return out


def countries_of(n: int) -> dict[str, int]:
    """Hazards per country for a scale: roughly 60 % Cambodia, 40 % Azerbaijan."""
    khm = int(round(n * COUNTRY_SHARE["KHM"]))
    return {"KHM": khm, "AZE": n - khm}
