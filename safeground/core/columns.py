"""Checks over whole columns, shared by single and bulk writes: each returns the rows it refuses.

A single write is a bulk write of one row: the services run these on one-row columns and raise the
first problem; bulk services run them on every row and raise them all (`BulkValidationFailed`).
Messages are the single writes' messages, so a row fails the same way whichever path it takes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils import timezone

from safeground.core import bulk
from safeground.core.errors import BulkError, BulkValidationFailed
from safeground.core.models import Batch

#: Keys per IN (...) query: under SQLite's default variable limit.
CHUNK = 900


@dataclass
class Checked:
    """Rows that went through every check of a bulk service, with their derived columns (field name →
    values, ready for `core.bulk.insert`) and what goes elsewhere (`extra`: links, per-row lists)."""

    kind: str
    n: int
    data: dict[str, list] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def codes(self) -> list[str]:
        return self.data.get("code", [])


@dataclass
class BulkResult:
    batch: Batch
    codes: list[str]
    ids: list


def stamp(
    checked: Checked,
    kind: str,
    *,
    user=None,
    source: str = "",
    reason: str = "",
    new_ids: Callable[[int], list] = bulk.sequential_uuids,
) -> tuple[Batch, dict]:
    """Create the write's one `Batch` (decision 0015) and add what every row carries: id (the caller's,
    else `new_ids(n)`), timestamps, batch."""
    if checked.kind != kind:
        raise ValueError(f"a bulk write of {kind} got checked {checked.kind}")
    batch = Batch.objects.create(kind=kind, source=source[:300], reason=reason[:300], user=user, rows=checked.n)
    now = timezone.now()
    data = dict(checked.data)
    if "id" not in data:
        data["id"] = new_ids(checked.n)
    data.update(created_at=[now] * checked.n, updated_at=[now] * checked.n, batch=[batch.id] * checked.n)
    return batch, data


def column(rows: Mapping[str, Any], name: str, n: int, default: Any = None) -> list:
    """A column of `rows` as a list of n values: absent → `default` for every row; one scalar → repeated."""
    value = rows.get(name, default)
    if isinstance(value, (list, tuple)) or hasattr(value, "__array__"):
        values = list(value)
        if len(values) != n:
            raise ValueError(f"column {name!r} has {len(values)} values for {n} rows")
        return values
    return [value] * n


def row_count(rows: Mapping[str, Any], required: Sequence[str]) -> int:
    lengths = {len(rows[name]) for name in required if name in rows}
    if len(lengths) > 1:
        raise ValueError(f"columns of different lengths: {sorted(lengths)}")
    return lengths.pop() if lengths else 0


def choices(field: str, values: Sequence, allowed_choices) -> list[BulkError]:
    allowed = [c[0] for c in allowed_choices]
    known = set(allowed)
    return [
        BulkError(i + 1, field, str(v), f"{field} must be one of {', '.join(allowed)}; got {v!r}", "not a choice")
        for i, v in enumerate(values)
        if v not in known
    ]


def required(field: str, values: Sequence) -> list[BulkError]:
    return [
        BulkError(i + 1, field, "", f"{field} is required", "required") for i, v in enumerate(values) if v in (None, "")
    ]


def dates(field: str, values: Sequence, required: bool = True) -> list[BulkError]:
    out = []
    for i, v in enumerate(values):
        if v is None:
            if required:
                out.append(BulkError(i + 1, field, "", f"{field} is required", "required"))
        elif not isinstance(v, dt.date) or isinstance(v, dt.datetime):
            out.append(BulkError(i + 1, field, str(v), f"{field} must be a date (YYYY-MM-DD); got {v!r}", "not a date"))
    return out


def not_before(field: str, values: Sequence, earlier_field: str, earlier: Sequence) -> list[BulkError]:
    return [
        BulkError(
            i + 1,
            field,
            b.isoformat(),
            f"{field} {b.isoformat()} is before {earlier_field} {a.isoformat()}",
            "dates_reversed",
        )
        for i, (a, b) in enumerate(zip(earlier, values, strict=True))
        if isinstance(a, dt.date) and isinstance(b, dt.date) and b < a
    ]


def new_codes(model: type[Model], codes: Sequence[str | None], what: str) -> list[BulkError]:
    """Given codes must be unique in the input and new to the table (one set-based query)."""
    out = []
    seen: dict[str, int] = {}
    for i, c in enumerate(codes):
        if not c:
            continue
        if c in seen:
            out.append(BulkError(i + 1, "code", c, f"duplicate code (also on row {seen[c] + 1})", "duplicate"))
        else:
            seen[c] = i
    for c in sorted(bulk.existing_values(model, "code", list(seen))):
        out.append(BulkError(seen[c] + 1, "code", c, f"{what} with code {c!r} already exists", "exists"))
    return out


def dates_in_order(objs: Sequence, start: str, end: str, what: str) -> list[BulkError]:
    """Rows whose `end` date comes before their `start` date (either may be empty)."""
    problems = []
    for i, o in enumerate(objs):
        first, last = getattr(o, start), getattr(o, end)
        if first and last and last < first:
            message = f"{what} {o.code}: {end} {last.isoformat()} is before {start} {first.isoformat()}"
            problems.append(BulkError(i + 1, end, last.isoformat(), message, "dates_reversed"))
    return problems


def lookup(model: type[Model], key: str, values, *fields: str) -> dict:
    """{key value: field value (or tuple of them)} for the distinct non-empty `values` (one query per chunk)."""
    wanted = sorted({v for v in values if v not in (None, "")})
    out: dict = {}
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        for row in model._default_manager.filter(**{f"{key}__in": chunk}).values_list(key, *fields):
            out[row[0]] = row[1:] if len(fields) > 1 else row[1]
    return out


def refuse(problems: list[BulkError], single: bool = False) -> None:
    """Refuse the write when a row has a problem: a single write raises its first, a bulk write all of them."""
    if not problems:
        return
    problems = sorted(problems, key=lambda p: p.row)
    if single:
        raise problems[0].as_error()
    raise BulkValidationFailed(problems)


def instances(model: type[Model], objs: Sequence[Model], what: str, label: str = "code") -> list[BulkError]:
    """The single-write field checks on unsaved `objs` of `model`, set-based where they need the database.

    Each row: Django's field validation (choices, blank, lengths, numbers) without its per-row queries
    (foreign keys are checked below, set-based; unique fields are validated like the others, since
    `clean_fields` asks nothing of the table); unique fields unique in the input and new to the table;
    every foreign key set when required and pointing at an existing row (one query per key and
    chunk). Messages name the row's `label` value.
    """
    out: list[BulkError] = []
    fks = [f for f in model._meta.concrete_fields if f.is_relation]
    unique = [f for f in model._meta.concrete_fields if f.unique and not f.primary_key]
    skip = [f.name for f in fks]
    defaulted = [f for f in model._meta.concrete_fields if f.has_default()]
    for i, obj in enumerate(objs):
        name = f"{what} {getattr(obj, label, '') or i + 1}"
        # A field with a default may be left empty, as the single writes (objects.create) allow.
        empty = [f.name for f in defaulted if getattr(obj, f.attname) in f.empty_values]
        try:
            obj.clean_fields(exclude=skip + empty)
        except ValidationError as exc:
            for field_name, messages in sorted(exc.message_dict.items()):
                value = getattr(obj, field_name, "")
                out.append(
                    BulkError(i + 1, field_name, str(value), f"{name}: {field_name} {' '.join(messages)}", "invalid")
                )
        for f in fks:
            if getattr(obj, f.attname) is None and not f.null:
                out.append(BulkError(i + 1, f.name, "", f"{name}: {f.name} is required", "required"))
    for f in unique:
        values = [getattr(obj, f.attname) for obj in objs]
        seen: dict = {}
        for i, v in enumerate(values):
            if v in (None, ""):
                continue
            if v in seen:
                out.append(
                    BulkError(
                        i + 1, f.name, str(v), f"duplicate {f.name} {v!r} (also on row {seen[v] + 1})", "duplicate"
                    )
                )
            else:
                seen[v] = i
        for v in sorted(bulk.existing_values(model, f.attname, list(seen)), key=str):
            out.append(BulkError(seen[v] + 1, f.name, str(v), f"{what} with {f.name} {v!r} already exists", "exists"))
    for f in fks:
        target = f.related_model
        wanted = {getattr(obj, f.attname) for obj in objs} - {None}
        found = set(bulk.existing_values(target, f.target_field.attname, list(wanted))) if wanted else set()
        for i, obj in enumerate(objs):
            v = getattr(obj, f.attname)
            if v is not None and v not in found:
                name = f"{what} {getattr(obj, label, '') or i + 1}"
                out.append(BulkError(i + 1, f.name, str(v), f"{name}: no {target._meta.verbose_name} {v}", "unknown"))
    return out
