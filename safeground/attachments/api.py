"""Attachments API (/api/v1/attachments): a record's photos and documents, upload (multipart), download.

A record is named by its model ("hazards.hazard") and its code (or primary key, for evidence). Whoever
may not see the record gets 404, as for a record that does not exist; uploading needs
attachments.add_attachment and the right to change the record (403 otherwise).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.urls import reverse
from ninja import File, Form, Router, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile

from safeground.attachments import queries, registry, services
from safeground.attachments.models import Attachment
from safeground.attachments.schemas import AttachmentOut
from safeground.attachments.views import file_response
from safeground.core.auth import needs
from safeground.core.errors import ValidationFailed
from safeground.core.schemas import ErrorOut

router = Router(tags=["attachments"])


def _record(user, kind: str, ref: str):
    model = next((m for m in registry.models() if m._meta.label_lower == kind), None)
    if model is None:
        raise Http404(f"no kind of record {kind!r} takes attachments")
    manager = model._default_manager
    try:
        record = manager.filter(code=ref).first() if hasattr(model, "code") else None
        record = record or manager.filter(pk=ref).first()
    except (ValueError, TypeError, DjangoValidationError):
        record = None
    if record is None or not registry.can_see(user, record):
        raise Http404(f"no {kind} {ref}")
    return record


def out(row: Attachment, record) -> dict:
    return {
        "id": str(row.pk),
        "kind": record._meta.label_lower,
        "record": str(getattr(record, "code", None) or record.pk),
        "path": row.path,
        "name": row.name,
        "media_type": row.media_type,
        "size": row.size,
        "sha256": row.sha256,
        "taken_at": row.taken_at,
        "position": [row.position.x, row.position.y] if row.position is not None else None,
        "distance_m": row.distance_m,
        "far": row.is_far(),
        "caption": row.caption,
        "source": row.source,
        "uploaded_by": row.uploaded_by.get_username() if row.uploaded_by else None,
        "created_at": row.created_at,
        "url": reverse("api-1:attachment_download", args=[row.pk]),
        "thumbnail_url": reverse("api-1:attachment_thumbnail", args=[row.pk]) if row.thumbnail else None,
    }


@router.get(
    "/records/{kind}/{ref}",
    response={200: list[AttachmentOut], 404: ErrorOut},
    summary="A record's photos and documents",
)
def list_attachments(request, kind: str, ref: str):
    record = _record(request.user, kind, ref)
    return [out(row, record) for row in queries.of(record).select_related("uploaded_by")]


@router.post(
    "/records/{kind}/{ref}",
    response={201: AttachmentOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    auth=needs("attachments.add_attachment"),
    summary="Attach a photo (JPEG, PNG, WebP) or a PDF document to a record",
)
def upload(
    request,
    kind: str,
    ref: str,
    file: UploadedFile | None = File(None),  # noqa: B008 (Ninja's declaration of a multipart file)
    caption: Form[str] = "",
    path: Form[str] = "",
):
    """Checked in this order: the record is visible (404), it may be changed (403), then the file (422)."""
    record = _record(request.user, kind, ref)
    if not queries.can_add(request.user, record):
        raise HttpError(403, f"{request.user.get_username()} may not add attachments to this {kind}")
    if file is None:
        raise ValidationFailed("file: send the photo or document as multipart field 'file'", "file", "required")
    row = services.attach(
        record,
        name=file.name or "",
        content=file.read(services.max_bytes() + 1),
        user=request.user,
        caption=caption,
        path=path,
    )
    return Status(201, out(row, record))


def _visible(request, attachment_id: str) -> Attachment:
    found = queries.visible(request.user, attachment_id)
    if found is None:
        raise Http404(f"no attachment {attachment_id}")
    return found[0]


@router.get(
    "/{attachment_id}",
    response={200: None, 404: ErrorOut},
    url_name="attachment_download",
    summary="Download an attachment (only if you may see its record)",
)
def download(request, attachment_id: str):
    return file_response(_visible(request, attachment_id))


@router.get(
    "/{attachment_id}/thumbnail",
    response={200: None, 404: ErrorOut},
    url_name="attachment_thumbnail",
    summary="A photo's thumbnail (JPEG)",
)
def thumbnail(request, attachment_id: str):
    return file_response(_visible(request, attachment_id), thumbnail=True)
