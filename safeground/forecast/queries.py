"""Completion forecast: the model's inputs read from the ledger, the progress reports and the
accreditations, then the Monte Carlo run (engine.py) turned into dates, tables and a fan.

Nothing is written: a forecast is computed on request (CLI, API, page) from the current data. The
method and its assumptions are in docs/forecast.md and decision 0032; `assumptions()` says them in
every answer.
"""

from __future__ import annotations

import datetime as dt
import math
import zlib
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from django.db.models import F, Q, Sum
from django.db.models.functions import ExtractMonth, ExtractYear
from django.utils.translation import gettext as _

from safeground.core.errors import ValidationFailed
from safeground.forecast import engine
from safeground.gazetteer.models import Programme
from safeground.landrelease.ledger import queries as ledger_queries
from safeground.operations import productivity
from safeground.operations.models import TERRAIN_CHOICES
from safeground.organisations.models import Accreditation, AnimalAccreditation, Asset, Team

#: Methods that clear ground, whose teams are the capacity (survey is assumed not to be the bottleneck).
CLEARANCE_METHODS = ("manual", "mdd", "mdr", "mechanical")
#: The asset a team of this method needs before it can work (dogs and rats: with a valid accreditation).
METHOD_ASSET = {"mdd": "dog", "mdr": "rat", "mechanical": "machine"}
TERRAINS = [key for key, _label in TERRAIN_CHOICES]
DEFAULT_RUNS = 5000
MOST_RUNS = 20_000  # the API's and the page's bound: 20,000 runs take well under a second (bench/forecast.py)
DEFAULT_SEED = 1
#: Team-days a team works in a year: 5 days a week (domain-facts §3, "5–6 days/week") less about 40 days of
#: public holidays, leave and weather stand-downs. An assumption, not a measurement: change it with --working-days.
DEFAULT_WORKING_DAYS = 220
DEFAULT_PERIOD_YEARS = 3
MOST_YEARS = 100  # a date further than this is shown as "beyond" (and null in JSON)
NO_PROVINCE = "—"


def _years_later(start: dt.date, years: float) -> dt.date | None:
    if not math.isfinite(years) or years > MOST_YEARS:
        return None
    return start + dt.timedelta(days=round(years * engine.DAYS_PER_YEAR))


def remaining_by_province(country: str) -> list[dict]:
    """Open polygon hazards' remaining area per province (each hazard's share of the union: overlapping
    hazards count their shared ground once, decision 0016), largest first."""
    rows = (
        ledger_queries.hazard_rows(country=country)
        .filter(hazard__status__in=ledger_queries.OPEN_STATUSES, remaining_m2__gt=1.0)
        .values("hazard__province__code", "hazard__province__name")
        .annotate(
            area=Sum(F("remaining_m2") - F("remaining_overlap_m2")),
            sha=Sum(F("remaining_m2") - F("remaining_overlap_m2"), filter=Q(hazard__hazard_class="SHA")),
            cha=Sum(F("remaining_m2") - F("remaining_overlap_m2"), filter=Q(hazard__hazard_class="CHA")),
        )
        .order_by("hazard__province__code")
    )
    out: list[dict] = [
        {
            "code": r["hazard__province__code"] or NO_PROVINCE,
            "name": r["hazard__province__name"] or _("No province"),
            "remaining_m2": float(r["area"] or 0.0),
            "sha_m2": float(r["sha"] or 0.0),
            "cha_m2": float(r["cha"] or 0.0),
        }
        for r in rows
    ]
    return sorted((r for r in out if r["remaining_m2"] > 0), key=lambda r: (-r["remaining_m2"], r["code"]))


def survey_outcomes(country: str) -> dict:
    """Of the hazard ground released so far (every hazard with some), the shares cancelled, reduced and
    cleared; the clearance share's standard error is the ratio estimator's over hazards (delta method)."""
    rows = np.array(
        list(
            ledger_queries.hazard_rows(country=country)
            .filter(Q(cancelled_m2__gt=0) | Q(reduced_m2__gt=0) | Q(cleared_m2__gt=0))
            .values_list("cancelled_m2", "reduced_m2", "cleared_m2")
        ),
        dtype=float,
    ).reshape(-1, 3)
    n = len(rows)
    released = rows.sum(axis=1)
    total = float(released.sum())
    if n == 0 or total <= 0:
        return {
            "hazards": 0,
            "released_m2": 0.0,
            "cancelled": None,
            "reduced": None,
            "cleared": None,
            "cleared_se": 0.0,
        }
    cancelled, reduced, cleared = (float(v) for v in rows.sum(axis=0) / total)
    se = 0.0
    if n > 1:
        residual = rows[:, 2] - cleared * released
        se = float(np.sqrt((residual**2).sum() / (n * (n - 1))) / released.mean())
    return {
        "hazards": n,
        "released_m2": total,
        "cancelled": cancelled,
        "reduced": reduced,
        "cleared": cleared,
        "cleared_se": se,
    }


