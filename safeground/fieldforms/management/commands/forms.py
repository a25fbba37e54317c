"""`safeground forms …`: the field forms generated from the model (docs/field-forms.md).

safeground forms build [--out DIR]   regenerate every form; a changed one gets a new version
safeground forms list                the forms and their versions
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from safeground.core.errors import ValidationFailed
from safeground.fieldforms import queries, services


class Command(BaseCommand):
    help = "Field forms (XLSForm/XForm for ODK Collect and Central) generated from the model."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        p = sub.add_parser("build", help="regenerate every form; print each version, new or unchanged")
        p.add_argument("--out", help="also write FORM.xlsx, FORM.xml and FORM-media/ per form into this folder")
        sub.add_parser("list", help="the forms and their versions")

    def handle(self, *args, **options):
        if options["action"] == "build":
            try:
                result = services.build()
            except ValidationFailed as exc:
                raise CommandError(str(exc)) from exc
            for built in result:
                state = "new" if built.new else "unchanged"
                self.stdout.write(f"{built.form_id:<12} {built.version}  {state:<9}  {built.title}")
            if options.get("out"):
                self._write(Path(options["out"]))
        else:
            rows = queries.versions()
            if not rows:
                self.stdout.write("no form built yet: run `safeground forms build`")
            for row in rows:
                self.stdout.write(f"{row.form_id:<12} {row.version}  {row.state:<8}  {row.created_at:%Y-%m-%d %H:%M}")

    def _write(self, out: Path) -> None:
        try:
            for listed in queries.current_forms():
                form = queries.current(listed.form_id)
                assert form is not None
                out.mkdir(parents=True, exist_ok=True)
                (out / f"{form.form_id}.xlsx").write_bytes(bytes(form.xlsform))
                (out / f"{form.form_id}.xml").write_text(form.xform, encoding="utf-8")
                for item in form.media.all():
                    folder = out / f"{form.form_id}-media"
                    folder.mkdir(exist_ok=True)
                    (folder / item.filename).write_bytes(bytes(item.content))
        except OSError as exc:
            raise CommandError(f"cannot write into {out}: {exc.strerror}") from exc
        self.stdout.write(f"written to {out}")
