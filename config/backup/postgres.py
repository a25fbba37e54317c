"""PostgreSQL: `pg_dump --format=custom` from the caller's snapshot, `pg_restore` in one transaction.

`--single-transaction` makes a restore all or nothing: the server's sessions see the old database
until the restore commits, and a failed restore leaves it as it was. `--clean --if-exists` drops
each object of the dump before recreating it; `--no-owner` lets a database owner who is not the
dump's owner restore it.
"""

import os
import shutil
import subprocess
from pathlib import Path

from django.db import connection

from config.backup.errors import BackupError


def _program(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"{name} not found on PATH ({os.environ.get('PATH', '')}): install the PostgreSQL client tools"
        )
    return path


def _target() -> tuple[list[str], dict[str, str]]:
    """Connection arguments and environment (the password goes in PGPASSWORD, never on the command line)."""
    conf = connection.settings_dict
    args = ["--dbname", conf["NAME"]]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if conf.get(key):
            args += [flag, str(conf[key])]
    env = dict(os.environ)
    if conf.get("PASSWORD"):
        env["PGPASSWORD"] = str(conf["PASSWORD"])
    return args, env


def _run(name: str, args: list[str], what: str) -> None:
    conn_args, env = _target()
    try:
        done = subprocess.run([_program(name), *args, *conn_args], env=env, capture_output=True, text=True)
    except OSError as exc:
        raise BackupError(f"{name} could not run: {exc}") from exc
    if done.returncode != 0:
        detail = next((line for line in done.stderr.splitlines() if line.strip()), f"exit status {done.returncode}")
        raise BackupError(f"{what} failed: {detail}")


def dump(out: Path, snapshot: str) -> None:
    """Dump the database as the exported `snapshot` sees it into `out`."""
    _run(
        "pg_dump",
        ["--format=custom", f"--snapshot={snapshot}", "--file", str(out)],
        f"pg_dump of {connection.settings_dict['NAME']} to {out}",
    )


def check(path: Path) -> None:
    """Refuse an archive pg_restore cannot read (damaged or cut short) before anything is dropped."""
    try:
        done = subprocess.run([_program("pg_restore"), "--list", str(path)], capture_output=True, text=True)
    except OSError as exc:
        raise BackupError(f"pg_restore could not run: {exc}") from exc
    if done.returncode != 0:
        detail = next((line for line in done.stderr.splitlines() if line.strip()), f"exit status {done.returncode}")
        raise BackupError(f"{path} cannot be read by pg_restore: {detail}")


def load(path: Path) -> None:
    """Replace the dumped objects with the backup's, all in one transaction."""
    connection.close()  # our own session must hold no lock on the tables being dropped
    _run(
        "pg_restore",
        ["--clean", "--if-exists", "--no-owner", "--single-transaction", "--exit-on-error", str(path)],
        f"pg_restore of {path} into {connection.settings_dict['NAME']}",
    )
