"""Input contracts shared by every API schema and write service (docs/api.md, "Input contracts").

Each bad value is refused with a 422 naming the field, never stored or silently changed:
- text has a maximum length (a model field's `max_length`; free text `TEXT_MAX` characters);
- numbers are finite (no NaN or ±Infinity);
- codes use a safe alphabet (letters, digits, `-`, `_`, `.`), so every code can sit in a URL;
- dates lie between `FIRST_DATE` and a horizon: today for what happened, today + 1 year for plans,
  `LAST_DATE` for deadlines and validity periods;
- paging: `limit` 1..`MAX_LIMIT`, `offset` 0..`MAX_OFFSET`; years `FIRST_YEAR`..`LAST_YEAR`.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Annotated
from urllib.parse import quote, unquote

from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import AfterValidator, ConfigDict, Field

from safeground.core.errors import ValidationFailed

FIRST_DATE = dt.date(1900, 1, 1)
PLANNING_DAYS = 366  # planned dates (an end date, a deadline) may lie up to a year ahead
TEXT_MAX = 10_000  # free text (notes, descriptions, remarks)
NAME_MAX = 200  # names and short labels without a model max_length of their own
CODE_MAX = 40  # codes given in a request (core.models: a record code is at most 40 characters)
REF_MAX = 64  # a code or acronym a request refers to (looked up, never stored)
MAX_LIMIT = 10_000
MAX_OFFSET = 10_000_000
FIRST_YEAR, LAST_YEAR = 1900, 2200
LAST_DATE = dt.date(LAST_YEAR, 12, 31)  # deadlines and validity periods (a treaty deadline may be years ahead)
CHOICE_MAX = 40  # a choice's key (status, class, method...): the service checks the value itself

CODE_ALPHABET = "letters, digits, '-', '_' and '.'"
CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
CODE_PATTERN = CODE_RE.pattern


def safe_code(value: str | None) -> bool:
    """Whether a code can sit in a URL path (pages link only such codes; see core.templatetags)."""
    return bool(value) and CODE_RE.match(value) is not None and ".." not in value


def last_date(planned: bool = False) -> dt.date:
    """The latest acceptable date: today for events that happened, a year ahead for planned ones."""
    today = dt.date.today()
    return today + dt.timedelta(days=PLANNING_DAYS) if planned else today


# --- checks the services call (bulk rows, imports, workbench, pages) -------------------------------


def check_code(value: str | None, field: str = "code") -> str | None:
    """`value` if it is a safe code (or empty); a ValidationFailed naming `field` otherwise."""
    if value in (None, ""):
        return value
    if len(value) > CODE_MAX or not safe_code(value):
        raise ValidationFailed(
            f"{field} {value[:80]!r} must be 1 to {CODE_MAX} characters of {CODE_ALPHABET}, "
            "starting with a letter or digit",
            field=field,
            reason="bad code",
        )
    return value


def check_choice(field: str, value, choices, reason: str = ""):
    """`value` if it is one of `choices` (Django's (value, label) pairs, or plain values); a
    ValidationFailed naming `field` and the allowed values otherwise."""
    allowed = [c[0] if isinstance(c, list | tuple) else c for c in choices]
    if value not in allowed:
        raise ValidationFailed(
            _("%(field)s must be one of %(choices)s; got %(value)s")
            % {"field": field, "choices": ", ".join(allowed), "value": repr(value)},
            field=field,
            reason=reason,
        )
    return value


def check_text(field: str, value, max_length: int = TEXT_MAX, required: bool = False) -> str:
    """`value` as stripped text ("" for None); refused when required and empty, or longer than
    `max_length` characters."""
    text = "" if value is None else str(value).strip()
    if required and not text:
        raise ValidationFailed(_("%(field)s is required") % {"field": field}, field=field, reason="required")
    if len(text) > max_length:
        raise ValidationFailed(
            _("%(field)s is longer than %(n)s characters") % {"field": field, "n": max_length},
            field=field,
            reason="too_long",
        )
    return text


def check_finite(value, field: str):
    """`value` if it is a finite number (or None); NaN and ±Infinity are refused."""
    if isinstance(value, float) and not math.isfinite(value):
        raise ValidationFailed(f"{field} must be a finite number, not {value}", field=field, reason="not finite")
    return value


def check_date(value: dt.date | None, field: str, planned: bool = False) -> dt.date | None:
    """`value` if it lies between FIRST_DATE and the horizon (see `last_date`)."""
    if value is None:
        return value
    last = last_date(planned)
    if not FIRST_DATE <= value <= last:
        raise ValidationFailed(
            f"{field} {value.isoformat()} is out of range ({FIRST_DATE.isoformat()} to {last.isoformat()})",
            field=field,
            reason="date out of range",
        )
    return value


# --- schema types ----------------------------------------------------------------------------------


def _code(value: str) -> str:
    if not safe_code(value):
        raise ValueError(f"must use only {CODE_ALPHABET}, starting with a letter or digit")
    return value


def _past(value: dt.date) -> dt.date:
    if not FIRST_DATE <= value <= last_date():
        raise ValueError(f"must lie between {FIRST_DATE.isoformat()} and today ({last_date().isoformat()})")
    return value


def _planned(value: dt.date) -> dt.date:
    if not FIRST_DATE <= value <= last_date(planned=True):
        raise ValueError(f"must lie between {FIRST_DATE.isoformat()} and {last_date(planned=True).isoformat()}")
    return value


def Text(max_length: int = TEXT_MAX):  # noqa: N802 - a type factory, used like a type
    """A string of at most `max_length` characters (a model field's max_length, or the free-text cap)."""
    return Annotated[str, Field(max_length=max_length)]


def _any(value: dt.date) -> dt.date:
    if not FIRST_DATE <= value <= LAST_DATE:
        raise ValueError(f"must lie between {FIRST_DATE.isoformat()} and {LAST_DATE.isoformat()}")
    return value


Code = Annotated[str, Field(min_length=1, max_length=CODE_MAX, pattern=CODE_PATTERN), AfterValidator(_code)]
Ref = Annotated[str, Field(min_length=1, max_length=REF_MAX)]  # a record referred to by its code or acronym
Name = Annotated[str, Field(max_length=NAME_MAX)]
Choice = Annotated[str, Field(max_length=CHOICE_MAX)]
Country = Annotated[str, Field(max_length=3)]
Note = Annotated[str, Field(max_length=TEXT_MAX)]
Finite = Annotated[float, Field(allow_inf_nan=False)]
PastDate = Annotated[dt.date, AfterValidator(_past)]
PlannedDate = Annotated[dt.date, AfterValidator(_planned)]
AnyDate = Annotated[dt.date, AfterValidator(_any)]
Limit = Annotated[int, Field(ge=1, le=MAX_LIMIT)]
Offset = Annotated[int, Field(ge=0, le=MAX_OFFSET)]
Year = Annotated[int, Field(ge=FIRST_YEAR, le=LAST_YEAR)]


class PatchIn(Schema):
    """Base of every PATCH body: an unknown field is refused (422), never silently ignored."""

    model_config = ConfigDict(extra="forbid")


class StrictIn(Schema):
    """Base of request bodies that refuse unknown fields."""

    model_config = ConfigDict(extra="forbid")


class CodeConverter:
    """URL converter `<code:...>` for record pages: any stored code reverses to a working link.

    Codes written before the alphabet rule may hold `/` or other characters Django's `str` converter
    can't carry (NoReverseMatch: a 500 for every reader of a list that shows the record). The code is
    percent-encoded in the URL and decoded on the way in."""

    regex = "[^/]+"

    def to_python(self, value: str) -> str:
        return unquote(value)

    def to_url(self, value: str) -> str:
        return quote(str(value), safe="")
