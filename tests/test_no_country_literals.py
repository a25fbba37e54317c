"""Countries are data (programme profiles), not code: no demo country's ISO3 code outside the demo,
the reference-data loader, migrations (history) and tests (issue 12)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCANNED = ("safeground", "config", "templates", "static/js")
SUFFIXES = {".py", ".html", ".js", ".txt", ".json", ".yaml", ".yml"}
ALLOWED = (
    re.compile(r"(^|/)tests/"),
    re.compile(r"(^|/)migrations/"),
    re.compile(r"(^|/)demo\.py$"),
    re.compile(r"^safeground/demo/"),
    re.compile(r"^safeground/gazetteer/loaders/"),
)
LITERAL = re.compile(r"\b(KHM|AZE)\b")


def test_no_demo_country_code_outside_the_demo_and_the_reference_loader():
    found = []
    scanned = 0
    for top in SCANNED:
        for path in sorted((ROOT / top).rglob("*")):
            rel = path.relative_to(ROOT).as_posix()
            if path.suffix not in SUFFIXES or any(rule.search(rel) for rule in ALLOWED):
                continue
            scanned += 1
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
                if LITERAL.search(line):
                    found.append(f"{rel}:{number}: {line.strip()[:100]}")
    assert scanned > 200  # the scan reached the code
    assert found == [], "country codes written into the code:\n" + "\n".join(found)


def test_the_scan_would_see_one():
    assert LITERAL.search('COUNTRIES = ("KHM", "AZE")') and not LITERAL.search("KHMER AZEROTH")
    assert not any(rule.search("safeground/portal/views.py") for rule in ALLOWED)
    assert any(rule.search("safeground/victims/demo.py") for rule in ALLOWED)
