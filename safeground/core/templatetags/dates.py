"""`{% load dates %}{{ accident.occurred_on|partial_date:accident.occurred_on_precision }}`."""

from django import template

from safeground.core.dates import shown

register = template.Library()


@register.filter
def partial_date(value, precision: str = "day") -> str:
    return shown(value, precision or "day")
