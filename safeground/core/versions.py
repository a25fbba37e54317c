"""Optimistic locking for editable records: a `version` that every change raises, and `If-Match`.

A client reads a record with its version (the API's ETag), and sends the change with
`If-Match: "<version>"`. When someone else changed the record in between, the write is refused
(`StaleVersion`, HTTP 412) instead of silently overwriting their change. The API's PATCH operations
need the header (`required`: 428 without it); the services, the CLI and imports may omit it, and
their change applies to the current version (decision 0019).
"""

from __future__ import annotations

import re

from safeground.core.errors import PreconditionRequired, StaleVersion, ValidationFailed

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


def required(request, record, what: str) -> int | None:
    """The version `If-Match` names; `PreconditionRequired` (428) without the header. `*` (any
    version) is taken as asked: the change applies to the current version."""
    if request.headers.get("If-Match") is None:
        raise PreconditionRequired(what, record.version)
    return if_match(request)


def etag(record) -> str:
    """The ETag of a record: its version, quoted."""
    return tag(record.version)


def tag(version: int) -> str:
    """A version as an ETag (for answers built from a row rather than a model instance)."""
    return f'"{version}"'


def lock(record, expected: int | None, what: str):
    """Re-read `record` locked for the change (`select_for_update`; on SQLite the transaction already
    holds the write lock), refuse a stale `expected` version, and raise the version: every field is
    then the stored one, so the caller's change never carries another writer's older values back.
    Call inside the service's transaction, before applying the change."""
    record.refresh_from_db(from_queryset=type(record)._default_manager.select_for_update())
    advance(record, expected, what)
    return record
