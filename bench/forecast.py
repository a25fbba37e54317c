"""Benchmark: the completion forecast's Monte Carlo, 10,000 runs at once, against references in the same process.

    SAFEGROUND_DATABASE_URL=postgis://postgres@127.0.0.1:5432/sg_national \\
        python bench/forecast.py [--country ISO3] [--runs 10000] [--repeat 3] [--singles 200]

Run against a database holding a demo (`safeground demo --scale national --no-serve`; any scale works,
the model's cost depends on the runs, provinces, methods and terrains, not on the number of hazards).
Reads the programme's inputs once (timed apart), then prints, best of --repeat:

- the model: `engine.simulate` for --runs runs (all drawn at once, vectorised with numpy);
- reference 1, the plain numpy draw of the same size: the same random numbers the model draws
  (one normal per run, twelve month indices per run per method and terrain), nothing else;
- reference 2, one run at a time: `engine.simulate(…, runs=1)` called --singles times, scaled to --runs;
- the whole answer (`queries.forecast`: reads, runs, quantiles, fan, dates) for --runs runs;

and the ratios model ÷ plain draw (the cost of the model over its random numbers) and one-at-a-time ÷
model (what drawing every run at once saves).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402

from safeground.core.errors import ValidationFailed  # noqa: E402
from safeground.forecast import engine, queries  # noqa: E402
from safeground.gazetteer.models import Programme  # noqa: E402


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def plain_draw(prep: queries.Prepared, runs: int, seed: int) -> None:
    """The model's random numbers alone: the same generator, the same calls, the same sizes."""
    rng = np.random.default_rng(prep.seed(seed))
    rng.standard_normal(runs)
    for m in prep.inputs.methods:
        if (m, "*") not in prep.inputs.months:
            continue
        for key in [(m, "*"), *((m, t) for t in prep.inputs.terrains)]:
            months = prep.inputs.months.get(key)
            if months is not None and len(months[0]):
                rng.integers(0, len(months[0]), size=(runs, engine.MONTHS_PER_YEAR))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--country", help="ISO3 (default: the programme with the most remaining area)")
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--singles", type=int, default=200, help="single runs timed for reference 2")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    countries = [args.country] if args.country else list(Programme.objects.values_list("iso3", flat=True))
    prepared = []
    for iso3 in countries:
        start = time.perf_counter()
        try:
            prepared.append((queries.prepare(iso3), time.perf_counter() - start))
        except ValidationFailed as exc:
            print(f"{iso3}: skipped ({exc})")
    if not prepared:
        sys.exit("no programme to forecast: build a demo first")
    prep, read_s = max(prepared, key=lambda p: p[0].inputs.area_m2.sum())
    inputs = prep.inputs
    cells = sum(1 for k in inputs.months if k[1] != "*")
    print(
        f"{prep.programme.iso3}: {len(inputs.provinces)} provinces, {inputs.area_m2.sum() / 1e6:,.1f} km² remaining, "
        f"{int(inputs.teams.sum())} teams, {cells} method×terrain cells with measured months; "
        f"database {os.environ.get('SAFEGROUND_DATABASE_URL', '(default)').split('@')[-1]}"
    )
    print(f"read the inputs: {read_s * 1000:,.0f} ms (once)")

    runs, seed = args.runs, args.seed
    model = best(lambda: prep.simulate(runs, seed), args.repeat)
    draw = best(lambda: plain_draw(prep, runs, seed), args.repeat)
    singles = best(lambda: [prep.simulate(1, seed + i) for i in range(args.singles)], 1) * runs / args.singles
    whole = best(lambda: queries.forecast(prep.programme.iso3, runs=runs, seed=seed, as_of=prep.as_of), args.repeat)
    print(f"model, {runs:,} runs at once:          {model:8.3f} s")
    print(f"reference 1, plain numpy draw:          {draw:8.3f} s   ratio model/draw     {model / draw:6.1f}")
    print(
        f"reference 2, one run at a time (×{runs // args.singles}): {singles:8.3f} s   "
        f"ratio one-at-a-time/model {singles / model:6.1f}"
    )
    print(f"whole answer (reads, runs, report):     {whole:8.3f} s")
    again = queries.forecast(prep.programme.iso3, runs=runs, seed=seed, as_of=prep.as_of)["completion"]
    print(f"P10 {again['p10']}  P50 {again['p50']}  P90 {again['p90']} (seed {seed})")


if __name__ == "__main__":
    main()
