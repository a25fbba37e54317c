"""Land release on the real timeline: activities (NTS, TS, clearance, BAC, EOD spot tasks), the
cancelled/reduced/cleared products that partition part of each hazard, and the devices found.

Each hazard follows a scenario drawn from its class and country: an SHA is mostly cancelled by NTS
(domain-facts 1.2 and 9: most SHAs hold nothing), sometimes followed by TS and clearance; a CHA is
partly reduced by TS and cleared (in monthly pieces, as progress reports record them), some fully
released, some suspended. Dates follow productivity figures (domain-facts 3); whatever would happen
after AS_OF is planned or still ongoing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from statistics import NormalDist

import numpy as np
import shapely

from safeground.core.codes import allocate_codes
from safeground.core.geometry import areas_m2
from safeground.demo import shapes
from safeground.demo.geography import COUNTRY_EPSG, Geography
from safeground.demo.hazards import Hazards
from safeground.demo.organisations import TeamRow
from safeground.demo.profiles import (
    AS_OF,
    AZE_CEASEFIRE,
    BAC_SPEEDUP,
    CONDITION,
    DENSE_POCKET_FACTOR,
    DENSE_POCKET_SHARE,
    DENSITY,
    DEPTH,
    DEPTH_CM,
    DISPOSAL,
    EOD_AT_PLACE,
    EOD_DAYS,
    EOD_FINDS,
    EOD_KINDS,
    EOD_PER_HAZARD,
    EOD_PLACE_OFFSET_M,
    EOD_PLACE_RADIUS_M,
    EOD_RECORDS,
    EOD_SPREAD_M,
    EOD_TIME_POWER,
    GROUPED,
    GROUPS,
    METHOD_TEAMS,
    METHODS,
    MODELS,
    ORGANISATIONS,
    RATE_M2_PER_DAY,
    TIMELINE_START,
    TS_SPEEDUP,
)
from safeground.landrelease.models import Device, Product
from safeground.operations.models import Activity
from safeground.operations.services import TYPE_CODES

LEAD_OPERATOR = {"KHM": "CMAC", "AZE": "ANAMA"}

#: Scenario probabilities (tuned so that Cambodia's release mix by area is ≈ 45 % cancelled,
#: 20 % reduced, 35 % cleared; domain-facts 9).
UNTOUCHED = {("SHA", "KHM"): 0.30, ("SHA", "AZE"): 0.40, ("CHA", "KHM"): 0.22, ("CHA", "AZE"): 0.35}
PLANNED_IF_UNTOUCHED = 0.3
SHA_FULL_CANCEL = 0.25
SHA_PARTIAL_CANCEL = (0.2, 0.7)
SHA_FOLLOW_UP = 0.75
SHA_REDUCE_OF_REST = (0.3, 0.6)
CHA_TS = 0.7
CHA_FULL_CLEAR = 0.65
SUSPEND = 0.06
HANDED_OVER = 0.5
#: Share of products with an operator-reported area: close to the computed one, or off by > 5 %.
REPORTED_CLOSE = 0.06
REPORTED_OFF = 0.02
#: Share of reduced products where TS still turned up a stray item.
REDUCED_WITH_FIND = 0.04


@dataclass
class Activities:
    code: list[str] = field(default_factory=list)
    activity_type: list[str] = field(default_factory=list)
    organisation: list[str] = field(default_factory=list)
    teams: list[list[str]] = field(default_factory=list)
    methods: list[list[str]] = field(default_factory=list)
    hazard: list[int] = field(default_factory=list)  # -1 for EOD spot tasks
    reference_point: list = field(default_factory=list)
    country: list[str] = field(default_factory=list)
    province_code: list[str] = field(default_factory=list)
    start: list[dt.date] = field(default_factory=list)
    end: list[dt.date | None] = field(default_factory=list)
    status: list[str] = field(default_factory=list)
    eod_kind: list[str] = field(default_factory=list)  # kind of spot task (EOD_KINDS); "" for other types

    def __len__(self) -> int:
        return len(self.code)


@dataclass
class Products:
    hazard: np.ndarray
    activity: np.ndarray
    outcome: np.ndarray
    geom: np.ndarray
    released_on: list[dt.date]
    window_start: list[dt.date]
    depth_cm: list[int | None]
    reported_area_m2: list[float | None]
    area_m2: np.ndarray
    code: list[str]

    def __len__(self) -> int:
        return len(self.code)


@dataclass
class Devices:
    product: np.ndarray  # -1 = none (EOD spot task)
    activity: np.ndarray
    hazard: np.ndarray  # -1 = none
    x: np.ndarray
    y: np.ndarray
    category: np.ndarray
    model: list[str | None]
    condition: np.ndarray
    disposal: np.ndarray
    depth_cm: np.ndarray
    found_on: list[dt.date]
    count: np.ndarray
    code: list[str]

    def __len__(self) -> int:
        return len(self.code)


@dataclass
class Segment:
    outcome: str
    fraction: float
    activity: int
    released_on: dt.date | None  # None: not (yet) released
    window_start: dt.date
    depth_cm: int | None = None


def _pick(rng: np.random.Generator, weights: dict):
    keys = list(weights)
    p = np.array([weights[k] for k in keys], float)
    return keys[int(rng.choice(len(keys), p=p / p.sum()))]


def _vpick(rng: np.random.Generator, weights: dict, n: int) -> np.ndarray:
    keys = list(weights)
    p = np.array([weights[k] for k in keys], float)
    return np.array(keys, dtype=object)[rng.choice(len(keys), size=n, p=p / p.sum())]


def _days(d: dt.date, n: float) -> dt.date:
    return d + dt.timedelta(days=int(round(n)))


class Planner:
    """Builds activities and segments hazard by hazard (one Python step per hazard, no DB)."""

    def __init__(self, rng: np.random.Generator, hz: Hazards, teams: list[TeamRow], inner: dict):
        self.rng = rng
        self.hz = hz
        self.inner = inner
        self.acts = Activities()
        self.teams: dict[tuple[str, str], list[str]] = {}
        for t in teams:
            self.teams.setdefault((t.organisation, t.kind), []).append(t.code)
        self.ref_points = self._reference_points()

    # -- organisations, methods, teams -------------------------------------------------------
    def _can(self, org: str, method: str) -> bool:
        return any((org, kind) in self.teams for kind in METHOD_TEAMS[method])

    def _methods(self, activity_type: str, org: str) -> tuple[str, list[str], list[str], float]:
        """(organisation, methods, team codes, m² per day) for an activity."""
        rng = self.rng
        options = METHODS.get((activity_type, org)) or METHODS[(activity_type, "*")]
        options = [(m, w) for m, w in options if all(self._can(org, x) for x in m)]
        if not options:
            # The operator can't do this kind of work: its country's lead operator does.
            org = LEAD_OPERATOR[_country_of(org)]
            options = METHODS.get((activity_type, org)) or METHODS[(activity_type, "*")]
            options = [(m, w) for m, w in options if all(self._can(org, x) for x in m)]
        methods = list(_pick(rng, dict(options)))
        teams: list[str] = []
        rate = 0.0
        for method in methods:
            for kind in METHOD_TEAMS[method]:
                pool = self.teams.get((org, kind))
                if pool:
                    extra = 1 if method == "manual" and rng.uniform() < 0.4 else 0
                    k = min(len(pool), 1 + extra)
                    picked = sorted(rng.choice(len(pool), size=k, replace=False))
                    for j in picked:
                        if pool[j] not in teams:
                            teams.append(pool[j])
                    rate += RATE_M2_PER_DAY[method] * k
                    break
        return org, methods, teams, rate

    def _reference_points(self) -> np.ndarray:
        """Near the hazard: a little beyond its benchmark, away from the hazard."""
        hz = self.hz
        bx, by = shapely.get_x(hz.benchmark), shapely.get_y(hz.benchmark)
        c = shapely.centroid(hz.geom)
        kx, ky = shapes.local_frame(by)
        bearing = np.arctan2((by - shapely.get_y(c)) * ky, (bx - shapely.get_x(c)) * kx)
        x, y = shapes.offset_points(bx, by, bearing, self.rng.uniform(20, 60, len(hz)))
        return shapely.points(x, y)

    # -- activities --------------------------------------------------------------------------
    def activity(self, activity_type: str, org: str, i: int, start: dt.date, area_m2: float) -> tuple[int, int]:
        """A new activity on hazard i; returns (index, calendar days it takes)."""
        org, methods, teams, rate = self._methods(activity_type, org)
        if activity_type == "nts":
            days = int(np.clip(area_m2 / 150_000, 1, 20) + self.rng.integers(0, 5))
        else:
            speed = TS_SPEEDUP if activity_type == "ts" else BAC_SPEEDUP if activity_type == "bac" else 1.0
            work = area_m2 / max(rate * speed, 1.0)
            days = int(np.ceil(max(work, 1) * 7 / 5.5))
        a = self.acts
        a.code.append("")
        a.activity_type.append(activity_type)
        a.organisation.append(org)
        a.teams.append(teams)
        a.methods.append(methods)
        a.hazard.append(i)
        a.reference_point.append(self.ref_points[i])
        a.country.append(self.hz.country[i])
        a.province_code.append(self.hz.province_code[i])
        a.start.append(start)
        a.eod_kind.append("")
        end = _days(start, days)
        if start > AS_OF:
            a.end.append(None)
            a.status.append("planned")
        elif end > AS_OF:
            a.end.append(None)
            a.status.append("ongoing")
        else:
            a.end.append(end)
            a.status.append("completed")
        return len(a.code) - 1, days

    def _pieces(
        self, outcome: str, act: int, days: int, fractions: list[float], depth: int | None, stop: dt.date | None = None
    ) -> list[Segment]:
        """Segments released progressively over the activity's duration (the last at its end)."""
        start = self.acts.start[act]
        total = sum(fractions)
        segs, done, prev = [], 0.0, start
        for f in fractions:
            done += f
            released = _days(start, days * done / total)
            ok = released <= AS_OF and (stop is None or released <= stop)
            segs.append(Segment(outcome, f, act, released if ok else None, prev, depth))
            prev = released
        return segs

    def _split(self, total: float, n: int) -> list[float]:
        if n <= 1:
            return [total]
        w = self.rng.uniform(0.6, 1.4, n)
        return list(total * w / w.sum())

    def _depth(self, activity_type: str, methods: list[str]) -> int:
        if activity_type == "bac":
            lo, hi = DEPTH_CM["bac"]
        elif "mechanical" in methods:
            lo, hi = DEPTH_CM["mechanical"]
        else:
            lo, hi = DEPTH_CM["manual"]
        return int(self.rng.integers(lo, hi + 1))

    def plan(self, i: int) -> tuple[list[Segment], str, dt.date]:
        """Segments (in order along the hazard), final status and the date it was set."""
        rng, hz = self.rng, self.hz
        cls, country, contamination = hz.hazard_class[i], hz.country[i], hz.contamination[i]
        area = float(hz.area_m2[i])
        org = hz.operator[i]
        recorded = hz.recorded_on[i]
        clear_type = "bac" if contamination in ("cmr", "uxo", "axo") else "clearance"
        segs: list[Segment] = []
        if rng.uniform() < UNTOUCHED[(cls, country)]:
            if rng.uniform() < PLANNED_IF_UNTOUCHED:
                kind = "nts" if cls == "SHA" else ("ts" if rng.uniform() < 0.4 else clear_type)
                self.activity(kind, org, i, _days(max(recorded, AS_OF), rng.uniform(7, 200)), area)
            return segs, "open", recorded
        t = recorded
        rest = 1.0
        suspended_on = None
        if cls == "SHA":
            act, days = self.activity("nts", org, i, _days(t, rng.uniform(7, 300)), area)
            cancel = 1.0 if rng.uniform() < SHA_FULL_CANCEL else rng.uniform(*SHA_PARTIAL_CANCEL)
            n = int(np.clip(1 + cancel * area / rng.uniform(50_000, 200_000), 1, 4))
            for f in self._split(cancel, n):
                end = _days(self.acts.start[act], days)
                segs.append(Segment("cancelled", f, act, end if end <= AS_OF else None, self.acts.start[act]))
            t = _days(self.acts.start[act], days)
            rest = 1.0 - cancel
            follow = rest > 1e-9 and rng.uniform() < SHA_FOLLOW_UP
            reduce = rest * rng.uniform(*SHA_REDUCE_OF_REST) if follow else 0.0
            clear = (rest - reduce) * (1.0 if rng.uniform() < 0.75 else rng.uniform(0.3, 0.9)) if follow else 0.0
            if follow and rng.uniform() < 0.15:
                clear = 0.0
        else:
            reduce = rng.uniform(0.1, 0.55) if rng.uniform() < CHA_TS else 0.0
            rest = 1.0 - reduce
            clear = rest if rng.uniform() < CHA_FULL_CLEAR else rest * rng.uniform(0.2, 0.9)
            if rng.uniform() < SUSPEND:
                suspended_on = True
        if reduce > 0:
            act, days = self.activity("ts", org, i, _days(t, rng.uniform(14, 300)), reduce * area)
            n = int(np.clip(np.ceil(reduce * area / rng.uniform(10_000, 40_000)), 1, 4))
            segs += self._pieces("reduced", act, days, self._split(reduce, n), None)
            t = _days(self.acts.start[act], days)
        if clear > 0:
            act, days = self.activity(clear_type, org, i, _days(t, rng.uniform(14, 300)), clear * area)
            depth = self._depth(clear_type, self.acts.methods[act])
            n = int(np.clip(np.ceil(clear * area / rng.uniform(5_000, 15_000)), 1, 12))
            stop = None
            if suspended_on:
                stop = _days(self.acts.start[act], days * rng.uniform(0.2, 0.7))
                if stop <= AS_OF:
                    self.acts.status[act] = "suspended"
                    self.acts.end[act] = None
                    suspended_on = stop
                else:
                    suspended_on = None
            segs += self._pieces("cleared", act, days, self._split(clear, n), depth, stop)
        released = [s for s in segs if s.released_on is not None]
        covered = sum(s.fraction for s in released)
        if suspended_on:
            return segs, "suspended", suspended_on
        if covered >= 1 - 1e-9 and released:
            last = max(s.released_on for s in released)
            if rng.uniform() < HANDED_OVER:
                handed = _days(last, rng.uniform(14, 200))
                if handed <= AS_OF:
                    return segs, "handed_over", handed
            return segs, "closed", last
        return segs, "open", recorded