def _reports(country: str, since: dt.date, until: dt.date):
    return productivity.reports(country=country, method=list(CLEARANCE_METHODS), date_from=since, date_to=until)


def clearance_cells(country: str, since: dt.date, until: dt.date) -> list[dict]:
    """Clearance reports of the period summed by method, terrain, calendar month and province: one read
    (one pass over the reports) for both the measured months and where teams worked."""
    return list(
        _reports(country, since, until)
        .annotate(y=ExtractYear("date"), mo=ExtractMonth("date"))
        .values("method", "terrain", "y", "mo", "hazard__province__code")
        .annotate(area=Sum("area_m2"), days=Sum("days_worked"))
        .order_by("method", "terrain", "y", "mo", "hazard__province__code")
    )


def measured_months(cells: list[dict]) -> dict[tuple[str, str], tuple]:
    """(method, terrain) → (areas, team-days) of each calendar month with clearance reports in the period;
    (method, "*") pools the terrains."""
    by_month: dict[tuple[str, str, int, int], list[float]] = {}
    for r in cells:
        area, days = float(r["area"] or 0.0), float(r["days"] or 0.0)
        for terrain in (r["terrain"], "*"):
            cell = by_month.setdefault((r["method"], terrain, r["y"], r["mo"]), [0.0, 0.0])
            cell[0] += area
            cell[1] += days
    by: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
    for (method, terrain, _y, _m), (area, days) in sorted(by_month.items()):
        if days > 0:
            by[(method, terrain)].append((area, days))
    return {k: (np.array([a for a, _d in v]), np.array([d for _a, d in v])) for k, v in by.items()}


def province_effort(cells: list[dict]) -> dict[str | None, dict[str, float]]:
    """Province code → terrain → clearance team-days reported in the period."""
    out: dict[str | None, dict[str, float]] = defaultdict(dict)
    for r in cells:
        terrains = out[r["hazard__province__code"] or NO_PROVINCE]
        terrains[r["terrain"]] = terrains.get(r["terrain"], 0.0) + float(r["days"] or 0.0)
    return out


def capacity(country: str, on: dt.date, since: dt.date | None = None) -> dict[str, dict]:
    """Per clearance method: the teams that may work on `on` and the assets they work with.

    A team counts for its kind's method (a mixed team for the method it reported most team-days with
    since `since`) when its organisation is active, works in the country and holds a valid accreditation
    for that method on `on`; a dog or rat team also needs one of its animals accredited on `on`, a
    mechanical team one machine."""
    accredited = set(
        Accreditation.objects.filter(
            organisation__country=country, valid_from__lte=on, valid_until__gte=on, method__in=CLEARANCE_METHODS
        ).values_list("organisation_id", "method")
    )
    animals = set(
        AnimalAccreditation.objects.filter(valid_from__lte=on, valid_until__gte=on).values_list("asset_id", flat=True)
    )
    assets: dict = defaultdict(lambda: defaultdict(int))
    for team_id, asset_id, kind in Asset.objects.filter(
        team__organisation__country=country, kind__in=list(METHOD_ASSET.values())
    ).values_list("team_id", "id", "kind"):
        if kind == "machine" or asset_id in animals:
            assets[team_id][kind] += 1
    mixed_method: dict = {}
    if since is not None:
        rows = (
            productivity.reports(country=country, method=list(CLEARANCE_METHODS), date_from=since, date_to=on)
            .filter(team__kind="mixed")
            .values("team_id", "method")
            .annotate(days=Sum("days_worked"))
            .order_by("team_id", "-days", "method")
        )
        for r in rows:
            mixed_method.setdefault(r["team_id"], r["method"])
    out = {m: {"teams": 0, "assets": 0} for m in CLEARANCE_METHODS}
    teams = Team.objects.filter(organisation__country=country, organisation__is_active=True).values_list(
        "id", "kind", "organisation_id"
    )
    for team_id, kind, org_id in teams:
        method = mixed_method.get(team_id) if kind == "mixed" else kind
        if method not in out or (org_id, method) not in accredited:
            continue
        needed = METHOD_ASSET.get(method)
        if needed and not assets[team_id].get(needed):
            continue
        out[method]["teams"] += 1
        out[method]["assets"] += assets[team_id].get(needed, 0) if needed else 0
    return out


