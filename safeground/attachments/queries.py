"""Reads of attachments: a record's gallery, one attachment for a user who may see its record, and who
may add or remove them (the rules the pages and the API share)."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q, QuerySet

from safeground.attachments import registry
from safeground.attachments.models import Attachment


def of(record, path: str | None = None) -> QuerySet[Attachment]:
    """The record's attachments (not removed), oldest first; only those on `path` when given."""
    rows = Attachment.objects.filter(
        content_type=ContentType.objects.get_for_model(record), object_id=str(record.pk), removed_at__isnull=True
    )
    return rows if path is None else rows.filter(path=path)


def of_many(records: list) -> QuerySet[Attachment]:
    """The attachments of several records (a page's record and its parts) in one query, oldest first."""
    condition = Q(pk__in=[])
    for model in {type(r) for r in records}:
        ids = [str(r.pk) for r in records if type(r) is model]
        meta = model._meta  # the content type joined in the same query: no lookup of its own
        condition |= Q(content_type__app_label=meta.app_label, content_type__model=meta.model_name, object_id__in=ids)
    return Attachment.objects.filter(condition, removed_at__isnull=True)


def record_of(attachment: Attachment):
    """The record an attachment is on (None when it is gone)."""
    model = attachment.content_type.model_class()
    if model is None:
        return None
    return model._default_manager.filter(pk=attachment.object_id).first()


def visible(user, attachment_id) -> tuple[Attachment, object] | None:
    """The attachment and its record when `user` may see the record; None otherwise, exactly as when there
    is no such attachment (never reveal that it exists)."""
    try:
        row = (
            Attachment.objects.select_related("content_type").filter(pk=attachment_id, removed_at__isnull=True).first()
        )
    except (ValueError, TypeError, DjangoValidationError):  # not a UUID: names no attachment
        return None
    if row is None:
        return None
    record = record_of(row)
    if record is None or not registry.can_see(user, record):
        return None
    return row, record


def can_add(user, record) -> bool:
    """May attach: holds attachments.add_attachment and may change the record (or, for a workbench
    submission, is the one who may still change it)."""
    return user.has_perm("attachments.add_attachment") and registry.can_change(user, record)


def can_remove(user, attachment: Attachment, record) -> bool:
    """May remove: may change the record, and either removes their own upload or holds
    attachments.delete_attachment."""
    if not registry.can_change(user, record):
        return False
    return attachment.uploaded_by_id == user.pk or user.has_perm("attachments.delete_attachment")
