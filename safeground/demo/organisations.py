"""Demo organisations with their teams and assets (dogs, rats, machines, detectors)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from safeground.demo.profiles import DETECTORS, DOG_NAMES, MACHINES, ORGANISATIONS, RAT_NAMES, TEAM_SIZE

KIND_CODES = {
    "manual": "MAN",
    "mdd": "MDD",
    "mdr": "MDR",
    "mechanical": "MECH",
    "nts": "NTS",
    "ts": "TS",
    "eod": "EOD",
    "eore": "EORE",
    "mixed": "MIX",
}


@dataclass(frozen=True)
class TeamRow:
    code: str
    organisation: str  # acronym
    kind: str
    size: int


@dataclass(frozen=True)
class AssetRow:
    identifier: str
    kind: str
    name: str
    team: str  # team code


def build(rng: np.random.Generator) -> tuple[list, list[TeamRow], list[AssetRow]]:
    """Organisation specs, teams and assets, in a fixed order (deterministic per seed)."""
    teams: list[TeamRow] = []
    assets: list[AssetRow] = []
    for org in ORGANISATIONS:
        counters = {"DOG": 0, "RAT": 0, "MCH": 0, "DET": 0}

        def asset(kind: str, prefix: str, name: str, team: str, org=org, counters=counters) -> None:
            counters[prefix] += 1
            assets.append(AssetRow(f"{org.acronym}-{prefix}-{counters[prefix]:04d}", kind, name, team))

        for kind, count in org.teams.items():
            lo, hi = TEAM_SIZE[kind]
            for k in range(1, count + 1):
                code = f"{org.acronym}-{KIND_CODES[kind]}-{k:02d}"
                size = int(rng.integers(lo, hi + 1))
                teams.append(TeamRow(code, org.acronym, kind, size))
                if kind == "mdd":
                    for _ in range(2):
                        asset("dog", "DOG", str(rng.choice(DOG_NAMES)), code)
                elif kind == "mdr":
                    for _ in range(int(rng.integers(8, 13))):
                        asset("rat", "RAT", str(rng.choice(RAT_NAMES)), code)
                elif kind == "mechanical":
                    model, what = MACHINES[int(rng.integers(len(MACHINES)))]
                    asset("machine", "MCH", f"{model} ({what})", code)
                if kind in ("manual", "mixed", "ts", "eod", "mechanical"):
                    detectors = {"manual": size - 2, "mixed": size - 4, "ts": size - 2, "eod": 2, "mechanical": 2}
                    for _ in range(max(1, detectors[kind])):
                        asset("detector", "DET", str(rng.choice(DETECTORS)), code)
    return ORGANISATIONS, teams, assets
