"""Human codes: `<stem>-<KIND>-<000123>`, unique per programme, numbered per stem.

One rule for every writer (services, bulk services, importer, demo): a new code takes the next number
after the highest one already used by its stem and kind, in the table or among codes already taken
in the same write. `next_code` asks for one; `allocate_codes` for many at once, reading the highest
numbers of all their stems in one query (index ranges per stem, or one range read for many stems).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from django.db import connections
from django.db.models import F, Model, Q
from django.db.models.functions import Collate

from safeground.core.locks import serialise

#: Up to this many stems, one query of an index range per stem (two parameters each on SQLite: under
#: its 999-variable limit); more stems, one ordered read of the codes between the first and the last.
STEMS_PER_QUERY = 400


def format_code(stem: str, kind: str, number: int, width: int = 6) -> str:
    return f"{stem}-{kind}-{number:0{width}d}"


def highest_numbers(model: type[Model], kind: str, stems: Iterable[str], taken: Iterable[str] = ()) -> dict[str, int]:
    """The highest number used by each stem's `<stem>-<KIND>-<n>` codes (0 for an unused stem).

    Reads the table (one query per STEMS_PER_QUERY stems) and the `taken` codes (already chosen in this
    write but not yet stored). Codes with a suffix after the number (`…-LR-001-2`) don't count. One query.
    """
    wanted = sorted(set(stems))
    highest = dict.fromkeys(wanted, 0)
    if not wanted:
        return highest
    pattern = re.compile(r"^(.*)-" + re.escape(kind) + r"-(\d+)$")
    db = model._default_manager.db
    vendor = connections[db].vendor

    def count(code: str) -> None:
        m = pattern.match(code)
        if m and m.group(1) in highest:
            highest[m.group(1)] = max(highest[m.group(1)], int(m.group(2)))

    if len(wanted) > STEMS_PER_QUERY:
        # Many stems: one ordered read of the codes between the first and the last stem beats hundreds
        # of OR-ed ranges; compared bytewise ("C") whatever the database's collation.
        low, high = f"{wanted[0]}-", _after(f"{wanted[-1]}-")
        code = Collate("code", "C") if vendor == "postgresql" else F("code")
        rows = model._default_manager.annotate(c=code).filter(c__gte=low, c__lt=high).values_list("code", flat=True)
        for found in rows.iterator(chunk_size=20_000):
            count(found)
    else:
        condition = Q()
        for stem in wanted:
            condition |= _starts_with(f"{stem}-{kind}-", vendor)
        for found in model._default_manager.filter(condition).values_list("code", flat=True).iterator(chunk_size=5000):
            count(found)
    for code in taken:
        count(code)
    return highest


def _starts_with(prefix: str, vendor: str) -> Q:
    """Codes starting with `prefix`, in a form the unique index on `code` answers.

    SQLite compares text bytewise (BINARY), so a range is an index range; its LIKE is case-insensitive
    and can't use that index. PostgreSQL's LIKE 'prefix%' uses the pattern-ops index Django adds to
    unique text columns, whatever the database's collation (where a range might not).
    """
    if vendor == "sqlite":
        return Q(code__gte=prefix, code__lt=_after(prefix))
    return Q(code__startswith=prefix)


def _after(prefix: str) -> str:
    """The first string after every string starting with `prefix` (bytewise)."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


#: Up to this many stems, a write locks the numbering of each of its stems; more (a bulk load), the
#: numbering of the whole table and kind.
STEM_LOCKS = 50


def allocate_codes(
    model: type[Model], kind: str, stems: Sequence[str], width: int = 6, taken: Iterable[str] = ()
) -> list[str]:
    """One new code per entry of `stems`, in the order given: each stem numbered on from its highest number.

    `stems` may repeat: ["KH02", "KH02", "KH05"] gives KH02-HAZ-000124, KH02-HAZ-000125, KH05-HAZ-000008.
    `taken`: codes already chosen in the same write (given explicitly by the caller), never reused.
    Call it inside the write's transaction, so that concurrent writers number one after the other.
    """
    # Concurrent writers number one after the other: two reading the same highest number would both
    # take the next one, and the second would fail on the unique code.
    serialise(f"{model._meta.db_table}:{kind}", stems, each_up_to=STEM_LOCKS)
    base = highest_numbers(model, kind, stems, taken)
    out = []
    for stem in stems:
        base[stem] += 1
        out.append(format_code(stem, kind, base[stem], width))
    return out


def next_code(model: type[Model], prefix: str, kind: str, width: int = 6) -> str:
    """The next free code for `prefix` and `kind` (e.g. KH02-HAZ-000124)."""
    return allocate_codes(model, kind, [prefix], width)[0]