def _country_of(org: str) -> str:
    return next(o.country for o in ORGANISATIONS if o.acronym == org)


def plan_release(
    rng: np.random.Generator, hz: Hazards, teams: list[TeamRow], geo: Geography
) -> tuple[Activities, Products, dict[int, object]]:
    """Activities, products and each hazard's final status (set on `hz`).

    `geo`: the geography (national outlines shrunk by the border margin, provinces, the villages and towns
    call-outs come from). Codes come from the one code rule (`core.codes`), numbered on from real records'.
    Also returns the last piece of each cut hazard (where its direct evidence lies).
    """
    planner = Planner(rng, hz, teams, geo.inner)
    all_segs: list[list[Segment]] = []
    hz.status, hz.status_changed_on = [], []
    for i in range(len(hz)):
        segs, status, changed = planner.plan(i)
        all_segs.append(segs)
        hz.status.append(status)
        hz.status_changed_on.append(changed)
    # Geometry: one vectorised cut for every hazard that has a released piece.
    cut_idx = [i for i, segs in enumerate(all_segs) if any(s.released_on for s in segs)]
    whole = [i for i in cut_idx if len(all_segs[i]) == 1 and all_segs[i][0].fraction >= 1 - 1e-9]
    cut = [i for i in cut_idx if i not in set(whole)]
    pieces, owner, k = shapes.cut_into_strips(
        hz.geom[cut], hz.angle[cut], [np.array([s.fraction for s in all_segs[i]]) for i in cut]
    )
    pieces = shapes.polygonal(pieces, min_part_share=0.01)
    rows: list[tuple[int, Segment, object]] = []
    for i in whole:
        rows.append((i, all_segs[i][0], hz.geom[i]))
    last_piece: dict[int, object] = {}
    for piece, o, kk in zip(pieces, owner, k, strict=True):
        i = cut[o]
        if piece is None:
            continue
        last_piece[i] = piece
        if kk < len(all_segs[i]) and all_segs[i][kk].released_on is not None:
            rows.append((i, all_segs[i][kk], piece))
    rows.sort(key=lambda r: (hz.code[r[0]], r[1].released_on, r[1].outcome))
    geoms = np.empty(len(rows), dtype=object)
    geoms[:] = [r[2] for r in rows]
    products = Products(
        hazard=np.array([r[0] for r in rows], dtype=int),
        activity=np.array([r[1].activity for r in rows], dtype=int),
        outcome=np.array([r[1].outcome for r in rows], dtype=object),
        geom=geoms,
        released_on=[r[1].released_on for r in rows],
        window_start=[r[1].window_start for r in rows],
        depth_cm=[r[1].depth_cm for r in rows],
        reported_area_m2=[None] * len(rows),
        area_m2=np.asarray(areas_m2(geoms)) if len(rows) else np.zeros(0),
        code=[],
    )
    products.code = allocate_codes(Product, "LR", [hz.code[i] for i in products.hazard], width=3)
    u = rng.uniform(0, 1, len(products))
    noise = rng.normal(0, 0.015, len(products))
    off = rng.uniform(0.06, 0.2, len(products)) * rng.choice([-1, 1], len(products))
    for j in range(len(products)):
        if u[j] < REPORTED_OFF:
            products.reported_area_m2[j] = float(round(products.area_m2[j] * (1 + off[j])))
        elif u[j] < REPORTED_OFF + REPORTED_CLOSE:
            products.reported_area_m2[j] = float(round(products.area_m2[j] * (1 + np.clip(noise[j], -0.04, 0.04))))
    eod_spot_tasks(rng, planner, geo)
    _number_activities(planner.acts, hz)
    return planner.acts, products, last_piece


