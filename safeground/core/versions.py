"""Optimistic locking for editable records: a `version` that every change raises, and `If-Match`.

A client reads a record with its version, and sends the change with `If-Match: "<version>"`. When
someone else changed the record in between, the write is refused (`StaleVersion`, HTTP 412) instead
of silently overwriting their change. Without `If-Match` the change applies to the current version.
"""

from __future__ import annotations

import re

from safeground.core.errors import StaleVersion, ValidationFailed

_IF_MATCH = re.compile(r'^\s*(?:W/)?"?(\d{1,9})"?\s*$')


def if_match(request) -> int | None:
    """The version an `If-Match` header names ("3", W/"3" or 3); None without the header."""
    header = request.headers.get("If-Match")
    if header is None or header.strip() == "*":
        return None
    found = _IF_MATCH.match(header)
    if found is None:
        raise ValidationFailed(
            f'If-Match must name a version, e.g. "3"; got {header[:40]!r}', field="If-Match", reason="format"
        )
    return int(found.group(1))


def check(record, expected: int | None, what: str) -> None:
    """Refuse a change made to an older version (`expected`) of the record than the stored one."""
    if expected is not None and expected != record.version:
        raise StaleVersion(what, expected, record.version)


def advance(record, expected: int | None, what: str) -> None:
    """`check`, then raise the record's version. Call on a row locked for the change
    (`select_for_update`), before saving it."""
    check(record, expected, what)
    record.version += 1
