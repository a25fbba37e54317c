"""Attachment pages: the file and its thumbnail (only to those who may see the record: 404 otherwise,
as for a file that does not exist), and the gallery's upload and remove forms."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safeground.attachments import queries, registry, services
from safeground.attachments.models import Attachment
from safeground.core.access import page
from safeground.core.errors import ValidationFailed

NOT_FOUND = "No such attachment."

GALLERY = "gallery"  # the tag of the gallery's own messages: it shows them, the page's other notices do not


def file_response(attachment: Attachment, *, thumbnail: bool = False) -> FileResponse:
    """The stored file: pictures inline, documents as a download; never sniffed, never cached publicly."""
    field = attachment.thumbnail if thumbnail else attachment.file
    if not field:
        raise Http404(NOT_FOUND)
    try:
        handle = field.open("rb")
    except FileNotFoundError as exc:
        raise Http404(NOT_FOUND) from exc
    media_type = "image/jpeg" if thumbnail else attachment.media_type
    response = FileResponse(
        handle, content_type=media_type, as_attachment=not media_type.startswith("image/"), filename=attachment.name
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return response


@page()
def attachment_file(request: HttpRequest, attachment_id) -> HttpResponse:
    found = queries.visible(request.user, attachment_id)
    if found is None:
        raise Http404(NOT_FOUND)
    return file_response(found[0])


@page()
def attachment_thumbnail(request: HttpRequest, attachment_id) -> HttpResponse:
    found = queries.visible(request.user, attachment_id)
    if found is None:
        raise Http404(NOT_FOUND)
    return file_response(found[0], thumbnail=True)


def _back(request: HttpRequest) -> HttpResponse:
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False):
        target = "/"
    return redirect(target or "/")


def record_for(user, to: str):
    """The record a form names as "<app_label.model>:<pk>", when the user may see it (None otherwise)."""
    label, _sep, pk = (to or "").partition(":")
    model = next((m for m in registry.models() if m._meta.label_lower == label), None)
    if model is None or not pk:
        return None
    try:
        record = model._default_manager.filter(pk=pk).first()
    except (ValueError, TypeError, DjangoValidationError):  # a key of the wrong shape (not a UUID) names nothing
        return None
    return record if record is not None and registry.can_see(user, record) else None


@page("attachments.add_attachment")
@require_POST
def upload(request: HttpRequest) -> HttpResponse:
    """Attach the posted file to the record named by `to` (the gallery's form); back to the page."""
    record = record_for(request.user, request.POST.get("to", ""))
    if record is None:
        raise Http404(_("No such record."))
    if not queries.can_add(request.user, record):
        return HttpResponse(_("You may not add photos or documents to this record."), status=403)
    sent = request.FILES.get("file")
    try:
        if sent is None:
            raise ValidationFailed(_("file: choose a photo or a document to attach"), field="file", reason="required")
        attachment = services.attach(
            record,
            name=sent.name or "",
            content=sent.read(services.max_bytes() + 1),
            user=request.user,
            path=request.POST.get("path", ""),
            caption=request.POST.get("caption", ""),
        )
        messages.success(request, _("%(name)s attached.") % {"name": attachment.name}, extra_tags=GALLERY)
    except ValidationFailed as exc:
        messages.error(request, str(exc), extra_tags=GALLERY)
    return _back(request)


@page("attachments.add_attachment")
@require_POST
def remove(request: HttpRequest, attachment_id) -> HttpResponse:
    found = queries.visible(request.user, attachment_id)
    if found is None:
        raise Http404(NOT_FOUND)
    attachment, record = found
    if not queries.can_remove(request.user, attachment, record):
        return HttpResponse(_("You may not remove this attachment."), status=403)
    services.remove(attachment, user=request.user)
    messages.success(request, _("%(name)s removed.") % {"name": attachment.name}, extra_tags=GALLERY)
    return _back(request)