def assumptions(period: tuple[dt.date, dt.date], working_days: float) -> list[str]:
    """What the forecast rests on and what it leaves out, in the reader's language."""
    since, until = period
    return [
        _(
            "Remaining area: the open polygon hazards' remaining area in the land release ledger, each hazard "
            "counting only the ground no earlier hazard already counts. Point hazards have no area and are left out."
        ),
        _(
            "Survey outcome: the share of released hazard ground that had to be cleared (not cancelled or reduced), "
            "over every hazard with released ground, is applied to all remaining area; each run draws it from a normal "
            "distribution with the ratio's standard error over hazards."
        ),
        _(
            "Productivity: m² per team-day of each clearance method on each terrain, from progress reports "
            "from %(since)s to %(until)s; each run pools twelve calendar months drawn with replacement from the "
            "measured months (a bootstrap, no fitted distribution)."
        )
        % {"since": since.isoformat(), "until": until.isoformat()},
        _(
            "Capacity: teams of active organisations holding a valid accreditation for their method today (dog and "
            "rat teams with an accredited animal, mechanical teams with a machine), each working %(days)s team-days "
            "a year, constant over time."
        )
        % {"days": f"{working_days:g}"},
        _(
            "Where teams work: capacity is shared among provinces in proportion to their clearance team-days in "
            "the period; a finished province's share goes to the others; provinces without recent work come last."
        ),
        _(
            "Survey (non-technical and technical) is assumed not to hold clearance back, and the survey outcome "
            "is applied at once."
        ),
        _(
            "Ignored: contamination found in future, changes in funding or in the number of teams, seasons and "
            "weather beyond what the measured months hold, accreditations expiring, and travel between provinces."
        ),
    ]


def _quantiles(values: np.ndarray) -> tuple[float, float, float]:
    p10, p50, p90 = np.percentile(values, [10, 50, 90])
    return float(p10), float(p50), float(p90)


def _dates(start: dt.date, years: np.ndarray) -> dict:
    p10, p50, p90 = _quantiles(years)
    return {
        "p10": _years_later(start, p10),
        "p50": _years_later(start, p50),
        "p90": _years_later(start, p90),
        "p10_years": round(p10, 3),
        "p50_years": round(p50, 3),
        "p90_years": round(p90, 3),
    }


def _country(country: str | None) -> Programme:
    value = (country or "").strip().upper()
    found = Programme.objects.filter(iso3=value).first() if value else None
    if found is None:
        known = ", ".join(Programme.objects.order_by("iso3").values_list("iso3", flat=True)) or "none"
        raise ValidationFailed(f"country must be a programme's ISO3 code ({known}); got {country!r}", field="country")
    return found


def check(
    runs: int, seed: int, working_days: float, since: dt.date | None, as_of: dt.date, target: dt.date | None
) -> None:
    if not 1 <= runs <= 1_000_000:
        raise ValidationFailed(f"runs must be from 1 to 1,000,000; got {runs}", field="runs", reason="range")
    if not 0 <= seed < 2**32:
        raise ValidationFailed(f"seed must be from 0 to 4294967295; got {seed}", field="seed", reason="range")
    if not (math.isfinite(working_days) and 1 <= working_days <= 366):
        raise ValidationFailed(
            f"working_days must be from 1 to 366; got {working_days}", field="working_days", reason="range"
        )
    if since is not None and since >= as_of:
        raise ValidationFailed(f"since must be before {as_of}; got {since}", field="since", reason="range")
    if target is not None and target <= as_of:
        raise ValidationFailed(f"target must be after {as_of}; got {target}", field="target", reason="range")


@dataclass
class Prepared:
    """A programme's inputs, read once: `simulate` can then run any number of times (bench/forecast.py)."""

    programme: Programme
    inputs: engine.Inputs
    outcomes: dict
    teams: dict
    months: dict
    provinces: list[dict]
    target: dt.date | None
    target_source: str | None
    as_of: dt.date
    since: dt.date
    working_days: float

    def seed(self, seed: int) -> list[int]:
        """The generator's seed: the caller's and the country's, so that one country's forecast is the same
        whether it is asked for alone or with every programme."""
        return [seed, zlib.crc32(self.programme.iso3.encode())]

    def simulate(self, runs: int, seed: int) -> engine.Result:
        horizon = None
        if self.target is not None and self.target > self.as_of:  # the fan reaches the target line
            horizon = (self.target - self.as_of).days / engine.DAYS_PER_YEAR
        return engine.simulate(self.inputs, runs, self.seed(seed), horizon_years=horizon)


