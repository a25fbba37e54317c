"""How this language writes numbers, for the pages' scripts (static/js/numbers.js): the same decimal and
thousand separators and grouping as Django's `number_format`, so that a figure reads the same on the map
as on the dashboard ("1793" in Khmer, "1 793" in Azerbaijani, "1,793" in English)."""

import json

from django.utils import formats


def number_spec() -> str:
    grouping = formats.get_format("NUMBER_GROUPING")
    return json.dumps(
        {
            "decimal": formats.get_format("DECIMAL_SEPARATOR"),
            "thousand": formats.get_format("THOUSAND_SEPARATOR"),
            "grouping": grouping[0] if isinstance(grouping, (list, tuple)) else grouping,
        }
    )


def context(request) -> dict:
    return {"number_spec": number_spec}
