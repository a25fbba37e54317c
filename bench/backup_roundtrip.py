"""Benchmark: a backup → change → restore round trip, against a plain copy of the same database.

    SAFEGROUND_DATABASE_URL=spatialite:////tmp/sg-small.sqlite python bench/backup_roundtrip.py OUT_DIR
    SAFEGROUND_DATABASE_URL=postgis://postgres@127.0.0.1:5432/sg_small python bench/backup_roundtrip.py OUT_DIR

Run against a scratch database holding a demo (`safeground demo --scale small --no-serve`): the
round trip deletes rows and then restores over them. Prints the time of `backup` (copy + manifest:
counts, checksum, ledger check), of `restore` (load + the same verification), of the fingerprint
alone, and of the reference (a file copy of the SQLite database; a plain `pg_dump --format=custom`),
the ratio backup/reference, and whether the checksum after the restore equals the manifest's.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from config.backup import fingerprint, manifest, operations  # noqa: E402
from config.backup.kinds import database_label  # noqa: E402


def _timed(action) -> tuple[float, object]:
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def _reference(out_dir: Path) -> float:
    """The plain copy, without manifest or checks: a file copy, or pg_dump with default options."""
    if connection.vendor != "postgresql":
        return _timed(lambda: shutil.copyfile(connection.settings_dict["NAME"], out_dir / "reference.sqlite"))[0]
    conf = connection.settings_dict
    args = ["pg_dump", "--format=custom", "--file", str(out_dir / "reference.dump"), "--dbname", conf["NAME"]]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if conf.get(key):
            args += [flag, str(conf[key])]
    env = {**os.environ, **({"PGPASSWORD": conf["PASSWORD"]} if conf.get("PASSWORD") else {})}
    return _timed(lambda: subprocess.run(args, env=env, check=True))[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path)
    out_dir = parser.parse_args().out_dir
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / ("roundtrip.dump" if connection.vendor == "postgresql" else "roundtrip.sqlite")

    reference_s = _reference(out_dir)
    backup_s, _ = _timed(lambda: operations.backup(out, force=True))
    saved = json.loads(manifest.path_for(out).read_text())
    fingerprint_s, _ = _timed(fingerprint.take)

    from safeground.landrelease.models import Device

    deleted = Device.objects.all().delete()[0]  # the change the restore must undo (a scratch database)
    restore_s, result = _timed(lambda: operations.restore(out, force=True))

    print(f"database: {database_label()}; {len(saved['tables'])} tables, {saved['rows']:,} rows")
    print(f"backup file: {out.stat().st_size / 1e6:.1f} MB; rows deleted before the restore: {deleted:,}")
    print(f"reference (plain copy): {reference_s:.2f} s")
    print(f"backup (copy + manifest): {backup_s:.2f} s; ratio backup/reference: {backup_s / reference_s:.1f}")
    print(f"fingerprint alone (counts, checksum, ledger verify): {fingerprint_s:.2f} s")
    print(f"restore (load + verification): {restore_s:.2f} s")
    identical = result.fingerprint.checksum == saved["checksum"] and not result.differences
    print(f"checksum after restore {result.fingerprint.checksum[:16]}, manifest {saved['checksum'][:16]}: ", end="")
    print("identical" if identical else "DIFFERENT: " + "; ".join(result.differences))


if __name__ == "__main__":
    main()