def prepare(
    country: str,
    *,
    as_of: dt.date | None = None,
    since: dt.date | None = None,
    target: dt.date | None = None,
    working_days: float = DEFAULT_WORKING_DAYS,
    runs: int = 1,
    seed: int = DEFAULT_SEED,
) -> Prepared:
    """Check the parameters and read one programme's inputs (refused, naming the field, when there is
    nothing to forecast or no capacity to forecast with)."""
    as_of = as_of or dt.date.today()
    check(runs, seed, working_days, since, as_of, target)
    programme = _country(country)
    iso3 = programme.iso3
    since = since or as_of.replace(year=as_of.year - DEFAULT_PERIOD_YEARS, day=min(as_of.day, 28))
    target_source = "given" if target else ("article5" if programme.article5_deadline else None)
    target = target or programme.article5_deadline
    if target is not None and target <= as_of:
        target_source = "passed"

    provinces = remaining_by_province(iso3)
    outcomes = survey_outcomes(iso3)
    cells = clearance_cells(iso3, since, as_of)
    months = measured_months(cells)
    effort = province_effort(cells)
    teams = capacity(iso3, as_of, since)
    refuse = None
    if not provinces:
        refuse = (f"{iso3} has no remaining hazard area in the land release ledger: nothing to forecast", "remaining")
    elif outcomes["cleared"] is None:
        refuse = (f"{iso3} has released no hazard ground yet: the survey outcome cannot be measured", "outcomes")
    elif not any(teams[m]["teams"] and (m, "*") in months for m in CLEARANCE_METHODS):
        refuse = (
            f"{iso3} has no accredited clearance team on {as_of} whose method has progress reports "
            f"from {since} to {as_of}: give an earlier since, or record teams and accreditations",
            "capacity",
        )
    if refuse:
        raise ValidationFailed(refuse[0], field="since" if refuse[1] == "capacity" else "country", reason=refuse[1])

    all_days: dict[str, float] = defaultdict(float)
    for terrains in effort.values():
        for t, d in terrains.items():
            all_days[t] += d
    national_mix = np.array([all_days[t] for t in TERRAINS])
    national_mix = national_mix / national_mix.sum() if national_mix.sum() > 0 else np.full(len(TERRAINS), 0.25)
    weights = []
    for p in provinces:
        own = np.array([effort.get(p["code"], {}).get(t, 0.0) for t in TERRAINS])
        weights.append(own / own.sum() if own.sum() > 0 else national_mix)
    province_days = np.array([sum(effort.get(p["code"], {}).values()) for p in provinces])
    share = province_days / province_days.sum() if province_days.sum() > 0 else np.zeros(len(provinces))
    inputs = engine.Inputs(
        provinces=[p["code"] for p in provinces],
        area_m2=np.array([p["remaining_m2"] for p in provinces]),
        share=share,
        terrain_weights=np.array(weights),
        terrains=TERRAINS,
        methods=list(CLEARANCE_METHODS),
        teams=np.array([teams[m]["teams"] for m in CLEARANCE_METHODS], dtype=float),
        months=months,
        clearance_ratio=outcomes["cleared"],
        clearance_ratio_se=outcomes["cleared_se"],
        working_days=float(working_days),
        extra={"national_terrain_weights": national_mix},
    )
    return Prepared(
        programme, inputs, outcomes, teams, months, provinces, target, target_source, as_of, since, working_days
    )


def forecast(
    country: str,
    *,
    runs: int = DEFAULT_RUNS,
    seed: int = DEFAULT_SEED,
    target: dt.date | None = None,
    as_of: dt.date | None = None,
    since: dt.date | None = None,
    working_days: float = DEFAULT_WORKING_DAYS,
) -> dict:
    """The forecast of one programme (see the module docstring; the keys are documented in docs/forecast.md)."""
    prepared = prepare(
        country, as_of=as_of, since=since, target=target, working_days=working_days, runs=runs, seed=seed
    )
    return report(prepared, prepared.simulate(runs, seed), runs, seed)