def _place_weights(rng: np.random.Generator, places: np.ndarray, hazards: np.ndarray, country: str) -> np.ndarray:
    """How strongly each village/town attracts call-outs: the hazards within EOD_PLACE_RADIUS_M of it, times a
    lognormal factor (some villages report far more than their neighbours)."""
    if not len(places) or not len(hazards):
        return np.zeros(len(places))
    epsg = COUNTRY_EPSG[country]
    c = shapely.centroid(hazards)
    hx, hy = shapes.project_xy(shapely.get_x(c), shapely.get_y(c), 4326, epsg)
    px, py = shapes.project_xy(shapely.get_x(places), shapely.get_y(places), 4326, epsg)
    tree = shapely.STRtree(shapely.points(hx, hy))
    pairs = tree.query(shapely.points(px, py), predicate="dwithin", distance=EOD_PLACE_RADIUS_M[country])
    near = np.bincount(pairs[0], minlength=len(places)).astype(float)
    return near * rng.lognormal(0.0, 0.7, len(places))


def _provinces_of(geo: Geography, country: str, points: np.ndarray) -> np.ndarray:
    """Code of the province containing each point (the lowest code wins on a shared edge); None outside all."""
    provinces = sorted((p for p in geo.provinces.values() if p.country == country), key=lambda p: p.code)
    out = np.full(len(points), None, dtype=object)
    if not len(points):
        return out
    x, y = shapely.get_x(points), shapely.get_y(points)
    free = np.ones(len(points), dtype=bool)
    for p in provinces:
        minx, miny, maxx, maxy = shapely.bounds(p.geom)
        todo = np.flatnonzero(free & (x >= minx) & (x <= maxx) & (y >= miny) & (y <= maxy))
        if len(todo):
            shapely.prepare(p.geom)
            hit = todo[shapely.contains_xy(p.geom, x[todo], y[todo])]
            out[hit] = p.code
            free[hit] = False
    return out


