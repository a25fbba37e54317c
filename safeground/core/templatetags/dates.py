"""`{% load dates %}{{ accident.occurred_on|partial_date:accident.occurred_on_precision }}`."""

from django import template

from safeground.core.dates import shown

register = template.Library()


@register.filter
def partial_date(value, precision: str = "day") -> str:
    return shown(value, precision or "day")


@register.filter
def ltr(value) -> str:
    """Text that reads left to right (an ISO date, a code) kept whole inside a right-to-left sentence:
    Unicode's left-to-right isolate around it (in Arabic, 2026-12-05 would otherwise show as 05-12-2026)."""
    return f"\u2066{value}\u2069"
