"""`backup`, `restore` and `check`: the steps in order, each refusing before it changes anything."""

import os
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.db import connection

from config.backup import describe, manifest, postgres, sqlite
from config.backup import fingerprint as fp
from config.backup.errors import BackupError
from config.backup.kinds import check_backup_file, database_kind, database_label
from config.backup.snapshot import read_snapshot


@dataclass
class Result:
    """What a backup wrote or a restore found: the fingerprint, and the differences from the manifest."""

    fingerprint: fp.Fingerprint
    manifest: Path | None = None
    differences: tuple[str, ...] = ()


def backup(out: Path, *, force: bool = False) -> Result:
    """Copy the database to `out` and write its manifest, from one snapshot, while the server runs.

    The copy goes to `<out>.partial` and is renamed at the end, so a failed backup never leaves a
    file that looks complete.
    """
    out = Path(out)
    if out.is_dir():
        raise BackupError(f"{out} is a folder: give the backup file's name")
    if not out.parent.is_dir():
        raise BackupError(f"no such folder: {out.parent}")
    if out.exists() and not force:
        raise BackupError(f"{out} exists: pass --force to replace it")
    partial = out.with_name(out.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        with read_snapshot() as snapshot:
            if snapshot is None:
                sqlite.dump(partial)
            else:
                postgres.dump(partial, snapshot)
                taken = fp.take()
        if snapshot is None:
            taken = describe.of_file(partial)  # after the snapshot: writers wait for the copy only
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)
    return Result(fingerprint=taken, manifest=manifest.write(out, database_kind(), taken))


def holds_data() -> bool:
    """Whether the database has any account or any SafeGround record (what `migrate` alone does not write)."""
    existing = set(connection.introspection.table_names())
    ours = {config.label for config in apps.get_app_configs() if config.name.startswith("safeground.")}
    for model in apps.get_models():
        meta = model._meta
        if meta.db_table not in existing or not (meta.label == "auth.User" or meta.app_label in ours):
            continue
        if model._base_manager.exists():
            return True
    return False


def _verified(expected: fp.Fingerprint) -> Result:
    with read_snapshot():
        found = fp.take()
    return Result(fingerprint=found, differences=tuple(fp.differences(expected, found)))


def check(path: Path) -> Result:
    """Check `path` against its manifest and compare the database in use with it; change nothing."""
    path = Path(path)
    check_backup_file(path)
    _, expected = manifest.read(path, database_kind())
    (sqlite.check if database_kind() == "spatialite" else postgres.check)(path)
    return _verified(expected)


def restore(path: Path, *, force: bool = False) -> Result:
    """Replace the database with the backup at `path`, then prove it: counts, checksum, ledger."""
    path = Path(path)
    check_backup_file(path)
    kind = database_kind()
    _, expected = manifest.read(path, kind)
    (sqlite.check if kind == "spatialite" else postgres.check)(path)
    if not force and holds_data():
        raise BackupError(f"{database_label()} holds data: pass --force to replace it with {path}")
    (sqlite.load if kind == "spatialite" else postgres.load)(path)
    return _verified(expected)
