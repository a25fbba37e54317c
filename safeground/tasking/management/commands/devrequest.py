"""`safeground devrequest add|list`: development projects' requests for land."""

from django.core.management.base import BaseCommand, CommandError

from safeground.core.errors import ValidationFailed


class Command(BaseCommand):
    help = "Development requests: add one, list them."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        p = sub.add_parser("add", help="record a request")
        p.add_argument("--requester", required=True)
        p.add_argument("--project", required=True)
        p.add_argument(
            "--purpose", required=True, help="agriculture, road, water, housing, infrastructure, school_health, other"
        )
        p.add_argument("--date", required=True, help="date of the request, YYYY-MM-DD")
        p.add_argument("--hazard", action="append", default=[], dest="hazards", help="a hazard code (repeat)")
        p.add_argument("--country")
        p.add_argument("--notes", default="")
        p = sub.add_parser("list", help="the requests")
        p.add_argument("--country")
        p.add_argument("--status", help="a status, or open")
        p.add_argument("--limit", type=int, default=50)

    def handle(self, *args, action, **options):
        from safeground.tasking import queries, services

        try:
            if action == "add":
                r = services.add_development_request(
                    requester=options["requester"],
                    project=options["project"],
                    purpose=options["purpose"],
                    requested_on=options["date"],
                    hazards=options["hazards"],
                    country=options["country"],
                    notes=options["notes"],
                )
                self.stdout.write(f"{r.code} recorded: {r.project} ({r.purpose}), {r.hazards.count()} hazard(s)")
                return
            rows = queries.development_requests(country=options["country"], status=options["status"])
            for r in rows[: options["limit"]]:
                p = queries.development_request_properties(r)
                self.stdout.write(
                    f"{p['code']:<18} {p['requested_on']} {p['status']:<10} {p['purpose']:<14} {p['project'][:40]:<40} "
                    f"{', '.join(p['hazards'][:3])}"
                )
            self.stdout.write(f"{rows.count():,} requests")
        except ValidationFailed as exc:
            raise CommandError(str(exc)) from exc
