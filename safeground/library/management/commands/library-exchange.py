"""`safeground library-exchange ...`: the reference library's files and the merge of another programme's.

    safeground library-exchange export --format json|csv|zip --out FILE [--programme NAME]
    safeground library-exchange import FILE [--programme NAME]
    safeground library-exchange list
    safeground library-exchange show ID
    safeground library-exchange decide ID POSITION merge|create|skip [--target NAME]
    safeground library-exchange apply ID

See docs/library-exchange.md. Every write goes through library.merging, as the pages and the API do.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from safeground.core.errors import ValidationFailed


class Command(BaseCommand):
    help = "Export the reference library, import another programme's and merge it. See docs/library-exchange.md."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        p = sub.add_parser("export", help="write the library to a file")
        p.add_argument("--format", choices=["json", "csv", "zip"], default="zip")
        p.add_argument("--out", required=True)
        p.add_argument("--programme", default="", help="this programme's name, written into the file")
        p = sub.add_parser("import", help="read another programme's library and propose matches")
        p.add_argument("file")
        p.add_argument("--programme", default="")
        sub.add_parser("list", help="library imports, newest first")
        p = sub.add_parser("show", help="an import's matches and decisions")
        p.add_argument("id")
        p = sub.add_parser("decide", help="decide one incoming model (by its position in the file)")
        p.add_argument("id")
        p.add_argument("position", type=int)
        p.add_argument("decision", choices=["merge", "create", "skip"])
        p.add_argument("--target", help="merge: the model here (name or slug; default: the candidate)")
        p = sub.add_parser("apply", help="apply every decision")
        p.add_argument("id")

    def handle(self, *args, **o):
        try:
            getattr(self, "_" + o["action"])(o)
        except ValidationFailed as exc:
            raise CommandError(str(exc)) from exc

    def _one(self, import_id: str):
        from safeground.library import exchange_queries

        row = exchange_queries.one(import_id)
        if row is None:
            raise CommandError(f"no library import {import_id}")
        return row

    def _export(self, o):
        from safeground.library import exchange

        data, _type, _name = exchange.export(o["format"], o["programme"])
        out = Path(o["out"])
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(data)
        self.stdout.write(f"wrote {out} ({len(data):,} bytes, {o['format']})")

    def _import(self, o):
        from safeground.library import merging

        row = merging.receive(Path(o["file"]), programme=o["programme"])
        self.stdout.write(f"import {row.pk}: {row.matches.count()} models, waiting for decisions")
        self._show({"id": str(row.pk)})

    def _list(self, o):
        from safeground.library import exchange_queries

        for row in exchange_queries.imports()[:100]:
            self.stdout.write(f"{row.pk}  {row.created_at:%Y-%m-%d %H:%M}  {row.status:8} {row.source}")

    def _show(self, o):
        from safeground.library import exchange_queries

        row = self._one(o["id"])
        self.stdout.write(f"{row.source} ({row.programme or 'programme not named'}): {row.get_status_display()}")
        for m in exchange_queries.matches(row):
            here = m.candidate.name if m.candidate else "-"
            target = f" -> {m.target.name}" if m.target and m.decision == "merge" else ""
            self.stdout.write(f"{m.position:4}  {m.name:30} {m.matched_by:5} {here:30} {m.decision}{target}")
        if row.summary:
            self.stdout.write(", ".join(f"{k} {v}" for k, v in row.summary.items()))

    def _decide(self, o):
        from safeground.library import exchange_queries, merging

        row = self._one(o["id"])
        match = exchange_queries.match_at(row, o["position"])
        if match is None:
            raise CommandError(f"no model at position {o['position']} in this import")
        target = None
        if o.get("target"):
            target = exchange_queries.find_model(o["target"])
            if target is None:
                raise CommandError(f"target: no model {o['target']!r} here")
        m = merging.decide(match, o["decision"], target=target)
        self.stdout.write(f"{m.position} {m.name}: {m.decision}" + (f" into {m.target.name}" if m.target else ""))

    def _apply(self, o):
        from safeground.library import merging

        row = merging.apply(self._one(o["id"]))
        self.stdout.write("applied: " + ", ".join(f"{k} {v}" for k, v in row.summary.items()))
