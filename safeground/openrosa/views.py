"""The OpenRosa endpoints ODK Collect talks to (server URL: https://HOST/odk), and the "ODK devices"
page where a user makes and revokes device credentials.

/odk/formList, /odk/forms/<id>/<version>/form.xml, …/manifest, …/media/<file>, /odk/submission.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as _noop
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from safeground.core.access import page
from safeground.core.errors import ValidationFailed
from safeground.openrosa import forms, mapping, protocol, queries, services
from safeground.openrosa.auth import SUBMIT, odk_view
from safeground.openrosa.errors import Refused


def _absolute(request: HttpRequest, name: str, **kwargs) -> str:
    return request.build_absolute_uri(reverse(name, kwargs=kwargs))


@require_http_methods(["GET", "HEAD"])
@odk_view
def form_list(request: HttpRequest) -> HttpResponse:
    """The xforms list: every field form's current version; `?formID=` narrows it to one."""
    wanted = request.GET.get("formID")
    items = []
    for form in forms.published():
        if wanted and form.form_id != wanted:
            continue
        keys = {"form_id": form.form_id, "version": form.version}
        items.append(
            {
                "form_id": form.form_id,
                "name": form.name,
                "version": form.version,
                "md5": form.hash,
                "download_url": _absolute(request, "odk-form", **keys),
                "manifest_url": _absolute(request, "odk-manifest", **keys) if form.media_names else "",
            }
        )
    return protocol.form_list(items)


def _form(form_id: str, version: str) -> forms.OdkForm | None:
    asked, _current = forms.find(form_id, version)
    return asked


def _not_found(form_id: str, version: str) -> HttpResponse:
    return protocol.error(f"no form {form_id!r} version {version!r} on this server", 404)


@require_http_methods(["GET", "HEAD"])
@odk_view
def form_xml(request: HttpRequest, form_id: str, version: str) -> HttpResponse:
    form = _form(form_id, version)
    if form is None:
        return _not_found(form_id, version)
    return protocol.answer(form.xml)


@require_http_methods(["GET", "HEAD"])
@odk_view
def manifest(request: HttpRequest, form_id: str, version: str) -> HttpResponse:
    form = _form(form_id, version)
    if form is None:
        return _not_found(form_id, version)
    files = [
        {
            "filename": name,
            "md5": forms.md5(form.media(name) or b""),
            "download_url": _absolute(request, "odk-media", form_id=form_id, version=version, filename=name),
        }
        for name in sorted(form.media_names)
    ]
    return protocol.manifest(files)


@require_http_methods(["GET", "HEAD"])
@odk_view
def media(request: HttpRequest, form_id: str, version: str, filename: str) -> HttpResponse:
    form = _form(form_id, version)
    content = form.media(filename) if form is not None else None
    if content is None:
        return protocol.error(f"form {form_id!r} version {version!r} has no media file {filename!r}", 404)
    content_type = "text/csv; charset=utf-8" if filename.endswith(".csv") else "application/octet-stream"
    response = protocol.answer(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _files(request: HttpRequest) -> list[dict]:
    out = []
    for key in request.FILES:
        if key == "xml_submission_file":
            continue
        for upload in request.FILES.getlist(key):
            out.append({"name": upload.name, "content": upload.read(), "content_type": upload.content_type or ""})
    return out


@require_http_methods(["GET", "HEAD", "POST"])
@odk_view
def submission(request: HttpRequest) -> HttpResponse:
    """HEAD/GET: 204 with the post limit (Collect asks before sending). POST: one instance, multipart
    with `xml_submission_file` and its attachments; 201 received, 202 already received."""
    if request.method != "POST":
        response = protocol.answer(status=204)
        response["X-OpenRosa-Accept-Content-Length"] = str(protocol.accept_content_length())
        response["Location"] = _absolute(request, "odk-submission")
        return response
    length = int(request.META.get("CONTENT_LENGTH") or 0)
    if length > protocol.accept_content_length():
        return protocol.error(
            f"the post is {length:,} bytes; this server takes at most {protocol.accept_content_length():,} per post",
            413,
        )
    upload = request.FILES.get("xml_submission_file")
    if upload is None:
        return protocol.error("the post has no xml_submission_file part (the instance XML)", 400)
    incomplete = request.POST.get("*isIncomplete*", "").strip().lower() in ("yes", "true", "1")
    try:
        outcome = services.receive(
            upload.read(),
            _files(request),
            user=request.user,
            credential=request.odk_credential,
            incomplete=incomplete,
        )
    except Refused as exc:
        return protocol.error(str(exc), exc.status)
    return protocol.message(outcome.message, status=outcome.status)


def _credential_error(exc: ValidationFailed) -> str:
    return {
        "name": _("The name is too long: at most 100 characters."),
        "credential": _("That is not one of your active device credentials; nothing was revoked."),
    }.get(exc.field or "", str(exc))


@never_cache  # the new secret is in the page once; no cache may keep it
@page(SUBMIT)
def credentials(request: HttpRequest) -> HttpResponse:
    """A user's own device credentials (an administrator sees everyone's), a new one shown once."""
    error, secret, created = "", "", None
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "create":
                created, secret = services.issue_credential(request.user, request.POST.get("name", ""))
            elif action == "revoke":
                row = services.revoke_credential(request.POST.get("credential", ""), by=request.user)
                messages.success(request, _("Device credential %(login)s revoked.") % {"login": row.login})
                return redirect("odk-credentials")
            else:
                error = _("Unknown action.")
        except ValidationFailed as exc:
            error = _credential_error(exc)
    context = {
        "rows": queries.credentials_for(request.user),
        "sees_all": queries.sees_all(request.user),
        "server_url": request.build_absolute_uri("/odk"),
        "secret": secret,
        "created": created,
        "error": error,
    }
    return render(request, "openrosa/credentials.html", context, status=422 if error else 200)


MAX_UPLOAD = 64 * 1024 * 1024
#: The forms offered on the import page, by their titles in the field forms.
FORM_TITLES = {
    "nts": _noop("Non-technical survey"),
    "ts": _noop("Technical survey"),
    "completion": _noop("Completion report"),
    "progress": _noop("Progress report"),
    "eod": _noop("EOD spot task"),
    "eore": _noop("EORE session"),
    "accident": _noop("Accident report"),
    "qa_visit": _noop("QA visit"),
}


@page(SUBMIT)
def central_import(request: HttpRequest) -> HttpResponse:
    """Upload ODK Central's export (ZIP or CSV) of one field form: each row becomes a workbench
    submission as the signed-in account; the rows refused are listed with their row number and reason."""
    error, report, status = "", None, 200
    chosen = request.POST.get("form", "")
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise Refused(_("Choose the ZIP or CSV file Central exported."), 400, "file")
            if upload.size > MAX_UPLOAD:
                raise Refused(_("The file is larger than 64 MB."), 413, "file")
            report = services.import_central(upload.read(), upload.name, form_id=chosen, user=request.user)
        except Refused as exc:
            error, status = _("Not imported: %(error)s") % {"error": exc}, 422
    forms_offered = [(key, _(label)) for key, label in FORM_TITLES.items() if key in mapping.KINDS]
    context = {"forms": forms_offered, "chosen": chosen, "report": report, "error": error}
    return render(request, "openrosa/central_import.html", context, status=status)
