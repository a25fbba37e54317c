"""The `safeground` console script: every Django management command, plus SafeGround's own.

`safeground demo`, `safeground gazetteer load`, `safeground token create`, `safeground serve` are
management commands of the apps; `safeground migrate` and friends are Django's.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv if argv is None else argv)
    argv[0] = "safeground"
    execute_from_command_line(argv)
