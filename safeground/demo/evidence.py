"""Evidence of contamination and beneficiaries of each synthetic hazard."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import shapely

from safeground.demo import shapes
from safeground.demo.hazards import Hazards
from safeground.demo.profiles import (
    AZE_CEASEFIRE,
    BENEFICIARIES_MEDIAN,
    DIRECT_EVIDENCE,
    INDIRECT_EVIDENCE,
    LAND_USE,
    TIMELINE_START,
)

WHO = ["a farmer", "villagers", "a cattle herder", "a woodcutter", "children", "a police patrol", "the NTS team"]
TEXT = {
    "device_seen": "{model} seen on the surface by {who}",
    "mine_signs": "Old minefield marking (signs and pickets) along the edge of the area",
    "detonation": "Explosion reported by {who}; a cow was killed",
    "accident": "Mine/ERW accident at this spot; {who} injured",
    ("military_records", "KHM"): "Shown as part of the K5 belt in former military records",
    ("military_records", "AZE"): "Minefield record handed over after the 2020 conflict (low accuracy)",
    "local_informant": "{who} report mines or ordnance in this area",
    ("former_frontline", "KHM"): "Former front line; trenches and bunkers nearby",
    ("former_frontline", "AZE"): "Former line of contact; abandoned positions nearby",
    "unused_land": "Productive land left unused by the community out of fear of mines",
}


@dataclass
class Evidence:
    hazard: list[int] = field(default_factory=list)
    kind: list[str] = field(default_factory=list)
    evidence_type: list[str] = field(default_factory=list)
    point: list = field(default_factory=list)
    observed_on: list[dt.date] = field(default_factory=list)
    description: list[str] = field(default_factory=list)


@dataclass
class Beneficiaries:
    hazard: list[int] = field(default_factory=list)
    status: list[str] = field(default_factory=list)
    people: list[int] = field(default_factory=list)
    land_use: list[str] = field(default_factory=list)


def _pick(rng, weights: dict) -> str:
    keys = list(weights)
    p = np.array([weights[k] for k in keys], float)
    return keys[int(rng.choice(len(keys), p=p / p.sum()))]


def evidence(rng: np.random.Generator, hz: Hazards, last_piece: dict[int, object]) -> Evidence:
    """SHAs: indirect evidence only. CHAs: at least one direct item with a point inside the hazard, in the
    part that was cleared last or is still open (where the contamination was)."""
    n = len(hz)
    is_cha = hz.hazard_class == "CHA"
    n_indirect = np.where(is_cha, rng.integers(0, 3, n), rng.integers(1, 4, n))
    with_point = rng.uniform(0, 1, (n, 3)) < 0.6
    # Points: one for the direct item of each CHA, one per located indirect item.
    owners = np.empty(n, dtype=object)
    owners[:] = [last_piece.get(i, hz.geom[i]) for i in range(n)]
    direct_counts = is_cha.astype(int)
    indirect_counts = np.array([int(with_point[i, : n_indirect[i]].sum()) for i in range(n)])
    dx, dy, downer = shapes.random_points_in(rng, owners, direct_counts)
    ix, iy, iowner = shapes.random_points_in(rng, hz.geom, indirect_counts)
    direct_pt = {int(o): shapely.Point(x, y) for x, y, o in zip(dx, dy, downer, strict=True)}
    indirect_pts: dict[int, list] = {}
    for x, y, o in zip(ix, iy, iowner, strict=True):
        indirect_pts.setdefault(int(o), []).append(shapely.Point(x, y))
    out = Evidence()
    for i in range(n):
        country = hz.country[i]
        floor = AZE_CEASEFIRE if country == "AZE" and hz.group[i] == "karabakh" else TIMELINE_START
        models = hz.suspected[i] or ["Mine"]
        if is_cha[i]:
            kind = _pick(rng, DIRECT_EVIDENCE)
            observed = max(floor, hz.recorded_on[i] - dt.timedelta(days=int(rng.integers(0, 120))))
            _add(out, rng, i, "direct", kind, direct_pt[i], min(observed, hz.recorded_on[i]), country, models)
        located = iter(indirect_pts.get(i, []))
        for j in range(n_indirect[i]):
            kind = _pick(rng, INDIRECT_EVIDENCE[country])
            observed = max(floor, hz.recorded_on[i] - dt.timedelta(days=int(rng.integers(0, 365))))
            point = next(located) if with_point[i, j] else None
            _add(out, rng, i, "indirect", kind, point, min(observed, hz.recorded_on[i]), country, models)
    return out


def _add(out: Evidence, rng, i, kind, evidence_type, point, observed, country, models) -> None:
    template = TEXT.get((evidence_type, country)) or TEXT.get(evidence_type, "")
    text = template.format(model=models[int(rng.integers(len(models)))], who=WHO[int(rng.integers(len(WHO)))])
    out.hazard.append(i)
    out.kind.append(kind)
    out.evidence_type.append(evidence_type)
    out.point.append(point)
    out.observed_on.append(observed)
    out.description.append(text[0].upper() + text[1:])


def beneficiaries(rng: np.random.Generator, hz: Hazards) -> Beneficiaries:
    """Expected beneficiaries for every hazard; confirmed ones where the land was released."""
    out = Beneficiaries()
    for i in range(len(hz)):
        country = hz.country[i]
        size = (hz.area_m2[i] / 10_000) ** 0.3
        uses = [_pick(rng, LAND_USE[country])]
        if rng.uniform() < 0.3:
            second = _pick(rng, LAND_USE[country])
            if second not in uses:
                uses.append(second)
        people = []
        for use in uses:
            p = int(max(5, round(rng.lognormal(np.log(BENEFICIARIES_MEDIAN[country]), 0.8) * size / len(uses))))
            people.append(p)
            out.hazard.append(i)
            out.status.append("expected")
            out.people.append(p)
            out.land_use.append(use)
        if hz.status[i] in ("closed", "handed_over"):
            for use, p in zip(uses, people, strict=True):
                out.hazard.append(i)
                out.status.append("confirmed")
                out.people.append(int(max(1, round(p * rng.uniform(0.6, 1.3)))))
                out.land_use.append(use)
    return out
