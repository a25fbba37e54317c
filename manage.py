#!/usr/bin/env python
"""Django's manage.py; the `safeground` console script does the same and more."""

from safeground.core.cli import main

if __name__ == "__main__":
    main()
