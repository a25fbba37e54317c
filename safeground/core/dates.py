"""Dates known only to the month or the year (old surveys, accident records): a precision, never an
invented 1 January. The date stored is the first day of the period; its precision says how much of it
is known, and what is shown or counted by month respects that."""

from __future__ import annotations

import datetime as dt
import re

from django.utils.translation import gettext_noop as N_

PRECISION_CHOICES = [("day", N_("Day")), ("month", N_("Month")), ("year", N_("Year"))]
PRECISIONS = tuple(p for p, _label in PRECISION_CHOICES)

_YEAR = re.compile(r"^\s*(\d{4})\s*$")
_MONTH = re.compile(r"^\s*(\d{4})[-/.](\d{1,2})\s*$|^\s*(\d{1,2})[-/.](\d{4})\s*$")


def parse_partial(text) -> tuple[dt.date, str] | None:
    """A year ("2019") or a month ("2019-06", "06/2019") as (first day, precision); None otherwise."""
    if isinstance(text, int | float) and not isinstance(text, bool) and float(text).is_integer():
        text = str(int(text))
    if not isinstance(text, str):
        return None
    found = _YEAR.match(text)
    if found:
        year = int(found.group(1))
        return (dt.date(year, 1, 1), "year") if 1 <= year <= 9999 else None
    found = _MONTH.match(text)
    if found:
        year, month = (found.group(1), found.group(2)) if found.group(1) else (found.group(4), found.group(3))
        if 1 <= int(month) <= 12:
            return dt.date(int(year), int(month), 1), "month"
    return None


def shown(value, precision: str = "day") -> str:
    """The date as far as it is known: 2019, 2019-06 or 2019-06-02."""
    if value in (None, ""):
        return ""
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return text[:4] if precision == "year" else text[:7] if precision == "month" else text[:10]
