"""`safeground forecast [--country ISO3] [--runs N] [--seed S] [--target DATE] [--json]`: completion forecast."""

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder

from safeground.core.errors import ValidationFailed


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"a date is YYYY-MM-DD; got {value!r}") from exc


def _km2(m2: float) -> str:
    return f"{m2 / 1e6:,.2f} km²"


class Command(BaseCommand):
    help = (
        "Monte Carlo forecast of when the remaining hazard area will be released (P10/P50/P90 per province and "
        "country) and the capacity needed to meet the Article 5 deadline or --target. See docs/forecast.md."
    )

    def add_arguments(self, parser):
        from safeground.forecast.queries import DEFAULT_RUNS, DEFAULT_SEED, DEFAULT_WORKING_DAYS

        parser.add_argument("--country", help="a programme's ISO3 code (default: every programme)")
        parser.add_argument("--runs", type=int, default=DEFAULT_RUNS, help=f"Monte Carlo runs (default {DEFAULT_RUNS})")
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help="random seed: the same seed, the same answer"
        )
        parser.add_argument("--target", type=_date, help="target date (default: the programme's Article 5 deadline)")
        parser.add_argument("--as-of", type=_date, help="forecast from this date (default: today)")
        parser.add_argument("--since", type=_date, help="productivity measured from this date (default: 3 years back)")
        parser.add_argument(
            "--working-days",
            type=float,
            default=DEFAULT_WORKING_DAYS,
            help=f"team-days a team works in a year (default {DEFAULT_WORKING_DAYS})",
        )
        parser.add_argument("--json", action="store_true", help="the whole answer as JSON (as the API gives it)")

    def handle(self, *args, **o):
        from safeground.forecast import queries

        try:
            results = queries.forecast_all(
                o["country"],
                runs=o["runs"],
                seed=o["seed"],
                target=o["target"],
                as_of=o["as_of"],
                since=o["since"],
                working_days=o["working_days"],
            )
        except ValidationFailed as exc:
            raise CommandError(f"{exc.field}: {exc}" if exc.field else str(exc)) from exc
        if o["json"]:
            self.stdout.write(json.dumps({"forecasts": results}, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1))
            return
        for r in results:
            self._text(r)

    def _text(self, r: dict) -> None:
        w = self.stdout.write
        if "skipped" in r:
            w(f"{r['country']}: skipped: {r['skipped']}\n")
            return
        c = r["completion"]
        w(
            f"{r['country']} {r['name']}: {_km2(r['remaining_m2'])} remaining on {r['as_of']}; "
            f"{r['runs']:,} runs, seed {r['seed']}"
        )
        w(f"  completion  P10 {c['p10'] or 'beyond'}  P50 {c['p50'] or 'beyond'}  P90 {c['p90'] or 'beyond'}")
        o = r["survey_outcomes"]
        w(
            f"  survey outcome over {o['hazards']:,} hazards: cancelled {o['cancelled']:.1%}, "
            f"reduced {o['reduced']:.1%}, cleared {o['cleared']:.1%} "
            f"(P10–P90 {o['cleared_p10']:.1%}–{o['cleared_p90']:.1%})"
        )
        cap = r["capacity"]
        methods = ", ".join(f"{m['method']} {m['teams']}" for m in cap["methods"] if m["teams"])
        w(f"  capacity: {cap['teams']} teams ({methods}), {cap['team_days_per_year']:,.0f} team-days a year")
        t, n = r["target"], r["needed"]
        if n:
            w(
                f"  target {t['date']} ({t['source']}): {n['probability_current']:.0%} of runs finish by then; "
                f"needed {n['team_days_per_year_p50']:,.0f} team-days a year ({n['teams_p50']} teams) "
                f"for an even chance, {n['team_days_per_year_p90']:,.0f} ({n['teams_p90']} teams) for 90 percent"
            )
        elif t["source"] == "passed":
            w(f"  target {t['date']} has passed")
        else:
            w("  no target: give --target DATE")
        w(f"  {'province':<28} {'remaining':>14} {'P10':>11} {'P50':>11} {'P90':>11}")
        for p in r["provinces"]:
            w(
                f"  {(p['code'] + ' ' + p['name'])[:28]:<28} {_km2(p['remaining_m2']):>14} "
                f"{str(p['p10'] or 'beyond'):>11} {str(p['p50'] or 'beyond'):>11} {str(p['p90'] or 'beyond'):>11}"
            )
        w("")