def eod_spot_tasks(rng: np.random.Generator, planner: Planner, geo: Geography) -> None:
    """Spot tasks (call-outs), not linked to a hazard: at villages/towns near contaminated areas or near a
    hazard; one to a few days each, by an EOD team of an operator working in that area (vectorised)."""
    hz, acts = planner.hz, planner.acts
    groups = {g.key: g for g in GROUPS}
    for country in ("KHM", "AZE"):
        idx = np.flatnonzero(hz.country == country)
        n = int(round(EOD_PER_HAZARD[country] * len(idx)))
        if not n or not len(idx):
            continue
        # Near a hazard: 0.3-3 km from its centroid, in any direction.
        base = idx[rng.integers(0, len(idx), n)]
        c = shapely.centroid(hz.geom[base])
        x, y = shapes.offset_points(
            shapely.get_x(c), shapely.get_y(c), rng.uniform(0, 2 * np.pi, n), rng.uniform(300, 3000, n)
        )
        # Or at a village/town that has hazards around it (its nearest hazard stands for the area).
        places = geo.places.get(country, np.empty(0, dtype=object))
        weight = _place_weights(rng, places, hz.geom[idx], country)
        at_place = rng.uniform(0, 1, n) < EOD_AT_PLACE[country]
        k = int(at_place.sum())
        if k and weight.sum() > 0:
            pick = rng.choice(len(places), size=k, p=weight / weight.sum())
            lo, hi = EOD_PLACE_OFFSET_M[country]
            px, py = shapely.get_x(places[pick]), shapely.get_y(places[pick])
            dist = lo + (hi - lo) * np.sqrt(rng.uniform(0, 1, k))
            x[at_place], y[at_place] = shapes.offset_points(px, py, rng.uniform(0, 2 * np.pi, k), dist)
            nearest = shapely.STRtree(hz.geom[idx]).query_nearest(places[pick], all_matches=False)
            where = np.flatnonzero(at_place)
            base[where[nearest[0]]] = idx[nearest[1]]
        inner = planner.inner[country]
        shapely.prepare(inner)
        inside = shapely.contains_xy(inner, x, y)
        pts = shapely.points(x, y)
        pts[~inside] = hz.benchmark[base[~inside]]
        province = _provinces_of(geo, country, pts)
        missing = np.flatnonzero([p is None for p in province])
        province[missing] = [hz.province_code[i] for i in base[missing]]
        # Operator: one of the area's operators that has EOD teams (by the group's weights), then a team.
        org = np.empty(n, dtype=object)
        group = hz.group[base]
        for key in sorted(set(group.tolist())):
            sel = np.flatnonzero(group == key)
            weights = {o: w for o, w in groups[key].operators.items() if planner.teams.get((o, "eod"))}
            org[sel] = _vpick(rng, weights or {LEAD_OPERATOR[country]: 1}, len(sel))
        team = np.empty(n, dtype=object)
        for o in sorted(set(org.tolist())):
            sel = np.flatnonzero(org == o)
            pool = planner.teams.get((o, "eod")) or planner.teams[(o, "manual")]
            team[sel] = np.array(pool, dtype=object)[rng.integers(0, len(pool), len(sel))]
        kind = _vpick(rng, EOD_KINDS[country], n)
        days = np.zeros(n, dtype=int)
        for kd in sorted(EOD_DAYS):
            sel = np.flatnonzero(kind == kd)
            days[sel] = rng.integers(EOD_DAYS[kd][0], EOD_DAYS[kd][1] + 1, len(sel))
        first = AZE_CEASEFIRE if country == "AZE" else TIMELINE_START
        span = (AS_OF - first).days
        offset = np.floor(span * rng.uniform(0, 1, n) ** EOD_TIME_POWER[country]).astype(int)
        start_ord = first.toordinal() + offset
        end_ord = start_ord + days
        done = end_ord <= AS_OF.toordinal()
        acts.code += [""] * n
        acts.activity_type += ["eod"] * n
        acts.organisation += org.tolist()
        acts.teams += [[t] for t in team.tolist()]
        acts.methods += [["eod"] for _ in range(n)]
        acts.hazard += [-1] * n
        acts.reference_point += list(pts)
        acts.country += [country] * n
        acts.province_code += province.tolist()
        acts.start += _dates(start_ord)
        acts.end += [e if ok else None for e, ok in zip(_dates(end_ord), done.tolist(), strict=True)]
        acts.status += np.where(done, "completed", "ongoing").tolist()
        acts.eod_kind += kind.tolist()


