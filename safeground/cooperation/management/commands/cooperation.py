"""`safeground cooperation …`: the cooperation register and the lessons-learned base.

safeground cooperation partners list
safeground cooperation partners add --set code=GICHD --set name="Geneva …" --set kind=international
safeground cooperation agreements list | show CODE | add --set … | edit CODE --set status=ended
safeground cooperation visits list | show CODE | add --json visit.json | edit CODE --set summary=…
safeground cooperation actions list [--due-within 30] | add --set visit=CODE --set description=… --set due_on=…
safeground cooperation actions done CODE            (edit CODE --set status=dropped drops one)
safeground cooperation trainings list | add --set country=… --set session=… --set partners=PARTNER1,PARTNER2
safeground cooperation loans list | add --set … | edit CODE --set status=returned
safeground cooperation lessons list [--q TEXT] [--tag method:mdr] [--source visit] [--language az]
safeground cooperation lessons add --set country=… --set title=… --set tags=method:mdr,terrain:laterite …

`--set field=value` takes the API's field names; lists (parties, partners, topics, tags) are
comma-separated; `--json FILE` gives the whole body (participants, sites, titles, evidence). Every write
goes through cooperation.services: a refusal names the field and writes nothing.
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder

from safeground.cooperation import queries, services
from safeground.core.errors import StaleVersion, ValidationFailed

LISTS = {"parties", "partners", "topics", "tags"}
AREAS = {
    "partners": (
        queries.partners,
        queries.partner,
        queries.partner_properties,
        services.create_partner,
        services.edit_partner,
    ),
    "agreements": (
        queries.agreements,
        queries.agreement,
        lambda a: queries.agreement_properties(a, documents=True),
        services.create_agreement,
        services.edit_agreement,
    ),
    "visits": (
        queries.visits,
        queries.visit,
        lambda v: queries.visit_properties(v, detail=True),
        services.create_visit,
        services.edit_visit,
    ),
    "actions": (
        queries.actions,
        queries.action,
        queries.action_properties,
        services.create_action,
        services.edit_action,
    ),
    "trainings": (
        queries.joint_trainings,
        queries.joint_training,
        queries.training_properties,
        services.create_joint_training,
        services.edit_joint_training,
    ),
    "loans": (queries.loans, queries.loan, queries.loan_properties, services.create_loan, services.edit_loan),
    "lessons": (
        queries.lessons,
        queries.lesson,
        queries.lesson_properties,
        services.create_lesson,
        services.edit_lesson,
    ),
}


def _pairs(values: list[str]) -> dict:
    out: dict = {}
    for item in values:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise CommandError(f"--set FIELD=VALUE; got {item!r}")
        key = key.strip()
        out[key] = [v.strip() for v in value.split(",") if v.strip()] if key in LISTS else value
    return out


class Command(BaseCommand):
    help = (
        "The cooperation register (partners, agreements, visits, actions, joint training, loans) and lessons learned."
    )

    def add_arguments(self, parser):
        parser.add_argument("area", choices=sorted(AREAS))
        parser.add_argument("action", choices=["list", "show", "add", "edit", "done"])
        parser.add_argument("code", nargs="?")
        parser.add_argument("--set", action="append", default=[], metavar="FIELD=VALUE")
        parser.add_argument("--json", dest="json_file", help="a JSON file with the body (as the API's)")
        parser.add_argument(
            "--if-version", type=int, dest="expected", help="refuse unless the record is at this version"
        )
        parser.add_argument("--due-within", type=int, help="actions: open ones due within N days, overdue first")
        parser.add_argument("--q", help="lessons: search titles (every language), text and tags")
        parser.add_argument("--tag")
        parser.add_argument("--source")
        parser.add_argument("--language", help="lessons: show titles in this language where they have one")
        parser.add_argument("--user", help="the account the change is recorded under")

    def _print(self, data) -> None:
        self.stdout.write(json.dumps(data, ensure_ascii=False, cls=DjangoJSONEncoder))

    def handle(self, *args, **opts):
        listing, one, props, create, edit = AREAS[opts["area"]]
        area, action = opts["area"], opts["action"]
        user = None
        if opts.get("user"):
            from django.contrib.auth import get_user_model

            user = get_user_model().objects.filter(username=opts["user"]).first()
            if user is None:
                raise CommandError(f"no account {opts['user']!r}")
        if area == "lessons":
            props = lambda x: queries.lesson_properties(x, opts.get("language"))  # noqa: E731
        try:
            if action == "list":
                if area == "actions":
                    rows = (
                        queries.actions(due_within=opts["due_within"]) if opts["due_within"] is not None else listing()
                    )
                elif area == "lessons":
                    rows = queries.lessons(
                        q=opts["q"], tag=opts["tag"], source_kind=opts["source"], language=opts["language"]
                    )
                else:
                    rows = listing()
                for row in rows:
                    self._print(props(row))
                return
            body = _pairs(opts["set"])
            if opts.get("json_file"):
                with open(opts["json_file"], encoding="utf-8") as fh:
                    body = {**json.load(fh), **body}
            if action == "add":
                row = create(user=user, **body)
                self._print(props(one(row.code)))
                return
            if not opts.get("code"):
                raise CommandError(f"{area} {action} needs the record's code")
            row = one(opts["code"])
            if row is None:
                raise CommandError(f"no {area[:-1]} {opts['code']}")
            if action == "show":
                self._print(props(row))
                return
            if action == "done":
                if area != "actions":
                    raise CommandError("done: only actions are marked done")
                body = {"status": "done", **body}
            edit(row, user=user, expected_version=opts.get("expected"), **body)
            self._print(props(one(opts["code"])))
        except (ValidationFailed, StaleVersion) as exc:
            field = f" [{exc.field}]" if getattr(exc, "field", None) else ""
            raise CommandError(f"{exc}{field}") from exc
        except TypeError as exc:
            raise CommandError(str(exc)) from exc
