"""The manifest beside a backup: what the file is (SHA-256, database kind) and what it holds.

A JSON file `<backup>.manifest.json`, readable without SafeGround, so a damaged or swapped backup is
found before a restore overwrites anything, and a restore can prove it brought back every row.
"""

import datetime as dt
import hashlib
import json
from pathlib import Path

from config.backup.errors import BackupError
from config.backup.fingerprint import Fingerprint

FORMAT = "safeground-backup/1"


def path_for(backup: Path) -> Path:
    return backup.with_name(backup.name + ".manifest.json")


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(1 << 20):
            h.update(block)
    return h.hexdigest()


def write(backup: Path, kind: str, fingerprint: Fingerprint) -> Path:
    out = path_for(backup)
    data = {
        "format": FORMAT,
        "database": kind,
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "file": backup.name,
        "file_sha256": file_sha256(backup),
        **fingerprint.as_dict(),
    }
    out.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return out


def read(backup: Path, kind: str) -> tuple[dict, Fingerprint]:
    """The manifest of `backup`, checked against the file: refused if missing, unreadable or not matching."""
    path = path_for(backup)
    if not path.is_file():
        raise BackupError(
            f"no manifest {path} beside {backup}: it holds the counts and checksum a restore is checked against"
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != FORMAT:
            raise ValueError(f"format {data.get('format')!r}, expected {FORMAT!r}")
        fingerprint = Fingerprint.from_dict(data)
        expected_sha = data["file_sha256"]
        database = data["database"]
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise BackupError(f"manifest {path} is unreadable: {exc}") from exc
    if database != kind:
        raise BackupError(f"manifest {path} describes a {database} backup, but {backup} is a {kind} file")
    if file_sha256(backup) != expected_sha:
        raise BackupError(
            f"{backup} does not match its manifest {path} (SHA-256 differs): damaged, or not the file it describes"
        )
    if fingerprint.checksum != data.get("checksum") or fingerprint.rows != data.get("rows"):
        raise BackupError(f"manifest {path} is inconsistent: its tables do not add up to its checksum")
    return data, fingerprint
