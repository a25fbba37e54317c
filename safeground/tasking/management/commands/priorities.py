"""`safeground priorities`: open hazards ranked by the programme's weights, each criterion's share shown."""

import json

from django.core.management.base import BaseCommand, CommandError

from safeground.core.errors import ValidationFailed


class Command(BaseCommand):
    help = "Rank a programme's open hazards with its weights; --snapshot keeps the ranking; --set changes a weight."

    def add_arguments(self, parser):
        parser.add_argument("--country", help="the programme (ISO3); default: the first one")
        parser.add_argument("--json", action="store_true", dest="as_json", help="every figure, as JSON")
        parser.add_argument("--limit", type=int, default=20)
        parser.add_argument(
            "--set", action="append", default=[], metavar="CRITERION=WEIGHT", help="change a weight first"
        )
        parser.add_argument("--snapshot", action="store_true", help="keep the ranking (with its weights and values)")
        parser.add_argument("--note", default="")

    def handle(self, *args, country, as_json, limit, set, snapshot, note, **options):
        from safeground.gazetteer.queries import country_choices
        from safeground.tasking import priorities, queries, services

        try:
            country = services.check_programme(country or (country_choices()[0][0] if country_choices() else ""))
            if set:
                weights = {}
                for item in set:
                    key, _, value = item.partition("=")
                    try:
                        weights[key.strip()] = float(value)
                    except ValueError:
                        raise ValidationFailed(f"--set {item!r}: give CRITERION=NUMBER", field="weights") from None
                record = services.set_weights(country, weights=weights)
                self.stderr.write(f"weights of {country} now at version {record.version}")
            ranking = queries.ranking(country)
            if snapshot:
                snap = services.take_snapshot(country, note=note)
                self.stderr.write(f"kept as {snap.code}")
        except ValidationFailed as exc:
            raise CommandError(str(exc)) from exc
        if as_json:
            out = {
                "country": country,
                "weights": ranking.weights,
                "parameters": ranking.parameters,
                "maxima": ranking.maxima,
                "count": len(ranking.rows),
                "rows": ranking.rows[:limit],
            }
            self.stdout.write(json.dumps(out, indent=1))
            return
        keys = priorities.KEYS
        self.stdout.write(f"{'#':>4} {'hazard':<22} {'score':>6}  " + " ".join(f"{k[:8]:>8}" for k in keys))
        for r in ranking.rows[:limit]:
            cells = " ".join(f"{r['contributions'][k]:>8.3f}" for k in keys)
            self.stdout.write(f"{r['rank']:>4} {r['code']:<22} {r['score']:>6.3f}  {cells}")
        weights = ", ".join(f"{k} {ranking.weights.get(k, 0):g}" for k in keys)
        self.stdout.write(f"{len(ranking.rows):,} open hazards; weights: {weights}")