_EPOCH = dt.date(1970, 1, 1).toordinal()


def _dates(ordinals: np.ndarray) -> list[dt.date]:
    """Proleptic ordinals -> dates (vectorised)."""
    return (np.asarray(ordinals, dtype=np.int64) - _EPOCH).astype("datetime64[D]").tolist()


def _ordinals(dates) -> np.ndarray:
    return np.array([d.toordinal() for d in dates], dtype=np.int64)


def _number_activities(acts: Activities, hz: Hazards) -> None:
    order = sorted(
        range(len(acts)),
        key=lambda j: (
            acts.province_code[j],
            acts.activity_type[j],
            acts.start[j],
            hz.code[acts.hazard[j]] if acts.hazard[j] >= 0 else "",
            j,
        ),
    )
    for kind in sorted(set(TYPE_CODES.values())):
        mine = [j for j in order if TYPE_CODES[acts.activity_type[j]] == kind]
        for j, code in zip(mine, allocate_codes(Activity, kind, [acts.province_code[j] for j in mine]), strict=True):
            acts.code[j] = code


# ------------------------------------------------------------------------------------------------
# Devices
# ------------------------------------------------------------------------------------------------


def _grouped_counts(rng, category: np.ndarray, source: np.ndarray) -> np.ndarray:
    """Items per record: 1, or a group (GROUPED: share, lognormal size around a median, capped)."""
    count = np.ones(len(category), dtype=int)
    for src in sorted(GROUPED):
        in_source = source == src
        for cat, (share, median, sigma, cap) in sorted(GROUPED[src].items()):
            idx = np.flatnonzero(in_source & (category == cat))
            grouped = idx[rng.uniform(0, 1, len(idx)) < share]
            size = np.rint(median * rng.lognormal(0.0, sigma, len(grouped)))
            count[grouped] = np.clip(size, 2, cap).astype(int)
    return count


