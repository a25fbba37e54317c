"""`safeground backup OUT [--force]`: the whole database to one file plus its manifest, while serving.

SpatiaLite through SQLite's online backup API, PostgreSQL through `pg_dump --format=custom`;
`config/backup/` does the work (it reads every app's tables, so it sits at the top, decision 0018).
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from config.backup.errors import BackupError
from config.backup.kinds import database_label
from config.backup.operations import backup


class Command(BaseCommand):
    help = "Back up the database (SpatiaLite or PostgreSQL) to OUT, with OUT.manifest.json (counts, checksum)."

    def add_arguments(self, parser):
        parser.add_argument("out", type=Path, help="the backup file to write")
        parser.add_argument("--force", action="store_true", help="replace OUT if it exists")

    def handle(self, *args, out: Path, force: bool, **options):
        try:
            result = backup(out, force=force)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        taken = result.fingerprint
        self.stdout.write(
            f"backed up {database_label()} to {out}: {len(taken.tables)} tables, {taken.rows} rows, "
            f"checksum {taken.checksum[:16]}; manifest {result.manifest}"
        )
        if taken.ledger_problems:
            problems = len(taken.ledger_problems)
            self.stderr.write(
                f"warning: the ledger had {problems} problems at backup time (`safeground ledger verify`)"
            )
