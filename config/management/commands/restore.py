"""`safeground restore IN [--force] [--check]`: put a backup back and prove it, while serving.

After restoring, the counts and checksum of every table and the ledger are compared with the
manifest written by `safeground backup`; any difference is listed and exits non-zero.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from config.backup.errors import BackupError
from config.backup.kinds import database_label
from config.backup.operations import check, restore


class Command(BaseCommand):
    help = "Restore the database from a `safeground backup` file and verify it against its manifest."

    def add_arguments(self, parser):
        parser.add_argument("backup", type=Path, help="the backup file (its manifest lies beside it)")
        parser.add_argument("--force", action="store_true", help="replace a database that holds data")
        parser.add_argument(
            "--check",
            action="store_true",
            help="change nothing: check the file against its manifest and compare the database in use with it",
        )

    def handle(self, *args, backup: Path, force: bool, check: bool, **options):
        try:
            result = (_check if check else restore)(backup, force=force)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        found = result.fingerprint
        summary = f"{len(found.tables)} tables, {found.rows} rows, checksum {found.checksum[:16]}"
        if check:
            self.stdout.write(f"{backup} matches its manifest")
            if result.differences:
                self.stdout.write(f"{database_label()} differs from it:\n  " + "\n  ".join(result.differences))
            else:
                self.stdout.write(f"{database_label()} is identical to it ({summary})")
            return
        if result.differences:
            raise CommandError(
                f"restored {backup} into {database_label()}, but it differs from the manifest:\n  "
                + "\n  ".join(result.differences)
            )
        ledger = (
            f"the ledger has the same {len(found.ledger_problems)} problems as at backup time"
            if found.ledger_problems
            else "ledger verified"
        )
        self.stdout.write(f"restored {backup} into {database_label()}: verified ({summary}, {ledger})")


def _check(backup: Path, *, force: bool):
    return check(backup)