@lru_cache(maxsize=64)
def _mean_count(cat: str, source: str = "clearance") -> float:
    """Expected items per record of a category (to turn items per hectare into records)."""
    share, median, sigma, cap = GROUPED.get(source, {}).get(cat, (0.0, 2, 0.0, 2))
    z = np.array([NormalDist().inv_cdf((k + 0.5) / 2000) for k in range(2000)])
    size = np.clip(np.rint(median * np.exp(sigma * z)), 2, cap).mean()
    return (1 - share) + share * size


def plan_devices(
    rng: np.random.Generator, hz: Hazards, acts: Activities, products: Products, inner: dict | None = None
) -> Devices:
    """Devices found in cleared (and a few reduced) products, then those of the EOD spot tasks.

    `inner`: national outlines shrunk by the border margin; spot-task finds that would fall outside stay at
    the task's reference point.
    """
    rec_product, rec_category = [], []
    n = len(products)
    if n:
        h = products.hazard
        area_ha = products.area_m2 / 10_000
        cleared = products.outcome == "cleared"
        u = rng.uniform(0, 1, n)
        spread = rng.lognormal(-0.5, 1.0, n)  # mean 1
        pocket = rng.uniform(0, 1, n) < DENSE_POCKET_SHARE
        for key, (means, p_find) in DENSITY.items():
            country, contamination = key
            sel = np.flatnonzero(cleared & (hz.country[h] == country) & (hz.contamination[h] == contamination))
            if not len(sel):
                continue
            has = u[sel] < p_find
            mult = np.where(has, spread[sel] / p_find, 0.0)
            if country == "KHM" and contamination in ("ap_mines", "mixed"):
                mult = (
                    mult
                    * np.where(pocket[sel], DENSE_POCKET_FACTOR, 1.0)
                    / (1 + DENSE_POCKET_SHARE * (DENSE_POCKET_FACTOR - 1))
                )
            for cat, mean in means.items():
                lam = mean * area_ha[sel] * mult / _mean_count(cat)
                k = rng.poisson(lam)
                rec_product.append(np.repeat(sel, k))
                rec_category.append(np.full(k.sum(), cat, dtype=object))
        reduced = np.flatnonzero((products.outcome == "reduced") & (rng.uniform(0, 1, n) < REDUCED_WITH_FIND))
        rec_product.append(reduced)
        rec_category.append(np.where(hz.contamination[h[reduced]] == "cmr", "submunition", "uxo").astype(object))
    product = np.concatenate(rec_product) if rec_product else np.zeros(0, int)
    category = np.concatenate(rec_category) if rec_category else np.zeros(0, dtype=object)
    order = np.argsort(product, kind="stable")
    product, category = product[order].astype(int), category[order]
    m = len(product)
    # Points: finds cluster (mines are laid in groups and rows), inside their product.
    per = np.bincount(product, minlength=n)
    n_clusters = np.where(per > 0, np.ceil(per / rng.uniform(2, 8, n)).astype(int), 0)
    cx, cy, cowner = shapes.random_points_in(rng, products.geom, n_clusters)
    cstart = np.r_[0, np.cumsum(n_clusters)[:-1]]
    pick = cstart[product] + (rng.uniform(0, 1, m) * n_clusters[product]).astype(int)
    kx, ky = shapes.local_frame(cy[pick]) if m else (np.zeros(0), np.zeros(0))
    x = cx[pick] + rng.normal(0, 4.0, m) / np.where(kx == 0, 1, kx)
    y = cy[pick] + rng.normal(0, 4.0, m) / np.where(ky == 0, 1, ky)
    if m:
        shapely.prepare(products.geom)
        inside = shapely.contains_xy(products.geom[product], x, y)
        x[~inside], y[~inside] = cx[pick][~inside], cy[pick][~inside]
    h = products.hazard[product] if m else np.zeros(0, int)
    depth_cm = np.array([d or 30 for d in products.depth_cm], dtype=int) if n else np.zeros(0, int)
    start = _ordinals(products.window_start) if n else np.zeros(0, np.int64)
    stop = _ordinals(products.released_on) if n else np.zeros(0, np.int64)
    found = start[product] + np.rint(rng.uniform(0, 1, m) * (stop - start)[product]).astype(np.int64)
    source = np.full(m, "clearance", dtype=object)
    devices = _attributes(rng, hz.country[h] if m else np.zeros(0, dtype=object), category, depth_cm[product], source)
    devices.update(
        product=product,
        activity=products.activity[product] if m else np.zeros(0, int),
        hazard=h,
        x=x,
        y=y,
        found_on=found,
    )
    eod = _eod_devices(rng, acts, inner)
    merged = {k: _cat(devices[k], eod[k]) for k in devices}
    found_ord = merged["found_on"]
    merged["found_on"] = _dates(found_ord)
    merged["model"] = merged["model"].tolist()
    d = Devices(code=[], **merged)
    _number_devices(d, hz, acts, products, found_ord)
    return d


