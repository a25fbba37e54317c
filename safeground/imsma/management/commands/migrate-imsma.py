"""`safeground migrate-imsma --from URL`: bring a national IMSMA NG v6 database across (docs/imsma-migration.md).

    safeground migrate-imsma --from postgresql://reader@ng-host/imsma --write-mapping mapping.yaml
    safeground migrate-imsma --from postgresql://reader@ng-host/imsma --mapping mapping.yaml --dry-run
    safeground migrate-imsma --from postgresql://reader@ng-host/imsma --mapping mapping.yaml --as im-officer

NG is only read. Bad input (a database that can't be opened or isn't NG v6, a mapping file that can't be
used, an unknown account or country) stops the command with its reason before anything is written.
The reconciliation report goes to DIR/report.html and DIR/report.csv (default var/imsma/<run id>/) and
to the /imsma/ pages. (The file is named after the command, as Django names commands after their module.)
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from safeground.gazetteer.models import Programme
from safeground.imsma.enums import MappingError
from safeground.imsma.migrate import migrate, write_mapping
from safeground.imsma.reconcile import OUTCOMES, Reconciliation
from safeground.imsma.report import number, render_csv, render_html
from safeground.imsma.source import SourceError

NOTHING = "Nothing was written."


def default_report_dir() -> Path:
    return Path(settings.BASE_DIR) / "var" / "imsma"


def _refused(exc: Exception) -> CommandError:
    message = str(exc).rstrip()
    if "Nothing was" not in message:
        message = f"{message}. {NOTHING}" if not message.endswith(".") else f"{message} {NOTHING}"
    return CommandError(message)


class Command(BaseCommand):
    help = (
        "Migrate a national IMSMA NG v6 database (PostgreSQL, read only) into SafeGround: every record, geometry, "
        "value list and version, through SafeGround's services, with a reconciliation report (HTML and CSV). "
        "Start with --write-mapping, review the file, try --dry-run, then run; running again updates what "
        "changed in NG."
    )

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="url", required=True, metavar="URL", help="the NG database, postgresql://…")
        parser.add_argument("--mapping", metavar="FILE.yaml", help="the reviewed value-list mapping (--write-mapping)")
        parser.add_argument("--dry-run", action="store_true", help="do everything, then roll back: the report only")
        parser.add_argument(
            "--country", metavar="ISO3", help="the programme it goes into (default: the only one, if there is one)"
        )
        parser.add_argument("--as", dest="as_user", metavar="USERNAME", help="the account the history names")
        parser.add_argument("--report", metavar="DIR", help="where to write report.html and report.csv")
        parser.add_argument(
            "--write-mapping",
            metavar="FILE",
            help="write a starting mapping (every NG value in use, with a guessed choice) to FILE and stop",
        )
        parser.add_argument(
            "--far-m",
            type=float,
            default=5000.0,
            metavar="METRES",
            help="a point farther than this from its shape's other points is reported (default 5000)",
        )
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, **opts):
        if opts["write_mapping"]:
            return self._write_mapping(opts["url"], Path(opts["write_mapping"]))
        country = self._country(opts["country"])
        user = self._user(opts["as_user"])
        if opts["far_m"] <= 0:
            raise CommandError(f"--far-m must be a positive distance in metres, not {opts['far_m']:g}")
        if opts["mapping"] and not Path(opts["mapping"]).is_file():
            raise CommandError(f"mapping file {opts['mapping']}: no such file. {NOTHING}")
        folder = Path(opts["report"]) if opts["report"] else None
        self._writable(folder or default_report_dir())
        progress = None if opts["no_progress"] else (lambda table: sys.stderr.write(f"{table}…\n"))
        try:
            run = migrate(
                opts["url"],
                country=country,
                mapping=opts["mapping"],
                dry_run=opts["dry_run"],
                user=user,
                far_m=opts["far_m"],
                progress=progress,
            )
        except (SourceError, MappingError) as exc:
            raise _refused(exc) from exc
        rec = Reconciliation.from_dict(run.report)
        folder = folder or default_report_dir() / str(run.pk)
        html, csv_path = self._write_report(rec, run, folder)
        self._summary(rec, run)
        self.stdout.write(f"report: {html}")
        self.stdout.write(f"        {csv_path}")
        self.stdout.write(f"page:   /imsma/{run.pk}/")

    # ------------------------------------------------------------------------------------------------

    def _write_mapping(self, url: str, path: Path) -> None:
        try:
            text = write_mapping(url)
        except SourceError as exc:
            raise _refused(exc) from exc
        try:
            path.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"cannot write {path}: {exc.strerror}") from exc
        entries = sum(1 for line in text.splitlines() if line and not line.startswith((" ", "#")))
        self.stdout.write(
            f"wrote {path}: {entries} value list(s) with a guessed SafeGround choice for each NG value in use. "
            f"Review it, then run with --mapping {path} --dry-run."
        )

    def _country(self, given: str | None) -> str:
        known = list(Programme.objects.order_by("iso3").values_list("iso3", flat=True))
        if given:
            if given.upper() not in known:
                raise CommandError(
                    f"--country {given}: no programme for this country here (programmes: "
                    f"{', '.join(known) or 'none'}); load its reference data first. {NOTHING}"
                )
            return given.upper()
        if len(known) == 1:
            return known[0]
        if not known:
            raise CommandError(f"there is no programme here: load the country's reference data first. {NOTHING}")
        raise CommandError(
            f"--country is required: there are {len(known)} programmes here ({', '.join(known)}); "
            f"name the one the NG database belongs to. {NOTHING}"
        )

    def _user(self, username: str | None):
        if not username:
            return None
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"--as names the account the history records as the author; no user named {username!r}")
        return user

    def _writable(self, folder: Path) -> None:
        """Refuse a report folder that can't be written before the migration, without making it yet."""
        existing = folder.absolute()
        while not existing.exists() and existing != existing.parent:
            existing = existing.parent
        if not existing.is_dir() or not os.access(existing, os.W_OK):
            raise CommandError(f"cannot write the report in {folder}: {existing} is not a writable folder. {NOTHING}")

    def _write_report(self, rec: Reconciliation, run, folder: Path) -> tuple[Path, Path]:
        html, csv_path = folder / "report.html", folder / "report.csv"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            html.write_text(render_html(rec, run), encoding="utf-8")
            csv_path.write_text(render_csv(rec), encoding="utf-8", newline="")
        except OSError as exc:  # the run is kept: its report is on the /imsma/ page
            raise CommandError(
                f"the migration finished but its report could not be written in {folder}: {exc.strerror}; "
                f"it is on the page /imsma/{run.pk}/"
            ) from exc
        return html, csv_path

    def _summary(self, rec: Reconciliation, run) -> None:
        header = ["table", "read", *OUTCOMES]
        width = max([len(h) for h in header] + [len(t) for t in rec.tables])
        self.stdout.write("  ".join(h.ljust(width) if i == 0 else h.rjust(9) for i, h in enumerate(header)))
        for name, count in rec.tables.items():
            cells = [str(count.read), *(str(getattr(count, o)) for o in OUTCOMES)]
            flag = "" if count.balanced else "  NOT BALANCED"
            self.stdout.write(name.ljust(width) + "  " + "  ".join(c.rjust(9) for c in cells) + flag)
        for (table, cause), n in sorted(rec.causes("refused").items()):
            self.stdout.write(f"refused: {n} {table} ({cause})")
        differ = [t for t in rec.totals if not t.equal]
        for t in differ:
            figures = f"NG {number(t.source)}, SafeGround {number(t.target)} {t.unit}".rstrip()
            self.stdout.write(f"total differs: {t.name} {t.key}: {figures}")
        verdict = "balanced" if rec.balanced() else "NOT balanced: some rows read have no outcome"
        if rec.dry_run:
            self.stdout.write(f"dry run ({verdict}): nothing was written; the report says what a run would do")
        else:
            self.stdout.write(f"migrated into {run.country} ({verdict})")
