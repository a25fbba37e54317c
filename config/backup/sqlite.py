"""SpatiaLite: copy with SQLite's online backup API, page by page, through Django's own connection.

Through the connection, not the file: the copy is the snapshot the caller holds (snapshot.py), and a
restore writes through SQLite's pager under its locks, so the server's connections see either the old
database or the restored one, never a file being overwritten under them.
"""

from pathlib import Path
from sqlite3 import dbapi2 as Database  # as Django imports it: pysqlite3 where the settings swapped it in

from django.db import connection

from config.backup.errors import BackupError


def _raw():
    connection.ensure_connection()
    return connection.connection


def dump(out: Path) -> None:
    """Copy the database as the current snapshot sees it into `out` (a new SQLite file)."""
    target = Database.connect(str(out))
    try:
        _raw().backup(target)
    except Database.Error as exc:
        raise BackupError(f"SQLite backup of {connection.settings_dict['NAME']} to {out} failed: {exc}") from exc
    finally:
        target.close()


def check(path: Path) -> None:
    """Refuse a damaged SQLite file before anything is overwritten (`PRAGMA quick_check`)."""
    try:
        source = Database.connect(f"file:{path.resolve()}?mode=ro", uri=True)
        try:
            result = source.execute("PRAGMA quick_check").fetchone()[0]
        finally:
            source.close()
    except Database.Error as exc:
        raise BackupError(f"{path} cannot be read as an SQLite database: {exc}") from exc
    if result != "ok":
        raise BackupError(f"{path} is damaged (SQLite quick_check: {result})")


def load(path: Path) -> None:
    """Replace the whole database with the backup `path`, in one step under SQLite's write lock."""
    raw = _raw()
    if connection.in_atomic_block:
        raise BackupError("restore must run outside a transaction")
    source = Database.connect(f"file:{path.resolve()}?mode=ro", uri=True)
    try:
        source.backup(raw)
    except Database.Error as exc:
        raise BackupError(f"SQLite restore of {path} into {connection.settings_dict['NAME']} failed: {exc}") from exc
    finally:
        source.close()