def report(prep: Prepared, result: engine.Result, runs: int, seed: int) -> dict:
    """The answer (CLI, API, page) from the inputs and the runs."""
    programme, inputs, outcomes, teams, months = prep.programme, prep.inputs, prep.outcomes, prep.teams, prep.months
    provinces, share, target, target_source = prep.provinces, inputs.share, prep.target, prep.target_source
    as_of, since, working_days = prep.as_of, prep.since, prep.working_days
    total_teams = int(sum(teams[m]["teams"] for m in CLEARANCE_METHODS if (m, "*") in months))
    team_days = total_teams * working_days
    national = result.national_years
    needed = None
    if target is not None and target > as_of:
        years = (target - as_of).days / engine.DAYS_PER_YEAR
        factor = national / years  # capacity scales every rate alike, so the finish time scales as 1 / factor
        p50, p90 = float(np.percentile(factor, 50)), float(np.percentile(factor, 90))
        needed = {
            "years_to_target": round(years, 3),
            "probability_current": round(float((national <= years).mean()), 4),
            "team_days_per_year_p50": round(p50 * team_days, 1),
            "team_days_per_year_p90": round(p90 * team_days, 1),
            "teams_p50": math.ceil(p50 * total_teams - 1e-9),
            "teams_p90": math.ceil(p90 * total_teams - 1e-9),
            "factor_p50": round(p50, 4),
            "factor_p90": round(p90, 4),
        }
    produced = []
    for m in CLEARANCE_METHODS:
        for t in TERRAINS:
            measured = months.get((m, t))
            if measured is None or (m, t) not in result.productivity:
                continue
            p10, p50, p90 = _quantiles(result.productivity[(m, t)])
            produced.append(
                {
                    "method": m,
                    "terrain": t,
                    "months": len(measured[0]),
                    "m2_per_team_day_measured": round(float(measured[0].sum() / measured[1].sum()), 2),
                    "p10": round(p10, 2),
                    "p50": round(p50, 2),
                    "p90": round(p90, 2),
                }
            )
    rows = []
    for i, p in enumerate(provinces):
        rows.append(
            {
                "code": p["code"],
                "name": p["name"],
                "remaining_m2": round(p["remaining_m2"], 1),
                "sha_m2": round(p["sha_m2"], 1),
                "cha_m2": round(p["cha_m2"], 1),
                "recent_effort_share": round(float(share[i]), 4),
                **_dates(as_of, result.finish_years[:, i]),
            }
        )
    rows.sort(key=lambda r: (r["p50_years"], r["code"]))
    fan = [
        {
            "date": _years_later(as_of, float(y)),
            "years": round(float(y), 4),
            "p10_m2": round(float(result.fan_remaining[0, g]), 1),
            "p50_m2": round(float(result.fan_remaining[1, g]), 1),
            "p90_m2": round(float(result.fan_remaining[2, g]), 1),
        }
        for g, y in enumerate(result.fan_years)
    ]
    c10, c50, c90 = _quantiles(result.clearance_ratio)
    return {
        "country": programme.iso3,
        "name": programme.name,
        "as_of": as_of,
        "runs": runs,
        "seed": seed,
        "period": {"from": since, "to": as_of},
        "working_days_per_year": working_days,
        "target": {"date": target, "source": target_source},
        "remaining_m2": round(float(inputs.area_m2.sum()), 1),
        "to_clear_m2_p50": round(float(np.percentile(inputs.area_m2.sum() * result.clearance_ratio, 50)), 1),
        "completion": _dates(as_of, national),
        "needed": needed,
        "survey_outcomes": {
            **{k: (round(v, 4) if isinstance(v, float) else v) for k, v in outcomes.items()},
            "cleared_p10": round(c10, 4),
            "cleared_p90": round(c90, 4),
        },
        "capacity": {
            "methods": [
                {
                    "method": m,
                    "teams": teams[m]["teams"],
                    "assets": teams[m]["assets"],
                    "measured": (m, "*") in months,
                }
                for m in CLEARANCE_METHODS
            ],
            "teams": total_teams,
            "team_days_per_year": team_days,
            "m2_per_year_p50": round(float(np.percentile(result.capacity_m2_per_year, 50)), 1),
        },
        "productivity": produced,
        "provinces": rows,
        "fan": fan,
        "assumptions": assumptions((since, as_of), working_days),
    }


def forecast_all(country: str | None = None, **options) -> list[dict]:
    """The forecast of one programme, or of every programme that has something to forecast (the others
    are skipped, with the reason, as {"country", "skipped"})."""
    if country:
        return [forecast(country, **options)]
    out = []
    for iso3 in Programme.objects.order_by("iso3").values_list("iso3", flat=True):
        try:
            out.append(forecast(iso3, **options))
        except ValidationFailed as exc:
            if exc.field in ("runs", "seed", "working_days", "target") or exc.reason == "range":
                raise
            out.append({"country": iso3, "skipped": str(exc)})
    return out
