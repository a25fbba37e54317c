"""Programme profiles (`Programme`): the only way they are written, with every field checked.

Used by `safeground programme`, the API (`/api/v1/programmes`), the admin and the demo. A bad value
raises `ValidationFailed` naming the field, and nothing is written.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.db import transaction
from pyproj import CRS
from pyproj.exceptions import CRSError

from safeground.core import versions
from safeground.core.errors import ValidationFailed
from safeground.gazetteer.models import Programme
from safeground.gazetteer.signals import programme_changed

FIELDS = (
    "name",
    "admin_levels",
    "local_crs",
    "legacy_datums",
    "languages",
    "apmbc_party",
    "ccm_party",
    "article5_deadline",
    "map_bbox",
    "point_radius_area",
)
ISO3 = re.compile(r"^[A-Z]{3}$")
LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")  # BCP 47: "es", "ar", "pt-BR"


def _text(value: Any, field: str, max_length: int, required: bool = False) -> str:
    text = "" if value is None else str(value).strip()
    if required and not text:
        raise ValidationFailed(f"{field} is required", field=field, reason="required")
    if len(text) > max_length:
        raise ValidationFailed(f"{field} is longer than {max_length} characters", field=field, reason="too long")
    return text


#: Limits of a profile's lists: names per list and characters per name.
MOST_NAMES, LONGEST_NAME = 20, 100


def _names(value: Any, field: str, at_most: int = MOST_NAMES) -> list[str]:
    """A list of non-blank names of at most LONGEST_NAME characters, given as a list or as one
    comma-separated string."""
    if value is None:
        return []
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, (list, tuple)):
        raise ValidationFailed(f"{field} must be a list of names", field=field, reason="type")
    names = [str(v).strip() for v in items]
    if any(not n for n in names):
        raise ValidationFailed(f"{field}: a blank name in {value!r}", field=field, reason="blank")
    if len(names) > at_most:
        raise ValidationFailed(f"{field}: at most {at_most} names, got {len(names)}", field=field, reason="too many")
    long = next((n for n in names if len(n) > LONGEST_NAME), None)
    if long is not None:
        raise ValidationFailed(
            f"{field}: a name longer than {LONGEST_NAME} characters ({long[:20]}…)", field=field, reason="too long"
        )
    return names


def _crs(value: Any, field: str) -> str:
    text = _text(value, field, 40)
    if text:
        try:
            CRS.from_user_input(text)
        except CRSError as exc:
            raise ValidationFailed(f"{field}: {text!r} is not a coordinate reference system", field=field) from exc
    return text


def _bbox(value: Any) -> list[float] | None:
    if value is None or value == "":
        return None
    items = value.split(",") if isinstance(value, str) else value
    try:
        west, south, east, north = (float(v) for v in items)
    except (TypeError, ValueError) as exc:
        raise ValidationFailed(
            f"map_bbox must be four numbers west,south,east,north; got {value!r}", field="map_bbox", reason="format"
        ) from exc
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        raise ValidationFailed(
            f"map_bbox {west},{south},{east},{north} is not a lon/lat box (west < east, south < north)",
            field="map_bbox",
            reason="range",
        )
    return [west, south, east, north]


def _date(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError as exc:
        raise ValidationFailed(
            f"article5_deadline must be a date YYYY-MM-DD; got {value!r}", field="article5_deadline", reason="format"
        ) from exc


def check(values: dict) -> dict:
    """Checked values of the given fields (only those given); raises ValidationFailed naming the field."""
    unknown = set(values) - set(FIELDS)
    if unknown:
        name = sorted(unknown)[0]
        raise ValidationFailed(f"unknown field {name}", field=name, reason="unknown")
    out: dict[str, Any] = {}
    for name, value in values.items():
        if name == "name":
            out[name] = _text(value, name, 200, required=True)
        elif name == "admin_levels":
            out[name] = _names(value, name, at_most=3)
        elif name == "local_crs":
            out[name] = _crs(value, name)
        elif name == "legacy_datums":
            out[name] = [_crs(v, name) for v in _names(value, name)]
        elif name == "languages":
            out[name] = _names(value, name)
            bad = [code for code in out[name] if not LANGUAGE.match(code)]
            if bad:
                raise ValidationFailed(f"languages: {bad[0]!r} is not a language code (e.g. es, ar)", field=name)
        elif name in ("apmbc_party", "ccm_party", "point_radius_area"):
            if not isinstance(value, bool):
                raise ValidationFailed(f"{name} must be true or false; got {value!r}", field=name, reason="type")
            out[name] = value
        elif name == "article5_deadline":
            out[name] = _date(value)
        elif name == "map_bbox":
            out[name] = _bbox(value)
    return out


def iso3_of(value: Any) -> str:
    code = str(value or "").strip().upper()
    if not ISO3.match(code):
        raise ValidationFailed(f"iso3 must be three letters (ISO 3166-1 alpha-3); got {value!r}", field="iso3")
    return code


@transaction.atomic
def add_programme(iso3: str, **values: Any) -> Programme:
    """Create a programme's profile; refuses a second profile for the same country."""
    code = iso3_of(iso3)
    fields = check(values)
    if "name" not in fields:
        raise ValidationFailed("name is required", field="name", reason="required")
    if Programme.objects.filter(iso3=code).exists():
        raise ValidationFailed(f"a programme for {code} already exists", field="iso3", reason="duplicate")
    programme = Programme.objects.create(iso3=code, **fields)
    programme_changed.send(sender=Programme, programme=programme, fields=set(fields))
    return programme


@transaction.atomic
def edit_programme(iso3: str, expected_version: int | None = None, **values: Any) -> Programme:
    """Change the given fields of a programme's profile (others unchanged); the change is in its history.

    `expected_version`: the version the change was made to; a newer stored one refuses it (StaleVersion)."""
    programme = Programme.objects.select_for_update().filter(iso3=iso3_of(iso3)).first()
    if programme is None:
        raise ValidationFailed(f"no programme {iso3}", field="iso3", reason="not found")
    checked = check(values)
    changed = {name for name, value in checked.items() if getattr(programme, name) != value}
    for name, value in checked.items():
        setattr(programme, name, value)
    versions.advance(programme, expected_version, f"programme {programme.iso3}")
    programme.save()
    programme_changed.send(sender=Programme, programme=programme, fields=changed)
    return programme
