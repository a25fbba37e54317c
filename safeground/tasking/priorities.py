"""Explainable prioritisation of open hazards: criteria from the data, normalised to 0..1, a weighted sum.

Every criterion is computed set-based for a whole programme: one read per source (hazards, accidents,
places, beneficiaries, development requests) and one vectorised Shapely query (STRtree `dwithin` or
`intersects`) in the programme's most common UTM zone, never a query per hazard.

| criterion | raw value per hazard | normalised |
|---|---|---|
| casualties | people killed or injured within `casualty_distance_m` in the last `casualty_years` | log, COUNTED |
| beneficiaries | people the hazard's beneficiary records name (expected and confirmed) | log, COUNTED |
| land_use | blocked uses: agriculture, housing, infrastructure (roads), water, forest | sum of their LAND_USE shares |
| villages | villages and towns of the gazetteer within `village_distance_m` | log, COUNTED |
| hazard_class | CHA 1, SHA 0.5 | raw |
| contamination | HAZARD_TYPE_SCORE | raw |
| development | open development requests linked to the hazard or whose area meets it | log, COUNTED |

The score is Σ weight × normalised / Σ weights (0..1); a criterion's contribution is its term of that
sum, so the contributions of a hazard add up to its score (decision 0031).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import shapely
from django.contrib.gis.db.models.functions import AsWKB
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext_noop as N_

from safeground.core.geometry import project
from safeground.gazetteer.models import Place
from safeground.hazards.models import Beneficiary, Hazard
from safeground.hazards.queries import shape
from safeground.victims.models import Accident, Victim

#: (key, label): the order of the columns on the page and in the snapshots.
CRITERIA: list[tuple[str, str]] = [
    ("casualties", N_("Casualties nearby")),
    ("beneficiaries", N_("Beneficiaries")),
    ("land_use", N_("Blocked land use")),
    ("villages", N_("Villages nearby")),
    ("hazard_class", N_("Hazard class")),
    ("contamination", N_("Contamination type")),
    ("development", N_("Development requests")),
]
KEYS = [k for k, _label in CRITERIA]
#: A starting point the IM officer edits ([D] a modelling choice: people first, then land and requests).
DEFAULT_WEIGHTS = {
    "casualties": 30,
    "beneficiaries": 20,
    "land_use": 10,
    "villages": 15,
    "hazard_class": 10,
    "contamination": 5,
    "development": 10,
}
#: Criteria whose raw value is a count, normalised on a log scale by the largest value among the ranked
#: hazards: log(1 + value) / log(1 + largest).
COUNTED = {"casualties", "beneficiaries", "villages", "development"}
#: Blocked land use: each use a hazard's beneficiary records name adds its share ([D]).
LAND_USE = {"agriculture": 0.3, "housing": 0.25, "infrastructure": 0.2, "water": 0.2, "forest": 0.05}
CLASS_SCORE = {"CHA": 1.0, "SHA": 0.5}
#: Contamination type ([D]: anti-personnel mines and cluster remnants kill people going about their day).
HAZARD_TYPE_SCORE = {
    "ap_mines": 1.0,
    "cmr": 0.9,
    "ied": 0.9,
    "mixed": 0.8,
    "at_mines": 0.6,
    "uxo": 0.5,
    "axo": 0.3,
}
MAX_WEIGHT = 100.0
MAX_DISTANCE_M = 50_000.0
MAX_YEARS = 50


@dataclass
class Parameters:
    casualty_distance_m: float = 2000.0
    casualty_years: int = 5
    village_distance_m: float = 2000.0

    def as_dict(self) -> dict:
        return {
            "casualty_distance_m": self.casualty_distance_m,
            "casualty_years": self.casualty_years,
            "village_distance_m": self.village_distance_m,
        }


@dataclass
class Ranking:
    country: str
    weights: dict[str, float]
    parameters: dict
    maxima: dict[str, float]
    rows: list[dict] = field(default_factory=list)


def _utm(epsgs: list[int]) -> int:
    return Counter(epsgs).most_common(1)[0][0]


def _within(hazards: np.ndarray, points: np.ndarray, distance: float, values: np.ndarray | None = None) -> np.ndarray:
    """Per hazard, the sum of `values` (or the count) of the points within `distance` metres (projected)."""
    out = np.zeros(len(hazards))
    if not len(points) or not len(hazards):
        return out
    tree = shapely.STRtree(points)
    h, p = tree.query(hazards, predicate="dwithin", distance=distance)
    weights = np.ones(len(p)) if values is None else values[p]
    np.add.at(out, h, weights)
    return out


def compute(
    country: str, weights: dict[str, float], parameters: Parameters, *, today: dt.date | None = None
) -> Ranking:
    """Every open hazard of the programme, scored and ranked (highest score first, then code)."""
    from safeground.tasking.models import OPEN_REQUESTS, DevelopmentRequest

    today = today or timezone.localdate()
    rows = list(
        Hazard.objects.filter(country=country, status="open")
        .order_by("code")
        .values_list(
            "id",
            "code",
            "name",
            "hazard_class",
            "contamination_type",
            "province__code",
            "province__name",
            "area_m2",
            "utm_epsg",
            AsWKB(shape()),
        )
    )
    ranking = Ranking(country, dict(weights), parameters.as_dict(), dict.fromkeys(KEYS, 0.0))
    if not rows:
        return ranking
    ids = [r[0] for r in rows]
    index = {pk: i for i, pk in enumerate(ids)}
    epsg = _utm([r[8] for r in rows])
    shapes = shapely.from_wkb([bytes(r[9]) for r in rows])
    local = project(shapes, epsg)
    n = len(rows)
    raw = {k: np.zeros(n) for k in KEYS}

    # Casualties: victims registered per accident, or the counts the source reported (the larger).
    since = dt.date(today.year - parameters.casualty_years, today.month, 1)
    accidents = list(
        Accident.objects.filter(country=country, occurred_on__gte=since)
        .annotate(wkb=AsWKB("point"))
        .values_list("id", "wkb", "reported_casualties")
    )
    if accidents:
        people = dict(
            Victim.objects.filter(accident__country=country, accident__occurred_on__gte=since)
            .values("accident")
            .annotate(n=Count("id"))
            .values_list("accident", "n")
        )
        counts = np.array(
            [
                max(people.get(pk, 0), sum(v for v in (reported or {}).values() if isinstance(v, int)))
                for pk, _pt, reported in accidents
            ],
            dtype=float,
        )
        points = project(shapely.from_wkb([bytes(wkb) for _pk, wkb, _r in accidents]), epsg)
        raw["casualties"] = _within(local, points, parameters.casualty_distance_m, counts)

    # Beneficiaries and blocked land use: what the hazards' beneficiary records say.
    for hazard_id, total in (
        Beneficiary.objects.filter(hazard__country=country, hazard__status="open")
        .values("hazard")
        .annotate(n=Sum("people"))
        .values_list("hazard", "n")
    ):
        raw["beneficiaries"][index[hazard_id]] = total or 0
    for hazard_id, use in (
        Beneficiary.objects.filter(hazard__country=country, hazard__status="open", land_use__in=list(LAND_USE))
        .values_list("hazard", "land_use")
        .distinct()
    ):
        raw["land_use"][index[hazard_id]] += LAND_USE[use]

    # Villages and towns nearby.
    places = [bytes(wkb) for wkb in Place.objects.filter(country=country).values_list(AsWKB("point"), flat=True)]
    if places:
        points = project(shapely.from_wkb(places), epsg)
        raw["villages"] = _within(local, points, parameters.village_distance_m)

    # Hazard class and contamination type.
    raw["hazard_class"] = np.array([CLASS_SCORE.get(r[3], 0.0) for r in rows])
    raw["contamination"] = np.array([HAZARD_TYPE_SCORE.get(r[4], 0.0) for r in rows])

    # Development requests: linked to the hazard, or whose area meets it (each request once per hazard).
    open_requests = DevelopmentRequest.objects.filter(country=country, status__in=OPEN_REQUESTS)
    pairs = set(open_requests.filter(hazards__status="open", hazards__country=country).values_list("id", "hazards"))
    areas = list(open_requests.filter(geom__isnull=False).values_list("id", AsWKB("geom")))
    if areas:
        tree = shapely.STRtree(project(shapely.from_wkb([bytes(g) for _pk, g in areas]), epsg))
        h, a = tree.query(local, predicate="intersects")
        pairs |= {(areas[j][0], ids[i]) for i, j in zip(h.tolist(), a.tolist(), strict=True)}
    for _request, hazard_id in pairs:
        raw["development"][index[hazard_id]] += 1

    total_weight = sum(weights.get(k, 0.0) for k in KEYS) or 1.0
    norm = {}
    for k in KEYS:
        largest = float(raw[k].max()) if n else 0.0
        ranking.maxima[k] = largest
        if k in COUNTED:
            # On a log scale: the hazard with 1,000 people nearby is not a hundred times the one with 10.
            norm[k] = np.log1p(raw[k]) / np.log1p(largest) if largest > 0 else np.zeros(n)
        else:
            norm[k] = np.clip(raw[k], 0.0, 1.0)
    contributions = {k: weights.get(k, 0.0) * norm[k] / total_weight for k in KEYS}
    score = sum(contributions.values())
    order = sorted(range(n), key=lambda i: (-round(float(score[i]), 9), rows[i][1]))
    for rank, i in enumerate(order, start=1):
        r = rows[i]
        ranking.rows.append(
            {
                "rank": rank,
                "code": r[1],
                "name": r[2],
                "hazard_class": r[3],
                "contamination_type": r[4],
                "province_code": r[5],
                "province_name": r[6],
                "area_m2": round(r[7] or 0.0, 1),
                "score": round(float(score[i]), 6),
                "raw": {k: round(float(raw[k][i]), 4) for k in KEYS},
                "normalised": {k: round(float(norm[k][i]), 6) for k in KEYS},
                "contributions": {k: round(float(contributions[k][i]), 6) for k in KEYS},
            }
        )
    return ranking
