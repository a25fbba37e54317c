"""The `safeground` console script: every Django management command, plus SafeGround's own.

`safeground demo`, `safeground gazetteer load`, `safeground ledger`, `safeground token create`,
`safeground serve` are management commands of the apps and of `config` (serve); `safeground migrate` and
friends are Django's.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv if argv is None else argv)
    argv[0] = "safeground"
    try:
        execute_from_command_line(argv)
        code = 0
    except SystemExit as exc:
        if isinstance(exc.code, str):
            print(exc.code, file=sys.stderr)
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    _exit_without_destructors(code)


def _exit_without_destructors(code: int) -> None:
    """Exit once the work is done and committed, skipping C library destructors.

    Two copies of PROJ can be loaded in one process (the system's, through SpatiaLite/GDAL, and
    pyproj's own); at interpreter shutdown their destructors may free the same memory twice and
    abort with "double free or corruption" (exit 134) after a command has already succeeded.
    """
    from django.db import connections

    connections.close_all()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
