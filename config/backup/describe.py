"""The fingerprint of a SpatiaLite backup file, taken in a process of its own that opens the copy.

Counting and hashing every row and verifying the ledger takes far longer than the page copy (on
the small demo ≈ 11 s against ≈ 1 s). Done on the live database inside the backup's snapshot, it
would hold the snapshot's read lock that long, and in a rollback-journal database every writer
would wait for it; done on the copy, the lock lasts only the copy. A separate process, because the
ORM (which the ledger check reads through) serves one database per alias and this one is the copy.

    python -m config.backup.describe FILE   # prints the fingerprint as JSON
"""

import json
import os
import subprocess
import sys
from pathlib import Path

from config.backup.errors import BackupError
from config.backup.fingerprint import Fingerprint

ROOT = Path(__file__).resolve().parent.parent.parent


def of_file(path: Path) -> Fingerprint:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SAFEGROUND_DATABASE_URL": f"spatialite:///{path.resolve().as_posix()}",
    }
    done = subprocess.run(
        [sys.executable, "-m", "config.backup.describe", str(path)], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if done.returncode != 0:
        detail = (done.stderr.strip().splitlines() or [f"exit status {done.returncode}"])[-1]
        raise BackupError(f"counting the rows of {path} failed: {detail}")
    return Fingerprint.from_dict(json.loads(done.stdout))


def main() -> None:
    import django

    django.setup()
    from django.db import connections

    from config.backup import fingerprint
    from config.backup.snapshot import read_snapshot

    with read_snapshot():
        taken = fingerprint.take()
    connections.close_all()
    print(json.dumps(taken.as_dict()))


if __name__ == "__main__":
    main()
