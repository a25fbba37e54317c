"""`safeground eore …`: risk education sessions and their beneficiaries; the synthetic demo sessions."""

from django.core.management.base import BaseCommand, CommandError

from safeground.core.errors import ValidationFailed


class Command(BaseCommand):
    help = "Risk education: beneficiaries by sex and age, sessions, demo data."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        p = sub.add_parser("stats", help="people reached (girls, boys, women, men) by a dimension")
        p.add_argument("--by", default="year", help="year, country, province, method, audience or organisation")
        p.add_argument("--country")
        p.add_argument("--year", type=int)
        p = sub.add_parser("sessions", help="the latest sessions")
        p.add_argument("--country")
        p.add_argument("--hazard", help="sessions near this hazard")
        p.add_argument("--limit", type=int, default=20)
        p = sub.add_parser("demo", help="replace the synthetic sessions")
        p.add_argument("--seed", type=int, default=1)
        p.add_argument("--scale", default="small", choices=["tiny", "small", "national"])

    def handle(self, *args, action, **options):
        try:
            getattr(self, f"do_{action}")(**options)
        except ValidationFailed as exc:
            raise CommandError(str(exc)) from exc

    def do_stats(self, by, country, year, **_):
        from safeground.eore import queries

        data = queries.beneficiaries(queries.parse_dimension(by), country=country, year=year)
        self.stdout.write(f"{by:<16} {'sessions':>9} {'girls':>9} {'boys':>9} {'women':>9} {'men':>9} {'total':>10}")
        for r in [*data["rows"], {**data["total"], "group": "Total"}]:
            self.stdout.write(
                f"{str(r['group']):<16} {r['sessions']:>9,} {r['girls']:>9,} {r['boys']:>9,} {r['women']:>9,} "
                f"{r['men']:>9,} {r['total']:>10,}"
            )

    def do_sessions(self, country, hazard, limit, **_):
        from safeground.eore import queries

        rows = queries.sessions(country=country, hazard=hazard)
        for s in rows[:limit]:
            p = queries.session_properties(s)
            self.stdout.write(
                f"{p['code']}  {p['held_on']}  {p['organisation']:<8} {p['method']:<22} "
                f"{p['beneficiaries']:>7,} people  "
                f"hazards nearby: {len(p['hazards'])}"
            )
        self.stdout.write(f"{rows.count():,} sessions")

    def do_demo(self, seed, scale, **_):
        from safeground.eore import demo

        demo.build(seed, scale, report=self.stdout.write)