def _cat(a, b):
    return np.concatenate([np.asarray(a), np.asarray(b)])


def _attributes(rng, country: np.ndarray, category: np.ndarray, depth_limit: np.ndarray, source: np.ndarray) -> dict:
    m = len(category)
    model = np.full(m, None, dtype=object)
    condition = np.empty(m, dtype=object)
    disposal = np.empty(m, dtype=object)
    depth = np.zeros(m, dtype=int)
    for cat in sorted(set(category.tolist())):
        idx = np.flatnonzero(category == cat)
        condition[idx] = _vpick(rng, CONDITION[cat], len(idx))
        disposal[idx] = _vpick(rng, DISPOSAL[cat], len(idx))
        shape, scale, cap = DEPTH[cat]
        depth[idx] = np.minimum(np.minimum(rng.gamma(shape, scale, len(idx)), cap), depth_limit[idx]).astype(int)
        for c in ("KHM", "AZE"):
            sub = idx[country[idx] == c]
            weights = MODELS.get((c, cat))
            if weights and len(sub):
                model[sub] = _vpick(rng, weights, len(sub))
    return {
        "category": category,
        "model": model,
        "condition": condition,
        "disposal": disposal,
        "depth_cm": depth,
        "count": _grouped_counts(rng, category, source),
    }


