"""`safeground task …`: issue task orders, move them along their life, link activities, list them."""

import json

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from safeground.core.errors import StaleVersion, ValidationFailed


def _user(username):
    if not username:
        return None
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"no account {username!r}")
    return user


MOVES = {
    "accept": "accepted",
    "decline": "declined",
    "start": "in_progress",
    "complete": "completed",
    "cancel": "cancelled",
}


class Command(BaseCommand):
    help = "Task orders: issue, accept, decline, start, complete, cancel, link activities, list, show, plan."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        p = sub.add_parser("issue", help="issue a task order to an operator")
        p.add_argument("--organisation", required=True, help="the operator's acronym")
        p.add_argument("--hazard", action="append", required=True, dest="hazards", help="a hazard code (repeat)")
        p.add_argument("--method", action="append", required=True, dest="methods", help="a method (repeat)")
        p.add_argument("--start", required=True, help="planned start, YYYY-MM-DD")
        p.add_argument("--end", required=True, help="planned end, YYYY-MM-DD")
        p.add_argument("--priority", default="medium", help="high, medium or low")
        p.add_argument("--area", type=float, help="planned area, m² (default: the hazards' remaining area)")
        p.add_argument("--funding", default="", help="funding source")
        p.add_argument("--budget", help="budget amount")
        p.add_argument("--currency", default="", help="budget currency (ISO 4217), e.g. USD")
        p.add_argument("--notes", default="")
        p.add_argument("--user", help="the account issuing it (history)")
        for name, text in (
            ("accept", "accept a task (operator)"),
            ("decline", "decline a task, with a reason (operator)"),
            ("start", "a task's work has started"),
            ("complete", "a task is completed"),
            ("cancel", "cancel a task, with a reason (national authority)"),
        ):
            p = sub.add_parser(name, help=text)
            p.add_argument("code")
            p.add_argument("--reason", default="")
            p.add_argument("--user", help="who acts (an operator acts for its own organisation only)")
        p = sub.add_parser("link", help="link activities to a task")
        p.add_argument("code")
        p.add_argument("activities", nargs="+")
        p.add_argument("--unlink", action="store_true")
        p.add_argument("--user")
        p = sub.add_parser("list", help="task orders with plan against actual")
        p.add_argument("--country")
        p.add_argument("--status", help="a status, or open")
        p.add_argument("--organisation")
        p.add_argument("--limit", type=int, default=50)
        p.add_argument("--json", action="store_true", dest="as_json")
        p = sub.add_parser("show", help="one task with plan against actual")
        p.add_argument("code")
        p = sub.add_parser("plan", help="plan against actual per organisation, province or status")
        p.add_argument("--by", default="organisation")
        p.add_argument("--country")

    def handle(self, *args, action, **options):
        try:
            if action in MOVES:
                self._move(action, **options)
            else:
                getattr(self, f"do_{action}")(**options)
        except (ValidationFailed, StaleVersion, PermissionDenied) as exc:
            raise CommandError(str(exc)) from exc

    def _task(self, code):
        from safeground.tasking.models import Task

        task = Task.objects.filter(code=code).first()
        if task is None:
            raise CommandError(f"no task {code!r}")
        return task

    def do_issue(
        self, organisation, hazards, methods, start, end, priority, area, funding, budget, currency, notes, user, **_
    ):
        from safeground.tasking import services

        task = services.issue_task(
            organisation=organisation,
            hazards=hazards,
            methods=methods,
            planned_start=start,
            planned_end=end,
            priority=priority,
            planned_area_m2=area,
            funding_source=funding,
            budget_amount=budget,
            budget_currency=currency,
            notes=notes,
            user=_user(user),
        )
        self.stdout.write(
            f"{task.code} issued to {task.organisation.acronym}: {len(hazards)} hazard(s), "
            f"{task.planned_area_m2:,.0f} m² planned"
        )

    def _move(self, action, code, reason, user, **_):
        from safeground.tasking import services

        status = {
            "accept": "accepted",
            "decline": "declined",
            "start": "in_progress",
            "complete": "completed",
            "cancel": "cancelled",
        }[action]
        task = services.change_status(self._task(code), status, reason=reason, user=_user(user))
        self.stdout.write(f"{task.code} is now {task.status} (version {task.version})")

    def do_link(self, code, activities, unlink, user, **_):
        from safeground.tasking import services

        task = services.link_activities(self._task(code), activities, unlink=unlink, user=_user(user))
        self.stdout.write(f"{task.code}: {task.activities.count()} activities linked")

    def do_list(self, country, status, organisation, limit, as_json, **_):
        from safeground.tasking import queries

        rows = queries.tasks(None, country=country, status=status, organisation=organisation)
        listed = list(rows[:limit])
        done = queries.actuals([t.pk for t in listed])
        props = [queries.task_properties(t, done.get(t.pk, {})) for t in listed]
        if as_json:
            self.stdout.write(json.dumps(props, default=str, indent=1))
            return
        for p in props:
            pct = f"{p['area_percent']:.0f} %" if p["area_percent"] is not None else "—"
            self.stdout.write(
                f"{p['code']:<20} {p['organisation']:<8} {p['status']:<12} {p['priority']:<6} "
                f"{p['planned_start']}–{p['planned_end']}  planned {p['planned_area_m2']:>12,.0f} m²  "
                f"released {p['released_m2']:>12,.0f} m²  {pct}"
            )
        self.stdout.write(f"{rows.count():,} tasks")

    def do_show(self, code, **_):
        from safeground.tasking import queries

        p = queries.task_properties(queries.tasks(None).get(code=code))
        self.stdout.write(json.dumps(p, default=str, indent=1))

    def do_plan(self, by, country, **_):
        from safeground.tasking import queries

        rows = queries.aggregate(queries.tasks(None, country=country), by)
        self.stdout.write(
            f"{by:<20} {'tasks':>6} {'open':>5} {'done':>5} {'planned m²':>14} {'released m²':>14} {'%':>5}"
        )
        for g in rows:
            pct = f"{g['area_percent']:.0f}" if g["area_percent"] is not None else "—"
            self.stdout.write(
                f"{str(g['label'] or '—')[:20]:<20} {g['tasks']:>6} {g['open']:>5} {g['completed']:>5} "
                f"{g['planned_area_m2']:>14,.0f} {g['released_m2']:>14,.0f} {pct:>5}"
            )
