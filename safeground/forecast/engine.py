"""The Monte Carlo completion model: numpy only, no database (queries.py reads the inputs).

All runs are drawn at once (arrays of shape runs × …); a loop runs only over provinces (at most one
step per province finishing), never over runs. The draws are made in a fixed order from one
`numpy.random.Generator`, so the same inputs and seed give identical output.

Per run:

1. the clearance ratio c (the share of surveyed ground that had to be cleared) is drawn from a
   normal distribution around the observed pooled ratio with the ratio estimator's standard error
   over hazards (delta method), clipped to [0, 1];
2. the productivity of each method on each terrain (m² per team-day) is the pooled figure of twelve
   calendar months drawn with replacement from the measured months (a bootstrap of one working year);
3. each province's work is its remaining area × c; each province's speed is the capacity it is given
   (team-days per year of each method) × the method's productivity on the province's terrain mix
   (harmonic: time per m² adds up over terrains);
4. capacity is shared among the provinces not yet finished in proportion to their share of recent
   team-days (provinces nobody worked in recently share what is left once those finish, in proportion
   to their work); a finished province's share goes to the others.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

MONTHS_PER_YEAR = 12
FAN_POINTS = 41
DAYS_PER_YEAR = 365.25


@dataclass
class Inputs:
    """What the model needs, read from the database by queries.inputs (or built by a test)."""

    provinces: list[str]  # codes (None-safe strings)
    area_m2: np.ndarray  # (P,) remaining suspected and confirmed area
    share: np.ndarray  # (P,) share of recent clearance team-days (sums to 1, or all 0)
    terrain_weights: np.ndarray  # (P, T) each province's terrain mix (rows sum to 1)
    terrains: list[str]
    methods: list[str]
    teams: np.ndarray  # (M,) accredited teams per method
    # per method, per terrain: (areas, team_days) of the measured months
    months: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]]
    clearance_ratio: float
    clearance_ratio_se: float
    working_days: float
    extra: dict = field(default_factory=dict)


@dataclass
class Result:
    finish_years: np.ndarray  # (R, P) years from the start until each province is done
    national_years: np.ndarray  # (R,)
    clearance_ratio: np.ndarray  # (R,)
    productivity: dict[tuple[str, str], np.ndarray]  # (R,) per method and terrain
    capacity_m2_per_year: np.ndarray  # (R,) at the national terrain mix
    fan_years: np.ndarray  # (G,)
    fan_remaining: np.ndarray  # (3, G) P10, P50, P90 of the remaining area


def _bootstrap_year(rng: np.random.Generator, runs: int, areas: np.ndarray, days: np.ndarray) -> np.ndarray:
    """Pooled m² per team-day of twelve months drawn with replacement, for every run at once."""
    pick = rng.integers(0, len(areas), size=(runs, MONTHS_PER_YEAR))
    return areas[pick].sum(axis=1) / days[pick].sum(axis=1)


def draw_productivity(inputs: Inputs, rng: np.random.Generator, runs: int) -> dict[tuple[str, str], np.ndarray]:
    """(method, terrain) → (R,) m² per team-day; a terrain the method never worked on takes the method's
    months on every terrain. Methods without any measured month are absent (their teams add nothing)."""
    out: dict[tuple[str, str], np.ndarray] = {}
    for m in inputs.methods:
        pooled = inputs.months.get((m, "*"))
        if pooled is None or not len(pooled[0]):
            continue
        whole = _bootstrap_year(rng, runs, *pooled)
        for t in inputs.terrains:
            own = inputs.months.get((m, t))
            out[(m, t)] = _bootstrap_year(rng, runs, *own) if own is not None and len(own[0]) else whole
    return out


def simulate(inputs: Inputs, runs: int, seed: int | list[int], horizon_years: float | None = None) -> Result:
    rng = np.random.default_rng(seed)
    n_prov = len(inputs.provinces)
    c = np.clip(inputs.clearance_ratio + inputs.clearance_ratio_se * rng.standard_normal(runs), 0.0, 1.0)
    prod = draw_productivity(inputs, rng, runs)

    # Speed of each province at full national capacity: K[r, i] = Σ_m teams_m × days × p_m,i (m²/year).
    speed = np.zeros((runs, n_prov))
    national_mix = inputs.extra.get("national_terrain_weights")
    capacity = np.zeros(runs)
    for mi, m in enumerate(inputs.methods):
        if inputs.teams[mi] <= 0 or (m, inputs.terrains[0]) not in prod:
            continue
        per_terrain = np.stack([prod[(m, t)] for t in inputs.terrains], axis=1)  # (R, T)
        time_per_m2 = (1.0 / per_terrain) @ inputs.terrain_weights.T  # (R, P)
        speed += inputs.teams[mi] * inputs.working_days / time_per_m2
        if national_mix is not None:
            capacity += inputs.teams[mi] * inputs.working_days / ((1.0 / per_terrain) @ national_mix)

    work = inputs.area_m2[None, :] * c[:, None]  # (R, P) m² to clear
    initial = work.copy()
    active = work > 0
    finish = np.where(active, np.inf, 0.0)
    now = np.zeros(runs)
    # Phases for the fan: the time and the remaining (survey) area at every province's finish.
    phase_t = [now.copy()]
    share_of_area = np.divide(
        inputs.area_m2[None, :], initial, out=np.zeros_like(initial), where=initial > 0
    )  # m² of area per m² of work
    phase_area = [np.full(runs, float(inputs.area_m2.sum()))]
    share = inputs.share[None, :]
    for _step in range(n_prov):
        if not active.any():
            break
        own = share * active
        total = own.sum(axis=1, keepdims=True)
        weights = own / np.maximum(total, 1e-300)
        if not (total > 0).all():  # only provinces nobody worked in recently are left in some runs
            by_work = initial * active
            fallback = by_work / np.maximum(by_work.sum(axis=1, keepdims=True), 1e-300)
            weights = np.where(total > 0, weights, fallback)
        rate = weights * speed  # m²/year of work in each province
        with np.errstate(divide="ignore", invalid="ignore"):
            left = np.where(active & (rate > 0), work / rate, np.inf)
        step = left.min(axis=1)
        stuck = ~np.isfinite(step)
        step = np.where(stuck, 0.0, step)
        work = np.where(active, work - rate * step[:, None], 0.0)
        now = now + step
        done = active & (left <= step[:, None] * (1 + 1e-12)) & ~stuck[:, None]
        finish = np.where(done, now[:, None], finish)
        work = np.where(done, 0.0, work)
        active = active & ~done
        phase_t.append(now.copy())
        phase_area.append((np.maximum(work, 0.0) * share_of_area).sum(axis=1))
        if stuck.all():
            break
    national = finish.max(axis=1) if n_prov else np.zeros(runs)

    t_k = np.stack(phase_t, axis=1)  # (R, K)
    a_k = np.stack(phase_area, axis=1)
    end = np.percentile(national[np.isfinite(national)], 90) if np.isfinite(national).any() else 1.0
    horizon = max(float(end) * 1.1, (horizon_years or 0.0) * 1.04, 1e-6)  # the target line inside the chart
    grid = np.linspace(0.0, horizon, FAN_POINTS)
    remaining = _interpolate(t_k, a_k, grid)
    fan = np.percentile(remaining, [10, 50, 90], axis=0)
    return Result(
        finish_years=finish,
        national_years=national,
        clearance_ratio=c,
        productivity=prod,
        capacity_m2_per_year=capacity,
        fan_years=grid,
        fan_remaining=fan,
    )


def _interpolate(t_k: np.ndarray, a_k: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """(R, G): each run's remaining area at the grid times, linear between its phases, 0 after the last."""
    n_phase = t_k.shape[1]
    after = (t_k[:, :, None] <= grid[None, None, :]).sum(axis=1) - 1  # (R, G) the phase each time falls in
    k0 = np.clip(after, 0, n_phase - 1)
    k1 = np.clip(after + 1, 0, n_phase - 1)
    rows = np.arange(t_k.shape[0])[:, None]
    t0, t1 = t_k[rows, k0], t_k[rows, k1]
    a0, a1 = a_k[rows, k0], a_k[rows, k1]
    span = t1 - t0
    frac = np.divide(grid[None, :] - t0, span, out=np.zeros_like(span), where=span > 0)
    return np.where(k0 == k1, a_k[rows, k0], a0 + (a1 - a0) * np.clip(frac, 0.0, 1.0))