def _eod_devices(rng, acts: Activities, inner: dict | None) -> dict:
    """What the spot tasks found: records per task by kind of task, near its reference point (vectorised)."""
    atype = np.array(acts.activity_type, dtype=object)
    status = np.array(acts.status, dtype=object)
    idx = np.flatnonzero((atype == "eod") & (status != "planned"))
    kind = np.array(acts.eod_kind, dtype=object)[idx] if len(idx) else np.zeros(0, dtype=object)
    k = np.zeros(len(idx), dtype=int)
    for kd in sorted(EOD_RECORDS):
        sel = np.flatnonzero(kind == kd)
        least, mean, dispersion = EOD_RECORDS[kd]
        k[sel] = least + rng.negative_binomial(dispersion, dispersion / (dispersion + mean), len(sel))
    act = np.repeat(idx, k)
    source = np.repeat(kind, k)
    m = len(act)
    country = np.array(acts.country, dtype=object)[act] if m else np.zeros(0, dtype=object)
    category = np.empty(m, dtype=object)
    for c, kd in sorted(EOD_FINDS):
        sub = np.flatnonzero((country == c) & (source == kd))
        category[sub] = _vpick(rng, EOD_FINDS[(c, kd)], len(sub))
    ref = np.empty(len(acts), dtype=object)
    ref[:] = acts.reference_point
    rx, ry = shapely.get_x(ref[act]), shapely.get_y(ref[act])
    sigma = np.zeros(m)
    for kd, metres in sorted(EOD_SPREAD_M.items()):
        sigma[source == kd] = metres
    x, y = shapes.offset_points(rx, ry, rng.uniform(0, 2 * np.pi, m), np.abs(rng.normal(0, 1, m)) * sigma)
    if inner and m:
        for c in ("KHM", "AZE"):
            sub = np.flatnonzero(country == c)
            if c in inner and len(sub):
                shapely.prepare(inner[c])
                out = sub[~shapely.contains_xy(inner[c], x[sub], y[sub])]
                x[out], y[out] = rx[out], ry[out]
    start = _ordinals(acts.start)
    stop = _ordinals([e or AS_OF for e in acts.end])
    stop = np.maximum(stop, start)
    found = start[act] + np.rint(rng.uniform(0, 1, m) * (stop - start)[act]).astype(np.int64)
    out = _attributes(rng, country, category, np.full(m, 100, dtype=int), source)
    out.update(
        product=np.full(m, -1, dtype=int), activity=act, hazard=np.full(m, -1, dtype=int), x=x, y=y, found_on=found
    )
    return out


def _number_devices(d: Devices, hz: Hazards, acts: Activities, products: Products, found: np.ndarray) -> None:
    """`<hazard code>-EO-nnnnn` for finds in products, `<activity code>-EO-nnn` for spot tasks; numbered in
    order of product code, date found and draw order (vectorised: hazards and products are in code order)."""
    m = len(d.product)
    if not m:
        d.code = []
        return
    in_product = d.product >= 0
    # One group per prefix: a hazard (index) or, after all hazards, an activity.
    group = np.where(in_product, d.hazard, len(hz) + d.activity)
    order = np.lexsort((np.arange(m), found, d.product, group)).tolist()
    hz_code, act_code, hazard, activity = hz.code, acts.code, d.hazard.tolist(), d.activity.tolist()
    d.code = [""] * m
    finds = [j for j in order if in_product[j]]
    spot = [j for j in order if not in_product[j]]
    for rows, stems, width in (
        (finds, [hz_code[hazard[j]] for j in finds], 5),
        (spot, [act_code[activity[j]] for j in spot], 3),
    ):
        for j, code in zip(rows, allocate_codes(Device, "EO", stems, width=width), strict=True):
            d.code[j] = code
