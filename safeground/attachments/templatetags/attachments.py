"""`{% attachments record parts %}`: a record's gallery (and its parts', e.g. a hazard's evidence) with
the upload form, for every record page. `parts` is a list of (label, record)."""

from __future__ import annotations

import re

from django import template
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from safeground.attachments import queries, registry

register = template.Library()


#: The part of a museum exhibit's photos that its public catalogue page shows (safeground/museum/public.py).
PUBLIC_PART = "public"
PARTS = {"devices": _("Device %(n)s"), "evidence": _("Evidence item %(n)s")}


def part_label(path: str) -> str:
    """A submission's photo's part as a reviewer reads it: "devices[1]" is "Device 2" (counted from 1)."""
    if path == PUBLIC_PART:
        return str(_("Public catalogue"))
    found = re.fullmatch(r"(\w+)\[(\d+)\]", path or "")
    if found and found[1] in PARTS:
        return str(PARTS[found[1]]) % {"n": int(found[2]) + 1}
    return path


def _to(record) -> str:
    return f"{record._meta.label_lower}:{record.pk}"


@register.inclusion_tag("attachments/_gallery.html", takes_context=True)
def attachments(context, record, parts=None):
    request = context["request"]
    user = request.user
    targets = [(label, t) for label, t in [("", record), *(parts or [])] if t is not None and registry.can_see(user, t)]
    by_key = {_to(t): (label, t) for label, t in targets}
    items, choices = [], []
    for row in queries.of_many([t for _label, t in targets]).select_related("uploaded_by", "content_type"):
        label, target = by_key[f"{row.content_type.app_label}.{row.content_type.model}:{row.object_id}"]
        items.append(
            {
                "attachment": row,
                "part": label or part_label(row.path),
                "far": row.is_far(),
                "can_remove": queries.can_remove(user, row, target),
            }
        )
    for label, target in targets:
        if queries.can_add(user, target):
            choices.append((_to(target), label))
    return {
        "items": items,
        "choices": choices,
        "next": request.get_full_path(),
        "far_m": settings.SAFEGROUND_ATTACHMENT_FAR_M,
        "max_mb": settings.SAFEGROUND_ATTACHMENT_MAX_BYTES / 1_000_000,
        "csrf_token": context.get("csrf_token"),
        # Only the gallery's own (upload, remove): the page shows its other messages where it shows them.
        "messages_shown": [m for m in context.get("messages") or [] if "gallery" in m.tags.split()],
    }


@register.filter
def metres(value) -> str:
    """A distance as a reader takes it in: 640 m, 1.4 km."""
    if value is None:
        return "—"
    if value < 1000:
        return f"{value:,.0f} m"
    return f"{value / 1000:,.1f}".removesuffix(".0") + " km"
