"""Which models take attachments, and who may see them: each owning app registers its models in ready().

`can_see(user, record)` is the same rule as the record's page (an attachment is served only to those
who may see its record); `position(record)` is the record's geometry (GEOS) that a photo's EXIF
position is measured against; `can_change(user, record)` says who may attach and remove (by default:
those who may see it and hold the model's change permission).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model


@dataclass(frozen=True)
class Entry:
    model: type[Model]
    can_see: Callable[[Any, Any], bool]
    position: Callable[[Any], Any] | None
    can_change: Callable[[Any, Any], bool]


_ENTRIES: dict[type[Model], Entry] = {}


def _change_permission(model) -> Callable[[Any, Any], bool]:
    perm = f"{model._meta.app_label}.change_{model._meta.model_name}"
    return lambda user, record: bool(getattr(user, "is_authenticated", False)) and user.has_perm(perm)


def register(model, *, can_see, position=None, can_change=None) -> None:
    """Let `model`'s records carry attachments (idempotent: a second ready() replaces the entry)."""
    _ENTRIES[model] = Entry(model, can_see, position, can_change or _change_permission(model))


def entry(model_or_record) -> Entry | None:
    model = model_or_record if isinstance(model_or_record, type) else type(model_or_record)
    return _ENTRIES.get(model)


def models() -> list[type[Model]]:
    return list(_ENTRIES)


def can_see(user, record) -> bool:
    found = entry(record)
    return found is not None and bool(getattr(user, "is_authenticated", False)) and found.can_see(user, record)


def can_change(user, record) -> bool:
    found = entry(record)
    return found is not None and can_see(user, record) and found.can_change(user, record)


def position(record):
    """The record's geometry (GEOS, EPSG:4326) or None."""
    found = entry(record)
    return found.position(record) if found is not None and found.position is not None else None
