"""`{% attachments record parts %}`: a record's gallery (and its parts', e.g. a hazard's evidence) with
the upload form, for every record page. `parts` is a list of (label, record)."""

from __future__ import annotations

from django import template
from django.conf import settings

from safeground.attachments import queries, registry

register = template.Library()


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
                "part": label or row.path,
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
        "messages_shown": context.get("messages"),
    }


@register.filter
def metres(value) -> str:
    """A distance as a reader takes it in: 640 m, 1.4 km."""
    if value is None:
        return "—"
    if value < 1000:
        return f"{value:,.0f} m"
    return f"{value / 1000:,.1f}".removesuffix(".0") + " km"
