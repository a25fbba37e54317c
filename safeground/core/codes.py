"""Human codes: `<prefix>-<KIND>-<000123>`, unique per programme, sequential per prefix."""

import re

from django.db.models import Model


def next_code(model: type[Model], prefix: str, kind: str, width: int = 6) -> str:
    """The next free code for `prefix` and `kind` (e.g. KH02-HAZ-000124)."""
    stem = f"{prefix}-{kind}-"
    pattern = re.compile(re.escape(stem) + r"(\d+)$")
    last = model.objects.filter(code__startswith=stem).order_by("-code").values_list("code", flat=True).first()
    number = int(pattern.match(last).group(1)) + 1 if last and pattern.match(last) else 1
    return f"{stem}{number:0{width}d}"
