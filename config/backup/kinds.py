"""Which database is in use and which kind of file a backup is, read from the first bytes."""

from pathlib import Path

from django.db import connection

from config.backup.errors import BackupError

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_CUSTOM_MAGIC = b"PGDMP"
NAMES = {"spatialite": "a SpatiaLite database", "postgis": "a pg_dump custom-format archive"}
ENGINES = {"spatialite": "SpatiaLite", "postgis": "PostgreSQL"}


def database_kind() -> str:
    """`spatialite` or `postgis`: the engine behind SAFEGROUND_DATABASE_URL."""
    return "postgis" if connection.vendor == "postgresql" else "spatialite"


def database_label() -> str:
    """The database in words, for messages: the file, or host/name (never the password)."""
    conf = connection.settings_dict
    if database_kind() == "spatialite":
        return f"SpatiaLite {conf['NAME']}"
    return f"PostgreSQL {conf.get('HOST') or 'localhost'}:{conf.get('PORT') or 5432}/{conf['NAME']}"


def file_kind(path: Path) -> str | None:
    """`spatialite`, `postgis` or None (neither) from the file's signature."""
    with path.open("rb") as f:
        head = f.read(len(SQLITE_MAGIC))
    if head == SQLITE_MAGIC:
        return "spatialite"
    if head.startswith(PG_CUSTOM_MAGIC):
        return "postgis"
    return None


def check_backup_file(path: Path) -> None:
    """Refuse a missing file, a folder, or a backup of the other kind of database."""
    if not path.exists():
        raise BackupError(f"no such backup file: {path}")
    if not path.is_file():
        raise BackupError(f"not a file: {path}")
    kind, expected = file_kind(path), database_kind()
    if kind is None:
        raise BackupError(f"{path} is not a SafeGround backup: expected {NAMES[expected]} for {database_label()}")
    if kind != expected:
        raise BackupError(
            f"{path} is {NAMES[kind]}, but the database in use is {database_label()}: "
            f"restore it into a {ENGINES[kind]} database (SAFEGROUND_DATABASE_URL)"
        )
